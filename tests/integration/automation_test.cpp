// The care flows over real HTTP with a real SMTP server: tests/scripts/smtp_server.py (aiosmtpd)
// records what it accepts and `ecrm serve --smtp-url` delivers to it, one of each per test.
// Customers are created through the API; their loyalty tiers are written into customer_scores
// as the analytics recomputation would. A run for a day (POST /api/v1/automation/run, or
// `ecrm automation run`) must mail exactly the very loyal customers celebrating that day a card
// and the loyal ones a recommendations mail, nobody else, and nothing twice; 29 February falls
// on 28 February in other years; the care policy and the flows' switches steer it.
#include <boost/json.hpp>

#include <chrono>
#include <cstdint>
#include <ctime>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/crypto.hpp"
#include "crm_support.hpp"
#include "server_database.hpp"
#include "smtp_support.hpp"
#include "storage/database.hpp"

namespace ecrm::testing {
namespace {

namespace json = boost::json;

constexpr const char* kMailFrom = "Care Shop <care@shop.test>";
constexpr const char* kPublicUrl = "https://care.shop.test";

std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string str(const json::value& v) { return v.is_string() ? std::string(v.as_string()) : ""; }

// One mail as the SMTP server received it, for one envelope recipient.
struct Delivered {
  std::string to;    // the envelope recipient
  std::string flow;  // X-Ecrm-Flow
  Mail mail;
};

// A fresh SMTP server, and a fresh `ecrm serve` (own database) delivering to it, for each test.
class Automation : public CrmApi {
 protected:
  // The servers are the test's, not the suite's.
  static void SetUpTestSuite() {}
  static void TearDownTestSuite() {}

  // More `ecrm serve` options for a fixture of its own.
  virtual std::vector<std::string> extra_options() { return {}; }

  void SetUp() override {
    smtp_ = std::make_unique<SmtpServer>();
    std::vector<std::string> options{
        "--mail-from", kMailFrom, "--smtp-url", smtp_->url(), "--smtp-retry-after", "0.2",
        "--smtp-connections", "2", "--public-url", kPublicUrl, "--time-zone", "UTC",
        "--cart-abandon-after", "1", "--automation-every", "0.2", "--webhook-retry-after", "0.3"};
    for (auto& o : extra_options()) options.push_back(std::move(o));
    server_ = new ServerProcess(
        options,
        {{"ECRM_ADMIN_EMAIL", kAdminEmail}, {"ECRM_ADMIN_PASSWORD", kAdminPassword}});
    CrmApi::SetUp();
    wait_for_first_model();
    wait_for_daily_run();
  }

  void TearDown() override {
    database_.close();
    client_.reset();
    delete server_;
    server_ = nullptr;
    smtp_.reset();
  }

  // The server recomputes the scores once at start-up (no model exists yet) and removes the
  // scores older than that run; tiers are written after it, against its model.
  void wait_for_first_model() {
    json::object state;
    const bool done = eventually(
        [&] {
          auto r = get("/api/v1/analytics/recompute");
          if (r.status != 200) return false;
          state = r.json().as_object();
          return state.at("state").as_string() == "idle" && !state.at("finished_at").is_null();
        },
        120);
    ASSERT_TRUE(done) << json::serialize(state) << "\n" << server_->log();
    model_id_ = state.at("model_id").is_int64() ? state.at("model_id").as_int64() : 0;
  }

  // The server runs today's flows by itself when it starts (an empty shop: nothing to send) and
  // then not before the next day; the days given to the runs here are others than today, or
  // the customers celebrating them are created after that first run.
  void wait_for_daily_run() {
    std::int64_t runs = 0;
    const bool done = eventually([&] {
      auto n = connection().query_int("SELECT count(*) FROM automation_runs WHERE day = $1",
                                      {today_utc()});
      runs = n.ok() ? n->value_or(0) : -1;
      return runs == 1;
    });
    ASSERT_TRUE(done) << runs << "\n" << server_->log();
  }

  static std::string today_utc() {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char day[16];
    std::strftime(day, sizeof day, "%Y-%m-%d", &tm);
    return day;
  }

  storage::Connection& connection() { return database_.connection(*server_); }

  // Gives `customer` a loyalty tier as the recomputation would (its row of customer_scores,
  // replacing any).
  void set_tier(std::int64_t customer, const std::string& tier) {
    const std::string segment = tier == "very_loyal" ? "champions"
                                : tier == "loyal"    ? "loyal"
                                                     : "hibernating";
    const std::int64_t now = wall_ms();
    auto removed =
        connection().execute("DELETE FROM customer_scores WHERE customer_id = $1", {customer});
    ASSERT_TRUE(removed.ok()) << removed.error().message;
    auto written = connection().execute(
        "INSERT INTO customer_scores (customer_id, model_id, recency_days, frequency, monetary, "
        "r_score, f_score, m_score, segment, tier, p_alive, expected_orders_90d, "
        "expected_avg_value, clv, first_order_at, last_order_at, computed_at, source) "
        "VALUES ($1, $2, 12, 6, 480000, 5, 5, 5, $3, $4, 0.93, 1.4, 8000, 36000, $5, $6, $7, "
        "'recompute')",
        {customer, model_id_, segment, tier, now - 400LL * 86'400'000, now - 12LL * 86'400'000,
         now});
    ASSERT_TRUE(written.ok()) << written.error().message;
    ASSERT_EQ(*written, 1);
  }

  // A customer through the API: `birthday` and `email` when not empty, e-mail consent granted at
  // sign-up unless `extra` says otherwise, and whatever else `extra` holds.
  std::int64_t customer(const std::string& name, const std::string& email,
                        const std::string& birthday, json::object extra = {}) {
    json::object body{{"name", name}};
    if (!email.empty()) body["email"] = email;
    if (!birthday.empty()) body["birthday"] = birthday;
    if (!extra.contains("consent")) {
      body["consent"] = json::object{{"email", json::object{{"granted", true}, {"how", "signup"}}}};
    }
    for (const auto& field : extra) body[field.key()] = field.value();
    return create("/api/v1/customers", body);
  }

  // A consenting customer with a tier (none when `tier` is empty).
  std::int64_t member(const std::string& name, const std::string& email,
                      const std::string& birthday, const std::string& tier,
                      json::object extra = {}) {
    const std::int64_t id = customer(name, email, birthday, std::move(extra));
    if (id != 0 && !tier.empty()) set_tier(id, tier);
    return id;
  }

  json::object customer_json(std::int64_t id) {
    auto r = get(id_path("/api/v1/customers", id));
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? r.json().as_object() : json::object{};
  }

  // POST /api/v1/automation/run for `date`; expects 200 and returns the summary.
  json::object run(const std::string& date) {
    auto r = post("/api/v1/automation/run", json::object{{"date", date}});
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200) return json::object{};
    return r.json().as_object();
  }

  static std::map<std::string, std::int64_t> by_flow(const json::object& summary) {
    std::map<std::string, std::int64_t> out;
    if (!summary.contains("by_flow")) return out;
    for (const auto& [key, n] : summary.at("by_flow").as_object()) {
      out[std::string(key)] = n.as_int64();
    }
    return out;
  }

  // The summary is for `date` and counts `expected` messages per flow (enrolled and queued).
  static void expect_summary(const json::object& summary, const std::string& date,
                             const std::map<std::string, std::int64_t>& expected) {
    std::int64_t total = 0;
    for (const auto& [flow, n] : expected) total += n;
    ASSERT_FALSE(summary.empty());
    EXPECT_EQ(str(summary.at("date")), date) << json::serialize(summary);
    EXPECT_EQ(summary.at("enrolled").as_int64(), total) << json::serialize(summary);
    EXPECT_EQ(summary.at("queued").as_int64(), total) << json::serialize(summary);
    EXPECT_EQ(by_flow(summary), expected) << json::serialize(summary);
  }

  json::object stats() {
    auto r = get("/api/v1/messages/stats");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? r.json().as_object() : json::object{};
  }

  // Waits until the outbox has drained: nothing sending, and nothing queued but `held` messages
  // the frequency cap holds back (a customer's second marketing mail of the day). Returns the
  // stats then.
  json::object drained(std::int64_t held = 0) {
    json::object s;
    json::array queued;
    const bool done = eventually(
        [&] {
          s = stats();
          if (s.empty() || s.at("sending").as_int64() != 0 || s.at("queued").as_int64() != held) {
            return false;
          }
          if (held == 0) return true;
          queued = all_pages("/api/v1/messages?status=queued&limit=100");
          if (static_cast<std::int64_t>(queued.size()) != held) return false;
          for (const auto& m : queued) {
            if (!str(m.at("reason")).starts_with("frequency cap")) return false;
          }
          return true;
        },
        120);
    EXPECT_TRUE(done) << "the outbox did not drain: " << json::serialize(s) << "\n"
                      << json::serialize(queued) << "\n"
                      << server_->log() << smtp_->log();
    EXPECT_EQ(s.at("failed").as_int64(), 0) << json::serialize(s);
    return s;
  }

  // Everything the SMTP server accepted, one entry per envelope recipient.
  std::vector<Delivered> delivered() {
    std::vector<Delivered> out;
    for (const auto& record : smtp_->received()) {
      Mail mail = parse_mail(str(record.at("data")));
      const std::string flow = mail.header("x-ecrm-flow");
      for (const auto& rcpt : record.at("rcpt_tos").as_array()) {
        out.push_back({str(rcpt), flow, mail});
      }
    }
    return out;
  }

  // Recipient -> flow of everything received; fails on a recipient who got more than one mail.
  std::map<std::string, std::string> received_flows() {
    std::map<std::string, std::string> out;
    for (const auto& d : delivered()) {
      EXPECT_FALSE(out.contains(d.to))
          << d.to << " received more than one mail (" << out[d.to] << ", " << d.flow << ")";
      out[d.to] = d.flow;
    }
    return out;
  }

  // The mail `address` received (fails unless exactly one).
  Mail mail_to(const std::string& address) {
    std::vector<Mail> got;
    for (auto& d : delivered()) {
      if (d.to == address) got.push_back(std::move(d.mail));
    }
    EXPECT_EQ(got.size(), 1u) << address;
    return got.empty() ? Mail{} : got.front();
  }

  // The outbox's messages for `customer`, newest first.
  json::array messages_of(std::int64_t customer) {
    return all_pages("/api/v1/messages?limit=100&customer=" + std::to_string(customer));
  }

  // The occurrences `customer` was enrolled in `flow` for, as stored.
  std::set<std::string> occurrences(const std::string& flow, std::int64_t customer) {
    std::set<std::string> out;
    auto read = connection().query(
        "SELECT occurrence FROM flow_enrolments WHERE flow_key = $1 AND customer_id = $2",
        {flow, customer},
        [&](const storage::RowView& row) { out.insert(std::string(row.get_text(0))); });
    EXPECT_TRUE(read.ok()) << read.error().message;
    return out;
  }

  json::object policy() {
    auto r = get("/api/v1/automation/policy");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? r.json().as_object() : json::object{};
  }

  // tier -> {card, recommendations} of a policy body.
  static std::map<std::string, std::pair<bool, bool>> table(const json::object& policy) {
    std::map<std::string, std::pair<bool, bool>> out;
    if (!policy.contains("tiers")) return out;
    for (const auto& row : policy.at("tiers").as_array()) {
      out[str(row.at("tier"))] = {row.at("card").as_bool(), row.at("recommendations").as_bool()};
    }
    return out;
  }

  std::map<std::string, bool> flows_enabled() {
    std::map<std::string, bool> out;
    auto r = get("/api/v1/automation/flows");
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200) return out;
    const json::value body = r.json();
    for (const auto& f : body.at("items").as_array()) {
      out[str(f.at("key"))] = f.at("enabled").as_bool();
    }
    return out;
  }

  HttpResult set_flow(const std::string& key, const json::value& body) {
    return patch("/api/v1/automation/flows/" + key, body);
  }

  std::unique_ptr<SmtpServer> smtp_;
  ServerDatabase database_;
  std::int64_t model_id_ = 0;
};

TEST_F(Automation, BirthdayRunMailsCardsToTheVeryLoyalRecommendationsToTheLoyalAndNobodyElse) {
  // Celebrating on 3 December, with consent and a tier: these four, and only these, get mail.
  const std::int64_t vera = member("Vera Stone", "vera@care.test", "1990-12-03", "very_loyal");
  const std::int64_t fang =
      member("王芳", "wang.fang@care.test", "1968-12-03", "very_loyal", {{"language", "zh-CN"}});
  const std::int64_t lena = member("Lena Park", "lena@care.test", "1990-12-03", "loyal");
  const std::int64_t liam = member("Liam Ortiz", "liam@care.test", "2001-12-03", "loyal");

  // Everyone else gets nothing.
  member("Otto Seldom", "otto@care.test", "1990-12-03", "occasional");
  member("Nils Unasked", "nils@care.test", "1990-12-03", "very_loyal",
         {{"consent", json::object{}}});
  member(
      "Rosa Refused", "rosa@care.test", "1990-12-03", "very_loyal",
      {{"consent", json::object{{"email", json::object{{"granted", false}, {"how", "signup"}}}}}});
  member("Tomas Tomorrow", "tomas@care.test", "1990-12-04", "very_loyal");
  member("Mara Swapped", "mara@care.test", "1990-03-12", "very_loyal");
  member("Nina Unscored", "nina@care.test", "1990-12-03", "");
  member("Paul Postal", "", "1990-12-03", "very_loyal");
  const std::int64_t erased = member("Erik Erased", "erik@care.test", "1990-12-03", "very_loyal");
  auto erasure = post(id_path("/api/v1/customers", erased) + "/erase", json::object{});
  ASSERT_EQ(erasure.status, 200) << erasure.body;
  const std::int64_t survivor = member("Sam Survivor", "sam@care.test", "1979-07-15", "very_loyal");
  const std::int64_t merged =
      member("Sam Survivor", "sam.old@care.test", "1990-12-03", "very_loyal");
  auto merge =
      post(id_path("/api/v1/customers", survivor) + "/merge", json::object{{"other_id", merged}});
  ASSERT_EQ(merge.status, 200) << merge.body;
  ASSERT_EQ(customer_json(survivor).at("birthday"), json::value("1979-07-15"));

  const auto summary = run("2026-12-03");
  expect_summary(summary, "2026-12-03", {{"birthday_card", 2}, {"birthday_recommendations", 2}});
  const auto after = drained();
  EXPECT_EQ(after.at("sent").as_int64(), 4) << json::serialize(after);
  EXPECT_EQ(after.at("suppressed").as_int64(), 0) << json::serialize(after);

  const std::map<std::string, std::string> expected{{"vera@care.test", "birthday_card"},
                                                    {"wang.fang@care.test", "birthday_card"},
                                                    {"lena@care.test", "birthday_recommendations"},
                                                    {"liam@care.test", "birthday_recommendations"}};
  EXPECT_EQ(received_flows(), expected);

  // Each mail is the flow's template, personal, marketing (with its one-click unsubscribe).
  const Mail card = mail_to("vera@care.test");
  EXPECT_EQ(decode_rfc2047(card.header("subject")), "Happy birthday, Vera!");
  EXPECT_NE(card.part("text/plain").find("Happy birthday, Vera!"), std::string::npos)
      << card.part("text/plain");
  EXPECT_NE(card.part("text/html").find("<h1>Happy birthday, Vera!</h1>"), std::string::npos)
      << card.part("text/html");
  EXPECT_EQ(card.header("list-unsubscribe-post"), "List-Unsubscribe=One-Click");
  EXPECT_TRUE(card.header("list-unsubscribe").starts_with(std::string("<") + kPublicUrl + "/u/"))
      << card.header("list-unsubscribe");
  EXPECT_EQ(decode_rfc2047(mail_to("wang.fang@care.test").header("subject")), "王芳，生日快乐！");
  const Mail picks = mail_to("lena@care.test");
  EXPECT_EQ(decode_rfc2047(picks.header("subject")), "Lena, picked for your birthday");
  EXPECT_EQ(picks.header("list-unsubscribe-post"), "List-Unsubscribe=One-Click");

  // The outbox: one message per recipient, from its flow's template, sent.
  const std::map<std::int64_t, std::string> outbox_expected{{vera, "birthday_card"},
                                                            {fang, "birthday_card"},
                                                            {lena, "birthday_recommendations"},
                                                            {liam, "birthday_recommendations"}};
  std::map<std::int64_t, std::string> outbox;
  for (const char* flow : {"birthday_card", "birthday_recommendations"}) {
    for (const auto& m : all_pages(std::string("/api/v1/messages?limit=100&source=") + flow)) {
      EXPECT_EQ(str(m.at("template_key")), flow) << json::serialize(m);
      EXPECT_EQ(str(m.at("status")), "sent") << json::serialize(m);
      EXPECT_EQ(str(m.at("kind")), "marketing") << json::serialize(m);
      EXPECT_FALSE(outbox.contains(m.at("customer_id").as_int64())) << json::serialize(m);
      outbox[m.at("customer_id").as_int64()] = flow;
    }
  }
  EXPECT_EQ(outbox, outbox_expected);
  EXPECT_EQ(all_pages("/api/v1/messages?limit=100").size(), 4u);
  for (std::int64_t id : {vera, fang, lena, liam}) {
    EXPECT_EQ(occurrences(outbox_expected.at(id), id), std::set<std::string>{"2026"}) << id;
  }
}

TEST_F(Automation, RerunningADayQueuesNothingAndNothingMoreArrives) {
  member("Vera Again", "vera.again@care.test", "1990-12-03", "very_loyal");
  member("Lou Again", "lou.again@care.test", "1984-12-03", "loyal");
  expect_summary(run("2026-12-03"), "2026-12-03",
                 {{"birthday_card", 1}, {"birthday_recommendations", 1}});
  drained();
  const std::size_t received = smtp_->received().size();
  ASSERT_EQ(received, 2u);

  // The same day again, one after another and then from four callers at once.
  expect_summary(run("2026-12-03"), "2026-12-03", {});
  std::vector<std::unique_ptr<HttpClient>> callers;
  for (int i = 0; i < 4; ++i) callers.push_back(signed_in(kAdminEmail, kAdminPassword));
  std::vector<HttpResult> answers(callers.size());
  {
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < callers.size(); ++i) {
      threads.emplace_back([&, i] {
        answers[i] = callers[i]->send_json("POST", "/api/v1/automation/run",
                                           json::object{{"date", "2026-12-03"}});
      });
    }
    for (auto& t : threads) t.join();
  }
  for (const auto& answer : answers) {
    ASSERT_EQ(answer.status, 200) << answer.body;
    expect_summary(answer.json().as_object(), "2026-12-03", {});
  }
  EXPECT_EQ(all_pages("/api/v1/messages?limit=100").size(), 2u) << "a rerun queued a message";

  // A later day's mail is a barrier: once it has arrived, nothing else came with it.
  member("Mark Later", "mark.later@care.test", "1990-12-10", "very_loyal");
  expect_summary(run("2026-12-10"), "2026-12-10", {{"birthday_card", 1}});
  const auto after = drained();
  EXPECT_EQ(after.at("sent").as_int64(), 3) << json::serialize(after);
  EXPECT_EQ(smtp_->received().size(), received + 1);
  const std::map<std::string, std::string> expected{
      {"vera.again@care.test", "birthday_card"},
      {"lou.again@care.test", "birthday_recommendations"},
      {"mark.later@care.test", "birthday_card"}};
  EXPECT_EQ(received_flows(), expected);
}

TEST_F(Automation, TwentyNinthOfFebruaryFallsOnTheTwentyEighthOutsideLeapYears) {
  const std::int64_t leap = member("Lea Leap", "lea@care.test", "1992-02-29", "very_loyal");
  const std::int64_t leap_loyal = member("Lars Leap", "lars@care.test", "2000-02-29", "loyal");
  const std::int64_t eve = member("Eve Eight", "eve@care.test", "1985-02-28", "very_loyal");
  const std::int64_t willa = member(
      "Willa Wed", "willa@care.test", "", "very_loyal",
      {{"anniversaries", json::array{json::object{{"kind", "wedding"}, {"date", "2016-02-29"}}}}});

  // 2028 is a leap year: on the 28th only those born on the 28th.
  expect_summary(run("2028-02-28"), "2028-02-28", {{"birthday_card", 1}});
  drained();
  EXPECT_EQ(received_flows(),
            (std::map<std::string, std::string>{{"eve@care.test", "birthday_card"}}));
  EXPECT_TRUE(messages_of(leap).empty());
  EXPECT_TRUE(messages_of(leap_loyal).empty());

  // 2027 is not: those born on the 29th are greeted on the 28th with those born on it.
  expect_summary(run("2027-02-28"), "2027-02-28",
                 {{"birthday_card", 2}, {"birthday_recommendations", 1}, {"anniversary_card", 1}});
  // Eve's second card today waits for the daily cap; the others arrive.
  drained(1);
  const std::map<std::string, std::string> expected{{"eve@care.test", "birthday_card"},
                                                    {"lea@care.test", "birthday_card"},
                                                    {"lars@care.test", "birthday_recommendations"},
                                                    {"willa@care.test", "anniversary_card"}};
  EXPECT_EQ(received_flows(), expected);
  EXPECT_EQ(decode_rfc2047(mail_to("lea@care.test").header("subject")), "Happy birthday, Lea!");
  // … and not again on 1 March.
  expect_summary(run("2027-03-01"), "2027-03-01", {});

  // 29 February 2028 greets them for 2028 (the mail waits for the cap: they had one today).
  expect_summary(run("2028-02-29"), "2028-02-29",
                 {{"birthday_card", 1}, {"birthday_recommendations", 1}, {"anniversary_card", 1}});
  drained(4);
  expect_summary(run("2028-02-29"), "2028-02-29", {});
  expect_summary(run("2027-02-28"), "2027-02-28", {});
  EXPECT_EQ(occurrences("birthday_card", leap), (std::set<std::string>{"2027", "2028"}));
  EXPECT_EQ(occurrences("birthday_recommendations", leap_loyal),
            (std::set<std::string>{"2027", "2028"}));
  EXPECT_EQ(occurrences("birthday_card", eve), (std::set<std::string>{"2027", "2028"}));
  EXPECT_EQ(occurrences("anniversary_card", willa),
            (std::set<std::string>{"wedding:2027", "wedding:2028"}));
  const auto leap_messages = messages_of(leap);
  ASSERT_EQ(leap_messages.size(), 2u) << json::serialize(leap_messages);
  for (const auto& m : leap_messages) {
    EXPECT_EQ(str(m.at("source")), "birthday_card") << json::serialize(m);
  }
  EXPECT_EQ(received_flows(), expected) << "a held message was sent despite the cap";
}

TEST_F(Automation, TheCarePolicyAndTheFlowSwitchesSteerTheRun) {
  // The shipped policy: cards for the very loyal, recommendations for them and the loyal.
  using Table = std::map<std::string, std::pair<bool, bool>>;
  const Table shipped{
      {"very_loyal", {true, true}}, {"loyal", {false, true}}, {"occasional", {false, false}}};
  EXPECT_EQ(table(policy()), shipped);
  const auto flows = flows_enabled();
  for (const char* key : {"birthday_card", "birthday_recommendations", "anniversary_card",
                          "anniversary_recommendations"}) {
    EXPECT_TRUE(flows.contains(key) && flows.at(key)) << key << " is shipped on";
  }
  for (const char* key : {"new_version", "cart_recovery", "win_back"}) {
    EXPECT_TRUE(flows.contains(key) && !flows.at(key)) << key << " is shipped off";
  }

  // Loyal customers get cards too.
  auto changed = client_->send_json(
      "PUT", "/api/v1/automation/policy",
      json::object{{"tiers", json::array{json::object{
                                 {"tier", "loyal"}, {"card", true}, {"recommendations", true}}}}});
  ASSERT_EQ(changed.status, 200) << changed.body;
  Table loyal_cards = shipped;
  loyal_cards["loyal"] = {true, true};
  EXPECT_EQ(table(changed.json().as_object()), loyal_cards);
  EXPECT_EQ(table(policy()), loyal_cards);

  member("Vic Six", "vic6@care.test", "1990-12-06", "very_loyal");
  member("Lil Six", "lil6@care.test", "1990-12-06", "loyal");
  member("Oz Six", "oz6@care.test", "1990-12-06", "occasional");
  expect_summary(run("2026-12-06"), "2026-12-06", {{"birthday_card", 2}});
  drained();
  EXPECT_EQ(received_flows(),
            (std::map<std::string, std::string>{{"vic6@care.test", "birthday_card"},
                                                {"lil6@care.test", "birthday_card"}}));

  // A tier that does not exist is refused naming it, and nothing of the request is stored.
  auto bad = client_->send_json(
      "PUT", "/api/v1/automation/policy",
      json::object{
          {"tiers", json::array{json::object{
                        {"tier", "platinum"}, {"card", true}, {"recommendations", true}}}}});
  expect_error(bad, 400, "", "tiers[0].tier");
  auto half_bad = client_->send_json(
      "PUT", "/api/v1/automation/policy",
      json::object{
          {"tiers",
           json::array{
               json::object{{"tier", "loyal"}, {"card", false}, {"recommendations", false}},
               json::object{{"tier", "gold"}, {"card", true}, {"recommendations", true}}}}});
  expect_error(half_bad, 400, "", "tiers[1].tier");
  expect_error(client_->send_json(
                   "PUT", "/api/v1/automation/policy",
                   json::object{{"tiers", json::array{json::object{{"tier", "loyal"},
                                                                   {"card", "yes"},
                                                                   {"recommendations", true}}}}}),
               400, "", "tiers[0].card");
  EXPECT_EQ(table(policy()), loyal_cards);

  // The card flow off: nobody gets a card on the next day.
  expect_error(set_flow("no_such_flow", json::object{{"enabled", false}}), 404);
  expect_error(set_flow("birthday_card", json::object{{"enabled", "no"}}), 400, "", "enabled");
  auto off = set_flow("birthday_card", json::object{{"enabled", false}});
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_EQ(str(off.json().at("key")), "birthday_card");
  EXPECT_FALSE(off.json().at("enabled").as_bool());
  EXPECT_FALSE(flows_enabled().at("birthday_card"));
  EXPECT_TRUE(flows_enabled().at("birthday_recommendations"));

  member("Vic Seven", "vic7@care.test", "1990-12-07", "very_loyal");
  member("Lil Seven", "lil7@care.test", "1990-12-07", "loyal");
  member("Oz Seven", "oz7@care.test", "1990-12-07", "occasional");
  const auto seventh = run("2026-12-07");
  EXPECT_FALSE(by_flow(seventh).contains("birthday_card")) << json::serialize(seventh);
  drained();
  for (const auto& d : delivered()) {
    if (d.to.find("7@") == std::string::npos) continue;
    EXPECT_NE(d.flow, "birthday_card") << d.to << " got a card from a flow turned off";
    EXPECT_NE(d.to, "oz7@care.test") << "an occasional customer got " << d.flow;
  }

  // Both birthday flows off: nothing at all.
  ASSERT_EQ(set_flow("birthday_recommendations", json::object{{"enabled", false}}).status, 200);
  member("Vic Eight", "vic8@care.test", "1990-12-08", "very_loyal");
  member("Lil Eight", "lil8@care.test", "1990-12-08", "loyal");
  expect_summary(run("2026-12-08"), "2026-12-08", {});

  // The card flow on again: cards again (the policy still gives the loyal ones cards).
  ASSERT_EQ(set_flow("birthday_card", json::object{{"enabled", true}}).status, 200);
  member("Vic Nine", "vic9@care.test", "1990-12-09", "very_loyal");
  member("Lil Nine", "lil9@care.test", "1990-12-09", "loyal");
  expect_summary(run("2026-12-09"), "2026-12-09", {{"birthday_card", 2}});
  drained();
  const auto got = received_flows();
  EXPECT_EQ(got.count("vic9@care.test") ? got.at("vic9@care.test") : "", "birthday_card");
  EXPECT_EQ(got.count("lil9@care.test") ? got.at("lil9@care.test") : "", "birthday_card");
  EXPECT_FALSE(got.contains("vic8@care.test"));
  EXPECT_FALSE(got.contains("lil8@care.test"));
}

TEST_F(Automation, AnAnniversaryGetsItsCardGreetingTheCustomer) {
  const std::int64_t anna = member(
      "Anna Weds", "anna@care.test", "", "very_loyal",
      {{"anniversaries", json::array{json::object{{"kind", "wedding"}, {"date", "2015-12-04"}}}}});
  member("Bo Member", "bo@care.test", "", "loyal",
         {{"anniversaries",
           json::array{json::object{{"kind", "membership"}, {"date", "2020-12-04"}}}}});
  member(
      "Cid Seldom", "cid@care.test", "", "occasional",
      {{"anniversaries", json::array{json::object{{"kind", "wedding"}, {"date", "2015-12-04"}}}}});
  member(
      "Dee Later", "dee@care.test", "", "very_loyal",
      {{"anniversaries", json::array{json::object{{"kind", "wedding"}, {"date", "2015-12-05"}}}}});
  member(
      "Fay Unasked", "fay@care.test", "", "very_loyal",
      {{"consent", json::object{}},
       {"anniversaries", json::array{json::object{{"kind", "wedding"}, {"date", "2015-12-04"}}}}});

  expect_summary(run("2026-12-04"), "2026-12-04",
                 {{"anniversary_card", 1}, {"anniversary_recommendations", 1}});
  drained();
  EXPECT_EQ(received_flows(),
            (std::map<std::string, std::string>{{"anna@care.test", "anniversary_card"},
                                                {"bo@care.test", "anniversary_recommendations"}}));

  const Mail card = mail_to("anna@care.test");
  EXPECT_EQ(card.header("x-ecrm-flow"), "anniversary_card");
  EXPECT_EQ(decode_rfc2047(card.header("subject")), "Happy anniversary, Anna!");
  EXPECT_NE(card.part("text/plain").find("Happy wedding anniversary, Anna!"), std::string::npos)
      << card.part("text/plain");
  EXPECT_NE(card.part("text/html").find("<h1>Happy wedding anniversary, Anna!</h1>"),
            std::string::npos)
      << card.part("text/html");
  const Mail picks = mail_to("bo@care.test");
  EXPECT_EQ(decode_rfc2047(picks.header("subject")), "Bo, picked for your anniversary");
  EXPECT_EQ(occurrences("anniversary_card", anna), std::set<std::string>{"wedding:2026"});

  // Once a year: not again that day, again the next year (held by the cap: it is today here).
  expect_summary(run("2026-12-04"), "2026-12-04", {});
  expect_summary(run("2027-12-04"), "2027-12-04",
                 {{"anniversary_card", 1}, {"anniversary_recommendations", 1}});
  drained(2);
  EXPECT_EQ(occurrences("anniversary_card", anna),
            (std::set<std::string>{"wedding:2026", "wedding:2027"}));
  EXPECT_EQ(smtp_->received().size(), 2u);
}

TEST_F(Automation, TheCommandLineRunPrintsItsSummaryAndRefusesABadDate) {
  member("Vic Five", "vic5@care.test", "1990-12-05", "very_loyal");
  member("Lil Five", "lil5@care.test", "1990-12-05", "loyal");
  member("Oz Five", "oz5@care.test", "1990-12-05", "occasional");

  // The last line of the output that is a JSON object.
  auto summary_of = [](const std::string& output) {
    json::object out;
    std::istringstream lines(output);
    for (std::string line; std::getline(lines, line);) {
      boost::system::error_code ec;
      auto value = json::parse(line, ec);
      if (!ec && value.is_object()) out = value.as_object();
    }
    return out;
  };
  std::string output;
  ASSERT_EQ(server_->run_cli({"automation", "run", "--date", "2026-12-05"}, &output), 0) << output;
  expect_summary(summary_of(output), "2026-12-05",
                 {{"birthday_card", 1}, {"birthday_recommendations", 1}});

  // The running server delivers what the command queued.
  drained();
  EXPECT_EQ(received_flows(),
            (std::map<std::string, std::string>{{"vic5@care.test", "birthday_card"},
                                                {"lil5@care.test", "birthday_recommendations"}}));

  // A rerun, from the command line or the API, queues nothing.
  ASSERT_EQ(server_->run_cli({"automation", "run", "--date", "2026-12-05"}, &output), 0) << output;
  expect_summary(summary_of(output), "2026-12-05", {});
  expect_summary(run("2026-12-05"), "2026-12-05", {});

  // A date that is not a day: a non-zero exit, an error naming the date, and nothing queued.
  for (const char* date : {"2027-02-29", "2026-13-01", "05/12/2026", "tomorrow", ""}) {
    SCOPED_TRACE(date);
    const int code = server_->run_cli({"automation", "run", "--date", date}, &output);
    EXPECT_NE(code, 0) << output;
    EXPECT_NE(output.find("date"), std::string::npos) << output;
    EXPECT_TRUE(summary_of(output).empty()) << output;
    expect_error(post("/api/v1/automation/run", json::object{{"date", date}}), 400, "", "date");
  }
  expect_error(post("/api/v1/automation/run", json::object{}), 400, "", "date");
  EXPECT_EQ(all_pages("/api/v1/messages?limit=100").size(), 2u);
  const auto s = drained();
  EXPECT_EQ(s.at("sent").as_int64(), 2);
  EXPECT_EQ(smtp_->received().size(), 2u);
}

// An anniversary is greeted from its first year on: a date still to come (a wedding planned
// for next year) is no anniversary yet.
TEST_F(Automation, AnAnniversaryStillToComeIsNotGreeted) {
  member(
      "Gus Groom", "gus@care.test", "", "very_loyal",
      {{"anniversaries", json::array{json::object{{"kind", "wedding"}, {"date", "2027-12-04"}}}}});
  member(
      "Hal Husband", "hal@care.test", "", "very_loyal",
      {{"anniversaries", json::array{json::object{{"kind", "wedding"}, {"date", "2025-12-04"}}}}});
  expect_summary(run("2026-12-04"), "2026-12-04", {{"anniversary_card", 1}});
  drained();
  EXPECT_EQ(received_flows(),
            (std::map<std::string, std::string>{{"hal@care.test", "anniversary_card"}}));
}

// The card carries the customer's recommendations, each with its reason and a link to the
// product on the shop's public site, whichever process queued it.
TEST_F(Automation, ACardCarriesTheCustomersRecommendationsLinkedToTheShop) {
  const std::int64_t feeding = create("/api/v1/categories", json::object{{"name", "Baby Feeding"}});
  auto product = [&](const std::string& sku, const std::string& name, std::int64_t price) {
    return create("/api/v1/products", json::object{{"sku", sku},
                                                   {"name", name},
                                                   {"price", price},
                                                   {"currency", "EUR"},
                                                   {"category_id", feeding}});
  };
  const std::int64_t bottle = product("BOT-1", "Baby Bottle", 1200);
  const std::int64_t formula = product("FRM-1", "Infant Formula", 2500);
  const std::int64_t rattle = product("TOY-1", "Rattle", 800);
  auto order = [&](std::int64_t customer, std::vector<std::int64_t> products, int days_ago) {
    json::array lines;
    for (std::int64_t p : products)
      lines.push_back(json::object{{"product_id", p}, {"quantity", 1}});
    auto r = post("/api/v1/orders", json::object{{"customer_id", customer},
                                                 {"placed_at", wall_ms() - days_ago * 86'400'000LL},
                                                 {"lines", std::move(lines)}});
    ASSERT_EQ(r.status, 201) << r.body;
  };
  for (int k = 0; k < 5; ++k) {
    order(customer("Parent " + std::to_string(k), "", ""), {bottle, formula}, 60 - k);
  }
  order(customer("Parent 5", "", ""), {bottle, rattle}, 45);
  const std::int64_t tara = customer("Tara Target", "tara@care.test", "1990-12-03");
  order(tara, {bottle}, 20);
  const std::int64_t cody = customer("Cody Command", "cody@care.test", "1990-12-05");
  order(cody, {bottle}, 15);

  // Scores from these orders (the start-up model had none), then the tiers set over them.
  json::object job;
  ASSERT_TRUE(eventually([&] {
    job = get("/api/v1/analytics/recompute").json().as_object();
    return job.at("state").as_string() == "idle";
  })) << json::serialize(job);
  const json::value first_model = job.at("model_id");
  auto recompute = post("/api/v1/analytics/recompute", json::object{});
  ASSERT_EQ(recompute.status, 202) << recompute.body;
  ASSERT_TRUE(eventually(
      [&] {
        job = get("/api/v1/analytics/recompute").json().as_object();
        return job.at("state").as_string() == "idle" && job.at("model_id") != first_model;
      },
      120))
      << json::serialize(job);
  ASSERT_EQ(job.at("last_status").as_string(), "ok") << json::serialize(job);
  model_id_ = job.at("model_id").as_int64();
  rebuild_recommendations();
  ASSERT_FALSE(HasFailure());
  set_tier(tara, "very_loyal");
  set_tier(cody, "very_loyal");

  // What the customer's list says (the first three go into the card).
  auto listed = [&](std::int64_t id) {
    auto r = get("/api/v1/customers/" + std::to_string(id) + "/recommendations?limit=3");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json().at("items").as_array();
  };
  auto expect_in_card = [&](const Mail& card, const json::array& items) {
    const std::string html = card.part("text/html");
    const std::string text = card.part("text/plain");
    for (const auto& item : items) {
      const std::string name = str(item.at("name"));
      const std::string url =
          std::string(kPublicUrl) + "/products/" + std::to_string(item.at("product_id").as_int64());
      // The link goes through the click redirect, which leads to the product.
      const auto anchor = html.find("\">" + name + "</a>");
      const auto href = anchor == std::string::npos ? anchor : html.rfind("href=\"", anchor);
      ASSERT_NE(href, std::string::npos) << name << " in\n" << html;
      const std::string link = html.substr(href + 6, anchor - href - 6);
      ASSERT_TRUE(link.starts_with(std::string(kPublicUrl) + "/c/")) << link;
      HttpClient browser(server_->base_url());
      auto go = browser.request("GET", link.substr(std::string(kPublicUrl).size()), "", {});
      EXPECT_EQ(go.status, 302) << go.body;
      EXPECT_EQ(go.header("location"), url) << name;
      EXPECT_NE(text.find("- " + name + " "), std::string::npos) << name << " in\n" << text;
      EXPECT_NE(text.find("  " + url + "\n"), std::string::npos) << url << " in\n" << text;
    }
  };

  const auto tara_items = listed(tara);
  ASSERT_FALSE(tara_items.empty());
  expect_summary(run("2026-12-03"), "2026-12-03", {{"birthday_card", 1}});
  drained();
  const Mail tara_card = mail_to("tara@care.test");
  EXPECT_EQ(tara_card.header("x-ecrm-flow"), "birthday_card");
  expect_in_card(tara_card, tara_items);
  // The formula is bought with the bottle she bought, and the card says so.
  EXPECT_NE(tara_card.part("text/plain").find("Infant Formula"), std::string::npos)
      << tara_card.part("text/plain");
  EXPECT_NE(tara_card.part("text/plain").find("Baby Bottle"), std::string::npos)
      << tara_card.part("text/plain");

  // The same card queued by `ecrm automation run` (the daily job a shop runs from cron).
  const auto cody_items = listed(cody);
  ASSERT_FALSE(cody_items.empty());
  std::string output;
  ASSERT_EQ(server_->run_cli({"automation", "run", "--date", "2026-12-05"}, &output), 0) << output;
  drained();
  const Mail cody_card = mail_to("cody@care.test");
  EXPECT_EQ(cody_card.header("x-ecrm-flow"), "birthday_card");
  EXPECT_TRUE(cody_card.header("list-unsubscribe").starts_with(std::string("<") + kPublicUrl))
      << cody_card.header("list-unsubscribe");
  expect_in_card(cody_card, cody_items);
}

// The server runs the day's flows by itself (here when it starts on a day it has not run).
TEST_F(Automation, TheServerRunsTodaysFlowsByItself) {
  const std::string today = today_utc();
  member("Toby Today", "toby@care.test", "1988" + today.substr(4), "very_loyal");
  member("Lou Today", "lou@care.test", "1980" + today.substr(4), "loyal");
  const std::string other_day = today.substr(5) == "01-01" ? "1990-07-01" : "1990-01-01";
  member("Yves Otherday", "yves@care.test", other_day, "very_loyal");
  EXPECT_TRUE(smtp_->received().empty());

  // As on the next day's check: the day's run is not recorded yet; the server starts again.
  ASSERT_TRUE(connection().execute("DELETE FROM automation_runs").ok());
  database_.close();
  ASSERT_EQ(server_->terminate(), 0) << server_->log();
  server_->restart();
  client_ = signed_in(kAdminEmail, kAdminPassword);
  wait_for_daily_run();
  drained();
  EXPECT_EQ(received_flows(),
            (std::map<std::string, std::string>{{"toby@care.test", "birthday_card"},
                                                {"lou@care.test", "birthday_recommendations"}}));

  // The run is remembered with its summary; a run of the day asked for afterwards adds nothing.
  std::string recorded;
  ASSERT_TRUE(connection()
                  .query("SELECT summary FROM automation_runs WHERE day = $1", {today},
                         [&](const storage::RowView& row) { recorded = row.get_string(0); })
                  .ok());
  const json::value summary = json::parse(recorded);
  expect_summary(summary.as_object(), today,
                 {{"birthday_card", 1}, {"birthday_recommendations", 1}});
  expect_summary(run(today), today, {});

  const auto after = drained();
  EXPECT_EQ(after.at("sent").as_int64(), 2) << json::serialize(after);
}

// A new version of a product line mails each earlier buyer once: not buyers of other lines, of
// the new version itself, of cancelled orders only, nor customers without consent; a second
// announcement of the same release sends nothing; the flow must be on.
TEST_F(Automation, ANewVersionMailsEachEarlierBuyerOnce) {
  auto product = [&](const std::string& sku, const std::string& line, int version) {
    return create("/api/v1/products", json::object{{"sku", sku},
                                                   {"name", line + " " + std::to_string(version)},
                                                   {"price", 99900},
                                                   {"currency", "EUR"},
                                                   {"line", line},
                                                   {"version", version}});
  };
  const std::int64_t v1 = product("AERO-1", "Aero Laptop", 1);
  const std::int64_t v2 = product("AERO-2", "Aero Laptop", 2);
  const std::int64_t v3 = product("AERO-3", "Aero Laptop", 3);
  const std::int64_t other = product("ZEN-1", "Zen Phone", 1);
  auto order = [&](std::int64_t customer, std::int64_t p) {
    auto r = post("/api/v1/orders", json::object{{"customer_id", customer},
                                                 {"lines", json::array{json::object{
                                                               {"product_id", p}, {"quantity", 1}}}}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? r.json().at("id").as_int64() : 0;
  };
  const std::int64_t ann = customer("Ann Early", "ann@release.test", "");
  const std::int64_t bob = customer("Bob Middle", "bob@release.test", "");
  const std::int64_t cat = customer("Cat Both", "cat@release.test", "");
  const std::int64_t dan = customer("Dan Other", "dan@release.test", "");
  const std::int64_t eve = customer("Eve Newest", "eve@release.test", "");
  const std::int64_t fay = customer("Fay Cancelled", "fay@release.test", "");
  const std::int64_t gil = customer("Gil Quiet", "gil@release.test", "",
                                    {{"consent", json::object{{"email", json::object{
                                                                            {"granted", false},
                                                                            {"how", "signup"}}}}}});
  order(ann, v1);
  order(bob, v2);
  order(cat, v1);
  order(cat, v2);
  order(dan, other);
  order(eve, v3);
  const std::int64_t cancelled = order(fay, v1);
  ASSERT_EQ(post(id_path("/api/v1/orders", cancelled) + "/status",
                 json::object{{"status", "cancelled"}})
                .status,
            200);
  order(gil, v2);

  const json::object body{{"product_id", v3}, {"notes", "Twice the battery life."},
                          {"upgrade_price", 19900}};
  expect_error(post("/api/v1/automation/releases", body), 409, "flow_off");
  ASSERT_EQ(set_flow("new_version", json::object{{"enabled", true}}).status, 200);
  expect_error(post("/api/v1/automation/releases",
                    json::object{{"product_id", 999999}, {"notes", "Faster."}}),
               400, "",
               "product_id");

  auto first = post("/api/v1/automation/releases", body);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.json().at("queued").as_int64(), 3) << first.body;
  drained();
  EXPECT_EQ(received_flows(), (std::map<std::string, std::string>{{"ann@release.test", "new_version"},
                                                                  {"bob@release.test", "new_version"},
                                                                  {"cat@release.test", "new_version"}}));
  const Mail mail = mail_to("ann@release.test");
  const std::string text = mail.parts.count("text/plain") ? mail.parts.at("text/plain") : "";
  EXPECT_NE(text.find("Twice the battery life."), std::string::npos) << text;
  EXPECT_NE(text.find("199.00"), std::string::npos) << text;
  EXPECT_NE(text.find("/products/" + std::to_string(v3)), std::string::npos) << text;

  auto again = post("/api/v1/automation/releases", body);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.json().at("queued").as_int64(), 0) << again.body;
  drained();
  EXPECT_EQ(delivered().size(), 3u);
}

// Cart recovery: an identified visitor's cart, abandoned (no activity for the server's limit,
// here 1 s), is mailed after the flow's wait, with its items; a customer who placed an order
// after filling the cart is not mailed, and their enrolment says why.
TEST_F(Automation, AnAbandonedCartIsMailedAfterTheDelayUnlessAPurchaseCameFirst) {
  auto key = post("/api/v1/write-keys", json::object{{"name", "shop"}});
  ASSERT_EQ(key.status, 201) << key.body;
  const std::string write_key(key.json().at("key").as_string());
  const std::int64_t ann = customer("Ann Cart", "ann@cart.test", "", {{"external_id", "CART-ANN"}});
  const std::int64_t bob = customer("Bob Bought", "bob@cart.test", "", {{"external_id", "CART-BOB"}});
  const std::int64_t mug = create("/api/v1/products", json::object{{"sku", "MUG-1"},
                                                                   {"name", "Blue Mug"},
                                                                   {"price", 1250},
                                                                   {"currency", "EUR"}});
  // The flow: wait 3 s after the abandonment, then mail (the shipped one waits an hour).
  auto shipped = get("/api/v1/automation/flows/cart_recovery");
  ASSERT_EQ(shipped.status, 200) << shipped.body;
  json::object definition = shipped.json().at("definition").as_object();
  EXPECT_EQ(definition.at("steps").as_array().at(0).at("minutes").as_double(), 60.0);
  definition["steps"].as_array()[0].as_object()["minutes"] = 0.05;
  auto put = this->put("/api/v1/automation/flows/cart_recovery",
                       json::object{{"name", "Cart recovery"}, {"enabled", true},
                                    {"definition", definition}});
  ASSERT_EQ(put.status, 200) << put.body;

  HttpClient snippet(server_->base_url());
  auto send = [&](const json::array& events) {
    auto r = snippet.request("POST", "/api/v1/events?key=" + write_key,
                             json::serialize(json::object{{"events", events}}),
                             {"Content-Type: text/plain"});
    ASSERT_EQ(r.status, 200) << r.body;
  };
  auto event = [](const std::string& id, const std::string& type, const std::string& visitor,
                  std::int64_t ts, json::object properties) {
    return json::object{{"event_id", id}, {"type", type}, {"anonymous_id", visitor},
                        {"ts", ts}, {"properties", std::move(properties)}};
  };
  const json::object item{{"sku", "MUG-1"}, {"name", "Blue Mug"}, {"price", 1250},
                          {"quantity", 2}, {"currency", "EUR"}};
  const std::int64_t t0 = wall_ms();
  send(json::array{event("c-1", "identify", "v-ann", t0, {{"external_id", "CART-ANN"}}),
                   event("c-2", "add_to_cart", "v-ann", t0 + 1, item),
                   event("c-3", "identify", "v-bob", t0, {{"external_id", "CART-BOB"}}),
                   event("c-4", "add_to_cart", "v-bob", t0 + 1, item)});
  // Bob orders (through the shop's back end) before his cart counts as abandoned.
  auto order = post("/api/v1/orders", json::object{{"customer_id", bob},
                                                   {"lines", json::array{json::object{
                                                                 {"product_id", mug}, {"quantity", 2}}}}});
  ASSERT_EQ(order.status, 201) << order.body;

  ASSERT_TRUE(eventually([&] { return !delivered().empty(); }, 60)) << server_->log();
  const std::int64_t arrived = wall_ms();
  // Abandoned 1 s after the last activity, then the 3 s wait.
  EXPECT_GE(arrived - t0, 4000);
  const Mail mail = mail_to("ann@cart.test");
  EXPECT_EQ(mail.header("x-ecrm-flow"), "cart_recovery");
  const std::string text = mail.parts.count("text/plain") ? mail.parts.at("text/plain") : "";
  EXPECT_NE(text.find("2 x Blue Mug"), std::string::npos) << text;
  EXPECT_NE(text.find("25.00"), std::string::npos) << text;

  json::array bobs;
  ASSERT_TRUE(eventually([&] {
    bobs = all_pages("/api/v1/automation/flows/cart_recovery/enrolments?customer_id=" +
                     std::to_string(bob));
    return bobs.size() == 1 && str(bobs[0].at("status")) == "cancelled";
  })) << json::serialize(bobs);
  EXPECT_EQ(str(bobs[0].at("reason")), "a purchase came first");
  auto flow_stats = get("/api/v1/automation/flows/cart_recovery/stats");
  ASSERT_EQ(flow_stats.status, 200) << flow_stats.body;
  EXPECT_EQ(flow_stats.json().at("enrolments").at("cancelled").as_int64(), 1) << flow_stats.body;
  EXPECT_EQ(flow_stats.json().at("enrolments").at("done").as_int64(), 1) << flow_stats.body;
  auto anns = all_pages("/api/v1/automation/flows/cart_recovery/enrolments?customer_id=" +
                        std::to_string(ann));
  ASSERT_EQ(anns.size(), 1u) << json::serialize(anns);
  EXPECT_EQ(str(anns[0].at("status")), "done");
  // The cart is mailed once, however often the worker looks.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  drained();
  EXPECT_EQ(received_flows(), (std::map<std::string, std::string>{{"ann@cart.test", "cart_recovery"}}));
}

// A definition that does not hold is refused with the field that is wrong, and nothing is
// stored.
TEST_F(Automation, ABadFlowDefinitionIsRefusedNamingTheField) {
  auto flow = [](json::object definition) {
    return json::object{{"name", "Bad"}, {"enabled", true}, {"definition", std::move(definition)}};
  };
  auto step = [](const std::string& id, const std::string& type, json::object more = {}) {
    json::object s{{"id", id}, {"type", type}};
    for (const auto& kv : more) s[kv.key()] = kv.value();
    return s;
  };
  const json::object manual{{"kind", "manual"}};
  // A cycle through a branch.
  expect_error(put("/api/v1/automation/flows/looping",
                   flow({{"trigger", manual},
                         {"steps", json::array{step("a", "wait", {{"minutes", 1}}),
                                               step("b", "branch",
                                                    {{"conditions", json::array{json::object{
                                                                        {"field", "tier"}, {"op", "in"},
                                                                        {"values", json::array{"loyal"}}}}},
                                                     {"then", "a"}, {"otherwise", "end"}})}}})),
               400, "", "definition.steps[0]");
  // An unknown trigger.
  expect_error(put("/api/v1/automation/flows/unknown",
                   flow({{"trigger", json::object{{"kind", "full_moon"}}},
                         {"steps", json::array{step("a", "send", {{"template_key", "win_back"}})}}})),
               400, "", "definition.trigger.kind");
  // A template nobody wrote.
  expect_error(put("/api/v1/automation/flows/notemplate",
                   flow({{"trigger", manual},
                         {"steps", json::array{step("a", "send", {{"template_key", "nope"}})}}})),
               400, "", "definition.steps[0].template_key");
  // A step naming a step that does not exist.
  expect_error(put("/api/v1/automation/flows/dangling",
                   flow({{"trigger", manual},
                         {"steps", json::array{step("a", "send", {{"template_key", "win_back"},
                                                                  {"next", "zzz"}})}}})),
               400, "", "definition.steps[0].next");
  // Shares of a split not adding up to 100.
  expect_error(put("/api/v1/automation/flows/split",
                   flow({{"trigger", manual},
                         {"steps", json::array{step("s", "split",
                                                    {{"variants", json::array{
                                                                      json::object{{"name", "A"}, {"share", 60}},
                                                                      json::object{{"name", "B"}, {"share", 60}}}}})}}})),
               400, "", "definition.steps[0].variants");
  for (const char* key : {"looping", "unknown", "notemplate", "dangling", "split"}) {
    EXPECT_EQ(get(std::string("/api/v1/automation/flows/") + key).status, 404) << key;
  }
  expect_error(del("/api/v1/automation/flows/birthday_card"), 409, "shipped");
  EXPECT_EQ(stats().at("queued").as_int64(), 0);
}

// A manual flow: branch on tier, tag, create a task, split with a holdout; enrolled through the
// API once per occurrence.
TEST_F(Automation, AManualFlowBranchesTagsAndHoldsOutAsDefined) {
  const std::int64_t vip = member("Vera Vip", "vera@manual.test", "", "very_loyal");
  const std::int64_t occ = member("Otto Occasional", "otto@manual.test", "", "occasional");
  json::array ids;
  ids.push_back(vip);
  ids.push_back(occ);
  json::object definition{
      {"trigger", json::object{{"kind", "manual"}}},
      {"steps",
       json::array{
           json::object{{"id", "who"}, {"type", "branch"},
                        {"conditions", json::array{json::object{{"field", "tier"}, {"op", "in"},
                                                                {"values", json::array{"very_loyal"}}}}},
                        {"then", "tag"}, {"otherwise", "task"}},
           json::object{{"id", "tag"}, {"type", "tag"}, {"add_tags", json::array{"vip-thanks"}}},
           json::object{{"id", "mail"}, {"type", "send"}, {"template_key", "win_back"}, {"next", "end"}},
           json::object{{"id", "task"}, {"type", "task"}, {"title", "Call to say thanks"}, {"due_days", 2}}}}};
  auto made = put("/api/v1/automation/flows/thanks",
                  json::object{{"name", "Thanks"}, {"enabled", true}, {"definition", definition}});
  ASSERT_EQ(made.status, 200) << made.body;
  EXPECT_EQ(str(made.json().at("trigger")), "manual");
  auto enrolled = post("/api/v1/automation/flows/thanks/enrol",
                       json::object{{"customer_ids", ids}, {"occurrence", "spring"}});
  ASSERT_EQ(enrolled.status, 200) << enrolled.body;
  EXPECT_EQ(enrolled.json().at("enrolled").as_int64(), 2);
  auto again = post("/api/v1/automation/flows/thanks/enrol",
                    json::object{{"customer_ids", ids}, {"occurrence", "spring"}});
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.json().at("enrolled").as_int64(), 0);
  EXPECT_EQ(again.json().at("skipped").as_int64(), 2);
  drained();
  EXPECT_EQ(received_flows(), (std::map<std::string, std::string>{{"vera@manual.test", "thanks"}}));
  const auto vera = customer_json(vip);
  bool tagged = false;
  for (const auto& t : vera.at("tags").as_array()) tagged = tagged || str(t) == "vip-thanks";
  EXPECT_TRUE(tagged) << json::serialize(vera);
  auto tasks = connection().query_int(
      "SELECT count(*) FROM staff_tasks WHERE customer_id = $1 AND source = 'thanks' AND status = 'open'",
      {occ});
  ASSERT_TRUE(tasks.ok());
  EXPECT_EQ(tasks->value_or(0), 1);

  // A split holding out everybody sends nothing and says so.
  json::object all_out{{"trigger", json::object{{"kind", "manual"}}},
                       {"steps", json::array{json::object{{"id", "ab"}, {"type", "split"}, {"holdout_percent", 100},
                                                          {"variants", json::array{json::object{{"name", "A"}, {"share", 100}}}}},
                                             json::object{{"id", "mail"}, {"type", "send"}, {"template_key", "win_back"}}}}};
  ASSERT_EQ(put("/api/v1/automation/flows/held", json::object{{"name", "Held"}, {"enabled", true},
                                                                {"definition", all_out}})
                .status,
            200);
  auto held = post("/api/v1/automation/flows/held/enrol", json::object{{"customer_ids", ids}});
  ASSERT_EQ(held.status, 200) << held.body;
  auto rows = all_pages("/api/v1/automation/flows/held/enrolments");
  ASSERT_EQ(rows.size(), 2u);
  for (const auto& r : rows) {
    EXPECT_EQ(str(r.at("status")), "holdout");
    EXPECT_EQ(str(r.at("variant")), "holdout");
  }
  drained();
  EXPECT_EQ(delivered().size(), 1u);
}

// A campaign: the audience counted before sending, a holdout kept out, one message per
// recipient, and its results: delivered, converted and revenue against the holdout.
TEST_F(Automation, ACampaignCountsItsAudienceHoldsOutAShareAndReportsResults) {
  std::vector<std::int64_t> members;
  for (int i = 0; i < 40; ++i) {
    members.push_back(customer("Camp " + std::to_string(i), "camp" + std::to_string(i) + "@camp.test", "",
                               {{"tags", json::array{"spring"}}}));
  }
  customer("No Consent", "quiet@camp.test", "",
           {{"tags", json::array{"spring"}},
            {"consent", json::object{{"email", json::object{{"granted", false}, {"how", "signup"}}}}}});
  customer("Other Tag", "other@camp.test", "", {{"tags", json::array{"autumn"}}});
  const json::object audience{{"tag", "spring"}};
  auto size = post("/api/v1/campaigns/audience", json::object{{"audience", audience}, {"holdout_percent", 0}});
  ASSERT_EQ(size.status, 200) << size.body;
  EXPECT_EQ(size.json().at("matched").as_int64(), 41);
  EXPECT_EQ(size.json().at("reachable").as_int64(), 40);

  expect_error(post("/api/v1/campaigns", json::object{{"name", "X"}, {"template_key", "nope"},
                                                      {"audience", audience}}),
               400, "", "template_key");
  expect_error(post("/api/v1/campaigns", json::object{{"name", "X"}, {"template_key", "win_back"},
                                                      {"audience", audience}, {"holdout_percent", 80}}),
               400, "", "holdout_percent");
  auto made = post("/api/v1/campaigns", json::object{{"name", "Spring"}, {"template_key", "win_back"},
                                                     {"audience", audience}, {"holdout_percent", 25},
                                                     {"conversion_days", 7}});
  ASSERT_EQ(made.status, 201) << made.body;
  const std::int64_t id = made.json().at("id").as_int64();
  EXPECT_EQ(str(made.json().at("status")), "draft");
  auto sent = post(id_path("/api/v1/campaigns", id) + "/send", json::object{});
  ASSERT_EQ(sent.status, 200) << sent.body;
  const std::int64_t recipients = sent.json().at("recipients").as_int64();
  const std::int64_t holdout = sent.json().at("holdout").as_int64();
  EXPECT_EQ(recipients + holdout, 40);
  EXPECT_GT(holdout, 0);
  EXPECT_GT(recipients, 0);
  expect_error(post(id_path("/api/v1/campaigns", id) + "/send", json::object{}), 409, "sent");
  drained();
  const auto got = received_flows();
  EXPECT_EQ(static_cast<std::int64_t>(got.size()), recipients);
  for (const auto& [to, flow] : got) EXPECT_EQ(flow, "campaign_" + std::to_string(id)) << to;
  EXPECT_FALSE(got.contains("quiet@camp.test"));
  EXPECT_FALSE(got.contains("other@camp.test"));

  // One recipient and one held-out customer order; the recipient converts.
  std::int64_t recipient = 0, held = 0;
  for (std::size_t i = 0; i < members.size(); ++i) {
    const bool mailed = got.contains("camp" + std::to_string(i) + "@camp.test");
    if (mailed && !recipient) recipient = members[i];
    if (!mailed && !held) held = members[i];
  }
  const std::int64_t tea = create("/api/v1/products", json::object{{"sku", "TEA-1"}, {"name", "Green Tea"},
                                                                   {"price", 4200}, {"currency", "EUR"}});
  for (std::int64_t who : {recipient, held}) {
    auto o = post("/api/v1/orders", json::object{{"customer_id", who},
                                                 {"lines", json::array{json::object{{"product_id", tea}, {"quantity", 1}}}}});
    ASSERT_EQ(o.status, 201) << o.body;
  }
  auto results = get(id_path("/api/v1/campaigns", id));
  ASSERT_EQ(results.status, 200) << results.body;
  const auto r = results.json().as_object();
  EXPECT_EQ(r.at("delivered").as_int64(), recipients) << results.body;
  EXPECT_EQ(r.at("converted").as_int64(), 1) << results.body;
  EXPECT_EQ(r.at("revenue").as_int64(), 4200) << results.body;
  EXPECT_EQ(r.at("holdout_converted").as_int64(), 1) << results.body;
  EXPECT_EQ(r.at("holdout_revenue").as_int64(), 4200) << results.body;
  EXPECT_EQ(str(r.at("campaign").at("status")), "sent");
}

// Following a product: a price drop enrols the followers in the followed_changed flows.
TEST_F(Automation, APriceDropTellsTheProductsFollowers) {
  const std::int64_t kettle = create("/api/v1/products", json::object{{"sku", "KET-1"}, {"name", "Steel Kettle"},
                                                                      {"price", 5900}, {"currency", "EUR"}});
  const std::int64_t fan = customer("Fay Follower", "fay@follow.test", "");
  customer("Nia Nofollow", "nia@follow.test", "");
  // Fay follows through the shop's pages (the snippet's ecrm.follow), Nia through the API and
  // then stops.
  const std::int64_t nia = customer("Nia Unfollow", "nia.un@follow.test", "", {{"external_id", "FOL-NIA"}});
  auto key = post("/api/v1/write-keys", json::object{{"name", "shop"}});
  ASSERT_EQ(key.status, 201) << key.body;
  ASSERT_EQ(patch(id_path("/api/v1/customers", fan), json::object{{"external_id", "FOL-FAY"}}).status, 200);
  HttpClient snippet(server_->base_url());
  const std::int64_t t = wall_ms();
  auto events = json::array{
      json::object{{"event_id", "f-1"}, {"type", "identify"}, {"anonymous_id", "v-fay"}, {"ts", t},
                   {"properties", json::object{{"external_id", "FOL-FAY"}}}},
      json::object{{"event_id", "f-2"}, {"type", "custom"}, {"anonymous_id", "v-fay"}, {"ts", t + 1},
                   {"properties", json::object{{"name", "follow"}, {"sku", "KET-1"}}}}};
  auto sent = snippet.request("POST", "/api/v1/events?key=" + std::string(key.json().at("key").as_string()),
                              json::serialize(json::object{{"events", events}}), {"Content-Type: text/plain"});
  ASSERT_EQ(sent.status, 200) << sent.body;
  ASSERT_TRUE(eventually([&] {
    auto r = get(id_path("/api/v1/customers", fan) + "/follows");
    return r.status == 200 && r.json().at("items").as_array().size() == 1;
  }, 60)) << server_->log();
  auto follow = post("/api/v1/follows", json::object{{"customer_id", nia}, {"target_kind", "product"},
                                                     {"target_id", kettle}});
  ASSERT_EQ(follow.status, 201) << follow.body;
  EXPECT_EQ(post("/api/v1/follows/remove", json::object{{"customer_id", nia}, {"target_kind", "product"},
                                                         {"target_id", kettle}})
                .status,
            204);
  expect_error(post("/api/v1/follows", json::object{{"customer_id", fan}, {"target_kind", "product"},
                                                    {"target_id", 999999}}),
               400, "", "target_id");
  auto tmpl = put("/api/v1/message-templates/price_drop/en",
                  json::object{{"kind", "marketing"},
                               {"subject", "{{#product}}{{name}} now {{price}}{{/product}}"},
                               {"html", "<p>{{#product}}{{name}}: {{old_price}} → {{price}}{{/product}}</p>"},
                               {"text", "{{#product}}{{name}}: {{old_price}} -> {{price}}{{/product}}"}});
  ASSERT_EQ(tmpl.status, 200) << tmpl.body;
  auto made = put("/api/v1/automation/flows/price_drop",
                  json::object{{"name", "Price drop"}, {"enabled", true},
                               {"definition", json::object{{"trigger", json::object{{"kind", "followed_changed"},
                                                                                    {"change", "price_drop"}}},
                                                           {"steps", json::array{json::object{
                                                                         {"id", "tell"}, {"type", "send"},
                                                                         {"template_key", "price_drop"}}}}}}});
  ASSERT_EQ(made.status, 200) << made.body;
  // The worker first records the prices it sees, then tells of what fell.
  ASSERT_TRUE(eventually([&] {
    auto n = connection().query_int("SELECT count(*) FROM product_watch WHERE product_id = $1", {kettle});
    return n.ok() && n->value_or(0) == 1;
  }, 90)) << server_->log();
  auto changed = patch(id_path("/api/v1/products", kettle), json::object{{"price", 4900}});
  ASSERT_EQ(changed.status, 200) << changed.body;
  ASSERT_TRUE(eventually([&] { return !delivered().empty(); }, 120)) << server_->log();
  drained();
  EXPECT_EQ(received_flows(), (std::map<std::string, std::string>{{"fay@follow.test", "price_drop"}}));
  const Mail mail = mail_to("fay@follow.test");
  const std::string text = mail.parts.count("text/plain") ? mail.parts.at("text/plain") : "";
  EXPECT_NE(text.find("Steel Kettle: 59.00 EUR -> 49.00 EUR"), std::string::npos) << text;
}

// Opens and clicks: the HTML's links go through signed redirects and an open pixel; both are
// recorded on the message (and so the customer's timeline and the campaign's results); a forged
// or altered token is refused naming the token, and never redirects.
TEST_F(Automation, OpensAndClicksAreTrackedAndForgedLinksRefused) {
  const std::int64_t ann = customer("Ann Clicks", "ann@track.test", "");
  auto tmpl = put("/api/v1/message-templates/news/en",
                  json::object{{"kind", "marketing"},
                               {"subject", "News"},
                               {"html", "<p>Read <a href=\"https://blog.shop.test/post?a=1&amp;b=2\">the post</a>.</p>"
                                        "<p><a href=\"{{unsubscribe_url}}\">Unsubscribe</a></p>"},
                               {"text", "Read https://blog.shop.test/post?a=1&b=2"}});
  ASSERT_EQ(tmpl.status, 200) << tmpl.body;
  auto made = post("/api/v1/campaigns", json::object{{"name", "News"}, {"template_key", "news"},
                                                     {"audience", json::object{{"q", "ann@track.test"}}}});
  ASSERT_EQ(made.status, 201) << made.body;
  const std::int64_t id = made.json().at("id").as_int64();
  ASSERT_EQ(post(id_path("/api/v1/campaigns", id) + "/send", json::object{}).status, 200);
  drained();
  const Mail mail = mail_to("ann@track.test");
  const std::string html = mail.parts.count("text/html") ? mail.parts.at("text/html") : "";
  auto between = [&](const std::string& prefix) {
    const auto at = html.find(prefix);
    if (at == std::string::npos) return std::string();
    return html.substr(at + std::string(kPublicUrl).size(), html.find('"', at) - at - std::string(kPublicUrl).size());
  };
  const std::string click = between(std::string(kPublicUrl) + "/c/");
  const std::string open = between(std::string(kPublicUrl) + "/o/");
  ASSERT_FALSE(click.empty()) << html;
  ASSERT_FALSE(open.empty()) << html;
  EXPECT_EQ(html.find("https://blog.shop.test"), std::string::npos) << "a link not tracked: " << html;
  EXPECT_NE(html.find(std::string(kPublicUrl) + "/u/"), std::string::npos) << "the unsubscribe link stays: " << html;

  HttpClient browser(server_->base_url());
  auto pixel = browser.request("GET", open, "", {});
  EXPECT_EQ(pixel.status, 200);
  EXPECT_EQ(pixel.body.substr(0, 6), "GIF89a");
  auto go = browser.request("GET", click, "", {});
  EXPECT_EQ(go.status, 302) << go.body;
  EXPECT_EQ(go.header("location"), "https://blog.shop.test/post?a=1&b=2");
  // A token signed for another address, or altered, is refused.
  std::string forged = click;
  forged[forged.size() / 2] = forged[forged.size() / 2] == 'A' ? 'B' : 'A';
  expect_error(browser.request("GET", forged, "", {}), 400, "", "token");
  expect_error(browser.request("GET", "/c/aHR0cHM6Ly9ldmlsLnRlc3Q.abc", "", {}), 400, "", "token");
  expect_error(browser.request("GET", "/o/x", "", {}), 400, "", "token");

  auto results = get(id_path("/api/v1/campaigns", id));
  ASSERT_EQ(results.status, 200) << results.body;
  EXPECT_EQ(results.json().at("opened").as_int64(), 1) << results.body;
  EXPECT_EQ(results.json().at("clicked").as_int64(), 1) << results.body;
  auto timeline = get(id_path("/api/v1/customers", ann) + "/timeline?limit=50");
  ASSERT_EQ(timeline.status, 200) << timeline.body;
  EXPECT_NE(timeline.body.find("click"), std::string::npos) << timeline.body;
  EXPECT_NE(timeline.body.find("open"), std::string::npos) << timeline.body;
}

// Quiet hours: marketing mail waits until they end, and says why; an order-status mail (a
// transactional template) still goes.
class QuietHours : public Automation {
 protected:
  std::vector<std::string> extra_options() override {
    // A window from an hour ago to two hours from now, in UTC (the fixture's time zone).
    const std::time_t now = std::time(nullptr);
    auto hhmm = [](std::time_t t) {
      std::tm tm{};
      gmtime_r(&t, &tm);
      char buf[8];
      std::strftime(buf, sizeof buf, "%H:%M", &tm);
      return std::string(buf);
    };
    return {"--quiet-hours", hhmm(now - 3600) + "-" + hhmm(now + 7200)};
  }
};

TEST_F(QuietHours, MarketingMailWaitsAndTransactionalMailGoes) {
  const std::int64_t ann = customer("Ann Quiet", "ann@quiet.test", "");
  ASSERT_EQ(put("/api/v1/message-templates/shipped/en",
                json::object{{"kind", "transactional"}, {"subject", "Shipped"},
                             {"html", "<p>Your order is on its way.</p>"}, {"text", "Your order is on its way."}})
                .status,
            200);
  auto marketing = post("/api/v1/messages", json::object{{"customer_id", ann}, {"template_key", "win_back"}});
  ASSERT_EQ(marketing.status, 201) << marketing.body;
  auto order = post("/api/v1/messages", json::object{{"customer_id", ann}, {"template_key", "shipped"}});
  ASSERT_EQ(order.status, 201) << order.body;
  ASSERT_TRUE(eventually([&] { return delivered().size() == 1; })) << server_->log();
  json::object held;
  ASSERT_TRUE(eventually([&] {
    auto r = get(id_path("/api/v1/messages", marketing.json().at("id").as_int64()));
    held = r.json().as_object();
    return str(held.at("status")) == "queued" && str(held.at("reason")).starts_with("quiet hours");
  })) << json::serialize(held);
  EXPECT_GT(held.at("next_attempt_at").as_int64(), wall_ms() + 3'000'000) << json::serialize(held);
  EXPECT_EQ(mail_to("ann@quiet.test").header("subject"), "Shipped");

  // The rules are visible and editable.
  auto rules = get("/api/v1/messaging/rules");
  ASSERT_EQ(rules.status, 200) << rules.body;
  EXPECT_EQ(rules.json().at("daily_cap").as_int64(), 1);
  EXPECT_FALSE(str(rules.json().at("quiet_hours")).empty());
  expect_error(put("/api/v1/messaging/rules",
                   json::object{{"daily_cap", 1}, {"weekly_cap", 3}, {"quiet_hours", "25:00-08:00"}}),
               400, "", "quiet_hours");
  expect_error(put("/api/v1/messaging/rules",
                   json::object{{"daily_cap", 5}, {"weekly_cap", 3}, {"quiet_hours", ""}}),
               400, "", "daily_cap");
  auto changed = put("/api/v1/messaging/rules",
                     json::object{{"daily_cap", 2}, {"weekly_cap", 5}, {"quiet_hours", ""}});
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(str(get("/api/v1/messaging/rules").json().at("quiet_hours")), "");
}

// A flow's webhook step: the call is signed (HMAC-SHA-256 of "<timestamp>.<body>" under the
// shop's webhook secret), tried again after a failure, and made once per enrolment.
TEST_F(Automation, AWebhookStepCallsSignedAndRetriesAfterAFailure) {
  SmtpServer hooks({"--fail-first", "1"}, "webhook_server.py");
  const std::int64_t ann = customer("Ann Hook", "ann@hook.test", "");
  const std::string url = "http://127.0.0.1:" + std::to_string(hooks.port()) + "/crm";
  json::object definition{{"trigger", json::object{{"kind", "manual"}}},
                          {"steps", json::array{json::object{{"id", "tell"}, {"type", "webhook"}, {"url", url}}}}};
  ASSERT_EQ(put("/api/v1/automation/flows/hook", json::object{{"name", "Hook"}, {"enabled", true},
                                                                {"definition", definition}})
                .status,
            200);
  expect_error(put("/api/v1/automation/flows/hook2",
                   json::object{{"name", "Hook"},
                                {"definition", json::object{{"trigger", json::object{{"kind", "manual"}}},
                                                            {"steps", json::array{json::object{
                                                                          {"id", "tell"}, {"type", "webhook"},
                                                                          {"url", "ftp://example.com/x"}}}}}}}),
               400, "", "definition.steps[0].url");
  auto enrolled = post("/api/v1/automation/flows/hook/enrol",
                       json::object{{"customer_ids", json::array{ann}}, {"occurrence", "once"}});
  ASSERT_EQ(enrolled.status, 200) << enrolled.body;
  std::vector<json::object> calls;
  ASSERT_TRUE(eventually([&] {
    calls = hooks.received();
    return calls.size() >= 2;
  }, 60)) << server_->log() << hooks.log();
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  calls = hooks.received();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].at("answered").as_int64(), 503);
  EXPECT_EQ(calls[1].at("answered").as_int64(), 204);
  auto secret = get("/api/v1/automation/webhook-secret");
  ASSERT_EQ(secret.status, 200) << secret.body;
  const std::string key(secret.json().at("secret").as_string());
  for (const auto& call : calls) {
    const auto& headers = call.at("headers").as_object();
    const std::string body = str(call.at("body"));
    const std::string timestamp = str(headers.at("x-ecrm-timestamp"));
    EXPECT_EQ(str(headers.at("x-ecrm-signature")), "v1=" + hmac_sha256_hex(key, timestamp + "." + body));
    const auto payload = json::parse(body).as_object();
    EXPECT_EQ(str(payload.at("flow")), "hook");
    EXPECT_EQ(payload.at("customer_id").as_int64(), ann);
  }
  EXPECT_EQ(str(calls[0].at("path")), "/crm");
}

// A test send goes to the staff address at once, rendered for the chosen customer; a message's
// events list what happened to it; suppressions are listed, added and lifted by staff.
TEST_F(Automation, TestSendsEventsAndSuppressionsForStaff) {
  const std::int64_t ann = customer("Ann Sample", "ann@staff.test", "");
  auto sent = post("/api/v1/message-templates/test-send",
                   json::object{{"customer_id", ann}, {"template_key", "win_back"}, {"to", "editor@shop.test"}});
  ASSERT_EQ(sent.status, 200) << sent.body;
  EXPECT_TRUE(sent.json().at("accepted").as_bool()) << sent.body;
  const Mail test = mail_to("editor@shop.test");
  EXPECT_EQ(test.header("subject"), "[Test] Ann, we miss you");
  EXPECT_EQ(stats().at("queued").as_int64(), 0);  // not through the outbox
  expect_error(post("/api/v1/message-templates/test-send",
                    json::object{{"customer_id", ann}, {"template_key", "win_back"}, {"to", "not an address"}}),
               400, "", "to");

  auto message = post("/api/v1/messages", json::object{{"customer_id", ann}, {"template_key", "win_back"}});
  ASSERT_EQ(message.status, 201) << message.body;
  drained();
  auto events = get(id_path("/api/v1/messages", message.json().at("id").as_int64()) + "/events");
  ASSERT_EQ(events.status, 200) << events.body;
  ASSERT_FALSE(events.json().at("items").as_array().empty()) << events.body;
  EXPECT_EQ(str(events.json().at("items").as_array().at(0).at("kind")), "sent") << events.body;

  auto added = post("/api/v1/suppressions", json::object{{"address", "Gone@Staff.test"}, {"detail", "asked by phone"}});
  ASSERT_EQ(added.status, 201) << added.body;
  EXPECT_EQ(str(added.json().at("address")), "gone@staff.test");
  EXPECT_EQ(str(added.json().at("reason")), "manual");
  auto listed = get("/api/v1/suppressions?q=staff.test");
  ASSERT_EQ(listed.status, 200) << listed.body;
  ASSERT_EQ(listed.json().at("items").as_array().size(), 1u) << listed.body;
  const std::int64_t gone = customer("Gone Person", "gone@staff.test", "");
  auto blocked = post("/api/v1/messages", json::object{{"customer_id", gone}, {"template_key", "win_back"}});
  ASSERT_EQ(blocked.status, 201);
  json::object m;
  ASSERT_TRUE(eventually([&] {
    m = get(id_path("/api/v1/messages", blocked.json().at("id").as_int64())).json().as_object();
    return str(m.at("status")) == "suppressed";
  })) << json::serialize(m);
  EXPECT_EQ(del("/api/v1/suppressions/gone@staff.test").status, 204);
  EXPECT_EQ(del("/api/v1/suppressions/gone@staff.test").status, 404);
  EXPECT_TRUE(get("/api/v1/suppressions").json().at("items").as_array().empty());
}

// The message log ages: old messages and their events are counted per day, source and outcome
// into message_daily and deleted; recent ones stay.
TEST_F(Automation, TheMessageLogAgesIntoDailyTotals) {
  const std::int64_t ann = customer("Ann Old", "ann@age.test", "");
  auto recent = post("/api/v1/messages", json::object{{"customer_id", ann}, {"template_key", "win_back"}});
  ASSERT_EQ(recent.status, 201) << recent.body;
  drained();
  const std::int64_t old_at = wall_ms() - 500LL * 86'400'000;
  for (int i = 0; i < 3; ++i) {
    auto inserted = connection().execute(
        "INSERT INTO messages (customer_id, template_key, kind, source, status, next_attempt_at, "
        "created_at, sent_at, updated_at) VALUES ($1, 'win_back', 'marketing', 'win_back', 'sent', "
        "$2, $2, $2, $2)",
        {ann, old_at + i});
    ASSERT_TRUE(inserted.ok()) << inserted.error().message;
  }
  auto events = connection().execute(
      "INSERT INTO message_events (message_id, customer_id, kind, at, detail) "
      "SELECT id, customer_id, 'open', created_at + 1000, '' FROM messages WHERE created_at < $1",
      {old_at + 10});
  ASSERT_TRUE(events.ok()) << events.error().message;
  ASSERT_EQ(*events, 3);
  expect_error(post("/api/v1/messages/age", json::object{{"keep_days", 0}}), 400, "", "keep_days");
  auto aged = post("/api/v1/messages/age", json::object{{"keep_days", 400}});
  ASSERT_EQ(aged.status, 200) << aged.body;
  EXPECT_EQ(aged.json().at("messages").as_int64(), 3) << aged.body;
  EXPECT_EQ(aged.json().at("events").as_int64(), 3) << aged.body;
  auto total = [&](const std::string& kind) {
    auto n = connection().query_int(
        "SELECT sum(n) FROM message_daily WHERE source = 'win_back' AND kind = $1", {kind});
    return n.ok() ? n->value_or(0) : -1;
  };
  EXPECT_EQ(total("message:sent"), 3);
  EXPECT_EQ(total("open"), 3);
  EXPECT_EQ(get(id_path("/api/v1/messages", recent.json().at("id").as_int64())).status, 200);
  auto again = post("/api/v1/messages/age", json::object{{"keep_days", 400}});
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.json().at("messages").as_int64(), 0);
  EXPECT_EQ(total("message:sent"), 3);
}

}  // namespace
}  // namespace ecrm::testing
