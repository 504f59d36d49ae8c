// Surveys and the satisfaction reports over real HTTP with a real SMTP server: solving a ticket
// mails a CSAT survey whose signed link records the answer on the ticket and the customer
// (forged tokens and out-of-range scores refused with nothing written, a second answer
// replacing the first, a ticket reopened and solved again not asked again); the NPS pass asks
// buyers with e-mail consent only, not twice within its interval; the report's numbers against
// values worked out by hand for a small fixed data set.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <chrono>
#include <cmath>
#include <ctime>
#include <optional>
#include <string>

#include "crm_support.hpp"
#include "portal_support.hpp"
#include "smtp_support.hpp"

namespace ecrm::testing {
namespace {

namespace json = boost::json;

constexpr const char* kMailFrom = "Help Desk <help@surveys.test.example>";

std::string str(const json::value& v) { return std::string(v.as_string()); }

std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// ISO-8601 UTC text of unix ms (seconds precision).
std::string iso(std::int64_t ms) {
  const std::time_t tt = static_cast<std::time_t>(ms / 1000);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&tt));
  return buf;
}

// The signed token of the first "/s/TOKEN?score=" link in a mail's text.
std::string survey_token(const std::string& text) {
  const auto at = text.find("/s/");
  if (at == std::string::npos) return "";
  const auto end = text.find('?', at);
  return text.substr(at + 3, end == std::string::npos ? std::string::npos : end - at - 3);
}

class ServiceSurveys : public CrmApi {
 protected:
  static void SetUpTestSuite() {
    smtp_ = new SmtpServer();
    unsetenv("ECRM_SMTP_URL");
    server_ = new ServerProcess(
        {"--mail-from", kMailFrom, "--smtp-url", smtp_->url(), "--smtp-retry-after", "0.2"},
        {{"ECRM_ADMIN_EMAIL", kAdminEmail}, {"ECRM_ADMIN_PASSWORD", kAdminPassword}});
  }
  static void TearDownTestSuite() {
    CrmApi::TearDownTestSuite();
    delete smtp_;
    smtp_ = nullptr;
  }

  std::int64_t customer(const std::string& name, const std::string& email, bool consent = true) {
    json::object body{{"name", name}, {"email", email}};
    body["consent"] =
        json::object{{"email", json::object{{"granted", consent}, {"how", "signup"}}}};
    return create("/api/v1/customers", body);
  }
  std::int64_t product(const std::string& sku, const std::string& name) {
    return create("/api/v1/products",
                  json::object{{"sku", sku}, {"name", name}, {"price", 1000}, {"currency", "CNY"}});
  }
  void order(std::int64_t customer_id, std::int64_t product_id, std::int64_t placed_at) {
    auto r = post("/api/v1/orders",
                  json::object{{"customer_id", customer_id},
                               {"placed_at", placed_at},
                               {"lines", json::array{json::object{{"product_id", product_id},
                                                                  {"quantity", 1}}}}});
    ASSERT_EQ(r.status, 201) << r.body;
  }
  json::object ticket(const json::object& body) {
    auto r = post("/api/v1/tickets", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? r.json().as_object() : json::object{};
  }
  void reply(std::int64_t id) {
    auto r = post(id_path("/api/v1/tickets", id) + "/replies", json::object{{"body", "Done."}});
    ASSERT_EQ(r.status, 201) << r.body;
  }
  void set_status(std::int64_t id, const std::string& status) {
    auto r = patch(id_path("/api/v1/tickets", id), json::object{{"status", status}});
    ASSERT_EQ(r.status, 200) << r.body;
  }
  json::array surveys(const std::string& query) {
    auto r = get("/api/v1/service/surveys?" + query);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? r.json().at("items").as_array() : json::array{};
  }
  // Mail the SMTP server accepted for outbox message `id`, once it has arrived.
  std::optional<Mail> mail_of(std::int64_t id) {
    std::optional<Mail> found;
    eventually([&] {
      for (auto& record : smtp_->received()) {
        Mail mail = parse_mail(str(record.at("data")));
        if (mail.header("x-ecrm-message") == std::to_string(id)) found = mail;
      }
      return found.has_value();
    });
    EXPECT_TRUE(found) << "message " << id << " did not arrive\n" << server_->log() << smtp_->log();
    return found;
  }
  // The mails the SMTP server accepted for `address`.
  std::size_t mails_to(const std::string& address) {
    std::size_t n = 0;
    for (auto& record : smtp_->received()) {
      for (const auto& to : record.at("rcpt_tos").as_array()) {
        if (str(to) == address) ++n;
      }
    }
    return n;
  }
  // The token of the survey mail of `survey` (a row of GET /service/surveys).
  std::string token_of(const json::value& survey) {
    if (survey.at("outbox_message_id").is_null()) {
      ADD_FAILURE() << "the survey was not mailed: " << json::serialize(survey);
      return "";
    }
    auto mail = mail_of(survey.at("outbox_message_id").as_int64());
    return mail ? survey_token(mail->part("text/plain")) : "";
  }
  void always_open() {
    json::object week;
    for (const char* day : {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}) {
      week[day] = json::array{json::array{"00:00", "24:00"}};
    }
    auto r = put("/api/v1/service/business-hours",
                 json::object{{"timezone", "Europe/Berlin"}, {"week", week}});
    ASSERT_EQ(r.status, 200) << r.body;
  }

  inline static SmtpServer* smtp_ = nullptr;
};

TEST_F(ServiceSurveys, SolvingATicketMailsACsatSurveyWhoseLinkRecordsTheAnswer) {
  const auto c = customer("Wang Fang", "wang.fang@surveys.example.cn");
  auto t = ticket(json::object{{"customer_id", c},
                               {"subject", "Kettle leaks"},
                               {"body", "Water on the table."},
                               {"channel", "email"}});
  const auto id = t.at("id").as_int64();
  reply(id);
  EXPECT_TRUE(surveys("ticket_id=" + std::to_string(id)).empty()) << "asked before solved";
  set_status(id, "solved");

  auto asked = surveys("ticket_id=" + std::to_string(id));
  ASSERT_EQ(asked.size(), 1u);
  EXPECT_EQ(str(asked[0].at("kind")), "csat");
  EXPECT_EQ(asked[0].at("customer_id").as_int64(), c);
  EXPECT_TRUE(asked[0].at("score").is_null());
  auto mail = mail_of(asked[0].at("outbox_message_id").as_int64());
  ASSERT_TRUE(mail);
  EXPECT_NE(mail->header("to").find("wang.fang@surveys.example.cn"), std::string::npos);
  const std::string text = mail->part("text/plain");
  EXPECT_NE(text.find("Kettle leaks"), std::string::npos) << text;
  for (int score = 1; score <= 5; ++score) {
    EXPECT_NE(text.find("?score=" + std::to_string(score)), std::string::npos) << text;
  }
  const std::string token = survey_token(text);
  ASSERT_FALSE(token.empty()) << text;

  // The page shows the question; opening it records nothing.
  HttpClient anyone(server_->base_url());
  auto page = anyone.get("/s/" + token + "?score=4");
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("Kettle leaks"), std::string::npos);
  EXPECT_NE(page.body.find("value=\"4\" checked"), std::string::npos);
  // No inline script (the page's Content-Security-Policy allows none): the form carries the
  // token and /survey.js sends it.
  EXPECT_NE(page.body.find("data-token=\"" + token + "\""), std::string::npos) << page.body;
  EXPECT_NE(page.body.find("<script src=\"/survey.js\"></script>"), std::string::npos);
  EXPECT_EQ(page.body.find("<script>"), std::string::npos) << page.body;
  EXPECT_NE(page.header("content-security-policy").find("script-src 'self';"), std::string::npos);
  auto script = anyone.get("/survey.js");
  EXPECT_EQ(script.status, 200);
  EXPECT_NE(script.header("content-type").find("javascript"), std::string::npos);
  EXPECT_NE(script.body.find("'/api/v1/surveys/'+encodeURIComponent(f.dataset.token)"),
            std::string::npos) << script.body;
  EXPECT_TRUE(surveys("ticket_id=" + std::to_string(id))[0].at("score").is_null());

  // Forged and altered tokens: refused naming the token, nothing written.
  std::string altered_mac = token;
  altered_mac.back() = altered_mac.back() == 'A' ? 'B' : 'A';
  std::string altered_payload = token;
  altered_payload[0] = altered_payload[0] == 'M' ? 'N' : 'M';
  for (const std::string& forged : {altered_mac, altered_payload, std::string("MTIz.abc"),
                                    std::string("nonsense")}) {
    expect_error(anyone.send_json("POST", "/api/v1/surveys/" + forged,
                                  json::object{{"score", 5}}),
                 400, "", "token");
    EXPECT_EQ(anyone.get("/s/" + forged).status, 400);
  }
  // Out of range: refused naming the score.
  for (int score : {0, 6, -1}) {
    expect_error(anyone.send_json("POST", "/api/v1/surveys/" + token, json::object{{"score", score}}),
                 400, "", "score");
  }
  EXPECT_TRUE(surveys("ticket_id=" + std::to_string(id))[0].at("score").is_null());

  // The answer, without signing in.
  auto answered = anyone.send_json("POST", "/api/v1/surveys/" + token,
                                   json::object{{"score", 4}, {"comment", "Quick and kind"}});
  ASSERT_EQ(answered.status, 200) << answered.body;
  EXPECT_EQ(answered.json().at("score").as_int64(), 4);
  auto row = surveys("ticket_id=" + std::to_string(id));
  ASSERT_EQ(row.size(), 1u);
  EXPECT_EQ(row[0].at("score").as_int64(), 4);
  EXPECT_EQ(str(row[0].at("comment")), "Quick and kind");
  EXPECT_EQ(str(row[0].at("channel")), "email");

  // On the ticket (its events) and on the customer (timeline, surveys).
  auto events = get(id_path("/api/v1/tickets", id) + "/events");
  ASSERT_EQ(events.status, 200);
  bool sent = false, answer_event = false;
  const auto event_list = events.json();
  for (const auto& e : event_list.at("items").as_array()) {
    if (str(e.at("kind")) == "csat_sent") sent = true;
    if (str(e.at("kind")) == "csat_answered") {
      answer_event = true;
      const auto detail = json::parse(str(e.at("detail")));
      EXPECT_EQ(detail.at("score").as_int64(), 4);
      EXPECT_EQ(str(detail.at("comment")), "Quick and kind");
    }
  }
  EXPECT_TRUE(sent) << events.body;
  EXPECT_TRUE(answer_event) << events.body;
  auto timeline = get(id_path("/api/v1/customers", c) + "/timeline");
  ASSERT_EQ(timeline.status, 200);
  bool on_timeline = false;
  const auto entries = timeline.json();
  for (const auto& e : entries.at("items").as_array()) {
    if (str(e.at("kind")) == "survey.csat") {
      on_timeline = true;
      EXPECT_EQ(e.at("data").at("score").as_int64(), 4);
      EXPECT_EQ(e.at("data").at("ticket_id").as_int64(), id);
      EXPECT_NE(str(e.at("summary")).find("CSAT 4/5"), std::string::npos);
    }
  }
  EXPECT_TRUE(on_timeline) << timeline.body;
  EXPECT_EQ(surveys("customer_id=" + std::to_string(c)).size(), 1u);

  // Answering again replaces the answer.
  auto again = anyone.send_json("POST", "/api/v1/surveys/" + token, json::object{{"score", 5}});
  ASSERT_EQ(again.status, 200) << again.body;
  row = surveys("ticket_id=" + std::to_string(id));
  ASSERT_EQ(row.size(), 1u);
  EXPECT_EQ(row[0].at("score").as_int64(), 5);
  EXPECT_EQ(str(row[0].at("comment")), "");

  // Reopened and solved again: not asked again.
  const auto mails_before = mails_to("wang.fang@surveys.example.cn");
  set_status(id, "open");
  set_status(id, "solved");
  EXPECT_EQ(surveys("ticket_id=" + std::to_string(id)).size(), 1u);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(mails_to("wang.fang@surveys.example.cn"), mails_before);

  // A ticket without a customer is not asked; listing needs a customer or a ticket.
  expect_error(get("/api/v1/service/surveys"), 400, "", "customer_id");
}

TEST_F(ServiceSurveys, TheNpsPassAsksBuyersWithConsentOnlyAndNotTwiceWithinItsInterval) {
  const auto item = product("NPS-1", "Thermos");
  const auto buyer = customer("Nina Buyer", "nina.buyer@surveys.example");
  const auto browser = customer("Bo Browser", "bo.browser@surveys.example");
  const auto silent = customer("Sam Silent", "sam.silent@surveys.example", false);
  order(buyer, item, wall_ms() - 5 * 86'400'000LL);
  order(silent, item, wall_ms() - 5 * 86'400'000LL);
  (void)browser;

  auto run = post("/api/v1/service/surveys/nps/run", json::object{});
  ASSERT_EQ(run.status, 200) << run.body;
  EXPECT_GE(run.json().at("asked").as_int64(), 1);
  EXPECT_EQ(run.json().at("interval_days").as_int64(), 90);
  auto asked = surveys("customer_id=" + std::to_string(buyer));
  ASSERT_EQ(asked.size(), 1u);
  EXPECT_EQ(str(asked[0].at("kind")), "nps");
  EXPECT_TRUE(surveys("customer_id=" + std::to_string(browser)).empty());
  EXPECT_TRUE(surveys("customer_id=" + std::to_string(silent)).empty());
  auto mail = mail_of(asked[0].at("outbox_message_id").as_int64());
  ASSERT_TRUE(mail);
  EXPECT_NE(mail->header("to").find("nina.buyer@surveys.example"), std::string::npos);
  const std::string text = mail->part("text/plain");
  for (int score = 0; score <= 10; ++score) {
    EXPECT_NE(text.find("?score=" + std::to_string(score) + "\n"), std::string::npos) << text;
  }

  // Again within the interval: nobody is asked twice.
  auto second = post("/api/v1/service/surveys/nps/run", json::object{});
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(second.json().at("asked").as_int64(), 0);
  EXPECT_EQ(surveys("customer_id=" + std::to_string(buyer)).size(), 1u);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(mails_to("nina.buyer@surveys.example"), 1u);
  EXPECT_EQ(mails_to("bo.browser@surveys.example"), 0u);
  EXPECT_EQ(mails_to("sam.silent@surveys.example"), 0u);

  // NPS answers 0 to 10; 11 is refused naming the score.
  const std::string token = survey_token(text);
  HttpClient anyone(server_->base_url());
  expect_error(anyone.send_json("POST", "/api/v1/surveys/" + token, json::object{{"score", 11}}),
               400, "", "score");
  auto answered = anyone.send_json("POST", "/api/v1/surveys/" + token, json::object{{"score", 0}});
  ASSERT_EQ(answered.status, 200) << answered.body;
  EXPECT_EQ(surveys("customer_id=" + std::to_string(buyer))[0].at("score").as_int64(), 0);

  // Only service admins run it.
  auto agent = staff("nps.agent@example.com", "service");
  EXPECT_EQ(agent->send_json("POST", "/api/v1/service/surveys/nps/run", json::object{}).status, 403);
}

TEST_F(ServiceSurveys, TheReportMatchesHandComputedFigures) {
  always_open();
  auto policy = post("/api/v1/sla-policies",
                     json::object{{"name", "Report A"},
                                  {"match", json::object{{"category", "report-a"}}},
                                  {"first_response_minutes", 100},
                                  {"resolution_minutes", 300}});
  ASSERT_EQ(policy.status, 201) << policy.body;
  const auto item = product("REP-1", "Blender");
  const auto a1 = customer("Report A1", "report.a1@surveys.example");
  const auto a2 = customer("Report A2", "report.a2@surveys.example");
  const auto a3 = customer("Report A3", "report.a3@surveys.example");
  const auto b1 = customer("Report B1", "report.b1@surveys.example");
  const std::int64_t now = wall_ms();
  const std::int64_t minute = 60'000;
  // Orders: A1 after its first ticket (a repeat), A2 and A3 before theirs, B1 after its.
  order(a1, item, now - 300 * minute);
  order(a2, item, now - 1440 * minute);
  order(a3, item, now - 2880 * minute);
  order(b1, item, now - 10 * minute);

  // Category report-a: opened 600, 240, 120, 60 and 30 minutes ago, answered and solved now.
  struct Opened {
    std::int64_t customer;
    std::int64_t minutes_ago;
    std::string category;
  };
  const std::vector<Opened> opened = {{a1, 600, "report-a"}, {a1, 240, "report-a"},
                                      {a2, 120, "report-a"}, {a3, 60, "report-a"},
                                      {a3, 30, "report-a"},  {b1, 90, "report-b"},
                                      {b1, 45, "report-b"}};
  std::vector<std::int64_t> ids;
  for (const auto& o : opened) {
    auto t = ticket(json::object{{"customer_id", o.customer},
                                 {"subject", "Report ticket"},
                                 {"body", "Help"},
                                 {"channel", "email"},
                                 {"category", o.category},
                                 {"opened_at", iso(now - o.minutes_ago * minute)}});
    ASSERT_FALSE(t.empty());
    ids.push_back(t.at("id").as_int64());
  }
  for (std::int64_t id : ids) {
    reply(id);
    set_status(id, "solved");
  }
  // CSAT: 5 and 4 on A1's tickets, 2 on A2's; 3 on B1's first.
  const std::vector<std::pair<std::size_t, int>> csat = {{0, 5}, {1, 4}, {2, 2}, {5, 3}};
  HttpClient anyone(server_->base_url());
  for (const auto& [index, score] : csat) {
    auto rows = surveys("ticket_id=" + std::to_string(ids[index]));
    ASSERT_EQ(rows.size(), 1u);
    auto r = anyone.send_json("POST", "/api/v1/surveys/" + token_of(rows[0]),
                              json::object{{"score", score}});
    ASSERT_EQ(r.status, 200) << r.body;
  }
  // NPS: A1 10, A2 8, A3 3; B1 9.
  ASSERT_EQ(post("/api/v1/service/surveys/nps/run", json::object{}).status, 200);
  const std::vector<std::pair<std::int64_t, int>> nps = {{a1, 10}, {a2, 8}, {a3, 3}, {b1, 9}};
  for (const auto& [who, score] : nps) {
    json::value asked;
    for (const auto& s : surveys("customer_id=" + std::to_string(who))) {
      if (str(s.at("kind")) == "nps") asked = s;
    }
    ASSERT_FALSE(asked.is_null()) << "customer " << who << " was not asked";
    auto r = anyone.send_json("POST", "/api/v1/surveys/" + token_of(asked),
                              json::object{{"score", score}});
    ASSERT_EQ(r.status, 200) << r.body;
  }

  auto r = get("/api/v1/service/reports?by=category&from=" + iso(now - 3 * 1440 * minute) +
               "&to=" + iso(now + 60 * minute));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body.find("E-"), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find("E1"), std::string::npos) << r.body;
  const auto report = r.json();
  json::object a, b;
  for (const auto& g : report.at("groups").as_array()) {
    if (str(g.at("key")) == "report-a") a = g.as_object();
    if (str(g.at("key")) == "report-b") b = g.as_object();
  }
  ASSERT_FALSE(a.empty()) << r.body;
  ASSERT_FALSE(b.empty()) << r.body;
  auto near = [](const json::value& v, double expected) {
    EXPECT_TRUE(v.is_number()) << json::serialize(v);
    if (v.is_number()) EXPECT_NEAR(v.to_number<double>(), expected, 1.0) << json::serialize(v);
  };
  EXPECT_EQ(a.at("tickets").as_int64(), 5);
  // Answered and solved within seconds of now: times are the opening ages in minutes
  // (30, 60, 120, 240, 600): median 120; p90 = rank ceil(4.5) = 5th = 600.
  const auto& first = a.at("first_response_wall_minutes");
  EXPECT_EQ(first.at("count").as_int64(), 5);
  near(first.at("median"), 120);
  near(first.at("p90"), 600);
  near(a.at("resolution_wall_minutes").at("median"), 120);
  near(a.at("resolution_wall_minutes").at("p90"), 600);
  // First response within 100 minutes: 30 and 60 of 5 (40 %); resolution within 300: 4 of 5.
  EXPECT_EQ(a.at("sla_first_response").at("measured").as_int64(), 5);
  EXPECT_EQ(a.at("sla_first_response").at("met").as_int64(), 2);
  EXPECT_EQ(a.at("sla_first_response").at("percent").to_number<double>(), 40.0);
  EXPECT_EQ(a.at("sla_resolution").at("met").as_int64(), 4);
  EXPECT_EQ(a.at("sla_resolution").at("percent").to_number<double>(), 80.0);
  // CSAT 5, 4, 2: average 3.67, satisfied 2 of 3 = 66.7 %.
  EXPECT_EQ(a.at("csat").at("answers").as_int64(), 3);
  EXPECT_EQ(a.at("csat").at("average").to_number<double>(), 3.67);
  EXPECT_EQ(a.at("csat").at("satisfied_percent").to_number<double>(), 66.7);
  EXPECT_NE(r.body.find("\"average\":3.67"), std::string::npos) << r.body;
  // NPS 10, 8, 3: one promoter, one passive, one detractor: score 0.
  EXPECT_EQ(a.at("nps").at("answers").as_int64(), 3);
  EXPECT_EQ(a.at("nps").at("promoters").as_int64(), 1);
  EXPECT_EQ(a.at("nps").at("detractors").as_int64(), 1);
  EXPECT_EQ(a.at("nps").at("score").as_int64(), 0);
  // Repeat purchase: A1 ordered after its first ticket; A2 and A3 before: 1 of 3 = 33.3 %.
  EXPECT_EQ(a.at("repeat_purchase").at("customers").as_int64(), 3);
  EXPECT_EQ(a.at("repeat_purchase").at("repeat_customers").as_int64(), 1);
  EXPECT_EQ(a.at("repeat_purchase").at("percent").to_number<double>(), 33.3);

  // Category report-b: 90 and 45 minutes, median 67.5, p90 90; no policy, nothing measured.
  EXPECT_EQ(b.at("tickets").as_int64(), 2);
  near(b.at("first_response_wall_minutes").at("median"), 67.5);
  near(b.at("first_response_wall_minutes").at("p90"), 90);
  EXPECT_EQ(b.at("sla_first_response").at("measured").as_int64(), 0);
  EXPECT_TRUE(b.at("sla_first_response").at("percent").is_null());
  EXPECT_EQ(b.at("csat").at("average").to_number<double>(), 3.0);
  EXPECT_EQ(b.at("csat").at("satisfied_percent").to_number<double>(), 0.0);
  EXPECT_EQ(b.at("nps").at("score").as_int64(), 100);
  EXPECT_EQ(b.at("repeat_purchase").at("percent").to_number<double>(), 100.0);

  // Other groupings answer too; bad parameters are refused naming them.
  for (const char* by : {"channel", "team", "product"}) {
    EXPECT_EQ(get(std::string("/api/v1/service/reports?by=") + by).status, 200) << by;
  }
  expect_error(get("/api/v1/service/reports?by=weather"), 400, "", "by");
  expect_error(get("/api/v1/service/reports?from=yesterday"), 400, "", "from");
  expect_error(get("/api/v1/service/reports?to=2026-13-45"), 400, "", "to");
  expect_error(get("/api/v1/service/reports?from=2026-05-01&to=2026-04-01"), 400, "", "to");
  expect_error(get("/api/v1/service/reports?from=2024-01-01&to=2026-01-01"), 400, "", "from");
  auto agent = staff("report.viewer@example.com", "service");
  EXPECT_EQ(agent->get("/api/v1/service/reports").status, 200);
  auto sales = staff("report.sales@example.com", "sales");
  EXPECT_EQ(sales->get("/api/v1/service/reports").status, 403);
}

class ServiceSurveysPortal : public PortalBase {};

// The portal's rating form and the mail's link answer the same survey: one row per ticket, the
// latest answer shown on both sides.
TEST_F(ServiceSurveysPortal, ThePortalsRatingAndTheMailsLinkAnswerOneSurvey) {
  const std::string address = "rating.one@example.cn";
  const auto id = customer("Rating One", address);
  const auto order_id = order(id, 1, "shipped").at("id").as_int64();
  auto portal = portal_client(address);
  auto opened = portal->send_json("POST", "/api/v1/portal/tickets",
                                  json::object{{"subject", "Lens cap missing"},
                                               {"body", "The box had no lens cap."},
                                               {"order_id", order_id}});
  ASSERT_EQ(opened.status, 201) << opened.body;
  const auto ticket_id = opened.json().at("ticket").at("id").as_int64();
  auto solved = post(id_path("/api/v1/tickets", ticket_id) + "/replies",
                     json::object{{"body", "We mailed one today."}, {"status", "solved"}});
  ASSERT_EQ(solved.status, 201) << solved.body;

  auto listed = get("/api/v1/service/surveys?ticket_id=" + std::to_string(ticket_id));
  ASSERT_EQ(listed.status, 200) << listed.body;
  const auto asked = listed.json().at("items").as_array();
  ASSERT_EQ(asked.size(), 1u);
  const std::string outbox = std::to_string(asked[0].at("outbox_message_id").as_int64());

  auto rated = portal->send_json("POST", id_path("/api/v1/portal/tickets", ticket_id) + "/rating",
                                 json::object{{"score", 3}, {"comment", "Took a while"}});
  ASSERT_EQ(rated.status, 200) << rated.body;
  auto after_portal = get("/api/v1/service/surveys?ticket_id=" + std::to_string(ticket_id));
  const auto rows = after_portal.json().at("items").as_array();
  ASSERT_EQ(rows.size(), 1u) << after_portal.body;
  EXPECT_EQ(rows[0].at("score").as_int64(), 3);
  EXPECT_EQ(str(rows[0].at("channel")), "portal");
  EXPECT_EQ(str(rows[0].at("comment")), "Took a while");

  // The mail's link changes the same answer; the portal shows it.
  std::string token;
  ASSERT_TRUE(eventually([&] {
    for (const Mail& mail : mails_to(address)) {
      if (mail.header("x-ecrm-message") == outbox) token = survey_token(mail.part("text/plain"));
    }
    return !token.empty();
  })) << server_->log() << smtp_->log();
  HttpClient anyone(server_->base_url());
  auto answered = anyone.send_json("POST", "/api/v1/surveys/" + token, json::object{{"score", 5}});
  ASSERT_EQ(answered.status, 200) << answered.body;
  auto view = portal->get(id_path("/api/v1/portal/tickets", ticket_id));
  ASSERT_EQ(view.status, 200) << view.body;
  EXPECT_EQ(view.json().at("rating").at("score").as_int64(), 5);
  auto after_mail = get("/api/v1/service/surveys?ticket_id=" + std::to_string(ticket_id));
  const auto final_rows = after_mail.json().at("items").as_array();
  ASSERT_EQ(final_rows.size(), 1u);
  EXPECT_EQ(str(final_rows[0].at("channel")), "email");
}

}  // namespace
}  // namespace ecrm::testing
