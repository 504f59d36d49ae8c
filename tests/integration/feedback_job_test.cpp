// Feedback mining as a stored job over real HTTP: a run mines the texts about each product and
// stores its figures; a run with nothing new mines nothing; a new text changes only its product's
// figures; the improvement report (JSON and CSV) reads what was stored and says what mining on
// request said of the same texts (feedback_test.cpp's expectations); a rising issue and a jump
// of the negative share raise one alert each however often the job runs; staff acknowledge
// alerts; the routes' scopes; bad input.
#include <boost/json.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "crm_support.hpp"
#include "feedback_support.hpp"

namespace ecrm::testing {
namespace {

namespace json = boost::json;

std::string str(const json::value& v) { return v.is_string() ? std::string(v.as_string()) : ""; }

class FeedbackJob : public FeedbackApi {
 protected:
  std::int64_t product(const std::string& sku, const std::string& name) {
    return create("/api/v1/products", json::object{{"sku", sku}, {"name", name}, {"price", 19900},
                                                   {"currency", "CNY"}});
  }

  std::int64_t customer(const std::string& name) {
    return create("/api/v1/customers", json::object{{"name", name}});
  }


  json::array alerts(const std::string& query) {
    auto r = get("/api/v1/feedback/alerts" + query);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? r.json().at("items").as_array() : json::array{};
  }

  json::object mine(bool full = false) { return mine_feedback(*client_, full); }

  // feedback_test.cpp's product: battery complaints (three of this month in Chinese, one forty
  // days ago, two in English), screen praise, and returns.
  std::int64_t battery_phone(const std::string& sku) {
    const auto phone = product(sku, "Feedback Phone");
    const auto c = customer("Fay Feedback");
    ticket(c, phone, "电池问题", "电池不耐用，一天要充三次电。");
    ticket(c, phone, "电池太差", "电池太差了，用半天就没电，很失望");
    ticket(c, phone, "发热", "电池发热严重，不推荐");
    ticket(c, phone, "Battery", "The battery dies after two hours. Terrible.");
    ticket(c, phone, "Flat again", "Awful battery, it drains overnight.");
    ticket(c, phone, "Screen", "The screen is excellent, very happy with it.");
    ticket(c, phone, "Thanks", "Great screen, bright and sharp.");
    ticket(c, phone, "屏幕", "屏幕非常清晰，很满意");
    ticket(c, phone, "又坏了", "电池又坏了，很差", 40);
    auto placed = post("/api/v1/orders",
                       json::object{{"customer_id", c},
                                    {"lines", json::array{json::object{{"product_id", phone},
                                                                       {"quantity", 3}}}}});
    EXPECT_EQ(placed.status, 201) << placed.body;
    const auto order = placed.json().at("id").as_int64();
    const auto line = placed.json().at("lines").at(0).at("id").as_int64();
    EXPECT_EQ(post(id_path("/api/v1/orders", order) + "/status", json::object{{"status", "shipped"}})
                  .status,
              200);
    const std::string returns = id_path("/api/v1/orders", order) + "/returns";
    EXPECT_EQ(post(returns, json::object{{"reason", "defective"},
                                         {"note", "电池鼓包"},
                                         {"lines", json::array{json::object{
                                                       {"order_line_id", line}, {"quantity", 2}}}}})
                  .status,
              201);
    EXPECT_EQ(post(returns, json::object{{"reason", "damaged"},
                                         {"lines", json::array{json::object{
                                                       {"order_line_id", line}, {"quantity", 1}}}}})
                  .status,
              201);
    return phone;
  }
};

TEST_F(FeedbackJob, MinesNewTextsOnceAndTheReportReadsWhatItStored) {
  mine();  // after the run a server makes at start-up
  const auto phone = battery_phone("FJ-PHONE-1");
  const auto other = product("FJ-OTHER-1", "Other Phone");
  const auto c = customer("Otto Other");
  ticket(c, other, "Other", "The speaker is terrible and the speaker crackles.");

  // Before a run the report has no mined figures.
  EXPECT_EQ(report(phone).at("texts").as_int64(), 0);

  const json::object first = mine();
  EXPECT_GE(first.at("texts_mined").as_int64(), 10) << json::serialize(first);
  EXPECT_GE(first.at("products").as_int64(), 2);
  EXPECT_GE(first.at("texts_stored").as_int64(), 10);
  EXPECT_GE(first.at("duration_ms").as_int64(), 0);
  EXPECT_TRUE(first.at("watermark").is_int64());

  // The same report as mining on request gave (feedback_test.cpp).
  const json::object rep = report(phone);
  EXPECT_EQ(rep.at("texts").as_int64(), 9);  // the other product's ticket is not counted
  for (const auto& s : rep.at("sources").as_array()) {
    EXPECT_EQ(s.at("texts").as_int64(), str(s.at("source")) == "ticket" ? 9 : 0);
  }
  EXPECT_EQ(rep.at("sentiment").at("negative").as_int64(), 6);
  EXPECT_EQ(rep.at("sentiment").at("positive").as_int64(), 3);
  const auto& complaints = rep.at("complaints").as_array();
  ASSERT_FALSE(complaints.empty()) << json::serialize(rep);
  EXPECT_EQ(str(complaints.at(0).at("phrase")), "电池");
  EXPECT_EQ(complaints.at(0).at("count").as_int64(), 4);
  EXPECT_EQ(complaints.at(0).at("recent").as_int64(), 3);
  EXPECT_EQ(complaints.at(0).at("previous").as_int64(), 1);
  EXPECT_TRUE(complaints.at(0).at("rising").as_bool());
  ASSERT_EQ(rep.at("rising").as_array().size(), 1u) << json::serialize(rep.at("rising"));
  EXPECT_EQ(str(rep.at("rising").at(0)), "电池");
  for (const auto& e : complaints.at(0).at("examples").as_array()) {
    EXPECT_EQ(str(e.at("source")), "ticket");
    EXPECT_NE(str(e.at("quote")).find("电池"), std::string::npos);
  }
  bool english_battery = false;
  for (const auto& complaint : complaints) {
    if (str(complaint.at("phrase")) == "battery") {
      english_battery = true;
      EXPECT_FALSE(complaint.at("rising").as_bool());
    }
    EXPECT_NE(str(complaint.at("phrase")), "speaker");
  }
  EXPECT_TRUE(english_battery) << json::serialize(complaints);
  bool screen = false;
  for (const auto& p : rep.at("praise").as_array()) screen = screen || str(p.at("phrase")) == "screen";
  EXPECT_TRUE(screen) << json::serialize(rep.at("praise"));
  const auto& reasons = rep.at("return_reasons").as_array();
  ASSERT_EQ(reasons.size(), 2u) << json::serialize(reasons);
  EXPECT_EQ(str(reasons.at(1).at("notes").at(0)), "电池鼓包");
  // top=1 cuts the stored list; the CSV says the same.
  EXPECT_EQ(report(phone, "?top=1").at("complaints").as_array().size(), 1u);
  auto csv = get(id_path("/api/v1/feedback/products", phone) + "/report?format=csv&top=1");
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_NE(csv.body.find("complaint,电池,4,"), std::string::npos) << csv.body;
  EXPECT_NE(csv.body.find(",3,1\n"), std::string::npos) << csv.body;
  EXPECT_EQ(csv.body.find("complaint,battery"), std::string::npos) << csv.body;

  // Nothing new: nothing mined, and the figures stand as they were.
  const json::object other_before = report(other);
  EXPECT_EQ(other_before.at("texts").as_int64(), 1);
  const json::object second = mine();
  EXPECT_EQ(second.at("texts_mined").as_int64(), 0) << json::serialize(second);
  EXPECT_EQ(second.at("texts_removed").as_int64(), 0);
  EXPECT_EQ(second.at("texts_stored"), first.at("texts_stored"));
  EXPECT_EQ(json::serialize(report(phone)), json::serialize(rep));

  // A new text about the other product: one text mined, only that product's figures change.
  ticket(c, other, "Speaker", "The speaker is awful, it crackles at any volume.");
  const json::object third = mine();
  EXPECT_EQ(third.at("texts_mined").as_int64(), 1) << json::serialize(third);
  EXPECT_EQ(json::serialize(report(phone)), json::serialize(rep));
  const json::object other_after = report(other);
  EXPECT_EQ(other_after.at("texts").as_int64(), 2);
  EXPECT_GT(other_after.at("generated_at").as_int64(), other_before.at("generated_at").as_int64());
  ASSERT_FALSE(other_after.at("complaints").as_array().empty()) << json::serialize(other_after);
  EXPECT_EQ(str(other_after.at("complaints").at(0).at("phrase")), "speaker");

  // The stored trends: the phone's texts per week add up to its texts.
  auto trends = get("/api/v1/feedback/trends?product_id=" + std::to_string(phone) + "&periods=12");
  ASSERT_EQ(trends.status, 200) << trends.body;
  const json::value trend = trends.json();
  std::int64_t texts = 0;
  for (const auto& p : trend.at("points").as_array()) texts += p.at("texts").as_int64();
  EXPECT_EQ(texts, 9);
  const auto& weekly = trend.at("issues").as_array();
  ASSERT_FALSE(weekly.empty());
  EXPECT_EQ(str(weekly.at(0).at("phrase")), "电池");
  EXPECT_EQ(weekly.at(0).at("weeks").at(0).as_int64(), 3);
}

TEST_F(FeedbackJob, ARisingIssueRaisesOneAlertThatStaffAcknowledge) {
  const auto radio = product("FJ-RADIO-1", "Alert Radio");
  const auto c = customer("Alice Alert");
  // One battery complaint three weeks ago, three in the last seven days.
  ticket(c, radio, "又坏了", "电池又坏了，很差", 20);
  ticket(c, radio, "电池问题", "电池不耐用，一天要充三次电。");
  ticket(c, radio, "电池太差", "电池太差了，用半天就没电，很失望");
  ticket(c, radio, "发热", "电池发热严重，不推荐");
  mine();
  const std::string of_radio = "?product_id=" + std::to_string(radio);
  json::array open = alerts(of_radio);
  ASSERT_EQ(open.size(), 1u) << json::serialize(open);
  const json::object alert = open.at(0).as_object();
  EXPECT_EQ(str(alert.at("kind")), "issue_rising");
  EXPECT_EQ(str(alert.at("phrase")), "电池");
  EXPECT_EQ(alert.at("count").as_int64(), 3);
  EXPECT_DOUBLE_EQ(alert.at("baseline").as_double(), 0.25);  // one text in four trailing weeks
  EXPECT_EQ(str(alert.at("product_name")), "Alert Radio");
  EXPECT_FALSE(alert.at("examples").as_array().empty());
  EXPECT_TRUE(alert.at("acknowledged_at").is_null());

  // Runs again, with the product mined again after a new complaint: still one alert this week.
  ticket(c, radio, "没电", "电池很差，又没电了");
  const json::object again = mine();
  EXPECT_EQ(again.at("texts_mined").as_int64(), 1);
  mine(true);
  ASSERT_EQ(alerts(of_radio + "&state=all").size(), 1u);

  // Acknowledged: gone from the open list, in the acknowledged one; again is the same.
  const std::int64_t id = alert.at("id").as_int64();
  auto acked = post("/api/v1/feedback/alerts/" + std::to_string(id) + "/acknowledge",
                    json::object{});
  ASSERT_EQ(acked.status, 200) << acked.body;
  EXPECT_TRUE(acked.json().at("acknowledged_at").is_int64());
  auto me = get("/api/v1/me");
  EXPECT_EQ(acked.json().at("acknowledged_by"), me.json().at("user").at("id")) << me.body;
  EXPECT_TRUE(alerts(of_radio).empty());
  auto list = get("/api/v1/feedback/alerts" + of_radio);
  EXPECT_EQ(list.json().at("open").as_int64(), 0);
  ASSERT_EQ(alerts(of_radio + "&state=acknowledged").size(), 1u);
  auto twice = post("/api/v1/feedback/alerts/" + std::to_string(id) + "/acknowledge",
                    json::object{});
  ASSERT_EQ(twice.status, 200);
  EXPECT_EQ(twice.json().at("acknowledged_at"), acked.json().at("acknowledged_at"));
  expect_error(post("/api/v1/feedback/alerts/99999999/acknowledge", json::object{}), 404);
  // Mined again after another complaint: the acknowledged alert is not raised again this week.
  ticket(c, radio, "还是没电", "电池太差，一直没电");
  EXPECT_EQ(mine().at("texts_mined").as_int64(), 1);
  EXPECT_TRUE(alerts(of_radio).empty());
  EXPECT_EQ(alerts(of_radio + "&state=all").size(), 1u);
}

TEST_F(FeedbackJob, ANegativeShareJumpRaisesOneAlert) {
  const auto lamp = product("FJ-LAMP-1", "Jump Lamp");
  const auto c = customer("Jim Jump");
  for (int i = 0; i < 5; ++i) {
    ticket(c, lamp, "Thanks " + std::to_string(i), "Great lamp, very happy with it.", 10 + i);
  }
  for (int i = 0; i < 5; ++i) {
    ticket(c, lamp, "Broken " + std::to_string(i), "Terrible lamp, it broke, very disappointed.");
  }
  mine();
  mine();
  json::array jumps;
  for (const auto& a : alerts("?product_id=" + std::to_string(lamp))) {
    if (str(a.at("kind")) == "negative_jump") jumps.push_back(a);
  }
  ASSERT_EQ(jumps.size(), 1u) << json::serialize(jumps);
  EXPECT_EQ(jumps.at(0).at("count").as_int64(), 5);
  EXPECT_DOUBLE_EQ(jumps.at(0).at("share").as_double(), 1.0);
  EXPECT_DOUBLE_EQ(jumps.at(0).at("baseline").as_double(), 0.0);
  EXPECT_EQ(str(jumps.at(0).at("phrase")), "");
}

TEST_F(FeedbackJob, StaffScopesGuardTheJobAndTheAlerts) {
  const std::vector<std::pair<std::string, std::string>> reads = {
      {"GET", "/api/v1/feedback/mining"},
      {"GET", "/api/v1/feedback/alerts"},
      {"GET", "/api/v1/feedback/trends?product_id=1"}};
  const std::vector<std::pair<std::string, std::string>> writes = {
      {"POST", "/api/v1/feedback/mining"}, {"POST", "/api/v1/feedback/alerts/1/acknowledge"}};
  HttpClient anonymous(server_->base_url());
  for (const auto& [method, path] : reads) EXPECT_EQ(anonymous.get(path).status, 401) << path;
  for (const auto& [method, path] : writes) {
    EXPECT_EQ(anonymous.send_json(method, path, json::object{}).status, 401) << path;
  }
  const auto key_with = [&](const json::array& scopes) {
    auto key = post("/api/v1/api-keys", json::object{{"name", "feedback scopes"}, {"scopes", scopes}});
    EXPECT_EQ(key.status, 201) << key.body;
    return "Authorization: Bearer " + str(key.json().at("key"));
  };
  HttpClient with_key(server_->base_url());
  const std::string none = key_with(json::array{"customers:read"});
  for (const auto& [method, path] : reads) expect_error(with_key.get(path, {none}), 403);
  for (const auto& [method, path] : writes) {
    expect_error(with_key.request(method, path, "{}", {none, "Content-Type: application/json"}), 403);
  }
  const std::string reader = key_with(json::array{"feedback:read"});
  for (const auto& [method, path] : reads) EXPECT_EQ(with_key.get(path, {reader}).status, 200) << path;
  for (const auto& [method, path] : writes) {
    expect_error(with_key.request(method, path, "{}", {reader, "Content-Type: application/json"}),
                 403);
  }
  // Every staff role reads the alerts and may start a run.
  auto analyst = staff("feedback-job-analyst@example.com", "analyst");
  EXPECT_EQ(analyst->get("/api/v1/feedback/alerts").status, 200);
  const json::object state = mine_feedback(*analyst);
  EXPECT_EQ(str(state.at("last_status")), "ok");
}

TEST_F(FeedbackJob, BadRequestsNameTheField) {
  expect_error(get("/api/v1/feedback/alerts?limit=0"), 400, "", "limit");
  expect_error(get("/api/v1/feedback/alerts?limit=201"), 400, "", "limit");
  expect_error(get("/api/v1/feedback/alerts?state=closed"), 400, "", "state");
  expect_error(get("/api/v1/feedback/alerts?product_id=abc"), 400, "", "product_id");
  expect_error(get("/api/v1/feedback/trends"), 400, "", "product_id");
  expect_error(get("/api/v1/feedback/trends?product_id=1&category_id=1"), 400, "", "product_id");
  expect_error(get("/api/v1/feedback/trends?product_id=1&period=month"), 400, "", "period");
  expect_error(get("/api/v1/feedback/trends?product_id=1&periods=0"), 400, "", "periods");
  expect_error(post("/api/v1/feedback/mining?full=maybe", json::object{}), 400, "", "full");
  expect_error(post("/api/v1/feedback/alerts/abc/acknowledge", json::object{}), 404);
}

}  // namespace
}  // namespace ecrm::testing
