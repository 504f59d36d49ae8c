// Social listening over real HTTP: mentions by the signed webhook (a bad signature stores
// nothing) and by CSV import (bad lines reported by number), matched to customers by their
// handles and to products by SKU, name and alias; replies posted signed to the outgoing webhook
// (tests/scripts/webhook_server.py) and retried after a failure; escalation to exactly one
// ticket; the scopes of the inbox.
#include <boost/json.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <memory>
#include <thread>
#include <vector>

#include "core/crypto.hpp"
#include "crm_support.hpp"
#include "smtp_support.hpp"

namespace ecrm::testing {
namespace {

namespace json = boost::json;

constexpr const char* kSecret = "social-test-secret-0123456789";

std::string str(const json::value& v) { return v.is_string() ? std::string(v.as_string()) : ""; }

std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class Social : public CrmApi {
 protected:
  static void SetUpTestSuite() {
    server_ = new ServerProcess(
        {"--social-retry-after", "0.3"},
        {{"ECRM_ADMIN_EMAIL", kAdminEmail}, {"ECRM_ADMIN_PASSWORD", kAdminPassword}});
  }

  void SetUp() override {
    CrmApi::SetUp();
    auto set = put("/api/v1/social/settings", json::object{{"inbound_secret", kSecret}});
    ASSERT_EQ(set.status, 200) << set.body;
  }

  // POSTs `body` to the webhook signed with `secret` at `timestamp` (unix seconds).
  HttpResult signed_post(const std::string& body, const std::string& secret = kSecret,
                         std::int64_t timestamp = wall_ms() / 1000) {
    HttpClient anonymous(server_->base_url());
    const std::string ts = std::to_string(timestamp);
    return anonymous.request("POST", "/api/v1/social/mentions", body,
                             {"Content-Type: application/json", "X-Ecrm-Timestamp: " + ts,
                              "X-Ecrm-Signature: v1=" + hmac_sha256_hex(secret, ts + "." + body)});
  }

  static json::object mention(const std::string& platform, const std::string& id,
                              const std::string& author, const std::string& text) {
    return json::object{{"platform", platform},
                        {"external_id", id},
                        {"author_handle", author},
                        {"url", "https://" + platform + ".example/p/" + id},
                        {"text", text},
                        {"posted_at", wall_ms() - 3'600'000}};
  }

  std::int64_t product(const std::string& sku, const std::string& name) {
    return create("/api/v1/products", json::object{{"sku", sku}, {"name", name}, {"price", 19900},
                                                   {"currency", "CNY"}});
  }

  json::object detail(std::int64_t id) {
    auto r = get(id_path("/api/v1/social/mentions", id));
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? r.json().as_object() : json::object{};
  }

  std::vector<std::int64_t> product_ids(const json::value& mention) {
    std::vector<std::int64_t> out;
    for (const auto& p : mention.at("products").as_array()) out.push_back(p.at("id").as_int64());
    return out;
  }
};

// A signed batch: the author's handle names the customer, the text a product by alias and
// another by SKU; the same mention again is stored once; bad input names the field.
TEST_F(Social, ASignedMentionIsMatchedToItsCustomerAndProducts) {
  const auto ann = create("/api/v1/customers", json::object{{"name", "Ann Weibo"}, {"email", "ann@social.test"}});
  auto handles = put(id_path("/api/v1/customers", ann) + "/social-handles",
                     json::object{{"handles", json::array{json::object{{"platform", "Weibo"},
                                                                       {"handle", "@AnnW"}}}}});
  ASSERT_EQ(handles.status, 200) << handles.body;
  EXPECT_EQ(str(handles.json().at("handles").at(0).at("platform")), "weibo");
  const auto kettle = product("KT-300", "Steel Kettle 3000");
  const auto mug = product("MUG-12", "Travel Mug");
  const auto other = product("PRO-1", "Pro");
  auto aliases = put(id_path("/api/v1/products", kettle) + "/aliases",
                     json::object{{"aliases", json::array{"小钢壶", "steelie"}}});
  ASSERT_EQ(aliases.status, 200) << aliases.body;
  EXPECT_EQ(aliases.json().at("aliases").as_array().size(), 2u);

  json::array batch{mention("weibo", "wb-1", "annw", "我的小钢壶坏了, and the mug-12 lid leaks. A problem!"),
                    mention("x", "x-1", "@stranger", "Nothing about products here")};
  const std::string body = json::serialize(json::object{{"mentions", batch}});
  auto stored = signed_post(body);
  ASSERT_EQ(stored.status, 200) << stored.body;
  EXPECT_EQ(stored.json().at("stored").as_int64(), 2);
  const auto first = stored.json().at("ids").at(0).as_int64();
  const auto second = stored.json().at("ids").at(1).as_int64();

  auto m = detail(first).at("mention");
  EXPECT_EQ(m.at("customer_id").as_int64(), ann);
  EXPECT_EQ(str(m.at("customer_name")), "Ann Weibo");
  EXPECT_EQ(str(m.at("status")), "new");
  EXPECT_EQ(str(m.at("source")), "webhook");
  const auto ids = product_ids(m);
  EXPECT_EQ(ids, (std::vector<std::int64_t>{kettle, mug})) << json::serialize(m);
  (void)other;  // "Pro" is not a word of "problem"
  auto unmatched = detail(second).at("mention");
  EXPECT_TRUE(unmatched.at("customer_id").is_null());
  EXPECT_TRUE(unmatched.at("products").as_array().empty());

  // The same delivery again: nothing new, the same ids.
  auto again = signed_post(body);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.json().at("stored").as_int64(), 0);
  EXPECT_EQ(again.json().at("duplicates").as_int64(), 2);
  EXPECT_EQ(again.json().at("ids").at(0).as_int64(), first);

  // The inbox by product and by customer.
  auto by_product = get("/api/v1/social/mentions?product_id=" + std::to_string(mug));
  ASSERT_EQ(by_product.status, 200) << by_product.body;
  ASSERT_EQ(by_product.json().at("items").as_array().size(), 1u);
  EXPECT_EQ(by_product.json().at("items").at(0).at("id").as_int64(), first);
  auto by_customer = get("/api/v1/social/mentions?customer_id=" + std::to_string(ann) + "&status=new");
  ASSERT_EQ(by_customer.status, 200);
  EXPECT_EQ(by_customer.json().at("items").as_array().size(), 1u);
  expect_error(get("/api/v1/social/mentions?status=open"), 400, "", "status");

  // On the customer's timeline.
  auto timeline = get(id_path("/api/v1/customers", ann) + "/timeline");
  ASSERT_EQ(timeline.status, 200) << timeline.body;
  bool seen = false;
  const json::value timeline_body = timeline.json();
  for (const auto& e : timeline_body.at("items").as_array()) {
    if (str(e.at("kind")) == "social.mention" && e.at("data").at("mention_id").as_int64() == first) {
      seen = true;
      EXPECT_NE(str(e.at("data").at("excerpt")).find("小钢壶"), std::string::npos) << json::serialize(e);
    }
  }
  EXPECT_TRUE(seen) << timeline.body;

  // A handle registered later matches the stranger's mention.
  const auto bob = create("/api/v1/customers", json::object{{"name", "Bob X"}});
  ASSERT_EQ(put(id_path("/api/v1/customers", bob) + "/social-handles",
                json::object{{"handles", json::array{json::object{{"platform", "x"}, {"handle", "Stranger"}}}}})
                .status,
            200);
  EXPECT_EQ(detail(second).at("mention").at("customer_id").as_int64(), bob);
  // A handle another customer holds.
  expect_error(put(id_path("/api/v1/customers", bob) + "/social-handles",
                   json::object{{"handles", json::array{json::object{{"platform", "weibo"}, {"handle", "annw"}}}}}),
               409, "handle_taken", "handles[0].handle");

  // Bad input names the field, and stores nothing of the batch.
  json::array bad{mention("weibo", "wb-ok", "annw", "fine"), mention("weibo", "wb-bad", "annw", " ")};
  auto refused = signed_post(json::serialize(json::object{{"mentions", bad}}));
  expect_error(refused, 400, "", "mentions[1].text");
  auto missing = json::object{{"mentions", json::array{json::object{{"platform", "weibo"}, {"text", "x"}}}}};
  expect_error(signed_post(json::serialize(missing)), 400, "", "mentions[0].external_id");
  auto listed = get("/api/v1/social/mentions?platform=weibo&limit=200");
  const json::value listed_body = listed.json();
  for (const auto& item : listed_body.at("items").as_array()) EXPECT_NE(str(item.at("external_id")), "wb-ok");
}

// A bad signature, no signature or an old timestamp: 401, nothing stored.
TEST_F(Social, ABadSignatureIsRefusedAndStoresNothing) {
  const std::string body =
      json::serialize(json::object{{"mentions", json::array{mention("weibo", "forged-1", "eve", "forged")}}});
  expect_error(signed_post(body, "another-secret-0123456789"), 401, "bad_signature");
  expect_error(signed_post(body, kSecret, wall_ms() / 1000 - 3600), 401, "stale_timestamp");
  HttpClient anonymous(server_->base_url());
  expect_error(anonymous.request("POST", "/api/v1/social/mentions", body, {"Content-Type: application/json"}),
               401, "signature_required");
  // The signature covers the body: a changed body with the old signature is refused.
  const std::string ts = std::to_string(wall_ms() / 1000);
  const std::string signature = "v1=" + hmac_sha256_hex(kSecret, ts + "." + body);
  std::string altered = body;
  altered.replace(altered.find("forged\""), 6, "edited");
  expect_error(anonymous.request("POST", "/api/v1/social/mentions", altered,
                                 {"X-Ecrm-Timestamp: " + ts, "X-Ecrm-Signature: " + signature}),
               401, "bad_signature");
  auto listed = get("/api/v1/social/mentions?platform=weibo&limit=200");
  ASSERT_EQ(listed.status, 200);
  const json::value listed_body = listed.json();
  for (const auto& item : listed_body.at("items").as_array()) {
    EXPECT_NE(str(item.at("external_id")), "forged-1");
  }
  // The correctly signed call goes through.
  EXPECT_EQ(signed_post(body).status, 200);
}

// CSV: a bad line is reported by its number and nothing is stored; with skip_bad the good lines
// are; the same file again adds nothing.
TEST_F(Social, CsvImportReportsItsBadLines) {
  const std::string file =
      "platform,author_handle,url,text,time\n"
      "weibo,@csv_one,https://weibo.example/1,\"Loving it,\nreally\",2026-11-02T10:00:00Z\n"
      "weibo,@csv_two,https://weibo.example/2,Broken again,yesterday\n"
      "x,@csv_three,,Fine,2026-11-03 08:00\n";
  auto r = client_->request("POST", "/api/v1/social/import", file,
                            {"Content-Type: text/csv", "X-CSRF-Token: " + client_->csrf_token});
  ASSERT_EQ(r.status, 200) << r.body;
  auto report = r.json();
  EXPECT_FALSE(report.at("committed").as_bool());
  EXPECT_EQ(report.at("stored").as_int64(), 0);
  EXPECT_EQ(report.at("rows_read").as_int64(), 3);
  ASSERT_EQ(report.at("errors").as_array().size(), 1u) << r.body;
  EXPECT_EQ(report.at("errors").at(0).at("line").as_int64(), 4);  // the quoted line break counts
  EXPECT_EQ(str(report.at("errors").at(0).at("field")), "time");
  auto none = get("/api/v1/social/mentions?platform=weibo&limit=200");
  const json::value none_body = none.json();
  for (const auto& item : none_body.at("items").as_array()) {
    EXPECT_NE(str(item.at("author_handle")), "@csv_one");
  }

  auto skipped = client_->request("POST", "/api/v1/social/import?skip_bad=true", file,
                                  {"Content-Type: text/csv", "X-CSRF-Token: " + client_->csrf_token});
  ASSERT_EQ(skipped.status, 200) << skipped.body;
  EXPECT_TRUE(skipped.json().at("committed").as_bool());
  EXPECT_EQ(skipped.json().at("stored").as_int64(), 2);
  EXPECT_EQ(skipped.json().at("bad_rows").as_int64(), 1);
  auto again = client_->request("POST", "/api/v1/social/import?skip_bad=true", file,
                                {"Content-Type: text/csv", "X-CSRF-Token: " + client_->csrf_token});
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.json().at("stored").as_int64(), 0);
  EXPECT_EQ(again.json().at("duplicates").as_int64(), 2);
  auto imported = get("/api/v1/social/mentions?platform=x&limit=200");
  bool seen = false;
  const json::value imported_body = imported.json();
  for (const auto& item : imported_body.at("items").as_array()) {
    if (str(item.at("author_handle")) == "@csv_three") {
      seen = true;
      EXPECT_EQ(str(item.at("source")), "import");
    }
  }
  EXPECT_TRUE(seen) << imported.body;

  // A file without a required column.
  auto headerless = client_->request("POST", "/api/v1/social/import", "platform,text\nweibo,hi\n",
                                     {"Content-Type: text/csv", "X-CSRF-Token: " + client_->csrf_token});
  expect_error(headerless, 400);
}

// A reply is recorded, posted signed to the outgoing webhook, tried again after a failure, and
// shows on the customer's timeline; a new mention becomes handled.
TEST_F(Social, AReplyIsRecordedAndPostedToTheOutgoingWebhook) {
  SmtpServer hooks({"--fail-first", "1"}, "webhook_server.py");
  const std::string url = "http://127.0.0.1:" + std::to_string(hooks.port()) + "/replies";
  const std::string reply_secret = "reply-secret-0123456789abc";
  ASSERT_EQ(put("/api/v1/social/settings", json::object{{"reply_url", url}, {"reply_secret", reply_secret}}).status,
            200);
  const auto cat = create("/api/v1/customers", json::object{{"name", "Cat Reply"}});
  ASSERT_EQ(put(id_path("/api/v1/customers", cat) + "/social-handles",
                json::object{{"handles", json::array{json::object{{"platform", "weibo"}, {"handle", "cat_r"}}}}})
                .status,
            200);
  auto stored = signed_post(json::serialize(
      json::object{{"mentions", json::array{mention("weibo", "wb-reply", "cat_r", "Where is my parcel?")}}}));
  ASSERT_EQ(stored.status, 200) << stored.body;
  const auto id = stored.json().at("ids").at(0).as_int64();

  expect_error(post(id_path("/api/v1/social/mentions", id) + "/replies", json::object{{"text", "  "}}), 400, "",
               "text");
  auto replied = post(id_path("/api/v1/social/mentions", id) + "/replies",
                      json::object{{"text", "Sorry Cat, it ships today."}});
  ASSERT_EQ(replied.status, 201) << replied.body;
  EXPECT_EQ(str(replied.json().at("status")), "queued");  // the receiver answered 503 first
  EXPECT_EQ(replied.json().at("attempts").as_int64(), 1);
  EXPECT_NE(str(replied.json().at("response")).find("503"), std::string::npos) << replied.body;

  json::object d;
  ASSERT_TRUE(eventually([&] {
    d = detail(id);
    return !d.empty() && str(d.at("replies").at(0).at("status")) == "sent";
  }, 30)) << json::serialize(d) << server_->log();
  EXPECT_EQ(str(d.at("mention").at("status")), "handled");
  EXPECT_EQ(d.at("mention").at("replies").as_int64(), 1);
  auto calls = hooks.received();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].at("answered").as_int64(), 503);
  EXPECT_EQ(calls[1].at("answered").as_int64(), 204);
  for (const auto& call : calls) {
    const auto& headers = call.at("headers").as_object();
    const std::string body = str(call.at("body"));
    const std::string ts = str(headers.at("x-ecrm-timestamp"));
    EXPECT_EQ(str(headers.at("x-ecrm-signature")), "v1=" + hmac_sha256_hex(reply_secret, ts + "." + body));
    auto payload = json::parse(body).as_object();
    EXPECT_EQ(str(payload.at("text")), "Sorry Cat, it ships today.");
    EXPECT_EQ(str(payload.at("external_id")), "wb-reply");
    EXPECT_EQ(str(payload.at("platform")), "weibo");
  }
  EXPECT_EQ(str(calls[0].at("path")), "/replies");

  // The reply on the customer's timeline, as an outbound social interaction.
  auto timeline = get(id_path("/api/v1/customers", cat) + "/timeline");
  bool seen = false;
  const json::value timeline_body = timeline.json();
  for (const auto& e : timeline_body.at("items").as_array()) {
    if (str(e.at("kind")) == "interaction.social" && str(e.at("data").at("direction")) == "outbound") seen = true;
  }
  EXPECT_TRUE(seen) << timeline.body;

  // Without an outgoing webhook a reply is kept as unsent, and can be posted once one is set.
  ASSERT_EQ(put("/api/v1/social/settings", json::object{{"reply_url", ""}}).status, 200);
  auto unsent = post(id_path("/api/v1/social/mentions", id) + "/replies", json::object{{"text", "One more"}});
  ASSERT_EQ(unsent.status, 201) << unsent.body;
  EXPECT_EQ(str(unsent.json().at("status")), "unsent");
  ASSERT_EQ(put("/api/v1/social/settings", json::object{{"reply_url", url}}).status, 200);
  auto retried = post(id_path("/api/v1/social/replies", unsent.json().at("id").as_int64()) + "/retry", json::object{});
  ASSERT_EQ(retried.status, 200) << retried.body;
  EXPECT_EQ(str(retried.json().at("status")), "sent") << retried.body;
  expect_error(post(id_path("/api/v1/social/replies", unsent.json().at("id").as_int64()) + "/retry", json::object{}),
               409, "reply_sent");
}

// Escalating twice makes one ticket, on the social channel, on the mention's customer; a mention
// of nobody known makes a lead carrying the handle.
TEST_F(Social, EscalationOpensOneTicketEvenWhenRepeated) {
  const auto dan = create("/api/v1/customers", json::object{{"name", "Dan Escalate"}});
  ASSERT_EQ(put(id_path("/api/v1/customers", dan) + "/social-handles",
                json::object{{"handles", json::array{json::object{{"platform", "weibo"}, {"handle", "dan_e"}}}}})
                .status,
            200);
  auto stored = signed_post(json::serialize(json::object{
      {"mentions", json::array{mention("weibo", "wb-esc", "dan_e", "The kettle burnt my hand!"),
                               mention("weibo", "wb-esc-2", "nobody_known", "Refund please")}}}));
  ASSERT_EQ(stored.status, 200) << stored.body;
  const auto id = stored.json().at("ids").at(0).as_int64();
  const auto unknown = stored.json().at("ids").at(1).as_int64();

  auto first = post(id_path("/api/v1/social/mentions", id) + "/escalate", json::object{{"priority", "urgent"}});
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_TRUE(first.json().at("created").as_bool());
  const auto ticket = first.json().at("ticket_id").as_int64();
  EXPECT_EQ(str(first.json().at("mention").at("status")), "escalated");
  auto second = post(id_path("/api/v1/social/mentions", id) + "/escalate", json::object{});
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_FALSE(second.json().at("created").as_bool());
  EXPECT_EQ(second.json().at("ticket_id").as_int64(), ticket);

  auto t = get(id_path("/api/v1/tickets", ticket));
  ASSERT_EQ(t.status, 200) << t.body;
  EXPECT_EQ(t.json().at("customer_id").as_int64(), dan);
  EXPECT_EQ(str(t.json().at("channel")), "social");
  EXPECT_EQ(str(t.json().at("priority")), "urgent");
  auto tickets = get("/api/v1/tickets?customer_id=" + std::to_string(dan));
  ASSERT_EQ(tickets.status, 200) << tickets.body;
  EXPECT_EQ(tickets.json().at("items").as_array().size(), 1u) << tickets.body;
  // Marked handled afterwards it stays escalated.
  auto handled = post(id_path("/api/v1/social/mentions", id) + "/handled", json::object{});
  ASSERT_EQ(handled.status, 200) << handled.body;
  EXPECT_EQ(str(handled.json().at("status")), "escalated");

  auto lead = post(id_path("/api/v1/social/mentions", unknown) + "/escalate", json::object{});
  ASSERT_EQ(lead.status, 200) << lead.body;
  const auto lead_id = lead.json().at("mention").at("customer_id").as_int64();
  auto lead_handles = get(id_path("/api/v1/customers", lead_id) + "/social-handles");
  ASSERT_EQ(lead_handles.status, 200);
  EXPECT_EQ(str(lead_handles.json().at("handles").at(0).at("handle")), "nobody_known");

  expect_error(post("/api/v1/social/mentions/999999/escalate", json::object{}), 404);

  // Staff escalating the same mention at once: one ticket, every answer naming it.
  auto raced = signed_post(json::serialize(
      json::object{{"mentions", json::array{mention("weibo", "wb-race", "dan_e", "Still broken")}}}));
  ASSERT_EQ(raced.status, 200) << raced.body;
  const auto race_id = raced.json().at("ids").at(0).as_int64();
  std::vector<std::unique_ptr<HttpClient>> clients;
  for (int i = 0; i < 4; ++i) clients.push_back(signed_in(kAdminEmail, kAdminPassword));
  std::vector<HttpResult> answers(clients.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < clients.size(); ++i) {
    threads.emplace_back([&, i] {
      answers[i] = clients[i]->send_json("POST", id_path("/api/v1/social/mentions", race_id) + "/escalate",
                                         json::object{});
    });
  }
  for (auto& th : threads) th.join();
  int created = 0;
  std::int64_t race_ticket = 0;
  for (const auto& a : answers) {
    ASSERT_EQ(a.status, 200) << a.body;
    if (a.json().at("created").as_bool()) ++created;
    if (race_ticket == 0) race_ticket = a.json().at("ticket_id").as_int64();
    EXPECT_EQ(a.json().at("ticket_id").as_int64(), race_ticket);
  }
  EXPECT_EQ(created, 1);
  auto dans = get("/api/v1/tickets?customer_id=" + std::to_string(dan));
  EXPECT_EQ(dans.json().at("items").as_array().size(), 2u) << dans.body;
  auto other = post(id_path("/api/v1/social/mentions", id) + "/handled", json::object{});
  EXPECT_EQ(other.status, 200);
}

// Each mention is scored when it is stored (the sentiment scorer), in English and Chinese, and the
// inbox filters by it.
TEST_F(Social, MentionsAreScoredForSentiment) {
  auto stored = signed_post(json::serialize(json::object{
      {"mentions", json::array{mention("douyin", "dy-1", "fan1", "I love this kettle, it is excellent"),
                               mention("douyin", "dy-2", "fan2", "Terrible mug, it broke after a day. Very bad."),
                               mention("douyin", "dy-3", "fan3", "质量很好，非常满意"),
                               mention("douyin", "dy-4", "fan4", "不好用，太失望了")}}}));
  ASSERT_EQ(stored.status, 200) << stored.body;
  const auto ids = stored.json().at("ids").as_array();
  const std::vector<std::string> expected{"positive", "negative", "positive", "negative"};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    auto m = detail(ids.at(i).as_int64()).at("mention");
    EXPECT_EQ(str(m.at("sentiment")), expected[i]) << json::serialize(m);
    ASSERT_TRUE(m.at("sentiment_score").is_number()) << json::serialize(m);
    const double score = m.at("sentiment_score").to_number<double>();
    EXPECT_TRUE(expected[i] == "positive" ? score > 0 : score < 0) << score;
  }
  auto negative = get("/api/v1/social/mentions?platform=douyin&sentiment=negative");
  ASSERT_EQ(negative.status, 200) << negative.body;
  EXPECT_EQ(negative.json().at("items").as_array().size(), 2u) << negative.body;
  auto rep = get("/api/v1/social/reputation?platform=douyin");
  ASSERT_EQ(rep.status, 200) << rep.body;
  EXPECT_EQ(rep.json().at("totals").at("positive").as_int64(), 2);
  EXPECT_EQ(rep.json().at("totals").at("negative").as_int64(), 2);
  EXPECT_EQ(rep.json().at("share").at("negative").to_number<double>(), 50.0);
}

// The privacy export lists a customer's mentions, their replies and handles; erasure blanks what
// the author wrote and drops the handles, keeping the mention's row for the counts.
TEST_F(Social, PrivacyExportAndErasureReachMatchedMentions) {
  const auto eve = create("/api/v1/customers", json::object{{"name", "Eve Private"}, {"email", "eve@social.test"}});
  ASSERT_EQ(put(id_path("/api/v1/customers", eve) + "/social-handles",
                json::object{{"handles", json::array{json::object{{"platform", "weibo"}, {"handle", "eve_p"}}}}})
                .status,
            200);
  auto stored = signed_post(json::serialize(
      json::object{{"mentions", json::array{mention("weibo", "wb-private", "eve_p", "My address is 1 Secret Lane")}}}));
  ASSERT_EQ(stored.status, 200) << stored.body;
  const auto id = stored.json().at("ids").at(0).as_int64();
  ASSERT_EQ(post(id_path("/api/v1/social/mentions", id) + "/replies", json::object{{"text", "Thanks Eve"}}).status, 201);

  auto exported = get(id_path("/api/v1/customers", eve) + "/export");
  ASSERT_EQ(exported.status, 200) << exported.body;
  const auto social = exported.json().at("social");
  ASSERT_EQ(social.at("mentions").as_array().size(), 1u) << exported.body;
  EXPECT_EQ(str(social.at("mentions").at(0).at("text")), "My address is 1 Secret Lane");
  EXPECT_EQ(str(social.at("mentions").at(0).at("replies").at(0).at("text")), "Thanks Eve");
  EXPECT_EQ(str(social.at("handles").at(0).at("handle")), "eve_p");

  ASSERT_EQ(post(id_path("/api/v1/customers", eve) + "/erase", json::object{}).status, 200);
  auto m = detail(id);
  EXPECT_EQ(str(m.at("mention").at("text")), "");
  EXPECT_EQ(str(m.at("mention").at("author_handle")), "");
  EXPECT_EQ(str(m.at("replies").at(0).at("text")), "");
  // The handle is gone: the same author's next mention matches nobody.
  auto next = signed_post(json::serialize(
      json::object{{"mentions", json::array{mention("weibo", "wb-private-2", "eve_p", "Hello again")}}}));
  ASSERT_EQ(next.status, 200) << next.body;
  EXPECT_TRUE(detail(next.json().at("ids").at(0).as_int64()).at("mention").at("customer_id").is_null());
}

// The inbox needs social:read / social:write; the settings social:admin.
TEST_F(Social, TheInboxNeedsItsScopes) {
  auto sales = staff("sales@social.test", "sales");
  expect_error(sales->get("/api/v1/social/mentions"), 403);
  expect_error(sales->get("/api/v1/social/reputation"), 403);
  auto analyst = staff("analyst@social.test", "analyst");
  expect_error(analyst->send_json("POST", "/api/v1/social/mentions/1/handled", json::object{}), 403);
  auto agent = staff("agent@social.test", "service");
  EXPECT_EQ(agent->get("/api/v1/social/mentions").status, 200);
  EXPECT_EQ(agent->get("/api/v1/social/reputation").status, 200);
  expect_error(agent->get("/api/v1/social/settings"), 403);
  expect_error(agent->send_json("PUT", "/api/v1/social/settings", json::object{{"reply_url", ""}}), 403);
  auto marketer = staff("marketer@social.test", "marketing");
  EXPECT_EQ(marketer->get("/api/v1/social/mentions").status, 200);
  HttpClient anonymous(server_->base_url());
  expect_error(anonymous.get("/api/v1/social/mentions"), 401);
}

// The dashboard counts the period's mentions per day, their platforms and repeated words.
TEST_F(Social, TheReputationDashboardCountsMentionsAndTopics) {
  const std::int64_t day = 86'400'000;
  const std::int64_t base = (wall_ms() / day - 3) * day + 3'600'000;
  json::array batch;
  for (int i = 0; i < 3; ++i) {
    auto m = mention("tiktok", "tt-" + std::to_string(i), "viewer" + std::to_string(i),
                     "The battery life is short, battery drains fast");
    m["posted_at"] = base + i * day;
    batch.push_back(m);
  }
  ASSERT_EQ(signed_post(json::serialize(json::object{{"mentions", batch}})).status, 200);
  auto r = get("/api/v1/social/reputation?platform=tiktok&bucket=day&from=" + std::to_string(base - 3'600'000) +
               "&to=" + std::to_string(base + 2 * day + 1));
  ASSERT_EQ(r.status, 200) << r.body;
  auto rep = r.json();
  EXPECT_EQ(rep.at("totals").at("total").as_int64(), 3);
  ASSERT_EQ(rep.at("buckets").as_array().size(), 3u) << r.body;
  for (const auto& b : rep.at("buckets").as_array()) {
    EXPECT_EQ(b.at("counts").at("total").as_int64(), 1);
    ASSERT_FALSE(b.at("topics").as_array().empty()) << json::serialize(b);
    EXPECT_EQ(str(b.at("topics").at(0)), "battery");
  }
  ASSERT_FALSE(rep.at("topics").as_array().empty()) << r.body;
  EXPECT_EQ(str(rep.at("topics").at(0).at("phrase")), "battery");
  EXPECT_EQ(rep.at("topics").at(0).at("count").as_int64(), 3);
  EXPECT_EQ(str(rep.at("platforms").at(0).at("platform")), "tiktok");
  auto weeks = get("/api/v1/social/reputation?bucket=week");
  ASSERT_EQ(weeks.status, 200) << weeks.body;
  expect_error(get("/api/v1/social/reputation?bucket=month"), 400, "", "bucket");
}

}  // namespace
}  // namespace ecrm::testing
