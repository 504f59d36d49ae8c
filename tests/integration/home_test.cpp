// GET /api/v1/home over real HTTP on a small shop whose every figure is known: orders placed at
// chosen times around a chosen day (today, this week, the same span a week earlier, after the
// moment shown, cancelled, in another currency), carts from tracking events (left, recovered,
// bought, still open), messages sent through a real SMTP server (aiosmtpd), opened, clicked and
// replied to (`ecrm mail-in`), and campaigns. Each section only for the roles holding its scope;
// bad input named.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>

#include "crm_support.hpp"
#include "smtp_support.hpp"

namespace ecrm::testing {
namespace {

namespace json = boost::json;

constexpr const char* kPublicUrl = "http://shop.home.test";
constexpr std::int64_t kHour = 3'600'000;
constexpr std::int64_t kDay = 24 * kHour;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// 2025-03-12 (a Wednesday) at `hour`:`minute` UTC, moved by `days`.
std::int64_t march12(int hour, int minute = 0, int days = 0) {
  constexpr std::int64_t kMarch12 = 1'741'737'600'000;  // 2025-03-12T00:00:00Z
  return kMarch12 + days * kDay + hour * kHour + minute * 60'000;
}

class Home : public CrmApi {
 protected:
  static void SetUpTestSuite() {
    smtp_ = new SmtpServer();
    unsetenv("ECRM_SMTP_URL");
    server_ = new ServerProcess(
        {"--time-zone", "UTC", "--smtp-url", smtp_->url(), "--mail-from",
         "Home Shop <shop@home.test>", "--smtp-retry-after", "0.2", "--public-url", kPublicUrl},
        {{"ECRM_ADMIN_EMAIL", kAdminEmail}, {"ECRM_ADMIN_PASSWORD", kAdminPassword}});
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
    delete smtp_;
    smtp_ = nullptr;
  }

  std::int64_t product(const std::string& sku, std::int64_t price, const std::string& currency) {
    return create(
        "/api/v1/products",
        json::object{
            {"sku", sku}, {"name", "Product " + sku}, {"price", price}, {"currency", currency}});
  }

  std::int64_t customer(const std::string& name, const std::string& email) {
    return create(
        "/api/v1/customers",
        json::object{{"name", name},
                     {"email", email},
                     {"consent", json::object{{"email", json::object{{"granted", true},
                                                                     {"how", "signup"}}}}}});
  }

  // An order of `quantity` × `product` placed at `at`; expects its total.
  std::int64_t order(std::int64_t customer, std::int64_t product, std::int64_t quantity,
                     std::int64_t at, std::int64_t total, const std::string& channel = "web") {
    auto r = post(
        "/api/v1/orders",
        json::object{
            {"customer_id", customer},
            {"channel", channel},
            {"placed_at", at},
            {"lines", json::array{json::object{{"product_id", product}, {"quantity", quantity}}}}});
    EXPECT_EQ(r.status, 201) << r.body;
    if (r.status != 201) return 0;
    EXPECT_EQ(r.json().at("total").as_int64(), total) << r.body;
    return r.json().at("id").as_int64();
  }

  // Waits until `ready` holds (up to 30 s).
  static bool eventually(const std::function<bool()>& ready) {
    for (int i = 0; i < 300; ++i) {
      if (ready()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return ready();
  }

  // The mail the SMTP server received for `address`.
  Mail mail_to(const std::string& address) {
    Mail found;
    const bool arrived = eventually([&] {
      for (auto& record : smtp_->received()) {
        for (const auto& rcpt : record.at("rcpt_tos").as_array()) {
          if (rcpt.as_string() == address) {
            found = parse_mail(std::string(record.at("data").as_string()));
            return true;
          }
        }
      }
      return false;
    });
    EXPECT_TRUE(arrived) << "no mail to " << address << "\n" << server_->log();
    return found;
  }

  // The path of the first link of `mail`'s HTML that starts with the public URL and `prefix`.
  static std::string link(const Mail& mail, const std::string& prefix) {
    const std::string html = mail.part("text/html");
    const std::string start = std::string(kPublicUrl) + prefix;
    const auto at = html.find(start);
    if (at == std::string::npos) return "";
    const auto from = at + std::string(kPublicUrl).size();
    return html.substr(from, html.find('"', at) - from);
  }

  json::object home(const std::string& query = "") {
    auto r = get("/api/v1/home" + query);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? r.json().as_object() : json::object{};
  }

  inline static SmtpServer* smtp_ = nullptr;
};

json::object sales(std::int64_t orders, std::int64_t revenue, std::int64_t first_time,
                   std::int64_t returning) {
  return json::object{{"orders", orders},
                      {"revenue", revenue},
                      {"first_time_buyers", first_time},
                      {"returning_buyers", returning}};
}

json::object carts(std::int64_t abandoned, std::int64_t purchased, std::int64_t recovered,
                   std::int64_t lost, std::int64_t recovered_value) {
  return json::object{{"abandoned", abandoned},
                      {"purchased", purchased},
                      {"recovered", recovered},
                      {"lost_value", lost},
                      {"recovered_value", recovered_value}};
}

json::array days(std::int64_t first, std::vector<std::pair<std::int64_t, std::int64_t>> figures) {
  json::array out;
  for (std::size_t i = 0; i < figures.size(); ++i) {
    out.push_back(json::object{{"day", first + static_cast<std::int64_t>(i) * kDay},
                               {"orders", figures[i].first},
                               {"revenue", figures[i].second}});
  }
  return out;
}

TEST_F(Home, TheShopsDayAddsUpToWhatHappened) {
  const std::int64_t started = now_ms();
  const std::int64_t p1 = product("HOME-1", 10000, "USD");
  const std::int64_t p2 = product("HOME-2", 2500, "USD");
  const std::int64_t p3 = product("HOME-3", 2000, "EUR");
  const std::int64_t ann = customer("Ann Home", "ann@home.test");
  const std::int64_t bob = customer("Bob Home", "bob@home.test");
  const std::int64_t cat = customer("Cat Home", "cat@home.test");
  const std::int64_t dan = customer("Dan Home", "dan@home.test");
  const std::int64_t eve = customer("Eve Home", "eve@home.test");  // never orders
  ASSERT_GT(eve, 0);

  // The day shown: 2025-03-12 15:00 UTC. This week: 6 March 00:00 to then; last week: 27
  // February 00:00 to 5 March 15:00.
  order(ann, p1, 1, march12(10, 0, -20), 10000);  // 20 February: Ann has bought before
  order(ann, p1, 1, march12(9), 10000);           // today
  order(bob, p2, 2, march12(11), 5000, "app");    // today, Bob's first
  order(bob, p2, 1, march12(16), 2500);           // after the moment shown
  order(cat, p1, 1, march12(12, 0, -5), 10000);   // 7 March: this week
  order(cat, p2, 1, march12(12, 0, -10), 2500);   // 2 March: last week, Cat's first
  order(cat, p2, 1, march12(18, 0, -7), 2500);    // 5 March 18:00: after last week's span
  const std::int64_t cancelled = order(ann, p1, 1, march12(10, 0, -4), 10000);  // 8 March
  order(dan, p3, 1, march12(10, 0, -2), 2000);  // 10 March, in euros
  auto cancel = post(id_path("/api/v1/orders", cancelled) + "/status",
                     json::object{{"status", "cancelled"}, {"at", march12(11, 0, -4)}});
  ASSERT_EQ(cancel.status, 200) << cancel.body;

  // Carts, from the snippet's events.
  auto key = post("/api/v1/write-keys", json::object{{"name", "home test"}});
  ASSERT_EQ(key.status, 201) << key.body;
  const std::string write_key(key.json().at("key").as_string());
  int seq = 0;
  auto event = [&](const std::string& visitor, const std::string& type, std::int64_t ts,
                   json::object properties) {
    return json::object{{"event_id", "home-" + std::to_string(++seq)},
                        {"type", type},
                        {"anonymous_id", visitor},
                        {"ts", ts},
                        {"properties", std::move(properties)}};
  };
  auto add = [&](const std::string& sku, std::int64_t price, std::int64_t quantity) {
    return json::object{
        {"sku", sku}, {"price", price}, {"quantity", quantity}, {"currency", "USD"}};
  };
  HttpClient browser(server_->base_url());
  auto sent = browser.send_json(
      "POST", "/api/v1/events?key=" + write_key,
      json::object{
          {"events",
           json::array{
               // Left this morning: abandoned at 09:00, today.
               event("v1", "add_to_cart", march12(8), add("HOME-1", 10000, 1)),
               // Left on 8 March, back on 9 March to buy it: recovered.
               event("v2", "add_to_cart", march12(10, 0, -4), add("HOME-2", 2500, 2)),
               event("v2", "checkout_step", march12(12, 0, -3), json::object{{"step", 1}}),
               event("v2", "purchase", march12(12, 5, -3),
                     json::object{{"order_id", "W-2"}, {"total", 5000}, {"currency", "USD"}}),
               // Bought at once on 2 March: last week.
               event("v3", "add_to_cart", march12(10, 0, -10), add("HOME-2", 2500, 1)),
               event("v3", "purchase", march12(10, 10, -10),
                     json::object{{"order_id", "W-3"}, {"total", 2500}, {"currency", "USD"}}),
               // Filled at 14:30: not abandoned before 15:30, after the moment shown.
               event("v4", "add_to_cart", march12(14, 30), add("HOME-1", 10000, 1)),
           }}});
  ASSERT_EQ(sent.status, 200) << sent.body;
  ASSERT_EQ(sent.json().at("accepted").as_int64(), 7) << sent.body;

  // Tiers, from a recomputation of the scores (after any the server started by itself).
  json::object job;
  auto idle = [&] {
    job = get("/api/v1/analytics/recompute").json().as_object();
    return job.at("state").as_string() == "idle";
  };
  ASSERT_TRUE(eventually(idle)) << json::serialize(job);
  const json::value model_before = job.at("model_id");
  ASSERT_EQ(post("/api/v1/analytics/recompute", json::object{}).status, 202);
  ASSERT_TRUE(eventually([&] { return idle() && job.at("model_id") != model_before; }))
      << json::serialize(job);
  ASSERT_EQ(job.at("last_status").as_string(), "ok") << json::serialize(job);

  const std::string at = "?at=" + std::to_string(march12(15));
  auto day = home(at);
  ASSERT_FALSE(day.empty());
  EXPECT_EQ(day.at("time_zone").as_string(), "UTC");
  EXPECT_EQ(day.at("spans"), (json::object{{"at", march12(15)},
                                           {"today_from", march12(0)},
                                           {"week_from", march12(0, 0, -6)},
                                           {"last_week_from", march12(0, 0, -13)},
                                           {"last_week_to", march12(15, 0, -7)}}));

  const auto& s = day.at("sales").as_object();
  EXPECT_EQ(s.at("currency").as_string(), "USD");
  EXPECT_EQ(s.at("other_currencies"), (json::array{"EUR"}));
  EXPECT_EQ(s.at("today"), sales(2, 15000, 1, 1)) << json::serialize(s);
  EXPECT_EQ(s.at("this_week"), sales(4, 25000, 2, 2)) << json::serialize(s);
  EXPECT_EQ(s.at("last_week"), sales(1, 2500, 1, 0)) << json::serialize(s);
  EXPECT_EQ(s.at("days"), days(march12(0, 0, -6),
                               {{0, 0}, {1, 10000}, {0, 0}, {0, 0}, {1, 0}, {0, 0}, {2, 15000}}))
      << json::serialize(s);
  EXPECT_EQ(
      s.at("last_week_days"),
      days(march12(0, 0, -13), {{0, 0}, {0, 0}, {0, 0}, {1, 2500}, {0, 0}, {0, 0}, {1, 2500}}))
      << json::serialize(s);

  EXPECT_EQ(
      day.at("customers"),
      (json::object{{"total", 5},
                    {"signups", json::object{{"today", 0}, {"this_week", 0}, {"last_week", 0}}}}));

  const auto& k = day.at("carts").as_object();
  EXPECT_EQ(k.at("currency").as_string(), "USD");
  EXPECT_EQ(k.at("today"), carts(1, 0, 0, 10000, 0)) << json::serialize(k);
  EXPECT_EQ(k.at("this_week"), carts(2, 1, 1, 15000, 5000)) << json::serialize(k);
  EXPECT_EQ(k.at("last_week"), carts(0, 1, 0, 0, 0)) << json::serialize(k);

  // The tiers are the scores' tiers (Dan's orders are in euros, which the scoring leaves out,
  // and Eve has none); this week's buyers are Ann, Bob, Cat and Dan.
  std::map<std::string, std::int64_t> tier_of, buyers_of;
  std::int64_t unscored = 0;
  for (std::int64_t id : {ann, bob, cat, dan, eve}) {
    auto scores = get("/api/v1/analytics/customers/" + std::to_string(id) + "/scores");
    ASSERT_EQ(scores.status, 200) << scores.body;
    const auto tier = scores.json().at("tier");
    if (tier.is_null()) {
      ++unscored;
      continue;
    }
    tier_of[std::string(tier.as_string())] += 1;
    if (id != eve) buyers_of[std::string(tier.as_string())] += 1;
  }
  EXPECT_EQ(unscored, 2);
  const auto& t = day.at("tiers").as_object();
  json::array expected_tiers;
  for (const char* tier : {"very_loyal", "loyal", "occasional"}) {
    expected_tiers.push_back(json::object{
        {"tier", tier}, {"customers", tier_of[tier]}, {"buyers_this_week", buyers_of[tier]}});
  }
  EXPECT_EQ(t.at("tiers"), expected_tiers) << json::serialize(t);
  EXPECT_EQ(t.at("unscored").as_int64(), unscored);
  EXPECT_FALSE(t.at("scored_at").is_null());

  // Messages today: four sent (three by hand, one by a campaign), two opened (one twice), one
  // clicked, one replied to.
  auto tmpl = client_->send_json(
      "PUT", "/api/v1/message-templates/home_news/en",
      json::object{{"kind", "marketing"},
                   {"subject", "News"},
                   {"html",
                    "<p>Hello {{customer.name}}, read <a href=\"https://blog.home.test/"
                    "post\">the post</a>.</p>"},
                   {"text", "Hello {{customer.name}}"}});
  ASSERT_EQ(tmpl.status, 200) << tmpl.body;
  for (std::int64_t id : {ann, bob, cat}) {
    auto queued = post(
        "/api/v1/messages",
        json::object{{"customer_id", id}, {"template_key", "home_news"}, {"source", "manual"}});
    ASSERT_EQ(queued.status, 201) << queued.body;
  }
  auto later =
      post("/api/v1/campaigns", json::object{{"name", "Later"},
                                             {"template_key", "home_news"},
                                             {"audience", json::object{{"q", "eve@home.test"}}},
                                             {"scheduled_at", now_ms() + 30 * kDay}});
  ASSERT_EQ(later.status, 201) << later.body;
  auto now_campaign =
      post("/api/v1/campaigns", json::object{{"name", "Now"},
                                             {"template_key", "home_news"},
                                             {"audience", json::object{{"q", "eve@home.test"}}}});
  ASSERT_EQ(now_campaign.status, 201) << now_campaign.body;
  ASSERT_EQ(post(id_path("/api/v1/campaigns", now_campaign.json().at("id").as_int64()) + "/send",
                 json::object{})
                .status,
            200);
  const Mail to_ann = mail_to("ann@home.test");
  const Mail to_bob = mail_to("bob@home.test");
  const Mail to_cat = mail_to("cat@home.test");
  mail_to("eve@home.test");
  ASSERT_TRUE(eventually([&] {
    auto stats = get("/api/v1/messages/stats").json();
    return stats.at("queued").as_int64() == 0 && stats.at("sending").as_int64() == 0 &&
           stats.at("sent").as_int64() == 4;
  }));
  HttpClient reader(server_->base_url());
  for (const auto& [mail, times] : {std::pair{&to_ann, 2}, std::pair{&to_bob, 1}}) {
    const std::string pixel = link(*mail, "/o/");
    ASSERT_FALSE(pixel.empty()) << mail->part("text/html");
    for (int i = 0; i < times; ++i) EXPECT_EQ(reader.get(pixel).status, 200);
  }
  const std::string click = link(to_ann, "/c/");
  ASSERT_FALSE(click.empty());
  EXPECT_EQ(reader.get(click).status, 302);
  {
    const auto file = std::filesystem::temp_directory_path() /
                      ("ecrm-home-reply-" + std::to_string(getpid()) + ".eml");
    std::ofstream(file) << "From: Cat Home <cat@home.test>\r\nTo: shop@home.test\r\n"
                        << "Subject: Re: News\r\nMessage-ID: <reply-1@home.test>\r\n"
                        << "In-Reply-To: " << to_cat.header("message-id") << "\r\n"
                        << "Date: Wed, 12 Mar 2025 10:00:00 +0000\r\n\r\nThank you!\r\n";
    const std::string command = "'" + binary_path() + "' mail-in --db '" + server_->db_url() +
                                "' < '" + file.string() + "' > /dev/null 2>&1";
    EXPECT_EQ(std::system(command.c_str()), 0);
    std::filesystem::remove(file);
  }

  // Flows as the flows list has them.
  auto flows = get("/api/v1/automation/flows");
  ASSERT_EQ(flows.status, 200) << flows.body;
  std::int64_t flow_count = 0, enabled = 0;
  const auto flow_list = flows.json();
  for (const auto& f : flow_list.at("items").as_array()) {
    ++flow_count;
    enabled += f.at("enabled").as_bool();
  }
  ASSERT_GT(flow_count, 0);

  auto now_day = home();
  const std::int64_t finished = now_ms();
  if (started / kDay != finished / kDay) GTEST_SKIP() << "the test ran across midnight (UTC)";
  const json::object messages{
      {"sent", 4}, {"opened", 2}, {"clicked", 1}, {"replied", 1}, {"bounced", 0}};
  const json::object none{
      {"sent", 0}, {"opened", 0}, {"clicked", 0}, {"replied", 0}, {"bounced", 0}};
  EXPECT_EQ(now_day.at("messages"),
            (json::object{
                {"queued", 0}, {"today", messages}, {"this_week", messages}, {"last_week", none}}));
  EXPECT_EQ(now_day.at("automation"), (json::object{{"flows", flow_count},
                                                    {"flows_enabled", enabled},
                                                    {"enrolments_waiting", 0},
                                                    {"campaigns_scheduled", 1},
                                                    {"campaigns_sent_this_week", 1}}));
  EXPECT_EQ(now_day.at("customers").at("signups"),
            (json::object{{"today", 5}, {"this_week", 5}, {"last_week", 0}}));
  // Nothing was sent on 12 March 2025.
  EXPECT_EQ(home(at).at("messages").at("today"), none);
}

TEST_F(Home, EachRoleSeesTheSectionsItsScopesAllow) {
  const std::vector<std::string> sections = {"sales",    "customers",  "tiers",  "carts",
                                             "messages", "automation", "service"};
  auto shown = [&](HttpClient& client) {
    auto r = client.get("/api/v1/home");
    EXPECT_EQ(r.status, 200) << r.body;
    std::set<std::string> out;
    if (r.status != 200) return out;
    for (const auto& name : sections) {
      if (!r.json().at(name).is_null()) out.insert(name);
    }
    return out;
  };
  EXPECT_EQ(shown(*client_), std::set<std::string>(sections.begin(), sections.end()));
  auto service = staff("service@home.test", "service");
  EXPECT_EQ(shown(*service), (std::set<std::string>{"sales", "customers", "carts", "service"}));
  auto analyst = staff("analyst@home.test", "analyst");
  EXPECT_EQ(shown(*analyst), (std::set<std::string>{"sales", "customers", "tiers", "carts"}));
  auto marketing = staff("marketing@home.test", "marketing");
  EXPECT_EQ(shown(*marketing), (std::set<std::string>{"sales", "customers", "tiers", "carts",
                                                      "messages", "automation"}));

  // An API key sees what its scopes allow.
  auto key = post("/api/v1/api-keys",
                  json::object{{"name", "sales board"}, {"scopes", json::array{"orders:read"}}});
  ASSERT_EQ(key.status, 201) << key.body;
  HttpClient board(server_->base_url());
  auto r = board.get("/api/v1/home",
                     {"Authorization: Bearer " + std::string(key.json().at("key").as_string())});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(r.json().at("sales").is_null());
  for (const char* name : {"customers", "tiers", "carts", "messages", "automation", "service"}) {
    EXPECT_TRUE(r.json().at(name).is_null()) << name;
  }

  // Signed out: refused.
  HttpClient stranger(server_->base_url());
  EXPECT_EQ(stranger.get("/api/v1/home").status, 401);
}

TEST_F(Home, BadInputIsNamed) {
  expect_error(get("/api/v1/home?at=yesterday"), 400, "", "at");
  expect_error(get("/api/v1/home?at=12"), 400, "", "at");
  auto iso = get("/api/v1/home?at=2025-03-12T15:00:00Z");
  ASSERT_EQ(iso.status, 200) << iso.body;
  EXPECT_EQ(iso.json().at("spans").at("at").as_int64(), march12(15));
}

}  // namespace
}  // namespace ecrm::testing
