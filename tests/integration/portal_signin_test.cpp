// The customer portal over real HTTP: sign-in by a link mailed through a real SMTP server
// (smtp_server.py), the link used once and expiring, forged links, the same answer for unknown
// addresses, the rate limit; then what a signed-in customer sees and changes: profile and
// consents, orders with tracking (no internal notes), returns on their own orders, the
// privacy export and an erase request that staff act on.
#include <set>

#include "portal_support.hpp"

namespace ecrm::testing {
namespace {

namespace json = boost::json;

class Portal : public PortalBase {};

TEST_F(Portal, LinkFromTheMailOpensASessionOnce) {
  const std::string address = "wang.fang@example.cn";
  const auto id = customer("Wang Fang", address);
  const std::string token = request_link(address, 1);
  ASSERT_FALSE(token.empty()) << "no link in the mail";
  auto mails = mails_to(address);
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_NE(decode_rfc2047(mails[0].header("subject")).find("sign-in link"), std::string::npos)
      << mails[0].header("subject");

  // Only the digest of the token is stored.
  std::int64_t plain = -1, digests = -1;
  ASSERT_TRUE(connection()
                  .query("SELECT (SELECT COUNT(*) FROM portal_links WHERE token_hash = $1), "
                         "(SELECT COUNT(*) FROM portal_links WHERE token_hash = $2)",
                         {token, sha256_hex(token)},
                         [&](const storage::RowView& row) {
                           plain = row.get_int(0);
                           digests = row.get_int(1);
                         })
                  .ok());
  EXPECT_EQ(plain, 0);
  EXPECT_EQ(digests, 1);

  HttpClient browser(server_->base_url());
  auto opened = browser.send_json("POST", "/api/v1/portal/session", json::object{{"token", token}});
  ASSERT_EQ(opened.status, 200) << opened.body;
  EXPECT_EQ(opened.json().at("customer_id").as_int64(), id);
  const std::string cookie = opened.header("set-cookie");
  EXPECT_TRUE(cookie.starts_with("ecrm_portal=")) << cookie;
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("SameSite=Lax"), std::string::npos) << cookie;
  browser.csrf_token = str(opened.json().at("csrf_token"));

  auto me = browser.get("/api/v1/portal/me");
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(str(me.json().at("name")), "Wang Fang");
  EXPECT_EQ(str(me.json().at("email")), address);

  // The same link again: refused, and it opens nothing.
  HttpClient other(server_->base_url());
  auto again = other.send_json("POST", "/api/v1/portal/session", json::object{{"token", token}});
  expect_error(again, 409, "link_used", "token");
  EXPECT_EQ(other.get("/api/v1/portal/me").status, 401);

  // Signing out ends the session.
  auto out = browser.send_json("POST", "/api/v1/portal/sign-out", json::object{});
  EXPECT_EQ(out.status, 204) << out.body;
  expect_error(browser.get("/api/v1/portal/me"), 401);
}

TEST_F(Portal, ForgedAndExpiredLinksAreRefused) {
  HttpClient browser(server_->base_url());
  expect_error(browser.send_json("POST", "/api/v1/portal/session",
                                 json::object{{"token", random_token(32)}}),
               400, "invalid_link", "token");
  expect_error(browser.send_json("POST", "/api/v1/portal/session", json::object{{"token", ""}}),
               400, "invalid_link", "token");
  expect_error(browser.send_json("POST", "/api/v1/portal/session", json::object{{"token", 42}}),
               400, {}, "token");
  expect_error(browser.send_json("POST", "/api/v1/portal/session",
                                 json::object{{"token", std::string(5000, 'a')}}),
               400, {}, "token");
  expect_error(browser.request("POST", "/api/v1/portal/session", "{not json",
                               {"Content-Type: application/json"}),
               400);

  const std::string address = "expiring@example.com";
  customer("Li Lei", address);
  const std::string token = request_link(address, 1);
  ASSERT_FALSE(token.empty());
  // A quarter of an hour later.
  ASSERT_TRUE(connection()
                  .execute("UPDATE portal_links SET expires_at = created_at - 1 "
                           "WHERE token_hash = $1",
                           {sha256_hex(token)})
                  .ok());
  expect_error(browser.send_json("POST", "/api/v1/portal/session", json::object{{"token", token}}),
               400, "link_expired", "token");
  EXPECT_EQ(browser.get("/api/v1/portal/me").status, 401);

  // A link is valid for 15 minutes from when it was asked for.
  const std::string fresh = request_link(address, 2);
  std::int64_t ttl = 0;
  ASSERT_TRUE(connection()
                  .query("SELECT expires_at - created_at FROM portal_links WHERE token_hash = $1",
                         {sha256_hex(fresh)},
                         [&](const storage::RowView& row) { ttl = row.get_int(0); })
                  .ok());
  EXPECT_EQ(ttl, 15 * 60 * 1000);
}

TEST_F(Portal, UnknownAddressesGetTheSameAnswerAndNoMail) {
  HttpClient anonymous(server_->base_url());
  auto unknown = anonymous.send_json("POST", "/api/v1/portal/sign-in",
                                     json::object{{"email", "nobody@example.com"}});
  EXPECT_EQ(unknown.status, 202) << unknown.body;
  const std::string known_address = "known@example.com";
  customer("Known Customer", known_address);
  auto known = anonymous.send_json("POST", "/api/v1/portal/sign-in",
                                   json::object{{"email", known_address}});
  EXPECT_EQ(known.status, 202) << known.body;
  EXPECT_EQ(known.body, unknown.body);
  ASSERT_TRUE(eventually([&] { return mails_to(known_address).size() == 1; }));
  EXPECT_TRUE(mails_to("nobody@example.com").empty());

  // An erased customer's address is nobody's.
  const std::string erased_address = "erased@example.com";
  const auto erased = customer("Erased Customer", erased_address);
  ASSERT_EQ(post(id_path("/api/v1/customers", erased) + "/erase", json::object{}).status, 200);
  auto r = anonymous.send_json("POST", "/api/v1/portal/sign-in",
                               json::object{{"email", erased_address}});
  EXPECT_EQ(r.body, unknown.body);

  expect_error(anonymous.send_json("POST", "/api/v1/portal/sign-in",
                                   json::object{{"email", "not an address"}}),
               400, {}, "email");
  expect_error(anonymous.send_json("POST", "/api/v1/portal/sign-in", json::object{}), 400, {},
               "email");
}

TEST_F(Portal, SignInRequestsAreRateLimitedPerAddress) {
  HttpClient anonymous(server_->base_url());
  const json::object body{{"email", "Flood@Example.com"}};
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(anonymous.send_json("POST", "/api/v1/portal/sign-in", body).status, 202) << i;
  }
  expect_error(anonymous.send_json("POST", "/api/v1/portal/sign-in", body), 429);
  // The same address however written.
  expect_error(anonymous.send_json("POST", "/api/v1/portal/sign-in",
                                   json::object{{"email", "flood@example.com"}}),
               429);
}

TEST_F(Portal, ProfileAndConsentAreTheCustomersOwnToChange) {
  const std::string address = "zhang.wei@example.cn";
  const auto id = customer("Zhang Wei", address);
  auto portal = portal_client(address);

  // Writes need the CSRF token.
  HttpClient no_csrf(server_->base_url());
  auto token = request_link(address, mails_to(address).size() + 1);
  auto opened = no_csrf.send_json("POST", "/api/v1/portal/session", json::object{{"token", token}});
  ASSERT_EQ(opened.status, 200);
  expect_error(no_csrf.send_json("PATCH", "/api/v1/portal/me", json::object{{"city", "Xi'an"}}),
               403, "csrf_failed");

  auto changed = portal->send_json(
      "PATCH", "/api/v1/portal/me",
      json::object{{"name", "张伟"}, {"phone", "+86 138 0013 8000"}, {"city", "Shanghai"},
                   {"language", "zh-CN"}});
  ASSERT_EQ(changed.status, 200) << changed.body;
  auto staff_view = get(id_path("/api/v1/customers", id)).json();
  EXPECT_EQ(str(staff_view.at("name")), "张伟");
  EXPECT_EQ(str(staff_view.at("city")), "Shanghai");
  EXPECT_EQ(str(staff_view.at("language")), "zh-CN");

  expect_error(portal->send_json("PATCH", "/api/v1/portal/me", json::object{{"language", "fr"}}),
               400, {}, "language");
  expect_error(portal->send_json("PATCH", "/api/v1/portal/me", json::object{{"name", ""}}), 400,
               {}, "name");
  expect_error(portal->send_json("PATCH", "/api/v1/portal/me", json::object{{"phone", "call me"}}),
               400, {}, "phone");
  // Fields staff keep are not the customer's to set.
  auto tags = portal->send_json("PATCH", "/api/v1/portal/me",
                                json::object{{"tags", json::array{"vip"}}});
  EXPECT_EQ(tags.status, 400) << tags.body;

  auto consent = portal->send_json("PUT", "/api/v1/portal/me/consent",
                                   json::object{{"email", true}, {"sms", false}});
  ASSERT_EQ(consent.status, 200) << consent.body;
  staff_view = get(id_path("/api/v1/customers", id)).json();
  const auto& email_consent = staff_view.at("consent").at("email");
  EXPECT_TRUE(email_consent.at("granted").as_bool());
  EXPECT_EQ(str(email_consent.at("how")), "customer portal");
  EXPECT_TRUE(email_consent.at("at").is_int64());
  EXPECT_FALSE(staff_view.at("consent").at("sms").at("granted").as_bool());
  EXPECT_TRUE(staff_view.at("consent").at("phone").at("granted").is_null());
}

TEST_F(Portal, OrdersTrackingAndReturnsAreTheCustomersOwn) {
  const std::string address = "chen.jing@example.cn";
  const auto id = customer("Chen Jing", address);
  const auto other = customer("Someone Else", "else@example.com");
  const auto shipped = order(id, 2, "shipped");
  const auto placed = order(id, 1);
  const auto others = order(other, 1, "shipped");
  auto portal = portal_client(address);

  auto list = portal->get("/api/v1/portal/orders");
  ASSERT_EQ(list.status, 200) << list.body;
  std::set<std::int64_t> ids;
  const auto listed = list.json();
  for (const auto& item : listed.at("items").as_array()) ids.insert(item.at("id").as_int64());
  EXPECT_EQ(ids, (std::set<std::int64_t>{shipped.at("id").as_int64(), placed.at("id").as_int64()}));

  auto detail = portal->get(id_path("/api/v1/portal/orders", shipped.at("id").as_int64()));
  ASSERT_EQ(detail.status, 200) << detail.body;
  const auto view = detail.json().as_object();
  EXPECT_EQ(str(view.at("tracking").at("tracking_number")), "SF123456789");
  EXPECT_EQ(str(view.at("tracking").at("carrier")), "SF Express");
  EXPECT_EQ(view.at("tracking").at("events").as_array().size(), 2u);
  EXPECT_EQ(detail.body.find("packed by Li"), std::string::npos) << "internal note shown";
  EXPECT_TRUE(view.at("returnable").as_bool());

  // Another customer's order is not there at all.
  expect_error(portal->get(id_path("/api/v1/portal/orders", others.at("id").as_int64())), 404);
  expect_error(portal->get("/api/v1/portal/orders/99999999"), 404);

  const auto line_id = view.at("lines").at(0).at("id").as_int64();
  auto created = portal->send_json(
      "POST", id_path("/api/v1/portal/orders", shipped.at("id").as_int64()) + "/returns",
      json::object{{"reason", "defective"},
                   {"note", "the shutter sticks"},
                   {"lines", json::array{json::object{{"order_line_id", line_id},
                                                      {"quantity", 1}}}}});
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.json().at("refund_amount").as_int64(), 45000);
  // Orders' rules: no more than is left, nothing on an order not yet shipped.
  expect_error(portal->send_json("POST",
                                 id_path("/api/v1/portal/orders", shipped.at("id").as_int64()) +
                                     "/returns",
                                 json::object{{"reason", "defective"},
                                              {"lines", json::array{json::object{
                                                            {"order_line_id", line_id},
                                                            {"quantity", 2}}}}}),
               422);
  expect_error(portal->send_json("POST",
                                 id_path("/api/v1/portal/orders", placed.at("id").as_int64()) +
                                     "/returns",
                                 json::object{{"reason", "defective"},
                                              {"lines", json::array{json::object{
                                                            {"order_line_id", line_id},
                                                            {"quantity", 1}}}}}),
               409);
  // Not on another customer's order.
  const auto others_line =
      get(id_path("/api/v1/orders", others.at("id").as_int64())).json().at("lines").at(0).at("id");
  expect_error(portal->send_json("POST",
                                 id_path("/api/v1/portal/orders", others.at("id").as_int64()) +
                                     "/returns",
                                 json::object{{"reason", "defective"},
                                              {"lines", json::array{json::object{
                                                            {"order_line_id", others_line},
                                                            {"quantity", 1}}}}}),
               404);
  EXPECT_TRUE(get(id_path("/api/v1/orders", others.at("id").as_int64()) + "/returns")
                  .json()
                  .at("items")
                  .as_array()
                  .empty());

  auto returns = portal->get("/api/v1/portal/returns");
  ASSERT_EQ(returns.status, 200) << returns.body;
  ASSERT_EQ(returns.json().at("items").as_array().size(), 1u);
  EXPECT_EQ(str(returns.json().at("items").at(0).at("reason")), "defective");

  auto warranty = portal->get("/api/v1/portal/warranty");
  ASSERT_EQ(warranty.status, 200) << warranty.body;
  EXPECT_EQ(warranty.json().at("items").as_array().size(), 2u);
}

TEST_F(Portal, ExportAndEraseRequestThatStaffActOn) {
  const std::string address = "zhao.min@example.cn";
  const auto id = customer("Zhao Min", address);
  order(id, 1);
  auto portal = portal_client(address);

  auto exported = portal->get("/api/v1/portal/export");
  ASSERT_EQ(exported.status, 200) << exported.body;
  EXPECT_EQ(exported.json().at("customer").at("id").as_int64(), id);
  EXPECT_EQ(exported.json().at("orders").as_array().size(), 1u);
  EXPECT_NE(exported.header("content-disposition").find("attachment"), std::string::npos);

  auto asked = portal->send_json("POST", "/api/v1/portal/erase-requests",
                                 json::object{{"reason", "I no longer shop here"}});
  ASSERT_EQ(asked.status, 201) << asked.body;
  const auto request_id = asked.json().at("id").as_int64();
  EXPECT_EQ(str(asked.json().at("status")), "open");
  expect_error(portal->send_json("POST", "/api/v1/portal/erase-requests", json::object{}), 409,
               "erase_request_open");
  // Recorded, not carried out.
  EXPECT_TRUE(get(id_path("/api/v1/customers", id)).json().at("erased_at").is_null());

  auto open = get("/api/v1/erase-requests?status=open");
  ASSERT_EQ(open.status, 200) << open.body;
  bool listed = false;
  const auto open_list = open.json();
  for (const auto& item : open_list.at("items").as_array()) {
    if (item.at("id").as_int64() == request_id) listed = item.at("customer_id").as_int64() == id;
  }
  EXPECT_TRUE(listed) << open.body;

  auto closed = post("/api/v1/erase-requests/" + std::to_string(request_id) + "/close",
                     json::object{{"status", "erased"}, {"note", "done by the book"}});
  ASSERT_EQ(closed.status, 200) << closed.body;
  EXPECT_EQ(str(closed.json().at("status")), "erased");
  EXPECT_FALSE(get(id_path("/api/v1/customers", id)).json().at("erased_at").is_null());
  expect_error(post("/api/v1/erase-requests/" + std::to_string(request_id) + "/close",
                    json::object{{"status", "declined"}}),
               409, "erase_request_closed");
  // The erased customer's session is over, and their address signs nobody in.
  expect_error(portal->get("/api/v1/portal/me"), 401);
}

}  // namespace
}  // namespace ecrm::testing
