// Who reaches which route, over the whole route table: every route of the API document
// (generated from the route table, so routes added later are covered) × each staff role, a
// portal customer, another portal customer and no session. Staff routes refuse portal sessions,
// portal routes refuse staff cookies and API keys, scopes decide among staff, and no portal
// customer reads or changes another customer's records.
#include <set>

#include "portal_support.hpp"

namespace ecrm::testing {
namespace {

namespace json = boost::json;

class PortalAccess : public PortalBase {};

struct Operation {
  std::string method;   // GET, POST, …
  std::string pattern;  // /api/v1/orders/{id}
  bool is_public = false;
  std::string portal;   // x-portal: the subject kind of a portal route
  std::string scope;    // x-scope
  bool api_key = false;
};

std::vector<Operation> operations(const json::value& document) {
  std::vector<Operation> out;
  for (const auto& [path, item] : document.at("paths").as_object()) {
    for (const auto& [method, op] : item.as_object()) {
      Operation o;
      o.pattern = std::string(path);
      o.method = std::string(method);
      for (auto& ch : o.method) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      const auto& object = op.as_object();
      o.is_public = object.at("security").as_array().empty();
      if (auto* portal = object.if_contains("x-portal")) o.portal = std::string(portal->as_string());
      if (auto* scope = object.if_contains("x-scope")) o.scope = std::string(scope->as_string());
      for (const auto& s : object.at("security").as_array()) {
        if (s.as_object().contains("apiKey")) o.api_key = true;
      }
      out.push_back(std::move(o));
    }
  }
  return out;
}

// A portal customer's records by the collection a path parameter follows ("orders",
// "tickets", …); `fallback` for collections it has none of.
struct Records {
  std::map<std::string, std::int64_t> ids;
  std::int64_t fallback = 0;

  std::int64_t for_segment(const std::string& collection) const {
    auto it = ids.find(collection);
    return it == ids.end() ? fallback : it->second;
  }
  bool knows(const std::string& pattern) const {
    for (std::size_t at = pattern.find('{'); at != std::string::npos; at = pattern.find('{', at + 1)) {
      if (!ids.contains(collection_before(pattern, at))) return false;
    }
    return true;
  }
  static std::string collection_before(const std::string& pattern, std::size_t brace) {
    const std::size_t end = brace - 1;  // the '/' before the parameter
    const std::size_t start = pattern.rfind('/', end - 1) + 1;
    return pattern.substr(start, end - start);
  }
};

// The pattern with every parameter naming `records`' id of its collection.
std::string with_ids(const std::string& pattern, const Records& records) {
  std::string out;
  for (std::size_t at = 0; at < pattern.size();) {
    if (pattern[at] == '{') {
      out += std::to_string(records.for_segment(Records::collection_before(pattern, at)));
      at = pattern.find('}', at) + 1;
    } else {
      out += pattern[at++];
    }
  }
  return out;
}
std::string with_ids(const std::string& pattern, std::int64_t id) {
  return with_ids(pattern, Records{{}, id});
}

// Whether an error answer is an access refusal (rather than the handler's own 4xx).
bool refused(const HttpResult& r) {
  if (r.status == 401) return true;
  if (r.status != 403) return false;
  const auto body = r.json();
  if (!body.is_object() || !body.as_object().contains("error")) return true;
  const std::string code(body.at("error").at("code").as_string());
  return code == "forbidden_role" || code == "missing_scope" || code == "forbidden" ||
         code == "portal_session_not_allowed" || code == "portal_forbidden" ||
         code == "api_key_not_allowed";
}

HttpResult call(HttpClient& client, const Operation& o, const std::string& path,
                std::vector<std::string> headers = {}) {
  if (o.method == "GET") return client.get(path, std::move(headers));
  if (!client.csrf_token.empty()) headers.push_back("X-CSRF-Token: " + client.csrf_token);
  headers.push_back("Content-Type: application/json");
  return client.request(o.method, path, "{}", std::move(headers));
}

TEST_F(PortalAccess, StaffRoutesRefusePortalSessionsAndPortalRoutesRefuseStaff) {
  const auto id = customer("Portal Person", "portal.person@example.com");
  order(id, 1);
  auto portal = portal_client("portal.person@example.com");
  // The portal cookie is no staff credential.
  expect_error(portal->get("/api/v1/customers"), 401);
  expect_error(portal->get(id_path("/api/v1/customers", id)), 401);
  expect_error(portal->get("/api/v1/me"), 401);
  expect_error(portal->get("/api/v1/orders"), 401);
  // Staff cookies and API keys are no portal credentials.
  expect_error(client_->get("/api/v1/portal/me"), 401);
  expect_error(client_->get("/api/v1/portal/orders"), 401);
  auto key = post("/api/v1/api-keys", json::object{{"name", "everything"},
                                                    {"scopes", json::array{"*"}}});
  ASSERT_EQ(key.status, 201) << key.body;
  HttpClient with_key(server_->base_url());
  const std::string bearer = "Authorization: Bearer " + str(key.json().at("key"));
  EXPECT_EQ(with_key.get("/api/v1/customers", {bearer}).status, 200);
  expect_error(with_key.get("/api/v1/portal/me", {bearer}), 401);
  expect_error(with_key.get("/api/v1/portal/export", {bearer}), 401);
  // Both cookies in one browser: each side reads its own.
  auto both = portal_client("portal.person@example.com");
  auto login = both->send_json("POST", "/api/v1/auth/login",
                               json::object{{"email", kAdminEmail}, {"password", kAdminPassword}});
  ASSERT_EQ(login.status, 200) << login.body;
  EXPECT_EQ(both->get("/api/v1/portal/me").json().at("customer_id").as_int64(), id);
  EXPECT_EQ(both->get("/api/v1/me").json().at("user").at("email").as_string(), kAdminEmail);
}

TEST_F(PortalAccess, EveryRouteForEveryKindOfCaller) {
  // Two customers with orders, each signed in to the portal.
  const auto a = customer("Customer A", "customer.a@example.com");
  const auto b = customer("Customer B", "customer.b@example.com");
  const auto a_order = order(a, 2, "shipped").at("id").as_int64();
  const auto b_order = order(b, 2, "shipped").at("id").as_int64();
  auto portal_a = portal_client("customer.a@example.com");
  auto portal_b = portal_client("customer.b@example.com");
  // Each customer's records of every kind the portal names by id.
  auto records_of = [&](HttpClient& portal, std::int64_t order_id) {
    Records records{{{"orders", order_id}}, order_id};
    auto opened = portal.send_json(
        "POST", "/api/v1/portal/tickets",
        json::object{{"subject", "Matrix"},
                     {"body", "A request"},
                     {"attachments", json::array{json::object{{"filename", "note.txt"},
                                                              {"content_type", "text/plain"},
                                                              {"content_base64", "aGVsbG8="}}}}});
    EXPECT_EQ(opened.status, 201) << opened.body;
    if (opened.status == 201) {
      const auto view = opened.json();
      records.ids["tickets"] = view.at("ticket").at("id").as_int64();
      records.ids["attachments"] =
          view.at("messages").at(0).at("attachments").at(0).at("id").as_int64();
    }
    return records;
  };
  const Records a_records = records_of(*portal_a, a_order);
  const Records b_records = records_of(*portal_b, b_order);
  const auto b_ticket_before = get(id_path("/api/v1/tickets", b_records.ids.at("tickets"))).body;
  const auto b_before = get(id_path("/api/v1/orders", b_order)).body;
  const auto b_customer_before = get(id_path("/api/v1/customers", b)).body;

  // A staff member of each role, with the scopes the role holds.
  std::map<std::string, std::set<std::string>> scopes;
  auto roles = get("/api/v1/roles");
  ASSERT_EQ(roles.status, 200) << roles.body;
  std::map<std::string, std::unique_ptr<HttpClient>> staff_of;
  const auto role_rows = roles.json();
  for (const auto& row : role_rows.at("items").as_array()) {
    const std::string role = str(row.at("role"));
    for (const auto& scope : row.at("scopes").as_array()) scopes[role].insert(str(scope));
    staff_of[role] = role == "admin" ? signed_in(kAdminEmail, kAdminPassword)
                                     : staff("matrix." + role + "@example.com", role);
  }
  ASSERT_GE(staff_of.size(), 5u);

  auto document = get("/api/v1/openapi.json");
  ASSERT_EQ(document.status, 200);
  const auto ops = operations(document.json());
  ASSERT_GT(ops.size(), 50u);
  std::size_t portal_routes = 0, staff_routes = 0, partner_portal_routes = 0, checked = 0;
  HttpClient nobody(server_->base_url());

  for (const auto& o : ops) {
    if (o.is_public) continue;
    const std::string what = o.method + " " + o.pattern;
    const bool is_write = o.method != "GET";
    if (o.portal == "partner") {
      // The partner portal's routes (partners_test.cpp checks partners against each other):
      // staff are no partners, and a customer's portal session is for another portal.
      ASSERT_TRUE(o.pattern.starts_with("/api/v1/portal/partner/")) << what;
      EXPECT_FALSE(o.api_key) << what;
      EXPECT_EQ(call(nobody, o, with_ids(o.pattern, a_records)).status, 401) << what;
      for (auto& [role, client] : staff_of) {
        EXPECT_EQ(call(*client, o, with_ids(o.pattern, a_records)).status, 401)
            << what << " as " << role;
      }
      auto r = call(*portal_a, o, with_ids(o.pattern, a_records));
      EXPECT_EQ(r.status, 403) << what << ": " << r.body;
      EXPECT_TRUE(refused(r)) << what << ": " << r.body;
      ++partner_portal_routes;
      ++checked;
      continue;
    }
    if (!o.portal.empty()) {
      ++portal_routes;
      ASSERT_TRUE(o.pattern.starts_with("/api/v1/portal/")) << what;
      ASSERT_EQ(o.portal, "customer") << what;
      EXPECT_FALSE(o.api_key) << what;
      // No session, and every staff role: refused before the handler.
      EXPECT_EQ(call(nobody, o, with_ids(o.pattern, a_records)).status, 401) << what;
      for (auto& [role, client] : staff_of) {
        EXPECT_EQ(call(*client, o, with_ids(o.pattern, a_records)).status, 401)
            << what << " as " << role;
      }
      if (o.pattern.find('{') != std::string::npos) {
        // The other customer's records: not found, read or written.
        auto r = call(*portal_a, o, with_ids(o.pattern, b_records));
        EXPECT_TRUE(r.status == 404 || (is_write && r.status == 400)) << what << ": " << r.status
                                                                      << " " << r.body;
        auto r2 = call(*portal_b, o, with_ids(o.pattern, a_records));
        EXPECT_TRUE(r2.status == 404 || (is_write && r2.status == 400))
            << what << ": " << r2.status << " " << r2.body;
        if (!is_write) {
          // One's own: read (a collection the matrix makes no record of may answer 404).
          auto own = call(*portal_a, o, with_ids(o.pattern, a_records));
          if (a_records.knows(o.pattern)) {
            EXPECT_EQ(own.status, 200) << what << ": " << own.body;
          } else {
            EXPECT_TRUE(own.status == 200 || own.status == 404) << what << ": " << own.body;
          }
        }
      } else if (!is_write) {
        auto r = call(*portal_a, o, o.pattern);
        EXPECT_EQ(r.status, 200) << what << ": " << r.body;
        // Nothing of B's in what A reads.
        EXPECT_EQ(r.body.find("customer.b@example.com"), std::string::npos) << what;
        EXPECT_EQ(r.body.find("Customer B"), std::string::npos) << what;
      }
      ++checked;
      continue;
    }
    ++staff_routes;
    EXPECT_FALSE(o.pattern.starts_with("/api/v1/portal/")) << what;
    const std::string path = with_ids(o.pattern, b_order);
    // No session, and both portal customers: refused before the handler.
    EXPECT_EQ(call(nobody, o, path).status, 401) << what;
    EXPECT_EQ(call(*portal_a, o, path).status, 401) << what;
    EXPECT_EQ(call(*portal_b, o, with_ids(o.pattern, a_order)).status, 401) << what;
    for (auto& [role, client] : staff_of) {
      const bool allowed = o.scope.empty() || scopes[role].contains(o.scope);
      if (!allowed) {
        auto r = call(*client, o, path);
        EXPECT_EQ(r.status, 403) << what << " as " << role << ": " << r.body;
      } else if (!is_write) {
        // Reads the role may make answer something other than a refusal (writes are left to
        // the feature tests: they would change what the other rows check).
        auto r = call(*client, o, path);
        EXPECT_FALSE(refused(r)) << what << " as " << role << ": " << r.status << " " << r.body;
      }
    }
    ++checked;
  }
  EXPECT_GE(portal_routes, 10u);
  EXPECT_GT(staff_routes, 50u);
  EXPECT_EQ(checked, portal_routes + staff_routes + partner_portal_routes);

  // B's records are as they were.
  EXPECT_EQ(get(id_path("/api/v1/orders", b_order)).body, b_before);
  EXPECT_EQ(get(id_path("/api/v1/customers", b)).body, b_customer_before);
  EXPECT_EQ(get(id_path("/api/v1/tickets", b_records.ids.at("tickets"))).body, b_ticket_before);
}

}  // namespace
}  // namespace ecrm::testing
