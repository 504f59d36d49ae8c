// Partners over HTTP on the test backend: suppliers see exactly the order lines of their
// products (and of the customer only the delivery name and place), distributors the orders
// routed to them; a shipment moves the order's tracking; stock and lead times; the scorecard
// against values computed here from the test's own orders; and who reaches every partner route.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "portal_support.hpp"

namespace ecrm::testing {
namespace {

namespace json = boost::json;

constexpr std::int64_t kDayMs = 86'400'000;

class Partners : public PortalBase {
 protected:
  std::int64_t partner(const std::string& name, const std::string& kind,
                       std::int64_t lead_time_days = 7) {
    return create(
        "/api/v1/partners",
        json::object{
            {"name", name},
            {"kind", kind},
            {"email", "office@" + std::to_string(std::hash<std::string>{}(name)) + ".example"},
            {"lead_time_days", lead_time_days},
            {"contacts",
             json::array{json::object{{"name", name + " desk"}, {"phone", "+49 30 1234"}}}}});
  }

  std::int64_t user(std::int64_t partner_id, const std::string& email, const std::string& role) {
    return create(id_path("/api/v1/partners", partner_id) + "/users",
                  json::object{{"email", email}, {"name", email}, {"role", role}});
  }

  // A client signed in to the partner portal as `user_id` through a link staff made.
  std::unique_ptr<HttpClient> partner_client(std::int64_t partner_id, std::int64_t user_id) {
    auto link = post(id_path("/api/v1/partners", partner_id) + "/users/" + std::to_string(user_id) +
                         "/sign-in-link",
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

  void link(std::int64_t partner_id, std::int64_t product_id, std::int64_t cost,
            std::int64_t lead_time_days) {
    auto r = post(id_path("/api/v1/partners", partner_id) + "/products",
                  json::object{{"product_id", product_id},
                               {"cost", cost},
                               {"currency", "EUR"},
                               {"lead_time_days", lead_time_days}});
    EXPECT_EQ(r.status, 201) << r.body;
  }

  json::object place(std::int64_t customer_id, const json::array& lines,
                     std::optional<std::int64_t> placed_at = {}) {
    json::object body{{"customer_id", customer_id}, {"lines", lines}};
    if (placed_at) body["placed_at"] = *placed_at;
    auto r = post("/api/v1/orders", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? r.json().as_object() : json::object{};
  }

  std::int64_t customer_with(const std::string& name, const std::string& email,
                             const std::string& phone, const std::string& city,
                             const std::string& country) {
    return create("/api/v1/customers", json::object{{"name", name},
                                                    {"email", email},
                                                    {"phone", phone},
                                                    {"city", city},
                                                    {"country", country}});
  }

  static std::set<std::int64_t> line_ids(const HttpResult& r) {
    std::set<std::int64_t> out;
    const auto body = r.json();
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200) return out;
    for (const auto& item : body.at("items").as_array()) out.insert(item.at("id").as_int64());
    return out;
  }
  static std::int64_t line_of(const json::object& order, std::size_t i) {
    return order.at("lines").at(i).at("id").as_int64();
  }
  json::object order_view(std::int64_t id) {
    auto r = get(id_path("/api/v1/orders", id));
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json().as_object();
  }
};

TEST_F(Partners, SupplierSeesExactlyItsLinesShipsAndTheOrderMoves) {
  const auto s1 = partner("Shutter Works", "supplier", 5);
  const auto s2 = partner("Lens House", "supplier", 5);
  const auto camera = product("SUP-CAM", 45000);
  const auto lens = product("SUP-LENS", 12000);
  link(s1, camera, 30000, 3);
  link(s2, lens, 8000, 2);
  const auto admin1 = user(s1, "admin@shutter.example", "partner_admin");
  const auto staff1 = user(s1, "staff@shutter.example", "partner_staff");
  const auto admin2 = user(s2, "admin@lens.example", "partner_admin");
  const auto buyer =
      customer_with("Mei Lin", "mei.lin@example.com", "+86 138 0013 8000", "Hangzhou", "CN");
  const auto order = place(buyer, json::array{json::object{{"product_id", camera}, {"quantity", 2}},
                                              json::object{{"product_id", lens}, {"quantity", 1}}});
  const auto order_id = order.at("id").as_int64();
  const auto camera_line = line_of(order, 0);
  const auto lens_line = line_of(order, 1);

  auto p1 = partner_client(s1, admin1);
  auto p1_staff = partner_client(s1, staff1);
  auto p2 = partner_client(s2, admin2);
  auto me = p1->get("/api/v1/portal/partner/me");
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.json().at("partner_id").as_int64(), s1);
  EXPECT_EQ(str(me.json().at("user").at("role")), "partner_admin");

  // Each supplier sees its own line of the order, and of the customer only where to ship.
  auto lines1 = p1->get("/api/v1/portal/partner/lines?order_id=" + std::to_string(order_id));
  ASSERT_EQ(lines1.status, 200) << lines1.body;
  EXPECT_EQ(line_ids(lines1), std::set<std::int64_t>{camera_line});
  const auto first = lines1.json().at("items").at(0);
  EXPECT_EQ(str(first.at("delivery").at("name")), "Mei Lin");
  EXPECT_EQ(str(first.at("delivery").at("city")), "Hangzhou");
  EXPECT_EQ(str(first.at("state")), "open");
  EXPECT_EQ(first.at("quantity").as_int64(), 2);
  EXPECT_EQ(first.at("promised_by").as_int64(),
            order.at("placed_at").as_int64() + 3 * kDayMs);  // the product link's lead time
  for (const auto* secret : {"mei.lin@example.com", "0013 8000", "SUP-LENS", "customer_id"}) {
    EXPECT_EQ(lines1.body.find(secret), std::string::npos) << secret << " in " << lines1.body;
  }
  auto lines2 = p2->get("/api/v1/portal/partner/lines?order_id=" + std::to_string(order_id));
  ASSERT_EQ(lines2.status, 200) << lines2.body;
  EXPECT_EQ(line_ids(lines2), std::set<std::int64_t>{lens_line});
  EXPECT_EQ(lines2.body.find("SUP-CAM"), std::string::npos);

  // The other supplier's line: not found, read or written, and unchanged.
  expect_error(p1->get(id_path("/api/v1/portal/partner/lines", lens_line)), 404);
  expect_error(
      p1->send_json("POST", id_path("/api/v1/portal/partner/lines", lens_line) + "/acknowledge",
                    json::object{}),
      404);
  expect_error(
      p1->send_json("POST", id_path("/api/v1/portal/partner/lines", lens_line) + "/shipment",
                    json::object{{"carrier", "DHL"}, {"tracking_number", "FORGED1"}}),
      404);
  expect_error(p1->get("/api/v1/portal/partner/lines/99999999"), 404);
  EXPECT_EQ(str(order_view(order_id).at("status")), "placed");
  EXPECT_EQ(str(p2->get(id_path("/api/v1/portal/partner/lines", lens_line)).json().at("state")),
            "open");

  // Acknowledge, then ship: the order moves to shipped with the supplier's tracking.
  auto ack = p1_staff->send_json(
      "POST", id_path("/api/v1/portal/partner/lines", camera_line) + "/acknowledge",
      json::object{});
  ASSERT_EQ(ack.status, 200) << ack.body;
  EXPECT_EQ(str(ack.json().at("state")), "acknowledged");
  auto acked = p1->get("/api/v1/portal/partner/lines?state=acknowledged");
  EXPECT_EQ(line_ids(acked), std::set<std::int64_t>{camera_line});
  expect_error(
      p1->send_json("POST", id_path("/api/v1/portal/partner/lines", camera_line) + "/shipment",
                    json::object{{"carrier", ""}, {"tracking_number", "X"}}),
      400, "required", "carrier");
  auto shipped = p1_staff->send_json(
      "POST", id_path("/api/v1/portal/partner/lines", camera_line) + "/shipment",
      json::object{{"carrier", "SF Express"}, {"tracking_number", "SF700100200"}});
  ASSERT_EQ(shipped.status, 200) << shipped.body;
  EXPECT_EQ(str(shipped.json().at("state")), "shipped");
  EXPECT_EQ(str(shipped.json().at("tracking_number")), "SF700100200");
  auto view = order_view(order_id);
  EXPECT_EQ(str(view.at("status")), "shipped");
  EXPECT_EQ(str(view.at("carrier")), "SF Express");
  EXPECT_EQ(str(view.at("tracking_number")), "SF700100200");
  expect_error(
      p1->send_json("POST", id_path("/api/v1/portal/partner/lines", camera_line) + "/shipment",
                    json::object{{"carrier", "SF Express"}, {"tracking_number", "again"}}),
      409, "line_shipped");
  // The customer's own tracking view moved too.
  auto portal = portal_client("mei.lin@example.com");
  auto tracking = portal->get(id_path("/api/v1/portal/orders", order_id));
  ASSERT_EQ(tracking.status, 200) << tracking.body;
  EXPECT_NE(tracking.body.find("SF700100200"), std::string::npos) << tracking.body;

  // The second supplier ships its part: its line is shipped, the order keeps its status.
  auto shipped2 =
      p2->send_json("POST", id_path("/api/v1/portal/partner/lines", lens_line) + "/shipment",
                    json::object{{"carrier", "DHL"}, {"tracking_number", "DHL42"}});
  ASSERT_EQ(shipped2.status, 200) << shipped2.body;
  EXPECT_EQ(str(order_view(order_id).at("status")), "shipped");

  // Stock and lead times of one's own products; negative stock changes nothing.
  const std::string camera_path = id_path("/api/v1/portal/partner/products", camera);
  expect_error(p1->send_json("PATCH", camera_path,
                             json::object{{"stock_on_hand", -3}, {"lead_time_days", 9}}),
               400, "", "stock_on_hand");
  expect_error(p1->send_json("PATCH", camera_path, json::object{{"lead_time_days", -1}}), 400, "",
               "lead_time_days");
  EXPECT_EQ(get(id_path("/api/v1/products", camera)).json().at("stock_on_hand").as_int64(), 5);
  auto own = p1->get("/api/v1/portal/partner/products");
  ASSERT_EQ(own.status, 200) << own.body;
  EXPECT_EQ(own.json().at("items").at(0).at("lead_time_days").as_int64(), 3);
  expect_error(p1_staff->send_json("PATCH", camera_path, json::object{{"stock_on_hand", 1}}), 403,
               "partner_admin_required");
  expect_error(p1->send_json("PATCH", id_path("/api/v1/portal/partner/products", lens),
                             json::object{{"stock_on_hand", 0}}),
               404);
  EXPECT_EQ(get(id_path("/api/v1/products", lens)).json().at("stock_on_hand").as_int64(), 5);
  auto updated = p1->send_json("PATCH", camera_path,
                               json::object{{"stock_on_hand", 40}, {"lead_time_days", 4}});
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_EQ(updated.json().at("stock_on_hand").as_int64(), 40);
  EXPECT_EQ(updated.json().at("lead_time_days").as_int64(), 4);
  EXPECT_EQ(get(id_path("/api/v1/products", camera)).json().at("stock_on_hand").as_int64(), 40);

  // Staff deactivate a user: their session ends; another user's is untouched.
  auto other_user = partner_client(s1, admin1);
  expect_error(patch(id_path("/api/v1/partners", s2) + "/users/" + std::to_string(staff1),
                     json::object{{"active", false}}),
               404);
  auto off = patch(id_path("/api/v1/partners", s1) + "/users/" + std::to_string(staff1),
                   json::object{{"active", false}});
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_FALSE(off.json().at("active").as_bool());
  expect_error(p1_staff->get("/api/v1/portal/partner/me"), 401);
  EXPECT_EQ(other_user->get("/api/v1/portal/partner/me").status, 200);
  expect_error(
      post(id_path("/api/v1/partners", s1) + "/users/" + std::to_string(staff1) + "/sign-in-link",
           json::object{}),
      409, "user_inactive");

  // Sign-out ends the session.
  auto out = p1->send_json("POST", "/api/v1/portal/partner/sign-out", json::object{});
  EXPECT_EQ(out.status, 204) << out.body;
  expect_error(p1->get("/api/v1/portal/partner/me"), 401);
}

TEST_F(Partners, AContactsAddressMustBeAnEmailAddress) {
  const auto id = partner("Contact Check Ltd", "supplier");
  const auto path = id_path("/api/v1/partners", id);
  const auto contacts = [&] { return get(path).json().at("contacts").as_array().size(); };
  const auto before = contacts();
  expect_error(post(path + "/contacts", json::object{{"name", "Desk"}, {"email", "not-an-email"}}), 400,
               "invalid_email", "email");
  expect_error(post(path + "/contacts", json::object{{"email", "desk@contact.example"}}), 400, "required",
               "name");
  EXPECT_EQ(contacts(), before) << "nothing was stored";
  expect_error(post("/api/v1/partners",
                    json::object{{"name", "Bad Contact Co"},
                                 {"kind", "supplier"},
                                 {"contacts", json::array{json::object{{"name", "Ok"}, {"email", "ok@bad.example"}},
                                                          json::object{{"name", "Bad"}, {"email", "@bad"}}}}}),
               400, "invalid_email", "contacts[1].email");
  auto listed = get("/api/v1/partners?limit=200");
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(listed.body.find("Bad Contact Co"), std::string::npos) << "the partner was not stored";
  auto added = post(path + "/contacts", json::object{{"name", "Orders"}, {"email", "Orders@Contact.Example"}});
  ASSERT_EQ(added.status, 201) << added.body;
  EXPECT_EQ(str(added.json().at("email")), "orders@contact.example");
  EXPECT_EQ(contacts(), before + 1);
}

TEST_F(Partners, DistributorsSeeTheOrdersRoutedToThem) {
  const auto d1 = partner("Nordic Distribution", "distributor");
  const auto d2 = partner("Alpine Wholesale", "wholesaler");
  const auto item = product("DIST-KETTLE", 3900);
  auto rule =
      post(id_path("/api/v1/partners", d1) + "/routing-rules", json::object{{"country", "se"}});
  ASSERT_EQ(rule.status, 201) << rule.body;
  EXPECT_EQ(str(rule.json().at("country")), "SE");
  const auto u1 = user(d1, "ops@nordic.example", "partner_staff");
  const auto u2 = user(d2, "ops@alpine.example", "partner_staff");
  const auto swede = customer_with("Sven Berg", "sven@example.com", "+46 8 123", "Malmö", "SE");
  const auto swiss = customer_with("Anna Keller", "anna@example.com", "+41 44 123", "Zürich", "CH");
  const auto to_se = place(swede, json::array{json::object{{"product_id", item}, {"quantity", 1}}});
  const auto to_ch = place(swiss, json::array{json::object{{"product_id", item}, {"quantity", 3}}});
  auto p1 = partner_client(d1, u1);
  auto p2 = partner_client(d2, u2);
  EXPECT_EQ(line_ids(p1->get("/api/v1/portal/partner/lines")),
            std::set<std::int64_t>{line_of(to_se, 0)});
  EXPECT_TRUE(line_ids(p2->get("/api/v1/portal/partner/lines")).empty());
  // Staff route the Swiss order explicitly.
  auto routed = post(id_path("/api/v1/partners", d2) + "/order-routes",
                     json::object{{"order_id", to_ch.at("id")}});
  ASSERT_EQ(routed.status, 201) << routed.body;
  EXPECT_EQ(line_ids(p2->get("/api/v1/portal/partner/lines")),
            std::set<std::int64_t>{line_of(to_ch, 0)});
  EXPECT_EQ(line_ids(p1->get("/api/v1/portal/partner/lines")),
            std::set<std::int64_t>{line_of(to_se, 0)});
  expect_error(p1->get(id_path("/api/v1/portal/partner/lines", line_of(to_ch, 0))), 404);
  // A deactivated partner's sessions end, and rules route nothing to it any more.
  auto off = patch(id_path("/api/v1/partners", d1), json::object{{"active", false}});
  ASSERT_EQ(off.status, 200) << off.body;
  expect_error(p1->get("/api/v1/portal/partner/lines"), 401, "invalid_portal_session");
  auto d1_lines = get(id_path("/api/v1/partners", d1) + "/lines");
  ASSERT_EQ(d1_lines.status, 200) << d1_lines.body;
  EXPECT_TRUE(line_ids(d1_lines).empty()) << d1_lines.body;
  // Bad input to staff routes names the field; unknown orders are refused.
  expect_error(
      post(id_path("/api/v1/partners", d2) + "/order-routes", json::object{{"order_id", 99999999}}),
      422, "", "order_id");
  expect_error(post("/api/v1/partners", json::object{{"name", "X"}, {"kind", "pirate"}}), 400, "",
               "kind");
  expect_error(post("/api/v1/partners", json::object{{"name", " "}, {"kind", "carrier"}}), 400, "",
               "name");
  const auto supplier = partner("Not A Router", "supplier");
  expect_error(post(id_path("/api/v1/partners", supplier) + "/routing-rules", json::object{}), 422,
               "not_routable");
  expect_error(
      post(id_path("/api/v1/partners", d1) + "/products",
           json::object{
               {"product_id", item}, {"cost", -1}, {"currency", "EUR"}, {"lead_time_days", 1}}),
      400, "", "cost");
}

TEST_F(Partners, ScorecardMatchesTheFixtureOrders) {
  const auto s = partner("Scored Supplier", "supplier", 10);
  const auto other = partner("Cheaper Rival", "supplier", 10);
  const auto item = product("SCORE-DRILL", 10000);
  link(s, item, 6500, 3);  // lead time promised: 3 days
  const auto admin = user(s, "admin@scored.example", "partner_admin");
  const auto buyer = customer_with("Ola Nordmann", "ola@example.com", "+47 22 000", "Oslo", "NO");
  auto p = partner_client(s, admin);

  // Orders placed 0.5 … 5.5 days ago; all but the last shipped now.
  const std::int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  const double ages_days[] = {0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 2.9};
  const std::int64_t quantities[] = {1, 2, 3, 1, 2, 1, 4};
  std::vector<std::int64_t> lead_ms;
  std::int64_t revenue = 0, units = 0;
  std::vector<json::object> orders;
  for (std::size_t i = 0; i < std::size(ages_days); ++i) {
    const auto placed = now - static_cast<std::int64_t>(ages_days[i] * kDayMs);
    auto o =
        place(buyer, json::array{json::object{{"product_id", item}, {"quantity", quantities[i]}}},
              placed);
    ASSERT_FALSE(o.empty());
    revenue += o.at("lines").at(0).at("line_total").as_int64();
    units += quantities[i];
    orders.push_back(o);
    if (i + 1 == std::size(ages_days)) continue;  // the last one stays open
    auto shipped = p->send_json(
        "POST", id_path("/api/v1/portal/partner/lines", line_of(o, 0)) + "/shipment",
        json::object{{"carrier", "UPS"}, {"tracking_number", "1Z" + std::to_string(i)}});
    ASSERT_EQ(shipped.status, 200) << shipped.body;
    lead_ms.push_back(shipped.json().at("shipped_at").as_int64() - o.at("placed_at").as_int64());
  }
  // Returns: one defective item of the first order, two unwanted items of the third.
  auto defective =
      post(id_path("/api/v1/orders", orders[0].at("id").as_int64()) + "/returns",
           json::object{{"reason", "defective"},
                        {"lines", json::array{json::object{{"order_line_id", line_of(orders[0], 0)},
                                                           {"quantity", 1}}}}});
  ASSERT_EQ(defective.status, 201) << defective.body;
  auto unwanted =
      post(id_path("/api/v1/orders", orders[2].at("id").as_int64()) + "/returns",
           json::object{{"reason", "no_longer_needed"},
                        {"lines", json::array{json::object{{"order_line_id", line_of(orders[2], 0)},
                                                           {"quantity", 2}}}}});
  ASSERT_EQ(unwanted.status, 201) << unwanted.body;

  // Computed here from the fixture.
  const std::int64_t on_time = std::count_if(lead_ms.begin(), lead_ms.end(),
                                             [](std::int64_t ms) { return ms <= 3 * kDayMs; });
  std::vector<std::int64_t> sorted = lead_ms;
  std::sort(sorted.begin(), sorted.end());
  auto nearest_rank = [&](double q) {
    const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size())));
    return static_cast<double>(sorted[rank - 1]) / kDayMs;
  };

  for (auto* caller : {client_.get(), p.get()}) {
    auto card = caller == p.get() ? p->get("/api/v1/portal/partner/scorecard")
                                  : get(id_path("/api/v1/partners", s) + "/scorecard");
    ASSERT_EQ(card.status, 200) << card.body;
    const auto c = card.json();
    EXPECT_EQ(c.at("lines").as_int64(), static_cast<std::int64_t>(std::size(ages_days)));
    EXPECT_EQ(c.at("shipped_lines").as_int64(), static_cast<std::int64_t>(lead_ms.size()));
    EXPECT_EQ(c.at("on_time_lines").as_int64(), on_time);
    EXPECT_NEAR(c.at("on_time_rate").to_number<double>(),
                static_cast<double>(on_time) / static_cast<double>(lead_ms.size()), 1e-4);
    EXPECT_NEAR(c.at("lead_time_median_days").to_number<double>(), nearest_rank(0.5), 1e-3);
    EXPECT_NEAR(c.at("lead_time_p90_days").to_number<double>(), nearest_rank(0.9), 1e-3);
    EXPECT_EQ(c.at("units").as_int64(), units);
    EXPECT_EQ(c.at("returned_units").as_int64(), 3);
    EXPECT_EQ(c.at("defective_units").as_int64(), 1);
    EXPECT_NEAR(c.at("return_rate").to_number<double>(), 3.0 / static_cast<double>(units), 1e-4);
    EXPECT_NEAR(c.at("defect_rate").to_number<double>(), 1.0 / static_cast<double>(units), 1e-4);
    EXPECT_EQ(str(c.at("currency")), "EUR");
    EXPECT_EQ(c.at("revenue").as_int64(), revenue);
    EXPECT_EQ(c.at("cost").as_int64(), units * 6500);
    EXPECT_EQ(c.at("margin").as_int64(), revenue - units * 6500);
  }
  // A rival without shipments yet (no on-time rate) ranks after the supplier with a record,
  // although its cost is lower.
  link(other, item, 5000, 2);
  auto ranking = get("/api/v1/partner-rankings?product_id=" + std::to_string(item));
  ASSERT_EQ(ranking.status, 200) << ranking.body;
  const auto ranked = ranking.json();
  const auto items = ranked.at("items").as_array();
  ASSERT_EQ(items.size(), 2u) << ranking.body;
  EXPECT_EQ(items.at(0).at("partner_id").as_int64(), s);
  EXPECT_EQ(ranking.json().at("suggested_partner_id").as_int64(), s);
  expect_error(get("/api/v1/partner-rankings"), 400, "", "product_id");
}

// Every partner's scorecard from /partner-scorecards (one statement for all partners) equals
// the partner's own scorecard: suppliers by product and by category link, a supplier whose
// lines moved to a cheaper rival after it shipped them, a distributor by rule, a wholesaler by
// staff's route, returns and a cancelled order.
TEST_F(Partners, AllScorecardsEqualEachPartnersOwn) {
  const auto tools = create("/api/v1/categories", json::object{{"name", "All Cards Tools"}});
  const auto a = partner("All Cards A", "supplier", 4);
  const auto b = partner("All Cards B", "supplier", 6);
  const auto c = partner("All Cards C", "supplier", 9);
  const auto d = partner("All Cards Nordic", "distributor");
  const auto w = partner("All Cards Wholesale", "wholesaler");
  const auto drill = product("ALLC-DRILL", 10000);
  const auto saw = create("/api/v1/products", json::object{{"sku", "ALLC-SAW"},
                                                           {"name", "ALLC-SAW item"},
                                                           {"price", 8000},
                                                           {"currency", "EUR"},
                                                           {"category_id", tools},
                                                           {"stock_on_hand", 5}});
  link(a, drill, 6000, 2);
  // C supplies the whole category, promising 30 days.
  auto by_category = post(id_path("/api/v1/partners", c) + "/products",
                          json::object{{"category_id", tools},
                                       {"cost", 5000},
                                       {"currency", "EUR"},
                                       {"lead_time_days", 30}});
  ASSERT_EQ(by_category.status, 201) << by_category.body;
  ASSERT_EQ(post(id_path("/api/v1/partners", d) + "/routing-rules",
                 json::object{{"country", "IS"}})
                .status,
            201);
  const auto icelander =
      customer_with("Britt Ek", "britt@example.com", "+354 555 1234", "Akureyri", "IS");
  const auto german = customer_with("Jonas Wolf", "jonas@example.com", "+49 30 123 456", "Bonn", "DE");
  const std::int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  const auto o1 = place(icelander,
                        json::array{json::object{{"product_id", drill}, {"quantity", 2}},
                                    json::object{{"product_id", saw}, {"quantity", 1}}},
                        now - 3 * kDayMs);
  const auto o2 =
      place(german, json::array{json::object{{"product_id", drill}, {"quantity", 1}}},
            now - 5 * kDayMs);
  const auto o3 =
      place(german, json::array{json::object{{"product_id", saw}, {"quantity", 3}}},
            now - kDayMs);
  const auto o4 =
      place(german, json::array{json::object{{"product_id", drill}, {"quantity", 5}}});
  ASSERT_FALSE(o1.empty() || o2.empty() || o3.empty() || o4.empty());
  ASSERT_EQ(post(id_path("/api/v1/partners", w) + "/order-routes",
                 json::object{{"order_id", o3.at("id")}})
                .status,
            201);
  ASSERT_EQ(post(id_path("/api/v1/orders", o4.at("id").as_int64()) + "/status",
                 json::object{{"status", "cancelled"}})
                .status,
            200);
  // A ships both drill lines (one late: 5 days for 2 promised), C the saw of o1, D acknowledges
  // the saw of o1.
  auto ship = [&](std::int64_t partner_id, const std::string& email, std::int64_t line) {
    auto client = partner_client(partner_id, user(partner_id, email, "partner_staff"));
    auto r = client->send_json("POST", id_path("/api/v1/portal/partner/lines", line) + "/shipment",
                               json::object{{"carrier", "DHL"}, {"tracking_number", "AC1"}});
    EXPECT_EQ(r.status, 200) << r.body;
  };
  ship(a, "ship@allcards-a.example", line_of(o1, 0));
  ship(a, "ship2@allcards-a.example", line_of(o2, 0));
  ship(c, "ship@allcards-c.example", line_of(o1, 1));
  auto nordic = partner_client(d, user(d, "ops@allcards-nordic.example", "partner_staff"));
  ASSERT_EQ(nordic
                ->send_json("POST",
                            id_path("/api/v1/portal/partner/lines", line_of(o1, 1)) + "/acknowledge",
                            json::object{})
                .status,
            200);
  // Returns: one defective drill of o1, one unwanted drill of o2.
  for (const auto& [order, reason] : {std::pair{&o1, "defective"}, std::pair{&o2, "other"}}) {
    auto r = post(id_path("/api/v1/orders", order->at("id").as_int64()) + "/returns",
                  json::object{{"reason", reason},
                               {"lines", json::array{json::object{
                                             {"order_line_id", line_of(*order, 0)},
                                             {"quantity", 1}}}}});
    ASSERT_EQ(r.status, 201) << r.body;
  }
  // B undercuts A on drills: the drill lines are B's now, and stay A's where A shipped them.
  link(b, drill, 4000, 3);

  auto all = get("/api/v1/partner-scorecards");
  ASSERT_EQ(all.status, 200) << all.body;
  std::map<std::int64_t, json::object> cards;
  std::int64_t previous = 0;
  const auto all_body = all.json();
  for (const auto& item : all_body.at("items").as_array()) {
    EXPECT_GT(item.at("partner_id").as_int64(), previous);  // by partner id
    previous = item.at("partner_id").as_int64();
    cards[previous] = item.as_object();
  }
  for (auto id : {a, b, c, d, w}) ASSERT_TRUE(cards.contains(id)) << id;
  for (const auto& [id, card] : cards) {
    auto own = get(id_path("/api/v1/partners", id) + "/scorecard");
    ASSERT_EQ(own.status, 200) << own.body;
    EXPECT_EQ(json::value(card), own.json()) << "partner " << id;
  }
  // What the fixture gives, computed here.
  auto lines_of_card = [&](std::int64_t id) { return cards[id].at("lines").as_int64(); };
  EXPECT_EQ(lines_of_card(a), 2);  // both shipped drill lines
  EXPECT_EQ(cards[a].at("shipped_lines").as_int64(), 2);
  EXPECT_EQ(cards[a].at("on_time_lines").as_int64(), 0);
  EXPECT_EQ(cards[a].at("returned_units").as_int64(), 2);
  EXPECT_EQ(cards[a].at("defective_units").as_int64(), 1);
  EXPECT_EQ(cards[a].at("cost").as_int64(), 3 * 6000);
  EXPECT_EQ(lines_of_card(b), 2);  // the same drill lines, unshipped; not the cancelled order's
  EXPECT_EQ(cards[b].at("shipped_lines").as_int64(), 0);
  EXPECT_EQ(cards[b].at("cost").as_int64(), 3 * 4000);
  EXPECT_EQ(lines_of_card(c), 2);  // both saws, by its category link
  EXPECT_EQ(cards[c].at("on_time_lines").as_int64(), 1);  // within the 30 days promised
  EXPECT_EQ(lines_of_card(d), 2);  // the Icelandic order, by its rule
  EXPECT_EQ(lines_of_card(w), 1);  // the order staff routed to it
  EXPECT_EQ(cards[w].at("units").as_int64(), 3);

  auto distributors = get("/api/v1/partner-scorecards?kind=distributor");
  ASSERT_EQ(distributors.status, 200) << distributors.body;
  std::set<std::int64_t> ids;
  const auto distributors_body = distributors.json();
  for (const auto& item : distributors_body.at("items").as_array()) {
    ids.insert(item.at("partner_id").as_int64());
    EXPECT_EQ(json::value(item), json::value(cards[item.at("partner_id").as_int64()]));
  }
  EXPECT_TRUE(ids.contains(d));
  EXPECT_FALSE(ids.contains(a) || ids.contains(w));
  expect_error(get("/api/v1/partner-scorecards?kind=pirate"), 400, "", "kind");
}

// Every partner route (from the API document) × partner admin, partner staff, another
// partner's user, each staff role, a portal customer and no session.
TEST_F(Partners, EveryPartnerRouteForEveryKindOfCaller) {
  const auto a = partner("Matrix Supplier A", "supplier");
  const auto b = partner("Matrix Supplier B", "supplier");
  const auto a_item = product("MATRIX-A", 2000);
  const auto b_item = product("MATRIX-B", 3000);
  link(a, a_item, 1000, 2);
  link(b, b_item, 1500, 2);
  const auto a_admin = user(a, "admin@matrix-a.example", "partner_admin");
  const auto a_staff = user(a, "staff@matrix-a.example", "partner_staff");
  const auto b_admin = user(b, "admin@matrix-b.example", "partner_admin");
  const auto buyer =
      customer_with("Matrix Buyer", "matrix.buyer@example.com", "+1 555 0100", "Boston", "US");
  const auto order =
      place(buyer, json::array{json::object{{"product_id", a_item}, {"quantity", 1}},
                               json::object{{"product_id", b_item}, {"quantity", 1}}});
  const auto a_line = line_of(order, 0);
  const auto b_line = line_of(order, 1);
  auto pa_admin = partner_client(a, a_admin);
  auto pa_staff = partner_client(a, a_staff);
  auto pb = partner_client(b, b_admin);
  auto customer_portal = portal_client("matrix.buyer@example.com");
  HttpClient nobody(server_->base_url());
  const auto b_line_before = pb->get(id_path("/api/v1/portal/partner/lines", b_line)).body;
  // Each partner's webhook, for the routes under /webhooks/{id}.
  auto webhook_of = [](HttpClient& admin) -> std::int64_t {
    auto r = admin.send_json("POST", "/api/v1/portal/partner/webhooks",
                             json::object{{"url", "http://127.0.0.1:9/matrix"}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? r.json().at("id").as_int64() : 0;
  };
  const auto a_hook = webhook_of(*pa_admin);
  const auto b_hook = webhook_of(*pb);
  const auto b_stock_before = get(id_path("/api/v1/products", b_item)).body;

  std::map<std::string, std::set<std::string>> scopes;
  std::map<std::string, std::unique_ptr<HttpClient>> staff_of;
  auto roles = get("/api/v1/roles");
  ASSERT_EQ(roles.status, 200) << roles.body;
  const auto role_rows = roles.json();
  for (const auto& row : role_rows.at("items").as_array()) {
    const std::string role = str(row.at("role"));
    for (const auto& scope : row.at("scopes").as_array()) scopes[role].insert(str(scope));
    staff_of[role] = role == "admin" ? signed_in(kAdminEmail, kAdminPassword)
                                     : staff("partners." + role + "@example.com", role);
  }

  // A body each write accepts when it is allowed to reach its handler.
  auto body_for = [](const std::string& pattern) -> std::string {
    if (pattern.ends_with("/shipment")) return R"({"carrier":"DHL","tracking_number":"M1"})";
    if (pattern.ends_with("/products/{id}")) return R"({"stock_on_hand":0})";
    return "{}";
  };
  auto call = [&](HttpClient& client, const std::string& method, const std::string& path,
                  const std::string& pattern) {
    if (method == "GET") return client.get(path);
    std::vector<std::string> headers{"Content-Type: application/json"};
    if (!client.csrf_token.empty()) headers.push_back("X-CSRF-Token: " + client.csrf_token);
    return client.request(method, path, body_for(pattern), headers);
  };
  // The path with A's records (lines/{id}: A's line; products/{id}: A's product; webhooks/{id}:
  // A's webhook; other ids: A).
  auto with = [](const std::string& pattern, std::int64_t line, std::int64_t product,
                 std::int64_t other, std::int64_t webhook) {
    std::string out;
    for (std::size_t at = 0; at < pattern.size();) {
      if (pattern[at] == '{') {
        const std::string before = out;
        std::int64_t id = other;
        if (before.ends_with("/lines/")) id = line;
        if (before.ends_with("/products/")) id = product;
        if (before.ends_with("/webhooks/")) id = webhook;
        out += std::to_string(id);
        at = pattern.find('}', at) + 1;
      } else {
        out += pattern[at++];
      }
    }
    return out;
  };

  auto document = get("/api/v1/openapi.json");
  ASSERT_EQ(document.status, 200);
  std::size_t portal_routes = 0, staff_routes = 0;
  const auto paths = document.json();
  for (const auto& [path_value, item] : paths.at("paths").as_object()) {
    const std::string pattern(path_value);
    const bool is_partner_portal = pattern.starts_with("/api/v1/portal/partner/");
    const bool is_partner_staff =
        pattern.starts_with("/api/v1/partners") || pattern.starts_with("/api/v1/partner-");
    if (!is_partner_portal && !is_partner_staff) continue;
    if (pattern.find("/lead") != std::string::npos) continue;  // partner_leads_test.cpp's matrix
    for (const auto& [method_value, op] : item.as_object()) {
      std::string method(method_value);
      for (auto& ch : method) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      const std::string what = method + " " + pattern;
      if (op.as_object().at("security").as_array().empty()) continue;  // the session exchange
      const bool write = method != "GET";
      if (is_partner_portal) {
        ++portal_routes;
        EXPECT_EQ(str(op.at("x-portal")), "partner") << what;
        const std::string a_path = with(pattern, a_line, a_item, a, a_hook);
        const std::string b_path = with(pattern, b_line, b_item, b, b_hook);
        EXPECT_EQ(call(nobody, method, a_path, pattern).status, 401) << what;
        for (auto& [role, client] : staff_of) {
          EXPECT_EQ(call(*client, method, a_path, pattern).status, 401) << what << " as " << role;
        }
        auto as_customer = call(*customer_portal, method, a_path, pattern);
        EXPECT_EQ(as_customer.status, 403) << what << ": " << as_customer.body;
        if (pattern.find('{') != std::string::npos) {
          // Another partner's records: 404, whether read or written, never 403.
          auto foreign = call(*pb, method, a_path, pattern);
          EXPECT_EQ(foreign.status, 404) << what << ": " << foreign.body;
          auto foreign2 = call(*pa_staff, method, b_path, pattern);
          EXPECT_EQ(foreign2.status, 404) << what << ": " << foreign2.body;
          if (!write) {
            EXPECT_EQ(call(*pa_admin, method, a_path, pattern).status, 200) << what;
            EXPECT_EQ(call(*pa_staff, method, a_path, pattern).status, 200) << what;
          }
        } else if (!write) {
          for (auto* own : {pa_admin.get(), pa_staff.get()}) {
            auto r = call(*own, method, pattern, pattern);
            EXPECT_EQ(r.status, 200) << what << ": " << r.body;
            EXPECT_EQ(r.body.find("MATRIX-B"), std::string::npos) << what << ": " << r.body;
            EXPECT_EQ(r.body.find("Matrix Supplier B"), std::string::npos) << what;
            EXPECT_EQ(r.body.find("matrix.buyer@example.com"), std::string::npos) << what;
          }
          auto r = call(*pb, method, pattern, pattern);
          EXPECT_EQ(r.status, 200) << what << ": " << r.body;
          EXPECT_EQ(r.body.find("MATRIX-A"), std::string::npos) << what << ": " << r.body;
        }
        continue;
      }
      ++staff_routes;
      const std::string scope =
          op.as_object().contains("x-scope") ? str(op.at("x-scope")) : std::string();
      const std::string path = with(pattern, a_line, a_item, a, a_hook);
      EXPECT_EQ(call(nobody, method, path, pattern).status, 401) << what;
      for (auto* outsider : {pa_admin.get(), pa_staff.get(), pb.get(), customer_portal.get()}) {
        EXPECT_EQ(call(*outsider, method, path, pattern).status, 401) << what;
      }
      for (auto& [role, client] : staff_of) {
        const bool allowed = scope.empty() || scopes[role].contains(scope);
        if (!allowed) {
          EXPECT_EQ(call(*client, method, path, pattern).status, 403) << what << " as " << role;
        } else if (!write) {
          auto r = call(*client, method, path, pattern);
          EXPECT_TRUE(r.status == 200 || r.status == 400)
              << what << " as " << role << ": " << r.status << " " << r.body;
        }
      }
    }
  }
  EXPECT_GE(portal_routes, 8u);
  EXPECT_GE(staff_routes, 14u);
  // B's line and product are as they were.
  EXPECT_EQ(pb->get(id_path("/api/v1/portal/partner/lines", b_line)).body, b_line_before);
  EXPECT_EQ(get(id_path("/api/v1/products", b_item)).body, b_stock_before);
}

}  // namespace
}  // namespace ecrm::testing
