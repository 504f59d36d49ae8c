// Partner leads over HTTP on the test backend: routing by country, region, category and
// priority (ties to the partner with fewer open leads), the partner's answers and the moves it
// may not make, another partner's leads answering 404, overdue leads and their expiry (by hand
// and on the server's own schedule), the scorecard's acceptance and win rates against values
// computed here from the test's own leads, the public enquiry form (write key, rate limit), bad
// input refused naming the field with nothing changed, and who reaches every lead route.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <set>
#include <thread>

#include "portal_support.hpp"

namespace ecrm::testing {
namespace {

namespace json = boost::json;

constexpr std::int64_t kDayMs = 86'400'000;
constexpr std::int64_t kHourMs = 3'600'000;

class PartnerLeads : public PortalBase {
 protected:
  std::int64_t partner(const std::string& name, const std::string& kind = "distributor") {
    return create("/api/v1/partners", json::object{{"name", name}, {"kind", kind}});
  }

  std::int64_t user(std::int64_t partner_id, const std::string& email,
                    const std::string& role = "partner_staff") {
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

  std::int64_t category(const std::string& name) {
    return create("/api/v1/categories", json::object{{"name", name}});
  }

  std::int64_t rule(std::int64_t partner_id, json::object body) {
    return create(id_path("/api/v1/partners", partner_id) + "/lead-rules", body);
  }

  // A lead taken by staff; returns it as stored.
  json::object lead(const std::string& country, const std::string& region,
                    std::optional<std::int64_t> category_id, json::object extra = {}) {
    json::object body{{"company", "Acme " + country + " " + region},
                      {"contact_name", "Buyer " + region},
                      {"email", "buyer@acme.example"},
                      {"country", country},
                      {"region", region},
                      {"quantity", 40},
                      {"estimated_value", 250000},
                      {"currency", "EUR"},
                      {"message", "Please quote for 40 units."}};
    if (category_id) body["category_id"] = *category_id;
    for (const auto& [k, v] : extra) body[k] = v;
    auto r = post("/api/v1/leads", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? r.json().as_object() : json::object{};
  }

  // The partner a lead is routed to, 0 for none.
  static std::int64_t partner_of(const json::object& lead) {
    if (!lead.contains("partner_id") || lead.at("partner_id").is_null()) return 0;
    return lead.at("partner_id").as_int64();
  }

  json::object staff_lead(std::int64_t id) {
    auto r = get(id_path("/api/v1/leads", id));
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? r.json().as_object() : json::object{};
  }

  static std::set<std::int64_t> ids_of(const HttpResult& r) {
    std::set<std::int64_t> out;
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200) return out;
    const auto body = r.json();
    for (const auto& item : body.at("items").as_array()) out.insert(item.at("id").as_int64());
    return out;
  }

  // Moves the lead's routing back in time by `ms` (as if routed that long ago).
  void route_earlier(std::int64_t lead_id, std::int64_t ms) {
    auto& c = connection();
    ASSERT_TRUE(c.execute("UPDATE partner_leads SET routed_at = routed_at - $2 WHERE id = $1",
                          {lead_id, ms})
                    .ok());
    ASSERT_TRUE(c.execute("UPDATE partner_lead_routes SET routed_at = routed_at - $2 "
                          "WHERE lead_id = $1 AND outcome = 'open'",
                          {lead_id, ms})
                    .ok());
  }

  static std::string path_of(std::int64_t lead_id, const std::string& action = "") {
    return id_path("/api/v1/portal/partner/leads", lead_id) + (action.empty() ? "" : "/" + action);
  }
};

TEST_F(PartnerLeads, RoutedByCountryRegionCategoryAndPriority) {
  const auto pumps = category("Lead Pumps");
  const auto valves = category("Lead Valves");
  const auto berlin_dist = partner("Berlin Pumps GmbH");
  const auto bavaria_dist = partner("Bavaria Pumps AG", "reseller");
  const auto paris_dist = partner("Pompes de Paris", "wholesaler");
  rule(berlin_dist, json::object{{"countries", json::array{"de"}},
                                 {"category_ids", json::array{pumps}}});
  const auto bavaria_rule =
      rule(bavaria_dist, json::object{{"countries", json::array{"DE"}},
                                      {"regions", json::array{"Bavaria"}},
                                      {"category_ids", json::array{pumps}}});
  rule(paris_dist,
       json::object{{"countries", json::array{"FR"}}, {"category_ids", json::array{pumps}}});
  auto listed = get(id_path("/api/v1/partners", berlin_dist) + "/lead-rules");
  ASSERT_EQ(listed.status, 200) << listed.body;
  ASSERT_EQ(listed.json().at("items").as_array().size(), 1u);
  EXPECT_EQ(str(listed.json().at("items").at(0).at("countries").at(0)), "DE");

  // The rule naming the region beats the one naming the country only.
  auto munich = lead("DE", "bavaria", pumps);
  EXPECT_EQ(partner_of(munich), bavaria_dist);
  EXPECT_EQ(str(munich.at("status")), "routed");
  EXPECT_FALSE(munich.at("routed_at").is_null());
  EXPECT_EQ(str(munich.at("source")), "staff");
  auto berlin = lead("DE", "Berlin", pumps);
  EXPECT_EQ(partner_of(berlin), berlin_dist);
  auto paris = lead("FR", "Ile-de-France", pumps);
  EXPECT_EQ(partner_of(paris), paris_dist);
  // No rule for Italy, nor for valves: the lead stays new.
  auto milan = lead("IT", "Lombardy", pumps);
  EXPECT_EQ(str(milan.at("status")), "new");
  EXPECT_EQ(partner_of(milan), 0);
  auto valve = lead("DE", "Bavaria", valves);
  EXPECT_EQ(str(valve.at("status")), "new");
  // The category may come from the product.
  const auto pump = create("/api/v1/products", json::object{{"sku", "LEAD-PUMP-1"},
                                                            {"name", "Lead pump"},
                                                            {"price", 9900},
                                                            {"currency", "EUR"},
                                                            {"category_id", pumps}});
  auto by_product = lead("DE", "BAVARIA", std::nullopt, json::object{{"product_id", pump}});
  EXPECT_EQ(by_product.at("category_id").as_int64(), pumps);
  EXPECT_EQ(partner_of(by_product), bavaria_dist);

  // A higher priority wins over a rule naming more.
  const auto priority_dist = partner("Priority Pumps SARL");
  rule(priority_dist, json::object{{"category_ids", json::array{pumps}}, {"priority", 5}});
  EXPECT_EQ(partner_of(lead("FR", "Bretagne", pumps)), priority_dist);
  EXPECT_EQ(partner_of(lead("DE", "Bavaria", pumps)), priority_dist);
  auto off = patch(id_path("/api/v1/partners", priority_dist), json::object{{"active", false}});
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_EQ(partner_of(lead("FR", "Bretagne", pumps)), paris_dist);

  // A changed rule routes accordingly; a removed one routes nothing more.
  auto changed = patch(id_path("/api/v1/partners", bavaria_dist) + "/lead-rules/" +
                           std::to_string(bavaria_rule),
                       json::object{{"regions", json::array{"Bavaria", "Saxony"}}});
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(changed.json().at("regions").as_array().size(), 2u);
  EXPECT_EQ(partner_of(lead("DE", "Saxony", pumps)), bavaria_dist);
  auto removed = del(id_path("/api/v1/partners", bavaria_dist) + "/lead-rules/" +
                     std::to_string(bavaria_rule));
  EXPECT_EQ(removed.status, 204) << removed.body;
  EXPECT_EQ(partner_of(lead("DE", "Saxony", pumps)), berlin_dist);
  expect_error(del(id_path("/api/v1/partners", berlin_dist) + "/lead-rules/" +
                   std::to_string(bavaria_rule)),
               404);

  // Staff route the Italian lead by hand.
  auto routed = post(id_path("/api/v1/leads", milan.at("id").as_int64()) + "/route",
                     json::object{{"partner_id", paris_dist}});
  ASSERT_EQ(routed.status, 200) << routed.body;
  EXPECT_EQ(str(routed.json().at("status")), "routed");
  EXPECT_EQ(partner_of(routed.json().as_object()), paris_dist);
  expect_error(post(id_path("/api/v1/leads", valve.at("id").as_int64()) + "/route",
                    json::object{{"partner_id", priority_dist}}),
               422, "partner_inactive", "partner_id");
  expect_error(post(id_path("/api/v1/leads", valve.at("id").as_int64()) + "/route",
                    json::object{{"partner_id", 99999999}}),
               422, "", "partner_id");
  EXPECT_EQ(str(staff_lead(valve.at("id").as_int64()).at("status")), "new");

  // Staff's filters.
  const auto paris_leads =
      ids_of(get("/api/v1/leads?limit=200&partner_id=" + std::to_string(paris_dist)));
  EXPECT_TRUE(paris_leads.contains(paris.at("id").as_int64()));
  EXPECT_TRUE(paris_leads.contains(milan.at("id").as_int64()));
  EXPECT_FALSE(paris_leads.contains(berlin.at("id").as_int64()));
  const auto italian = ids_of(get("/api/v1/leads?limit=200&country=it"));
  EXPECT_EQ(italian, std::set<std::int64_t>{milan.at("id").as_int64()});
  const auto fresh = ids_of(get("/api/v1/leads?limit=200&status=new&category_id=" +
                                std::to_string(valves)));
  EXPECT_EQ(fresh, std::set<std::int64_t>{valve.at("id").as_int64()});
  expect_error(get("/api/v1/leads?status=pending"), 400, "", "status");

  // Bad rules: named by field and item, nothing stored.
  const std::string rules_path = id_path("/api/v1/partners", berlin_dist) + "/lead-rules";
  expect_error(post(rules_path, json::object{{"countries", json::array{"Germany"}}}), 400, "",
               "countries[0]");
  expect_error(post(rules_path, json::object{{"regions", json::array{"A,B"}}}), 400, "",
               "regions[0]");
  expect_error(post(rules_path, json::object{{"category_ids", json::array{pumps, 99999999}}}),
               422, "", "category_ids[1]");
  expect_error(post(rules_path, json::object{{"priority", -1}}), 400, "", "priority");
  expect_error(post(id_path("/api/v1/partners", 99999999) + "/lead-rules", json::object{}), 404);
  EXPECT_EQ(get(rules_path).json().at("items").as_array().size(), 1u);
}

TEST_F(PartnerLeads, TiesGoToThePartnerWithFewerOpenLeads) {
  const auto drills = category("Tie Drills");
  const auto first = partner("Tie Partner One");
  const auto second = partner("Tie Partner Two");
  rule(first, json::object{{"category_ids", json::array{drills}}});
  rule(second, json::object{{"category_ids", json::array{drills}}});
  // Equal rules, nobody holds a lead: the lower id; then the one holding fewer.
  EXPECT_EQ(partner_of(lead("PL", "", drills)), first);
  EXPECT_EQ(partner_of(lead("PL", "", drills)), second);
  EXPECT_EQ(partner_of(lead("PL", "", drills)), first);
  EXPECT_EQ(partner_of(lead("PL", "", drills)), second);
  // Closed leads do not count as open: the second declines its two, and gets the next.
  auto p2 = partner_client(second, user(second, "ops@tie-two.example"));
  auto own = p2->get("/api/v1/portal/partner/leads?status=routed");
  for (auto id : ids_of(own)) {
    auto r = p2->send_json("POST", path_of(id, "decline"), json::object{{"reason", "busy"}});
    EXPECT_EQ(r.status, 200) << r.body;
  }
  EXPECT_EQ(partner_of(lead("PL", "", drills)), second);
  for (const auto id : {first, second}) {
    ASSERT_EQ(patch(id_path("/api/v1/partners", id), json::object{{"active", false}}).status, 200);
  }
}

TEST_F(PartnerLeads, PartnersAnswerTheirOwnLeadsOnly) {
  const auto saws = category("Answer Saws");
  const auto mine = partner("Answering Partner");
  const auto theirs = partner("Other Partner");
  rule(mine, json::object{{"category_ids", json::array{saws}}, {"countries", json::array{"NL"}}});
  rule(theirs,
       json::object{{"category_ids", json::array{saws}}, {"countries", json::array{"BE"}}});
  auto me = partner_client(mine, user(mine, "sales@answering.example", "partner_admin"));
  auto staff_me = partner_client(mine, user(mine, "desk@answering.example"));
  auto other = partner_client(theirs, user(theirs, "sales@other.example"));

  const auto won_lead = lead("NL", "Utrecht", saws).at("id").as_int64();
  const auto declined_lead = lead("NL", "Utrecht", saws).at("id").as_int64();
  const auto other_lead = lead("BE", "Flanders", saws).at("id").as_int64();

  // The partner sees its two leads, with the contact; the other partner's is 404 to it.
  auto listed = me->get("/api/v1/portal/partner/leads");
  EXPECT_EQ(ids_of(listed), (std::set<std::int64_t>{won_lead, declined_lead}));
  auto one = me->get(path_of(won_lead));
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(str(one.json().at("email")), "buyer@acme.example");
  EXPECT_EQ(one.json().at("estimated_value").as_int64(), 250000);
  EXPECT_EQ(one.body.find("127.0.0.1"), std::string::npos) << one.body;
  const auto other_before = staff_lead(other_lead);
  expect_error(me->get(path_of(other_lead)), 404, "not_found");
  expect_error(me->send_json("POST", path_of(other_lead, "accept"), json::object{}), 404);
  expect_error(me->send_json("POST", path_of(other_lead, "decline"),
                             json::object{{"reason", "not ours"}}),
               404);
  expect_error(me->send_json("POST", path_of(other_lead, "won"), json::object{{"value", 1}}), 404);
  expect_error(me->send_json("POST", path_of(other_lead, "lost"), json::object{{"reason", "x"}}),
               404);
  expect_error(me->get(path_of(99999999)), 404);
  EXPECT_EQ(staff_lead(other_lead), other_before);
  EXPECT_EQ(ids_of(other->get("/api/v1/portal/partner/leads")),
            std::set<std::int64_t>{other_lead});

  // Won or lost before accepting: 409, nothing changed.
  expect_error(staff_me->send_json("POST", path_of(won_lead, "won"), json::object{{"value", 5}}),
               409, "invalid_transition", "status");
  expect_error(staff_me->send_json("POST", path_of(won_lead, "lost"),
                                   json::object{{"reason", "price"}}),
               409, "invalid_transition");
  EXPECT_EQ(str(staff_lead(won_lead).at("status")), "routed");

  // Accept, then won with a value; every later move is refused.
  auto accepted = staff_me->send_json("POST", path_of(won_lead, "accept"), json::object{});
  ASSERT_EQ(accepted.status, 200) << accepted.body;
  EXPECT_EQ(str(accepted.json().at("status")), "accepted");
  EXPECT_FALSE(accepted.json().at("responded_at").is_null());
  expect_error(me->send_json("POST", path_of(won_lead, "accept"), json::object{}), 409,
               "invalid_transition");
  expect_error(me->send_json("POST", path_of(won_lead, "decline"), json::object{{"reason", "r"}}),
               409, "invalid_transition");
  expect_error(post(id_path("/api/v1/leads", won_lead) + "/route",
                    json::object{{"partner_id", theirs}}),
               409, "invalid_transition");
  expect_error(me->send_json("POST", path_of(won_lead, "won"), json::object{{"value", -1}}), 400,
               "", "value");
  expect_error(me->send_json("POST", path_of(won_lead, "won"), json::object{}), 400, "required",
               "value");
  EXPECT_EQ(str(staff_lead(won_lead).at("status")), "accepted");
  auto won = me->send_json("POST", path_of(won_lead, "won"), json::object{{"value", 231500}});
  ASSERT_EQ(won.status, 200) << won.body;
  EXPECT_EQ(str(won.json().at("status")), "won");
  EXPECT_EQ(won.json().at("won_value").as_int64(), 231500);
  EXPECT_FALSE(won.json().at("closed_at").is_null());
  expect_error(me->send_json("POST", path_of(won_lead, "lost"), json::object{{"reason", "r"}}),
               409, "invalid_transition");

  // Decline needs a reason; a declined lead cannot be accepted, but staff may route it on.
  expect_error(me->send_json("POST", path_of(declined_lead, "decline"),
                             json::object{{"reason", "  "}}),
               400, "required", "reason");
  expect_error(me->send_json("POST", path_of(declined_lead, "decline"), json::object{}), 400, "",
               "reason");
  EXPECT_EQ(str(staff_lead(declined_lead).at("status")), "routed");
  auto declined = me->send_json("POST", path_of(declined_lead, "decline"),
                                json::object{{"reason", "outside our area"}});
  ASSERT_EQ(declined.status, 200) << declined.body;
  EXPECT_EQ(str(declined.json().at("status")), "declined");
  EXPECT_EQ(str(declined.json().at("decline_reason")), "outside our area");
  expect_error(me->send_json("POST", path_of(declined_lead, "accept"), json::object{}), 409,
               "invalid_transition");
  auto rerouted = post(id_path("/api/v1/leads", declined_lead) + "/route",
                       json::object{{"partner_id", theirs}});
  ASSERT_EQ(rerouted.status, 200) << rerouted.body;
  EXPECT_EQ(str(rerouted.json().at("status")), "routed");
  expect_error(me->get(path_of(declined_lead)), 404);
  EXPECT_EQ(other->get(path_of(declined_lead)).status, 200);
  auto lost_accept = other->send_json("POST", path_of(declined_lead, "accept"), json::object{});
  ASSERT_EQ(lost_accept.status, 200) << lost_accept.body;
  auto lost = other->send_json("POST", path_of(declined_lead, "lost"),
                               json::object{{"reason", "went with a competitor"}});
  ASSERT_EQ(lost.status, 200) << lost.body;
  EXPECT_EQ(str(lost.json().at("lost_reason")), "went with a competitor");

  // Filter by status; cursor paging through the partner's leads.
  EXPECT_EQ(ids_of(me->get("/api/v1/portal/partner/leads?status=won")),
            std::set<std::int64_t>{won_lead});
  EXPECT_TRUE(ids_of(me->get("/api/v1/portal/partner/leads?status=declined")).empty());
  expect_error(me->get("/api/v1/portal/partner/leads?status=maybe"), 400, "", "status");
  const auto third = lead("NL", "Utrecht", saws).at("id").as_int64();
  std::vector<std::int64_t> paged;
  std::string cursor;
  for (int i = 0; i < 5; ++i) {
    auto page = me->get("/api/v1/portal/partner/leads?limit=1" +
                        (cursor.empty() ? std::string() : "&cursor=" + cursor));
    ASSERT_EQ(page.status, 200) << page.body;
    const auto body = page.json();
    for (const auto& item : body.at("items").as_array()) {
      paged.push_back(item.at("id").as_int64());
    }
    const auto& next = body.at("next_cursor");
    if (next.is_null()) break;
    cursor = str(next);
  }
  EXPECT_EQ(paged, (std::vector<std::int64_t>{third, won_lead}));

  // A deactivated user's session reads nothing more.
  ASSERT_EQ(patch(id_path("/api/v1/partners", theirs), json::object{{"active", false}}).status, 200);
  expect_error(other->get("/api/v1/portal/partner/leads"), 401);
}

TEST_F(PartnerLeads, OverdueLeadsExpireAndMayBeRoutedOn) {
  const auto lathes = category("Overdue Lathes");
  const auto slow = partner("Slow Partner");
  const auto quick = partner("Quick Partner");
  rule(slow, json::object{{"category_ids", json::array{lathes}}, {"priority", 9}});
  const auto late = lead("AT", "Tyrol", lathes).at("id").as_int64();
  const auto later = lead("AT", "Tyrol", lathes).at("id").as_int64();
  const auto fresh = lead("AT", "Tyrol", lathes).at("id").as_int64();
  EXPECT_EQ(staff_lead(late).at("waiting_days").as_int64(), 0);
  EXPECT_FALSE(staff_lead(late).at("overdue").as_bool());
  route_earlier(late, 4 * kDayMs);
  route_earlier(later, 3 * kDayMs + kHourMs);
  route_earlier(fresh, 2 * kDayMs);
  auto seen = staff_lead(late);
  EXPECT_EQ(seen.at("waiting_days").as_int64(), 4);
  EXPECT_TRUE(seen.at("overdue").as_bool());
  EXPECT_FALSE(staff_lead(fresh).at("overdue").as_bool());
  const auto overdue = ids_of(get("/api/v1/leads?limit=200&overdue=true&partner_id=" +
                                  std::to_string(slow)));
  EXPECT_EQ(overdue, (std::set<std::int64_t>{late, later}));
  const auto waiting = ids_of(get("/api/v1/leads?limit=200&overdue=false&partner_id=" +
                                  std::to_string(slow)));
  EXPECT_EQ(waiting, std::set<std::int64_t>{fresh});
  // Routed on by hand while overdue: the slow partner's routing counts as expired.
  auto moved = post(id_path("/api/v1/leads", later) + "/route", json::object{{"partner_id", quick}});
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_FALSE(moved.json().at("overdue").as_bool());
  // The expiry job expires the overdue one only.
  auto expiry = post("/api/v1/leads/expire", json::object{});
  ASSERT_EQ(expiry.status, 200) << expiry.body;
  EXPECT_GE(expiry.json().at("expired").as_int64(), 1);
  EXPECT_EQ(expiry.json().at("accept_within_days").as_int64(), 3);
  EXPECT_EQ(str(staff_lead(late).at("status")), "expired");
  EXPECT_EQ(str(staff_lead(fresh).at("status")), "routed");
  auto card = get(id_path("/api/v1/partners", slow) + "/scorecard");
  ASSERT_EQ(card.status, 200) << card.body;
  EXPECT_EQ(card.json().at("leads_received").as_int64(), 3);
  EXPECT_EQ(card.json().at("leads_expired").as_int64(), 2);
  EXPECT_EQ(card.json().at("lead_acceptance_rate").to_number<double>(), 0.0);
  // An expired lead may be routed again.
  auto again = post(id_path("/api/v1/leads", late) + "/route", json::object{{"partner_id", quick}});
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(str(again.json().at("status")), "routed");
  ASSERT_EQ(patch(id_path("/api/v1/partners", slow), json::object{{"active", false}}).status, 200);
}

TEST_F(PartnerLeads, ScorecardRatesMatchTheTestsOwnLeads) {
  const auto mixers = category("Scored Mixers");
  const auto scored = partner("Scored Lead Partner");
  const auto spare = partner("Spare Lead Partner");
  rule(scored, json::object{{"category_ids", json::array{mixers}}, {"priority", 9}});
  auto p = partner_client(scored, user(scored, "leads@scored.example"));

  // Nine leads, each routed `hours` ago and answered now: a = accept, d = decline; then
  // w = won, l = lost; o = left open; x = expired.
  struct Plan {
    double hours;
    std::string answer;
  };
  const std::vector<Plan> plans = {{5, "aw"}, {30, "aw"}, {2, "al"}, {12, "a"}, {48, "d"},
                                   {1, "d"},  {20, "aw"}, {0, "o"},  {100, "x"}};
  std::int64_t accepted = 0, declined = 0, expired = 0, won = 0, lost = 0;
  std::vector<std::int64_t> response_ms;
  for (const auto& plan : plans) {
    const auto id = lead("ES", "Catalonia", mixers).at("id").as_int64();
    route_earlier(id, static_cast<std::int64_t>(plan.hours * kHourMs));
    if (plan.answer == "o") continue;
    if (plan.answer == "x") {
      ASSERT_EQ(post(id_path("/api/v1/leads", id) + "/route", json::object{{"partner_id", spare}})
                    .status,
                200);
      ++expired;
      continue;
    }
    const bool accepting = plan.answer[0] == 'a';
    auto r = accepting ? p->send_json("POST", path_of(id, "accept"), json::object{})
                       : p->send_json("POST", path_of(id, "decline"),
                                      json::object{{"reason", "too small"}});
    ASSERT_EQ(r.status, 200) << r.body;
    response_ms.push_back(r.json().at("responded_at").as_int64() -
                          r.json().at("routed_at").as_int64());
    accepting ? ++accepted : ++declined;
    if (plan.answer.size() > 1) {
      const bool winning = plan.answer[1] == 'w';
      auto closed = winning ? p->send_json("POST", path_of(id, "won"), json::object{{"value", 1000}})
                            : p->send_json("POST", path_of(id, "lost"),
                                           json::object{{"reason", "price"}});
      ASSERT_EQ(closed.status, 200) << closed.body;
      winning ? ++won : ++lost;
    }
  }
  std::sort(response_ms.begin(), response_ms.end());
  const auto median_rank =
      static_cast<std::size_t>(std::ceil(0.5 * static_cast<double>(response_ms.size())));
  const double median_hours =
      static_cast<double>(response_ms[median_rank - 1]) / static_cast<double>(kHourMs);

  for (bool own : {false, true}) {
    auto card = own ? p->get("/api/v1/portal/partner/scorecard")
                    : get(id_path("/api/v1/partners", scored) + "/scorecard");
    ASSERT_EQ(card.status, 200) << card.body;
    const auto c = card.json();
    EXPECT_EQ(c.at("leads_received").as_int64(), static_cast<std::int64_t>(plans.size()));
    EXPECT_EQ(c.at("leads_accepted").as_int64(), accepted);
    EXPECT_EQ(c.at("leads_declined").as_int64(), declined);
    EXPECT_EQ(c.at("leads_expired").as_int64(), expired);
    EXPECT_EQ(c.at("leads_won").as_int64(), won);
    EXPECT_EQ(c.at("leads_lost").as_int64(), lost);
    EXPECT_NEAR(c.at("lead_acceptance_rate").to_number<double>(),
                static_cast<double>(accepted) / static_cast<double>(accepted + declined + expired),
                1e-4);
    EXPECT_NEAR(c.at("lead_win_rate").to_number<double>(),
                static_cast<double>(won) / static_cast<double>(won + lost), 1e-4);
    EXPECT_NEAR(c.at("lead_response_median_hours").to_number<double>(), median_hours, 0.01);
  }
  // A partner without leads has no rates.
  auto empty = get(id_path("/api/v1/partners", spare) + "/scorecard");
  ASSERT_EQ(empty.status, 200) << empty.body;
  EXPECT_TRUE(empty.json().at("lead_win_rate").is_null());
  EXPECT_TRUE(empty.json().at("lead_response_median_hours").is_null());
  ASSERT_EQ(patch(id_path("/api/v1/partners", scored), json::object{{"active", false}}).status,
            200);
}

TEST_F(PartnerLeads, PublicFormAndBadInputChangeNothing) {
  const auto heaters = category("Public Heaters");
  const auto dist = partner("Public Form Partner");
  rule(dist, json::object{{"category_ids", json::array{heaters}}, {"priority", 9}});
  auto key_r = post("/api/v1/write-keys", json::object{{"name", "enquiry form"}});
  ASSERT_EQ(key_r.status, 201) << key_r.body;
  const std::string key = str(key_r.json().at("key"));
  HttpClient visitor(server_->base_url());
  const json::object enquiry{{"company", "Hotel Alpenblick"},
                             {"contact_name", "Eva Huber"},
                             {"email", "Eva@Alpenblick.example"},
                             {"country", "ch"},
                             {"region", "Valais"},
                             {"category_id", heaters},
                             {"quantity", 12},
                             {"message", "Heaters for 12 rooms"}};
  auto newest = [&]() -> std::int64_t {
    auto r = get("/api/v1/leads?limit=1");
    EXPECT_EQ(r.status, 200) << r.body;
    const auto body = r.json();
    const auto& items = body.at("items").as_array();
    return items.empty() ? 0 : items.at(0).at("id").as_int64();
  };
  const auto before = newest();

  // Without a key, or with a forged one: refused, nothing stored.
  expect_error(visitor.send_json("POST", "/api/v1/public/leads", enquiry), 401);
  expect_error(visitor.send_json("POST", "/api/v1/public/leads?key=forged", enquiry), 401);
  EXPECT_EQ(newest(), before);

  // Bad input: 4xx naming the field, nothing stored.
  const std::string form = "/api/v1/public/leads?key=" + key;
  auto with = [&](const std::string& field, json::value value) {
    json::object body = enquiry;
    if (value.is_null()) {
      body.erase(field);
    } else {
      body[field] = value;
    }
    return visitor.send_json("POST", form, body);
  };
  expect_error(with("contact_name", nullptr), 400, "required", "contact_name");
  expect_error(with("contact_name", " "), 400, "required", "contact_name");
  expect_error(with("email", "not an address"), 400, "invalid_email", "email");
  expect_error(with("country", "Switzerland"), 400, "", "country");
  expect_error(with("country", "1x"), 400, "", "country");
  expect_error(with("quantity", -5), 400, "", "quantity");
  expect_error(with("quantity", "many"), 400, "", "quantity");
  expect_error(with("estimated_value", 50000), 400, "required", "currency");
  expect_error(with("currency", "EURO"), 400, "", "currency");
  expect_error(with("category_id", 99999999), 422, "unknown", "category_id");
  expect_error(with("product_id", 99999999), 422, "unknown", "product_id");
  expect_error(with("message", json::string(std::string(5000, 'x'))), 400, "", "message");
  expect_error(visitor.request("POST", form, "{not json", {"Content-Type: application/json"}), 400);
  EXPECT_EQ(newest(), before);

  // A good enquiry: stored from the web form, routed, the sender told only that it arrived.
  auto sent = visitor.send_json("POST", form, enquiry);
  ASSERT_EQ(sent.status, 201) << sent.body;
  EXPECT_EQ(sent.header("access-control-allow-origin"), "*");
  EXPECT_EQ(sent.body.find("partner"), std::string::npos) << sent.body;
  const auto id = sent.json().at("id").as_int64();
  auto stored = staff_lead(id);
  EXPECT_EQ(str(stored.at("source")), "web_form");
  EXPECT_EQ(str(stored.at("email")), "eva@alpenblick.example");
  EXPECT_EQ(str(stored.at("country")), "CH");
  EXPECT_EQ(partner_of(stored), dist);
  auto preflight = visitor.request("OPTIONS", "/api/v1/public/leads");
  EXPECT_EQ(preflight.status, 204);
  EXPECT_EQ(preflight.header("access-control-allow-origin"), "*");

  // At most three an hour from one e-mail address.
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(visitor.send_json("POST", form, enquiry).status, 201);
  }
  const auto last = newest();
  expect_error(visitor.send_json("POST", form, enquiry), 429, "rate_limited");
  EXPECT_EQ(newest(), last);

  // Staff's changes: bad input refused naming the field, the lead unchanged.
  const std::string lead_path = id_path("/api/v1/leads", id);
  const auto unchanged = staff_lead(id);
  expect_error(patch(lead_path, json::object{{"email", "nope"}}), 400, "", "email");
  expect_error(patch(lead_path, json::object{{"contact_name", ""}}), 400, "", "contact_name");
  expect_error(patch(lead_path, json::object{{"estimated_value", -1}}), 400, "", "estimated_value");
  expect_error(patch(lead_path, json::object{{"category_id", 99999999}}), 422, "", "category_id");
  expect_error(patch(lead_path, json::object{{"quantity", 5}, {"estimated_value", 700}}), 400,
               "required", "currency");
  expect_error(post(id_path("/api/v1/leads", id) + "/route", json::object{{"partner_id", "x"}}),
               400, "", "partner_id");
  expect_error(post("/api/v1/leads", json::object{{"contact_name", "No Way To Reach"}}), 400,
               "required", "email");
  expect_error(get(id_path("/api/v1/leads", 99999999)), 404);
  expect_error(patch(id_path("/api/v1/leads", 99999999), json::object{{"company", "x"}}), 404);
  EXPECT_EQ(staff_lead(id), unchanged);
  auto changed = patch(lead_path, json::object{{"quantity", 20},
                                               {"estimated_value", 480000},
                                               {"currency", "chf"},
                                               {"company", "Hotel Alpenblick AG"}});
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(changed.json().at("quantity").as_int64(), 20);
  EXPECT_EQ(str(changed.json().at("currency")), "CHF");
  EXPECT_EQ(str(changed.json().at("status")), "routed");
  ASSERT_EQ(patch(id_path("/api/v1/partners", dist), json::object{{"active", false}}).status, 200);
}

// Every lead route (from the API document) × partner admin, partner staff, another partner's
// user, each staff role, a portal customer and no session.
TEST_F(PartnerLeads, EveryLeadRouteForEveryKindOfCaller) {
  const auto kettles = category("Matrix Kettles");
  const auto a = partner("Lead Matrix A");
  const auto b = partner("Lead Matrix B");
  const auto a_rule = rule(a, json::object{{"countries", json::array{"JP"}},
                                           {"category_ids", json::array{kettles}},
                                           {"priority", 9}});
  rule(b, json::object{{"countries", json::array{"KR"}}, {"category_ids", json::array{kettles}},
                       {"priority", 9}});
  auto a_lead = lead("JP", "Kanto", kettles, json::object{{"company", "Matrix A Buyer KK"}});
  auto b_lead = lead("KR", "Seoul", kettles, json::object{{"company", "Matrix B Buyer Co"}});
  ASSERT_EQ(partner_of(a_lead), a);
  ASSERT_EQ(partner_of(b_lead), b);
  const auto a_id = a_lead.at("id").as_int64();
  const auto b_id = b_lead.at("id").as_int64();
  auto pa_admin = partner_client(a, user(a, "admin@lead-matrix-a.example", "partner_admin"));
  auto pa_staff = partner_client(a, user(a, "staff@lead-matrix-a.example"));
  auto pb = partner_client(b, user(b, "admin@lead-matrix-b.example", "partner_admin"));
  const auto customer_id = customer("Lead Matrix Customer", "lead.matrix@example.com");
  ASSERT_GT(customer_id, 0);
  auto customer_portal = portal_client("lead.matrix@example.com");
  HttpClient nobody(server_->base_url());
  const auto b_before = staff_lead(b_id);

  std::map<std::string, std::set<std::string>> scopes;
  std::map<std::string, std::unique_ptr<HttpClient>> staff_of;
  auto roles = get("/api/v1/roles");
  ASSERT_EQ(roles.status, 200) << roles.body;
  const auto role_rows = roles.json();
  for (const auto& row : role_rows.at("items").as_array()) {
    const std::string role = str(row.at("role"));
    for (const auto& scope : row.at("scopes").as_array()) scopes[role].insert(str(scope));
    staff_of[role] = role == "admin" ? signed_in(kAdminEmail, kAdminPassword)
                                     : staff("leads." + role + "@example.com", role);
  }
  EXPECT_TRUE(scopes["sales"].contains("leads:write"));
  EXPECT_FALSE(scopes["marketing"].contains("leads:read"));

  // A body each write accepts when it reaches its handler.
  auto body_for = [&](const std::string& pattern) -> std::string {
    if (pattern.ends_with("/decline") || pattern.ends_with("/lost")) return R"({"reason":"x"})";
    if (pattern.ends_with("/won")) return R"({"value":1})";
    if (pattern.ends_with("/route")) return R"({"partner_id":)" + std::to_string(a) + "}";
    return "{}";
  };
  auto call = [&](HttpClient& client, const std::string& method, const std::string& path,
                  const std::string& pattern) {
    if (method == "GET") return client.get(path);
    std::vector<std::string> headers{"Content-Type: application/json"};
    if (!client.csrf_token.empty()) headers.push_back("X-CSRF-Token: " + client.csrf_token);
    return client.request(method, path, body_for(pattern), headers);
  };
  // The path with A's records: leads/{id} A's lead, partners/{id} A, lead-rules/{id} A's rule.
  auto with = [&](const std::string& pattern, std::int64_t lead_id) {
    std::string out;
    for (std::size_t at = 0; at < pattern.size();) {
      if (pattern[at] == '{') {
        std::int64_t id = lead_id;
        if (out.ends_with("/partners/")) id = a;
        if (out.ends_with("/lead-rules/")) id = a_rule;
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
    const bool is_portal = pattern.starts_with("/api/v1/portal/partner/leads");
    const bool is_staff = pattern.starts_with("/api/v1/leads") ||
                          pattern.find("/lead-rules") != std::string::npos;
    const bool is_public = pattern.starts_with("/api/v1/public/leads");
    if (!is_portal && !is_staff && !is_public) continue;
    for (const auto& [method_value, op] : item.as_object()) {
      std::string method(method_value);
      for (auto& ch : method) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      const std::string what = method + " " + pattern;
      if (method == "OPTIONS") continue;
      const bool write = method != "GET";
      if (is_public) {
        EXPECT_EQ(call(nobody, method, pattern, pattern).status, 401) << what;
        continue;
      }
      const std::string a_path = with(pattern, a_id);
      const std::string b_path = with(pattern, b_id);
      if (is_portal) {
        ++portal_routes;
        EXPECT_EQ(str(op.at("x-portal")), "partner") << what;
        EXPECT_EQ(call(nobody, method, a_path, pattern).status, 401) << what;
        for (auto& [role, client] : staff_of) {
          EXPECT_EQ(call(*client, method, a_path, pattern).status, 401) << what << " as " << role;
        }
        auto as_customer = call(*customer_portal, method, a_path, pattern);
        EXPECT_EQ(as_customer.status, 403) << what << ": " << as_customer.body;
        if (pattern.find('{') != std::string::npos) {
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
            EXPECT_NE(r.body.find("Matrix A Buyer KK"), std::string::npos) << what;
            EXPECT_EQ(r.body.find("Matrix B Buyer Co"), std::string::npos) << what << r.body;
          }
        }
        continue;
      }
      ++staff_routes;
      const std::string scope =
          op.as_object().contains("x-scope") ? str(op.at("x-scope")) : std::string();
      EXPECT_TRUE(scope == "leads:read" || scope == "leads:write") << what << ": " << scope;
      EXPECT_EQ(call(nobody, method, a_path, pattern).status, 401) << what;
      for (auto* outsider : {pa_admin.get(), pa_staff.get(), pb.get(), customer_portal.get()}) {
        EXPECT_EQ(call(*outsider, method, a_path, pattern).status, 401) << what;
      }
      for (auto& [role, client] : staff_of) {
        const bool allowed = scopes[role].contains(scope);
        if (!allowed) {
          EXPECT_EQ(call(*client, method, a_path, pattern).status, 403) << what << " as " << role;
        } else if (!write) {
          auto r = call(*client, method, a_path, pattern);
          EXPECT_EQ(r.status, 200) << what << " as " << role << ": " << r.body;
        }
      }
    }
  }
  EXPECT_EQ(portal_routes, 6u);
  EXPECT_GE(staff_routes, 9u);
  // B's lead is as it was.
  EXPECT_EQ(staff_lead(b_id), b_before);
  for (const auto id : {a, b}) {
    ASSERT_EQ(patch(id_path("/api/v1/partners", id), json::object{{"active", false}}).status, 200);
  }
}

// The serve command expires overdue leads by itself, here every 0.2 s (--lead-expiry-every).
class ScheduledLeadExpiry : public PartnerLeads {
 protected:
  static void SetUpTestSuite() {
    server_ = new ServerProcess(
        {"--lead-expiry-every", "0.2"},
        {{"ECRM_ADMIN_EMAIL", kAdminEmail}, {"ECRM_ADMIN_PASSWORD", kAdminPassword}});
  }
};

TEST_F(ScheduledLeadExpiry, AnOverdueLeadExpiresWithoutTheManualCall) {
  const auto drills = category("Scheduled Drills");
  const auto slow = partner("Scheduled Slow Partner");
  rule(slow, json::object{{"category_ids", json::array{drills}}});
  const auto late = lead("FI", "Uusimaa", drills).at("id").as_int64();
  const auto fresh = lead("FI", "Uusimaa", drills).at("id").as_int64();
  EXPECT_EQ(partner_of(staff_lead(late)), slow);
  route_earlier(late, 3 * kDayMs + kHourMs);
  route_earlier(fresh, 2 * kDayMs);
  std::string status;
  const bool expired = eventually(
      [&] {
        status = str(staff_lead(late).at("status"));
        return status == "expired";
      },
      10);
  EXPECT_TRUE(expired) << "the overdue lead is " << status << "\n" << server_->log();
  // The one within the time to accept stays with its partner, however often the job runs.
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  EXPECT_EQ(str(staff_lead(fresh).at("status")), "routed");
  auto card = get(id_path("/api/v1/partners", slow) + "/scorecard");
  ASSERT_EQ(card.status, 200) << card.body;
  EXPECT_EQ(card.json().at("leads_expired").as_int64(), 1);
  EXPECT_EQ(card.json().at("leads_received").as_int64(), 2);
}

}  // namespace
}  // namespace ecrm::testing
