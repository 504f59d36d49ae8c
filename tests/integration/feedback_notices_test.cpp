// Staff notices of feedback alerts over real HTTP, with `ecrm serve` delivering to the test SMTP
// server (tests/scripts/smtp_server.py): a staff user follows a product (or its category, or
// every product); the mining job raises an alert about it; each follower gets one notice in the
// app and one e-mail, however often the job runs again; staff who follow something else get
// nothing; a staff user reads and marks only their own notices; bad subscriptions name the field
// and store nothing.
#include <boost/json.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "feedback_support.hpp"
#include "smtp_support.hpp"

namespace ecrm::testing {
namespace {

namespace json = boost::json;

constexpr const char* kMailFrom = "Test Shop <shop@test.example>";

std::string str(const json::value& v) { return v.is_string() ? std::string(v.as_string()) : ""; }

class FeedbackNotices : public FeedbackApi {
 protected:
  static void SetUpTestSuite() {
    smtp_ = new SmtpServer();
    unsetenv("ECRM_SMTP_URL");
    server_ = new ServerProcess(
        {"--mail-from", kMailFrom, "--smtp-retry-after", "0.2", "--smtp-url", smtp_->url(),
         "--public-url", "https://shop.test.example"},
        {{"ECRM_ADMIN_EMAIL", kAdminEmail}, {"ECRM_ADMIN_PASSWORD", kAdminPassword}});
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
    delete smtp_;
    smtp_ = nullptr;
  }

  std::int64_t product(const std::string& sku, const std::string& name,
                       std::optional<std::int64_t> category = std::nullopt) {
    json::object body{{"sku", sku}, {"name", name}, {"price", 19900}, {"currency", "CNY"}};
    if (category) body["category_id"] = *category;
    return create("/api/v1/products", body);
  }

  // Three battery complaints this week after one three weeks ago: the job raises one alert
  // (issue_rising, 电池) for `product`.
  void rising_battery(std::int64_t product) {
    const auto c = create("/api/v1/customers", json::object{{"name", "Nora Notice"}});
    ticket(c, product, "又坏了", "电池又坏了，很差", 20);
    ticket(c, product, "电池问题", "电池不耐用，一天要充三次电。");
    ticket(c, product, "电池太差", "电池太差了，用半天就没电，很失望");
    ticket(c, product, "发热", "电池发热严重，不推荐");
  }

  static HttpResult follow(HttpClient& client, const json::object& body) {
    return client.send_json("PUT", "/api/v1/notices/subscriptions/feedback", body);
  }

  static json::array notices(HttpClient& client, const std::string& query = "") {
    auto r = client.get("/api/v1/notices" + query);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? r.json().at("items").as_array() : json::array{};
  }

  static std::int64_t unread(HttpClient& client) {
    auto r = client.get("/api/v1/notices/unread");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? r.json().at("unread").as_int64() : -1;
  }

  // The mail the SMTP server accepted for `address`.
  static std::vector<Mail> mail_to(const std::string& address) {
    std::vector<Mail> out;
    for (auto& record : smtp_->received()) {
      for (const auto& rcpt : record.at("rcpt_tos").as_array()) {
        if (rcpt.as_string() == address) out.push_back(parse_mail(str(record.at("data"))));
      }
    }
    return out;
  }

  // Waits until the staff outbox has nothing due: a delivery round sends staff mail first, so
  // once a customer-less round has passed (a second), anything queued was sent.
  static void settle() { std::this_thread::sleep_for(std::chrono::milliseconds(1500)); }

  inline static SmtpServer* smtp_ = nullptr;
};

TEST_F(FeedbackNotices, AFollowerGetsOneNoticeAndOneMailPerAlert) {
  mine_feedback(*client_);  // after the run a server makes at start-up
  auto follower = staff("follower@notices.test", "analyst");
  auto bystander = staff("bystander@notices.test", "marketing");
  auto elsewhere = staff("elsewhere@notices.test", "service");
  const auto radio = product("FN-RADIO-1", "Notice Radio");
  const auto kettle = product("FN-KETTLE-1", "Quiet Kettle");

  auto followed = follow(*follower, json::object{{"product_ids", json::array{radio}}});
  ASSERT_EQ(followed.status, 200) << followed.body;
  EXPECT_EQ(str(followed.json().at("topic")), "feedback");
  EXPECT_FALSE(followed.json().at("all").as_bool());
  EXPECT_EQ(followed.json().at("product_ids"), (json::array{radio}));
  EXPECT_TRUE(followed.json().at("category_ids").as_array().empty());
  ASSERT_EQ(follow(*elsewhere, json::object{{"product_ids", json::array{kettle}}}).status, 200);
  auto read_back = follower->get("/api/v1/notices/subscriptions/feedback");
  ASSERT_EQ(read_back.status, 200) << read_back.body;
  EXPECT_EQ(read_back.json().at("product_ids"), (json::array{radio}));
  EXPECT_EQ(unread(*follower), 0);

  rising_battery(radio);
  const json::object run = mine_feedback(*client_);
  EXPECT_EQ(run.at("alerts").as_int64(), 1) << json::serialize(run);

  // One notice, unread, pointing at the product's report.
  json::array got = notices(*follower);
  ASSERT_EQ(got.size(), 1u) << json::serialize(got);
  const json::object notice = got.at(0).as_object();
  EXPECT_EQ(str(notice.at("topic")), "feedback");
  EXPECT_NE(str(notice.at("title")).find("电池"), std::string::npos) << json::serialize(notice);
  EXPECT_NE(str(notice.at("title")).find("Notice Radio"), std::string::npos);
  EXPECT_NE(str(notice.at("body")).find("3 texts"), std::string::npos) << json::serialize(notice);
  EXPECT_EQ(str(notice.at("link")), "/feedback/products?product=" + std::to_string(radio));
  EXPECT_TRUE(notice.at("read_at").is_null());
  EXPECT_EQ(unread(*follower), 1);
  EXPECT_EQ(notices(*follower, "?state=unread").size(), 1u);

  // One mail to the follower's address, with the link to the report.
  std::vector<Mail> mails;
  ASSERT_TRUE(eventually([&] {
    mails = mail_to("follower@notices.test");
    return !mails.empty();
  })) << server_->log() << smtp_->log();
  const Mail& mail = mails.front();
  const std::string subject = decode_rfc2047(mail.header("subject"));
  EXPECT_NE(subject.find("电池"), std::string::npos) << subject;
  EXPECT_NE(mail.part("text/plain").find(
                "https://shop.test.example/feedback/products?product=" + std::to_string(radio)),
            std::string::npos)
      << mail.part("text/plain");
  EXPECT_EQ(mail.header("x-ecrm-message"), "0");  // never taken for a customer message's
  EXPECT_NE(mail.header("message-id").find("<ecrm-staff."), std::string::npos);

  // The job runs again (a new complaint mines the product again, then a full run): no second
  // notice, no second mail.
  const auto c = create("/api/v1/customers", json::object{{"name", "Nils Notice"}});
  ticket(c, radio, "没电", "电池很差，又没电了");
  EXPECT_EQ(mine_feedback(*client_).at("texts_mined").as_int64(), 1);
  mine_feedback(*client_, true);
  settle();
  EXPECT_EQ(notices(*follower).size(), 1u);
  EXPECT_EQ(unread(*follower), 1);
  EXPECT_EQ(mail_to("follower@notices.test").size(), 1u);

  // Staff following nothing, or another product, get nothing.
  EXPECT_TRUE(notices(*bystander).empty());
  EXPECT_EQ(unread(*bystander), 0);
  EXPECT_TRUE(notices(*elsewhere).empty());
  EXPECT_TRUE(notices(*client_).empty());
  EXPECT_TRUE(mail_to("bystander@notices.test").empty());
  EXPECT_TRUE(mail_to("elsewhere@notices.test").empty());

  // Another staff user can neither mark nor read the follower's notice.
  const std::int64_t id = notice.at("id").as_int64();
  const std::string read_path = "/api/v1/notices/" + std::to_string(id) + "/read";
  expect_error(bystander->send_json("POST", read_path, json::object{}), 404);
  expect_error(client_->send_json("POST", read_path, json::object{}), 404);
  EXPECT_EQ(bystander->send_json("POST", "/api/v1/notices/read-all", json::object{}).status, 200);
  EXPECT_EQ(unread(*follower), 1);

  // The follower marks it read; again answers it as it is.
  auto marked = follower->send_json("POST", read_path, json::object{});
  ASSERT_EQ(marked.status, 200) << marked.body;
  EXPECT_TRUE(marked.json().at("read_at").is_int64());
  EXPECT_EQ(unread(*follower), 0);
  EXPECT_TRUE(notices(*follower, "?state=unread").empty());
  auto again = follower->send_json("POST", read_path, json::object{});
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(again.json().at("read_at"), marked.json().at("read_at"));
  expect_error(follower->send_json("POST", "/api/v1/notices/99999999/read", json::object{}), 404);
}

TEST_F(FeedbackNotices, FollowersOfTheCategoryAndOfEverythingHearToo) {
  mine_feedback(*client_);
  auto by_category = staff("category@notices.test", "sales");
  auto everything = staff("everything@notices.test", "analyst");
  const auto audio = create("/api/v1/categories",
                            json::object{{"name", "Notice Audio"}, {"slug", "notice-audio"}});
  const auto kitchen = create("/api/v1/categories",
                              json::object{{"name", "Notice Kitchen"}, {"slug", "notice-kitchen"}});
  const auto speaker = product("FN-SPEAKER-1", "Notice Speaker", audio);
  ASSERT_EQ(follow(*by_category, json::object{{"category_ids", json::array{audio, audio}}}).status,
            200);
  auto all = follow(*everything, json::object{{"all", true}});
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_TRUE(all.json().at("all").as_bool());
  auto kitchen_only = staff("kitchen@notices.test", "sales");
  ASSERT_EQ(follow(*kitchen_only, json::object{{"category_ids", json::array{kitchen}}}).status, 200);

  rising_battery(speaker);
  mine_feedback(*client_);
  for (auto* client : {by_category.get(), everything.get()}) {
    json::array got = notices(*client);
    ASSERT_EQ(got.size(), 1u) << json::serialize(got);
    EXPECT_NE(str(got.at(0).at("title")).find("Notice Speaker"), std::string::npos);
  }
  EXPECT_TRUE(notices(*kitchen_only).empty());
  EXPECT_TRUE(eventually([] {
    return mail_to("category@notices.test").size() == 1 &&
           mail_to("everything@notices.test").size() == 1;
  })) << smtp_->log();
  settle();
  EXPECT_TRUE(mail_to("kitchen@notices.test").empty());

  // Following nothing any more: the next alert of the speaker reaches nobody.
  auto none = follow(*everything, json::object{});
  ASSERT_EQ(none.status, 200) << none.body;
  EXPECT_FALSE(none.json().at("all").as_bool());
}

TEST_F(FeedbackNotices, BadSubscriptionsNameTheFieldAndStoreNothing) {
  auto user = staff("picky@notices.test", "analyst");
  const auto lamp = product("FN-LAMP-1", "Notice Lamp");
  ASSERT_EQ(follow(*user, json::object{{"product_ids", json::array{lamp}}}).status, 200);

  expect_error(follow(*user, json::object{{"product_ids", json::array{lamp, 999999999}}}), 400, "",
               "product_ids[1]");
  expect_error(follow(*user, json::object{{"category_ids", json::array{999999999}}}), 400, "",
               "category_ids[0]");
  expect_error(follow(*user, json::object{{"product_ids", json::array{"lamp"}}}), 400, "",
               "product_ids[0]");
  expect_error(follow(*user, json::object{{"all", "yes"}}), 400, "", "all");
  expect_error(follow(*user, json::object{{"product_ids", json::array{-1}}}), 400, "",
               "product_ids[0]");
  auto stored = user->get("/api/v1/notices/subscriptions/feedback");
  ASSERT_EQ(stored.status, 200);
  EXPECT_EQ(stored.json().at("product_ids"), (json::array{lamp}));
  EXPECT_FALSE(stored.json().at("all").as_bool());

  expect_error(user->get("/api/v1/notices/subscriptions/sla"), 404);
  expect_error(user->get("/api/v1/notices?state=old"), 400, "", "state");
  expect_error(user->get("/api/v1/notices?limit=0"), 400, "", "limit");

  HttpClient anonymous(server_->base_url());
  EXPECT_EQ(anonymous.get("/api/v1/notices").status, 401);
  EXPECT_EQ(anonymous.get("/api/v1/notices/unread").status, 401);
  EXPECT_EQ(anonymous.get("/api/v1/notices/subscriptions/feedback").status, 401);
}

}  // namespace
}  // namespace ecrm::testing
