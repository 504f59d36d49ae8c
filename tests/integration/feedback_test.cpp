// The product improvement report over real HTTP: customers' ticket messages about a product
// (Chinese and English battery complaints, screen praise) mined by the mining job into its top complaints and
// praised aspects with quotes, its returns by reason with their notes, the CSV export, the
// scope, and bad input.
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

class Feedback : public FeedbackApi {
 protected:
  std::int64_t product(const std::string& sku, const std::string& name) {
    return create("/api/v1/products", json::object{{"sku", sku}, {"name", name}, {"price", 19900},
                                                   {"currency", "CNY"}});
  }

};

TEST_F(Feedback, TheReportListsTheBatteryComplaintsWithQuotesAndTheReturns) {
  const auto phone = product("FB-PHONE-1", "Feedback Phone");
  const auto other = product("FB-OTHER-1", "Other Phone");
  const auto customer = create("/api/v1/customers", json::object{{"name", "Fay Feedback"}});
  std::vector<std::int64_t> battery_tickets;
  battery_tickets.push_back(ticket(customer, phone, "电池问题", "电池不耐用，一天要充三次电。"));
  battery_tickets.push_back(ticket(customer, phone, "电池太差", "电池太差了，用半天就没电，很失望"));
  battery_tickets.push_back(ticket(customer, phone, "发热", "电池发热严重，不推荐"));
  battery_tickets.push_back(
      ticket(customer, phone, "Battery", "The battery dies after two hours. Terrible."));
  battery_tickets.push_back(
      ticket(customer, phone, "Flat again", "Awful battery, it drains overnight."));
  ticket(customer, phone, "Screen", "The screen is excellent, very happy with it.");
  ticket(customer, phone, "Thanks", "Great screen, bright and sharp.");
  ticket(customer, phone, "屏幕", "屏幕非常清晰，很满意");
  ticket(customer, other, "Other", "The speaker is terrible and the speaker crackles.");
  // Forty days ago: the battery complaints rose from one to three.
  ticket(customer, phone, "又坏了", "电池又坏了，很差", 40);

  // A defective return with a note, and a damaged one.
  auto placed = post("/api/v1/orders",
                     json::object{{"customer_id", customer},
                                  {"lines", json::array{json::object{{"product_id", phone},
                                                                     {"quantity", 3}}}}});
  ASSERT_EQ(placed.status, 201) << placed.body;
  const auto order = placed.json().at("id").as_int64();
  const auto line = placed.json().at("lines").at(0).at("id").as_int64();
  ASSERT_EQ(post(id_path("/api/v1/orders", order) + "/status", json::object{{"status", "shipped"}})
                .status,
            200);
  const std::string returns = id_path("/api/v1/orders", order) + "/returns";
  auto first = post(returns, json::object{{"reason", "defective"},
                                          {"note", "电池鼓包"},
                                          {"lines", json::array{json::object{
                                                        {"order_line_id", line}, {"quantity", 2}}}}});
  ASSERT_EQ(first.status, 201) << first.body;
  auto second = post(returns, json::object{{"reason", "damaged"},
                                           {"lines", json::array{json::object{
                                                         {"order_line_id", line}, {"quantity", 1}}}}});
  ASSERT_EQ(second.status, 201) << second.body;

  // The mining job stores the figures the report reads.
  mine_feedback(*client_);
  const json::object rep = report(phone);
  EXPECT_EQ(rep.at("product_id").as_int64(), phone);
  EXPECT_EQ(str(rep.at("sku")), "FB-PHONE-1");
  EXPECT_EQ(rep.at("texts").as_int64(), 9);  // the other product's ticket is not read
  const auto& sources = rep.at("sources").as_array();
  bool tickets_counted = false;
  for (const auto& s : sources) {
    if (str(s.at("source")) == "ticket") {
      EXPECT_EQ(s.at("texts").as_int64(), 9);
      tickets_counted = true;
    }
  }
  EXPECT_TRUE(tickets_counted);
  EXPECT_EQ(rep.at("sentiment").at("negative").as_int64(), 6);
  EXPECT_EQ(rep.at("sentiment").at("positive").as_int64(), 3);

  const auto& complaints = rep.at("complaints").as_array();
  ASSERT_FALSE(complaints.empty()) << json::serialize(rep);
  EXPECT_EQ(str(complaints.at(0).at("phrase")), "电池");
  EXPECT_EQ(complaints.at(0).at("count").as_int64(), 4);
  // Three in the last thirty days against one before: it rises sharply.
  EXPECT_EQ(complaints.at(0).at("recent").as_int64(), 3);
  EXPECT_EQ(complaints.at(0).at("previous").as_int64(), 1);
  EXPECT_TRUE(complaints.at(0).at("rising").as_bool());
  ASSERT_EQ(rep.at("rising").as_array().size(), 1u) << json::serialize(rep.at("rising"));
  EXPECT_EQ(str(rep.at("rising").at(0)), "电池");
  const auto& examples = complaints.at(0).at("examples").as_array();
  ASSERT_FALSE(examples.empty());
  for (const auto& e : examples) {
    EXPECT_EQ(str(e.at("source")), "ticket");
    EXPECT_NE(str(e.at("quote")).find("电池"), std::string::npos);
  }
  bool english_battery = false;
  for (const auto& c : complaints) {
    if (str(c.at("phrase")) == "battery") {
      english_battery = true;
      EXPECT_FALSE(c.at("rising").as_bool());  // two texts are too few to call a rise
    }
    EXPECT_NE(str(c.at("phrase")), "speaker");  // another product's complaint
  }
  EXPECT_TRUE(english_battery) << json::serialize(complaints);
  const auto& praise = rep.at("praise").as_array();
  ASSERT_FALSE(praise.empty());
  bool screen = false;
  for (const auto& p : praise) screen = screen || str(p.at("phrase")) == "screen";
  EXPECT_TRUE(screen) << json::serialize(praise);

  const auto& reasons = rep.at("return_reasons").as_array();
  ASSERT_EQ(reasons.size(), 2u) << json::serialize(reasons);
  EXPECT_EQ(str(reasons.at(0).at("reason")), "damaged");  // one return each: by name
  EXPECT_EQ(reasons.at(0).at("units").as_int64(), 1);
  EXPECT_EQ(str(reasons.at(1).at("reason")), "defective");
  EXPECT_EQ(reasons.at(1).at("units").as_int64(), 2);
  ASSERT_EQ(reasons.at(1).at("notes").as_array().size(), 1u);
  EXPECT_EQ(str(reasons.at(1).at("notes").at(0)), "电池鼓包");
  EXPECT_TRUE(rep.at("defect_reports").as_array().empty());

  // The top complaints only, as CSV.
  auto csv = get(id_path("/api/v1/feedback/products", phone) + "/report?format=csv&top=1");
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_EQ(csv.header("content-type").rfind("text/csv", 0), 0u);
  EXPECT_EQ(csv.body.rfind("section,name,count,quote_1,quote_2,quote_3,recent,previous\n", 0), 0u)
      << csv.body;
  EXPECT_NE(csv.body.find("complaint,电池,4,"), std::string::npos) << csv.body;
  EXPECT_NE(csv.body.find(",3,1\n"), std::string::npos) << csv.body;
  EXPECT_NE(csv.body.find("return_reason,defective,1,电池鼓包"), std::string::npos) << csv.body;
  EXPECT_EQ(csv.body.find("complaint,battery"), std::string::npos) << csv.body;  // top=1
}

TEST_F(Feedback, BadRequestsNameTheField) {
  const auto p = product("FB-BAD-1", "Quiet Product");
  expect_error(get("/api/v1/feedback/products/99999999/report"), 404);
  expect_error(get("/api/v1/feedback/products/abc/report"), 404);
  expect_error(get(id_path("/api/v1/feedback/products", p) + "/report?top=0"), 400, "", "top");
  expect_error(get(id_path("/api/v1/feedback/products", p) + "/report?top=51"), 400, "", "top");
  expect_error(get(id_path("/api/v1/feedback/products", p) + "/report?format=xml"), 400, "",
               "format");
  // A product nobody has written about has an empty report.
  const json::object empty = report(p);
  EXPECT_EQ(empty.at("texts").as_int64(), 0);
  EXPECT_TRUE(empty.at("complaints").as_array().empty());
  EXPECT_TRUE(empty.at("return_reasons").as_array().empty());
  EXPECT_TRUE(empty.at("rising").as_array().empty());
}

TEST_F(Feedback, TheReportNeedsFeedbackRead) {
  const auto p = product("FB-SCOPE-1", "Scoped Product");
  const std::string path = id_path("/api/v1/feedback/products", p) + "/report";
  auto marketing = staff("feedback-marketing@example.com", "marketing");
  EXPECT_EQ(marketing->get(path).status, 200);
  auto me = marketing->get("/api/v1/me");
  EXPECT_NE(me.body.find("feedback:read"), std::string::npos);
  HttpClient anonymous(server_->base_url());
  EXPECT_EQ(anonymous.get(path).status, 401);
}

}  // namespace
}  // namespace ecrm::testing
