// The partner API over HTTP on the test backend: a partner's API key acts as its partner on the
// partner portal's routes only (its own lines, no CSRF), is refused on staff routes and the
// customers' portal, and is refused from the request after its revocation; a partner's webhook
// receives each new line routed to it signed with the secret it was given, a failing receiver is
// tried again, and the partner reads the deliveries.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <set>
#include <thread>

#include "portal_support.hpp"

namespace ecrm::testing {
namespace {

namespace json = boost::json;

class PartnerApi : public PortalBase {
 protected:
  static void SetUpTestSuite() {
    smtp_ = new SmtpServer();
    unsetenv("ECRM_SMTP_URL");
    server_ = new ServerProcess(
        {"--mail-from", portal_test::kMailFrom, "--smtp-retry-after", "0.2", "--smtp-connections",
         "2", "--public-url", portal_test::kPublicUrl, "--smtp-url", smtp_->url(),
         "--partner-webhook-retry-after", "0.3"},
        {{"ECRM_ADMIN_EMAIL", kAdminEmail}, {"ECRM_ADMIN_PASSWORD", kAdminPassword}});
  }

  std::int64_t partner(const std::string& name) {
    return create("/api/v1/partners",
                  json::object{{"name", name}, {"kind", "supplier"}, {"lead_time_days", 5}});
  }

  std::int64_t user(std::int64_t partner_id, const std::string& email, const std::string& role) {
    return create(id_path("/api/v1/partners", partner_id) + "/users",
                  json::object{{"email", email}, {"name", email}, {"role", role}});
  }

  // A client signed in to the partner portal as `user_id` through a link staff made.
  std::unique_ptr<HttpClient> partner_client(std::int64_t partner_id, std::int64_t user_id) {
    auto link = post(id_path("/api/v1/partners", partner_id) + "/users/" +
                         std::to_string(user_id) + "/sign-in-link",
                     json::object{});
    EXPECT_EQ(link.status, 201) << link.body;
    auto client = std::make_unique<HttpClient>(server_->base_url());
    if (link.status != 201) return client;
    auto r = client->send_json("POST", "/api/v1/portal/partner/session",
                               json::object{{"token", link.json().at("token")}});
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status == 200) client->csrf_token = str(r.json().at("csrf_token"));
    return client;
  }

  std::int64_t product(const std::string& sku, std::int64_t price) {
    return create("/api/v1/products", json::object{{"sku", sku},
                                                   {"name", sku + " item"},
                                                   {"price", price},
                                                   {"currency", "EUR"},
                                                   {"stock_on_hand", 5}});
  }

  void link(std::int64_t partner_id, std::int64_t product_id) {
    auto r = post(id_path("/api/v1/partners", partner_id) + "/products",
                  json::object{{"product_id", product_id},
                               {"cost", 1000},
                               {"currency", "EUR"},
                               {"lead_time_days", 3}});
    EXPECT_EQ(r.status, 201) << r.body;
  }

  json::object place(std::int64_t customer_id, const json::array& lines) {
    auto r = post("/api/v1/orders", json::object{{"customer_id", customer_id}, {"lines", lines}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? r.json().as_object() : json::object{};
  }

  static std::int64_t line_of(const json::object& order, std::size_t i) {
    return order.at("lines").at(i).at("id").as_int64();
  }

  // A request with `key` as its bearer credential and nothing else (no cookie, no CSRF token).
  HttpResult with_key(const std::string& key, const std::string& method, const std::string& path,
                      const std::string& body = {}) {
    HttpClient bare(server_->base_url());
    std::vector<std::string> headers{"Authorization: Bearer " + key};
    if (!body.empty()) headers.push_back("Content-Type: application/json");
    return bare.request(method, path, body, headers);
  }

  // Whether the list answer holds the webhook `id`, active.
  static bool listed_active(const HttpResult& r, std::int64_t id) {
    if (r.status != 200) return false;
    const auto body = r.json();
    for (const auto& item : body.at("items").as_array()) {
      if (item.at("id").as_int64() == id) return item.at("active").as_bool();
    }
    return false;
  }

  static std::set<std::int64_t> ids_of(const HttpResult& r) {
    std::set<std::int64_t> out;
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200) return out;
    const auto body = r.json();
    for (const auto& item : body.at("items").as_array()) out.insert(item.at("id").as_int64());
    return out;
  }
};

TEST_F(PartnerApi, AKeyActsAsItsPartnerOnlyOnThePartnerRoutesUntilRevoked) {
  const auto a = partner("Key Supplier A");
  const auto b = partner("Key Supplier B");
  const auto a_item = product("KEY-A", 2000);
  const auto b_item = product("KEY-B", 3000);
  link(a, a_item);
  link(b, b_item);
  const auto a_admin = user(a, "admin@key-a.example", "partner_admin");
  const auto a_staff = user(a, "staff@key-a.example", "partner_staff");
  const auto b_admin = user(b, "admin@key-b.example", "partner_admin");
  const auto buyer = create("/api/v1/customers", json::object{{"name", "Key Buyer"},
                                                               {"email", "key.buyer@example.com"},
                                                               {"city", "Lyon"},
                                                               {"country", "FR"}});
  const auto order = place(buyer, json::array{json::object{{"product_id", a_item}, {"quantity", 2}},
                                              json::object{{"product_id", b_item}, {"quantity", 1}}});
  const auto order_id = order.at("id").as_int64();
  const auto a_line = line_of(order, 0);
  const auto b_line = line_of(order, 1);
  auto pa = partner_client(a, a_admin);
  auto pa_staff = partner_client(a, a_staff);
  auto pb = partner_client(b, b_admin);

  // Only a signed-in partner admin makes keys; bad input names the field.
  expect_error(pa_staff->send_json("POST", "/api/v1/portal/partner/api-keys",
                                   json::object{{"name", "erp"}}),
               403, "partner_admin_required");
  expect_error(pa->send_json("POST", "/api/v1/portal/partner/api-keys", json::object{{"name", " "}}),
               400, "required", "name");
  expect_error(pa->send_json("POST", "/api/v1/portal/partner/api-keys",
                             json::object{{"name", "erp"}, {"role", "owner"}}),
               400, "", "role");
  auto made = pa->send_json("POST", "/api/v1/portal/partner/api-keys", json::object{{"name", "erp"}});
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string key = str(made.json().at("key"));
  const auto key_id = made.json().at("id").as_int64();
  ASSERT_TRUE(key.starts_with("epk_")) << key;
  EXPECT_TRUE(key.starts_with(str(made.json().at("prefix"))));
  EXPECT_EQ(str(made.json().at("role")), "partner_staff");
  EXPECT_EQ(made.json().at("partner_id").as_int64(), a);
  // Listed without the secret, to the partner's staff too; not to the other partner.
  auto listed = pa_staff->get("/api/v1/portal/partner/api-keys");
  EXPECT_EQ(ids_of(listed), std::set<std::int64_t>{key_id});
  EXPECT_EQ(listed.body.find(key), std::string::npos);
  EXPECT_TRUE(ids_of(pb->get("/api/v1/portal/partner/api-keys")).empty());
  auto staff_list = get(id_path("/api/v1/partners", a) + "/api-keys");
  EXPECT_EQ(ids_of(staff_list), std::set<std::int64_t>{key_id});
  EXPECT_EQ(staff_list.body.find(key), std::string::npos);

  // The key acts as partner A: its lines only, the other partner's line not found.
  auto me = with_key(key, "GET", "/api/v1/portal/partner/me");
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.json().at("partner_id").as_int64(), a);
  auto lines = with_key(key, "GET", "/api/v1/portal/partner/lines?order_id=" + std::to_string(order_id));
  EXPECT_EQ(ids_of(lines), std::set<std::int64_t>{a_line});
  EXPECT_EQ(lines.body.find("key.buyer@example.com"), std::string::npos) << lines.body;
  EXPECT_EQ(lines.body.find("KEY-B"), std::string::npos) << lines.body;
  expect_error(with_key(key, "GET", id_path("/api/v1/portal/partner/lines", b_line)), 404);
  expect_error(with_key(key, "POST", id_path("/api/v1/portal/partner/lines", b_line) + "/acknowledge", "{}"),
               404);
  // Writes need no CSRF token; a staff-role key may not do what only admins do.
  auto ack = with_key(key, "POST", id_path("/api/v1/portal/partner/lines", a_line) + "/acknowledge", "{}");
  ASSERT_EQ(ack.status, 200) << ack.body;
  EXPECT_EQ(str(ack.json().at("state")), "acknowledged");
  expect_error(with_key(key, "PATCH", id_path("/api/v1/portal/partner/products", a_item),
                        R"({"stock_on_hand":1})"),
               403, "partner_admin_required");
  // A key makes no keys.
  expect_error(with_key(key, "POST", "/api/v1/portal/partner/api-keys", R"({"name":"more"})"), 403,
               "api_key_not_allowed");

  // Everywhere else the key is refused, with a JSON error.
  for (const auto* path : {"/api/v1/partners", "/api/v1/orders", "/api/v1/me",
                           "/api/v1/customers"}) {
    expect_error(with_key(key, "GET", path), 403, "portal_key_not_allowed");
  }
  expect_error(with_key(key, "GET", id_path("/api/v1/partners", a) + "/lines"), 403,
               "portal_key_not_allowed");
  expect_error(with_key(key, "GET", "/api/v1/portal/orders"), 403);
  // A key that was never made, or a staff key's shape, is no credential on partner routes.
  expect_error(with_key("epk_not-a-real-key", "GET", "/api/v1/portal/partner/me"), 401,
               "invalid_api_key");
  expect_error(with_key("ek_staffish", "GET", "/api/v1/portal/partner/me"), 401);

  // Staff make a key for B with the admin role: it sees B's line and not A's.
  expect_error(post(id_path("/api/v1/partners", 99999999) + "/api-keys", json::object{{"name", "x"}}),
               404);
  auto b_made = post(id_path("/api/v1/partners", b) + "/api-keys",
                     json::object{{"name", "b-erp"}, {"role", "partner_admin"}});
  ASSERT_EQ(b_made.status, 201) << b_made.body;
  const std::string b_key = str(b_made.json().at("key"));
  const auto b_key_id = b_made.json().at("id").as_int64();
  auto b_lines = with_key(b_key, "GET", "/api/v1/portal/partner/lines?order_id=" + std::to_string(order_id));
  EXPECT_EQ(ids_of(b_lines), std::set<std::int64_t>{b_line});
  auto b_stock = with_key(b_key, "PATCH", id_path("/api/v1/portal/partner/products", b_item),
                          R"({"stock_on_hand":4})");
  EXPECT_EQ(b_stock.status, 200) << b_stock.body;

  // Another partner cannot revoke A's key; a partner staff user may not either.
  expect_error(pb->request("DELETE", id_path("/api/v1/portal/partner/api-keys", key_id), "",
                           {"X-CSRF-Token: " + pb->csrf_token}),
               404);
  expect_error(pa_staff->request("DELETE", id_path("/api/v1/portal/partner/api-keys", key_id), "",
                                 {"X-CSRF-Token: " + pa_staff->csrf_token}),
               403, "partner_admin_required");
  EXPECT_EQ(with_key(key, "GET", "/api/v1/portal/partner/me").status, 200);
  // Revoked: refused on the next request.
  auto revoked = pa->request("DELETE", id_path("/api/v1/portal/partner/api-keys", key_id), "",
                             {"X-CSRF-Token: " + pa->csrf_token});
  EXPECT_EQ(revoked.status, 204) << revoked.body;
  expect_error(with_key(key, "GET", "/api/v1/portal/partner/me"), 401, "invalid_api_key");
  expect_error(with_key(key, "GET", "/api/v1/portal/partner/lines"), 401);
  auto after = get(id_path("/api/v1/partners", a) + "/api-keys");
  ASSERT_EQ(after.status, 200) << after.body;
  EXPECT_FALSE(after.json().at("items").at(0).at("revoked_at").is_null()) << after.body;
  EXPECT_FALSE(after.json().at("items").at(0).at("last_used_at").is_null()) << after.body;
  // Staff revoke B's key.
  auto staff_revoked = client_->request(
      "DELETE", id_path("/api/v1/partners", b) + "/api-keys/" + std::to_string(b_key_id), "",
      {"X-CSRF-Token: " + client_->csrf_token});
  EXPECT_EQ(staff_revoked.status, 204) << staff_revoked.body;
  expect_error(with_key(b_key, "GET", "/api/v1/portal/partner/me"), 401, "invalid_api_key");
  expect_error(client_->request("DELETE",
                                id_path("/api/v1/partners", a) + "/api-keys/" +
                                    std::to_string(b_key_id),
                                "", {"X-CSRF-Token: " + client_->csrf_token}),
               404);

  // A deactivated partner's keys stop too.
  auto c_made = post(id_path("/api/v1/partners", b) + "/api-keys", json::object{{"name", "again"}});
  ASSERT_EQ(c_made.status, 201) << c_made.body;
  const std::string c_key = str(c_made.json().at("key"));
  EXPECT_EQ(with_key(c_key, "GET", "/api/v1/portal/partner/me").status, 200);
  ASSERT_EQ(patch(id_path("/api/v1/partners", b), json::object{{"active", false}}).status, 200);
  expect_error(with_key(c_key, "GET", "/api/v1/portal/partner/me"), 401);
}

TEST_F(PartnerApi, AWebhookReceivesEachNewLineSignedAndAFailureIsRetried) {
  SmtpServer hooks({"--fail-first", "1"}, "webhook_server.py");
  const std::string url = "http://127.0.0.1:" + std::to_string(hooks.port()) + "/partner";
  const auto a = partner("Hook Supplier A");
  const auto b = partner("Hook Supplier B");
  const auto a_item = product("HOOK-A", 2500);
  const auto b_item = product("HOOK-B", 3500);
  link(a, a_item);
  link(b, b_item);
  const auto a_admin = user(a, "admin@hook-a.example", "partner_admin");
  const auto a_staff = user(a, "staff@hook-a.example", "partner_staff");
  const auto b_admin = user(b, "admin@hook-b.example", "partner_admin");
  auto pa = partner_client(a, a_admin);
  auto pa_staff = partner_client(a, a_staff);
  auto pb = partner_client(b, b_admin);

  // Bad input names the field and stores nothing.
  const char* path = "/api/v1/portal/partner/webhooks";
  expect_error(pa->send_json("POST", path, json::object{{"url", "ftp://127.0.0.1/x"}}), 400,
               "invalid_url", "url");
  expect_error(pa->send_json("POST", path, json::object{{"url", "http://example.com/hook"}}), 400,
               "invalid_url", "url");
  expect_error(pa->send_json("POST", path, json::object{{"url", "javascript:alert(1)"}}), 400,
               "invalid_url", "url");
  expect_error(pa->send_json("POST", path,
                             json::object{{"url", url}, {"events", json::array{"order_line.deleted"}}}),
               400, "unknown_event", "events[0]");
  expect_error(pa->send_json("POST", path, json::object{{"url", url}, {"events", json::array{}}}),
               400, "", "events");
  expect_error(pa_staff->send_json("POST", path, json::object{{"url", url}}), 403,
               "partner_admin_required");
  EXPECT_TRUE(ids_of(pa->get(path)).empty());

  auto made = pa->send_json(
      "POST", path,
      json::object{{"url", url}, {"events", json::array{"order_line.created", "order_line.updated"}}});
  ASSERT_EQ(made.status, 201) << made.body;
  const auto hook_id = made.json().at("id").as_int64();
  const std::string secret = str(made.json().at("secret"));
  ASSERT_TRUE(secret.starts_with("whsec_")) << made.body;
  auto listed = pa_staff->get(path);
  EXPECT_EQ(ids_of(listed), std::set<std::int64_t>{hook_id});
  EXPECT_EQ(listed.body.find(secret), std::string::npos);
  EXPECT_EQ(ids_of(get(id_path("/api/v1/partners", a) + "/webhooks")), std::set<std::int64_t>{hook_id});

  // An order with a line of each supplier: A's webhook hears of A's line only, signed.
  const auto buyer = create("/api/v1/customers", json::object{{"name", "Hook Buyer"},
                                                               {"email", "hook.buyer@example.com"},
                                                               {"phone", "+33 6 12 34 56 78"},
                                                               {"city", "Nantes"},
                                                               {"country", "FR"}});
  const auto order = place(buyer, json::array{json::object{{"product_id", b_item}, {"quantity", 1}},
                                              json::object{{"product_id", a_item}, {"quantity", 3}}});
  const auto a_line = line_of(order, 1);
  ASSERT_TRUE(eventually([&] { return hooks.received().size() >= 2; }, 30)) << server_->log();
  auto calls = hooks.received();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].at("answered").as_int64(), 503);  // the receiver failed first: tried again
  EXPECT_EQ(calls[1].at("answered").as_int64(), 204);
  for (const auto& call : calls) {
    const auto& headers = call.at("headers").as_object();
    const std::string body = str(call.at("body"));
    const std::string ts = str(headers.at("x-ecrm-timestamp"));
    EXPECT_EQ(str(headers.at("x-ecrm-signature")), "v1=" + hmac_sha256_hex(secret, ts + "." + body));
    EXPECT_NE(str(headers.at("x-ecrm-signature")),
              "v1=" + hmac_sha256_hex("whsec_wrong", ts + "." + body));
    EXPECT_EQ(str(call.at("path")), "/partner");
    const auto payload = json::parse(body).as_object();
    EXPECT_EQ(str(payload.at("event")), "order_line.created");
    EXPECT_EQ(payload.at("partner_id").as_int64(), a);
    EXPECT_EQ(payload.at("line").at("id").as_int64(), a_line);
    EXPECT_EQ(payload.at("line").at("quantity").as_int64(), 3);
    EXPECT_EQ(str(payload.at("line").at("sku")), "HOOK-A");
    EXPECT_EQ(str(payload.at("line").at("delivery").at("city")), "Nantes");
    for (const auto* secret_text : {"hook.buyer@example.com", "12 34 56", "HOOK-B"}) {
      EXPECT_EQ(body.find(secret_text), std::string::npos) << secret_text << " in " << body;
    }
  }

  // The delivery log: one delivery, sent on the second attempt.
  const std::string deliveries =
      std::string(path) + "/" + std::to_string(hook_id) + "/deliveries";
  json::value log;
  ASSERT_TRUE(eventually([&] {
    auto r = pa_staff->get(deliveries);
    if (r.status != 200) return false;
    log = r.json();
    const auto& items = log.at("items").as_array();
    return items.size() == 1 && str(items.at(0).at("status")) == "sent";
  }, 30)) << json::serialize(log);
  const auto& delivered = log.at("items").at(0);
  EXPECT_EQ(delivered.at("attempts").as_int64(), 2);
  EXPECT_EQ(str(delivered.at("event")), "order_line.created");
  EXPECT_EQ(delivered.at("order_line_id").as_int64(), a_line);
  EXPECT_EQ(str(delivered.at("response")).rfind("204", 0), 0u) << json::serialize(delivered);
  // Not the other partner's to read, nor to stop.
  expect_error(pb->get(deliveries), 404);
  expect_error(pb->request("DELETE", std::string(path) + "/" + std::to_string(hook_id), "",
                           {"X-CSRF-Token: " + pb->csrf_token}),
               404);

  // Acknowledging the line tells the webhook (order_line.updated, the new state).
  auto ack = pa_staff->send_json(
      "POST", id_path("/api/v1/portal/partner/lines", a_line) + "/acknowledge", json::object{});
  ASSERT_EQ(ack.status, 200) << ack.body;
  ASSERT_TRUE(eventually([&] { return hooks.received().size() >= 3; }, 30)) << server_->log();
  calls = hooks.received();
  const auto updated = json::parse(str(calls[2].at("body"))).as_object();
  EXPECT_EQ(str(updated.at("event")), "order_line.updated");
  EXPECT_EQ(str(updated.at("line").at("state")), "acknowledged");
  EXPECT_EQ(updated.at("line").at("id").as_int64(), a_line);

  // A stopped webhook hears nothing more.
  auto stopped = pa->request("DELETE", std::string(path) + "/" + std::to_string(hook_id), "",
                             {"X-CSRF-Token: " + pa->csrf_token});
  EXPECT_EQ(stopped.status, 204) << stopped.body;
  place(buyer, json::array{json::object{{"product_id", a_item}, {"quantity", 1}}});
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(hooks.received().size(), 3u);
  EXPECT_EQ(ids_of(pa->get(deliveries)).size(), 2u);
}

// Staff register a partner's webhook on its page: bad input names the field and stores nothing;
// the secret is in the answer only; the partner's admin sees it in the portal; its deliveries are
// read on the staff route, its address and events change (not under another partner's path), and
// a stopped webhook is inactive and hears nothing more.
TEST_F(PartnerApi, StaffRegisterReadAndStopAPartnersWebhook) {
  SmtpServer hooks({}, "webhook_server.py");
  const std::string url = "http://127.0.0.1:" + std::to_string(hooks.port()) + "/staff-made";
  const auto a = partner("Staff Hook Supplier A");
  const auto b = partner("Staff Hook Supplier B");
  const auto item = product("STAFF-HOOK-A", 4100);
  link(a, item);
  const auto a_admin = user(a, "admin@staff-hook-a.example", "partner_admin");
  const std::string path = id_path("/api/v1/partners", a) + "/webhooks";

  expect_error(post(path, json::object{{"url", "ftp://127.0.0.1/x"}}), 400, "invalid_url", "url");
  expect_error(post(path, json::object{{"url", url}, {"events", json::array{"order_line.gone"}}}),
               400, "unknown_event", "events[0]");
  expect_error(post("/api/v1/partners/999999/webhooks", json::object{{"url", url}}), 404);
  EXPECT_TRUE(ids_of(get(path)).empty());

  auto made = post(path, json::object{{"url", url}, {"events", json::array{"order_line.created"}}});
  ASSERT_EQ(made.status, 201) << made.body;
  const auto hook_id = made.json().at("id").as_int64();
  const std::string secret = str(made.json().at("secret"));
  ASSERT_TRUE(secret.starts_with("whsec_")) << made.body;
  EXPECT_EQ(made.json().at("partner_id").as_int64(), a);
  auto listed = get(path);
  EXPECT_EQ(ids_of(listed), std::set<std::int64_t>{hook_id});
  EXPECT_EQ(listed.body.find(secret), std::string::npos);
  auto pa = partner_client(a, a_admin);
  EXPECT_EQ(ids_of(pa->get("/api/v1/portal/partner/webhooks")), std::set<std::int64_t>{hook_id});
  EXPECT_TRUE(ids_of(get(id_path("/api/v1/partners", b) + "/webhooks")).empty());

  // A line of A's product is delivered; staff read the delivery.
  const auto buyer = create("/api/v1/customers", json::object{{"name", "Staff Hook Buyer"},
                                                               {"email", "staff.hook@example.com"},
                                                               {"country", "FR"}});
  const auto order = place(buyer, json::array{json::object{{"product_id", item}, {"quantity", 2}}});
  const std::string deliveries = path + "/" + std::to_string(hook_id) + "/deliveries";
  json::value log;
  ASSERT_TRUE(eventually([&] {
    auto r = get(deliveries);
    if (r.status != 200) return false;
    log = r.json();
    const auto& items = log.at("items").as_array();
    return items.size() == 1 && str(items.at(0).at("status")) == "sent";
  }, 30)) << json::serialize(log) << server_->log();
  EXPECT_EQ(log.at("items").at(0).at("order_line_id").as_int64(), line_of(order, 0));
  EXPECT_EQ(log.at("items").at(0).at("attempts").as_int64(), 1);
  EXPECT_EQ(str(log.at("items").at(0).at("response")).rfind("204", 0), 0u);
  const auto calls = hooks.received();
  ASSERT_EQ(calls.size(), 1u);
  const auto& headers = calls[0].at("headers").as_object();
  EXPECT_EQ(str(headers.at("x-ecrm-signature")),
            "v1=" + hmac_sha256_hex(secret, str(headers.at("x-ecrm-timestamp")) + "." +
                                                str(calls[0].at("body"))));

  // Its events and address change (not its secret); bad values name the field, change nothing.
  const std::string one = path + "/" + std::to_string(hook_id);
  expect_error(patch(one, json::object{{"url", "http://example.com/hook"}}), 400, "invalid_url", "url");
  expect_error(patch(one, json::object{{"events", json::array{}}}), 400, "", "events");
  auto changed = patch(one, json::object{{"events", json::array{"order_line.updated",
                                                                "order_line.created"}}});
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(str(changed.json().at("url")), url);
  EXPECT_EQ(changed.json().at("events").as_array().size(), 2u);
  EXPECT_FALSE(changed.json().as_object().contains("secret"));
  auto after = get(path).json().at("items").at(0);
  EXPECT_EQ(str(after.at("url")), url);
  EXPECT_EQ(after.at("events").as_array().size(), 2u);

  // Not under another partner's path.
  const std::string foreign = id_path("/api/v1/partners", b) + "/webhooks/" + std::to_string(hook_id);
  expect_error(get(foreign + "/deliveries"), 404);
  expect_error(del(foreign), 404);
  expect_error(patch(foreign, json::object{{"url", "https://hooks.example/b"}}), 404);
  EXPECT_TRUE(listed_active(get(path), hook_id));

  auto stopped = del(one);
  EXPECT_EQ(stopped.status, 204) << stopped.body;
  EXPECT_FALSE(listed_active(get(path), hook_id));
  expect_error(patch(one, json::object{{"url", url}}), 404);  // a stopped webhook stays so
  place(buyer, json::array{json::object{{"product_id", item}, {"quantity", 1}}});
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  EXPECT_EQ(hooks.received().size(), 1u);
}


// Purchase suggestions against a computation here from the test's own orders: sales per day over
// the window (a cancelled order and one before the window left out), stock read back, lead
// times from the links, safety stock, reorder point and quantity; the supplier with shipments
// suggested over one without; most urgent first; the CSV; bad parameters.
TEST_F(PartnerApi, PurchaseSuggestionsMatchAComputationFromTheOrders) {
  constexpr std::int64_t kDay = 86'400'000;
  constexpr double kZ95 = 1.6448536269514722;
  const auto s1 = partner("Buy Supplier One");
  const auto s2 = partner("Buy Supplier Two");
  const auto p1 = product("BUY-1", 1000);
  const auto p2 = product("BUY-2", 1500);
  auto link_at = [&](std::int64_t partner_id, std::int64_t product_id, std::int64_t cost,
                     std::int64_t lead) {
    auto r = post(id_path("/api/v1/partners", partner_id) + "/products",
                  json::object{{"product_id", product_id},
                               {"cost", cost},
                               {"currency", "EUR"},
                               {"lead_time_days", lead}});
    EXPECT_EQ(r.status, 201) << r.body;
  };
  link_at(s1, p1, 600, 4);
  link_at(s1, p2, 900, 9);
  link_at(s2, p2, 800, 2);  // cheaper, so P2's lines go to S2, but S2 never ships
  ASSERT_EQ(patch(id_path("/api/v1/products", p1), json::object{{"stock_on_hand", 40}}).status, 200);
  ASSERT_EQ(patch(id_path("/api/v1/products", p2), json::object{{"stock_on_hand", 60}}).status, 200);
  const auto buyer = create("/api/v1/customers", json::object{{"name", "Buy Buyer"},
                                                               {"email", "buy.buyer@example.com"},
                                                               {"city", "Graz"},
                                                               {"country", "AT"}});
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  // (days ago, units of P1, units of P2); each order an hour before that day's mark.
  struct Sale {
    std::int64_t days_ago, p1, p2;
  };
  const std::vector<Sale> sales = {{0, 3, 1}, {1, 2, 0}, {2, 5, 4}, {5, 1, 0}, {9, 4, 2},
                                   {13, 0, 6}, {20, 6, 1}, {27, 2, 0}, {35, 9, 9}};
  std::int64_t newest_order = 0;
  for (const auto& sale : sales) {
    json::array lines;
    if (sale.p1 > 0) lines.push_back(json::object{{"product_id", p1}, {"quantity", sale.p1}});
    if (sale.p2 > 0) lines.push_back(json::object{{"product_id", p2}, {"quantity", sale.p2}});
    auto r = post("/api/v1/orders", json::object{{"customer_id", buyer},
                                                 {"lines", lines},
                                                 {"placed_at", now - sale.days_ago * kDay - 3'600'000}});
    ASSERT_EQ(r.status, 201) << r.body;
    if (sale.days_ago == 0) newest_order = r.json().at("id").as_int64();
  }
  // A cancelled order counts for nothing.
  auto cancelled = post("/api/v1/orders", json::object{{"customer_id", buyer},
                                                       {"lines", json::array{json::object{
                                                                     {"product_id", p1},
                                                                     {"quantity", 50}}}},
                                                       {"placed_at", now - 3 * kDay}});
  ASSERT_EQ(cancelled.status, 201) << cancelled.body;
  ASSERT_EQ(post(id_path("/api/v1/orders", cancelled.json().at("id").as_int64()) + "/status",
                 json::object{{"status", "cancelled"}})
                .status,
            200);
  // S1 ships its line of the newest order on time: S1 has a record, S2 none.
  const auto s1_user = user(s1, "ship@buy-one.example", "partner_staff");
  auto ps1 = partner_client(s1, s1_user);
  auto own = ps1->get("/api/v1/portal/partner/lines?order_id=" + std::to_string(newest_order));
  ASSERT_EQ(ids_of(own).size(), 1u) << own.body;
  auto shipped = ps1->send_json(
      "POST", id_path("/api/v1/portal/partner/lines", *ids_of(own).begin()) + "/shipment",
      json::object{{"carrier", "Post"}, {"tracking_number", "BUY1"}});
  ASSERT_EQ(shipped.status, 200) << shipped.body;

  struct Want {
    double velocity, stddev;
    std::int64_t stock, lead, safety, reorder_point, quantity;
    double days_of_stock;
  };
  // The hand computation, from the fixture above and the stock read back.
  auto want = [&](std::int64_t product_id, auto units_of, std::int64_t lead, std::int64_t days,
                  double z, std::int64_t review) {
    std::vector<double> per_day(static_cast<std::size_t>(days), 0.0);
    for (const auto& sale : sales) {
      if (sale.days_ago < days) per_day[static_cast<std::size_t>(sale.days_ago)] += units_of(sale);
    }
    double sum = 0;
    for (double u : per_day) sum += u;
    const double v = sum / static_cast<double>(days);
    double sq = 0;
    for (double u : per_day) sq += (u - v) * (u - v);
    const double sigma = std::sqrt(sq / static_cast<double>(days));
    auto product_view = get(id_path("/api/v1/products", product_id));
    const std::int64_t stock = product_view.json().at("stock_on_hand").as_int64();
    Want w{v, sigma, stock, lead, 0, 0, 0, 0};
    w.safety = static_cast<std::int64_t>(std::ceil(z * sigma * std::sqrt(double(lead)) - 1e-9));
    w.reorder_point = static_cast<std::int64_t>(std::ceil(v * double(lead) - 1e-9)) + w.safety;
    w.quantity = std::max<std::int64_t>(
        0, static_cast<std::int64_t>(std::ceil(v * double(lead + review) - 1e-9)) + w.safety - stock);
    w.days_of_stock = double(stock) / v;
    return w;
  };
  auto find = [](const json::value& body, std::int64_t product_id) -> json::object {
    for (const auto& item : body.at("items").as_array()) {
      if (item.at("product_id").as_int64() == product_id) return item.as_object();
    }
    ADD_FAILURE() << "no suggestion for product " << product_id;
    return {};
  };
  auto check = [](const json::object& got, const Want& w, const std::string& what) {
    if (got.empty()) return;
    EXPECT_NEAR(got.at("velocity").to_number<double>(), w.velocity, 1e-4) << what;
    EXPECT_NEAR(got.at("daily_stddev").to_number<double>(), w.stddev, 1e-4) << what;
    EXPECT_EQ(got.at("stock_on_hand").as_int64(), w.stock) << what;
    EXPECT_EQ(got.at("lead_time_days").as_int64(), w.lead) << what;
    EXPECT_EQ(got.at("safety_stock").as_int64(), w.safety) << what;
    EXPECT_EQ(got.at("reorder_point").as_int64(), w.reorder_point) << what;
    EXPECT_EQ(got.at("suggested_quantity").as_int64(), w.quantity) << what;
    EXPECT_NEAR(got.at("days_of_stock").to_number<double>(), w.days_of_stock, 1e-3) << what;
    EXPECT_EQ(got.at("reorder_now").as_bool(), w.stock <= w.reorder_point) << what;
  };
  const auto p1_units = [](const Sale& s) { return double(s.p1); };
  const auto p2_units = [](const Sale& s) { return double(s.p2); };

  auto r = get("/api/v1/purchasing/suggestions");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto body = r.json();
  EXPECT_EQ(body.at("days").as_int64(), 28);
  EXPECT_NEAR(body.at("z").to_number<double>(), kZ95, 1e-4);
  const auto w1 = want(p1, p1_units, 4, 28, kZ95, 7);
  const auto w2 = want(p2, p2_units, 9, 28, kZ95, 7);
  const auto g1 = find(body, p1);
  const auto g2 = find(body, p2);
  check(g1, w1, "P1");
  check(g2, w2, "P2");
  // P1: S1 is its only supplier; P2: S1 (shipped on time) before the cheaper S2 (no shipments).
  if (!g1.empty()) {
    EXPECT_EQ(g1.at("partner_id").as_int64(), s1);
    EXPECT_EQ(str(g1.at("reason")), "the only active supplier of this product");
  }
  if (!g2.empty()) {
    EXPECT_EQ(g2.at("partner_id").as_int64(), s1);
    EXPECT_EQ(str(g2.at("partner_name")), "Buy Supplier One");
    EXPECT_NE(str(g2.at("reason")).find("on-time rate 100.0%"), std::string::npos)
        << str(g2.at("reason"));
  }
  // Most urgent first: the product with fewer days of stock comes before the other.
  std::vector<std::int64_t> order;
  for (const auto& item : body.at("items").as_array()) {
    const auto id = item.at("product_id").as_int64();
    if (id == p1 || id == p2) order.push_back(id);
  }
  EXPECT_EQ(order, (w1.days_of_stock <= w2.days_of_stock ? std::vector<std::int64_t>{p1, p2}
                                                          : std::vector<std::int64_t>{p2, p1}));
  double last = -1;
  bool sold_out_seen = false;
  for (const auto& item : body.at("items").as_array()) {
    if (item.at("days_of_stock").is_null()) {
      sold_out_seen = true;
      continue;
    }
    EXPECT_FALSE(sold_out_seen) << "a product that sold comes before those that did not";
    const double d = item.at("days_of_stock").to_number<double>();
    EXPECT_GE(d, last);
    last = d;
  }

  // Another window, service level and review period.
  auto r14 = get("/api/v1/purchasing/suggestions?days=14&service_level=99&review_days=0");
  ASSERT_EQ(r14.status, 200) << r14.body;
  const double z99 = 2.3263478740408408;
  check(find(r14.json(), p1), want(p1, p1_units, 4, 14, z99, 0), "P1 over 14 days");
  check(find(r14.json(), p2), want(p2, p2_units, 9, 14, z99, 0), "P2 over 14 days");

  // The CSV carries the same rows.
  auto csv = get("/api/v1/purchasing/suggestions?format=csv");
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_EQ(csv.body.rfind("product_id,sku,name,velocity_per_day", 0), 0u) << csv.body;
  const std::string p1_row_start = std::to_string(p1) + ",BUY-1,BUY-1 item,";
  const auto at = csv.body.find("\n" + p1_row_start);
  ASSERT_NE(at, std::string::npos) << csv.body;
  const std::string row = csv.body.substr(at + 1, csv.body.find('\n', at + 1) - at - 1);
  EXPECT_NE(row.find("," + std::to_string(w1.quantity) + ","), std::string::npos) << row;
  EXPECT_EQ(row.find('E'), std::string::npos) << row;

  // Bad parameters name themselves; partner sessions and keys never reach it.
  expect_error(get("/api/v1/purchasing/suggestions?days=0"), 400, "", "days");
  expect_error(get("/api/v1/purchasing/suggestions?days=abc"), 400, "", "days");
  expect_error(get("/api/v1/purchasing/suggestions?service_level=100"), 400, "", "service_level");
  expect_error(get("/api/v1/purchasing/suggestions?review_days=-1"), 400, "", "review_days");
  expect_error(get("/api/v1/purchasing/suggestions?format=xml"), 400, "", "format");
  expect_error(ps1->get("/api/v1/purchasing/suggestions"), 401);
  auto analyst = staff("buy.analyst@example.com", "analyst");
  auto as_analyst = analyst->get("/api/v1/purchasing/suggestions");
  EXPECT_TRUE(as_analyst.status == 200 || as_analyst.status == 403) << as_analyst.body;
}

}  // namespace
}  // namespace ecrm::testing
