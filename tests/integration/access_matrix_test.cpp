// The access matrix: every route of the API document (generated from the route table, so a
// route added later is covered without touching this file) is called by every kind of caller,
// and each answer is held against the route's declaration: public, a scope of the one
// role→scope table (auth/access.cpp), or a portal subject. The callers: no session, each staff
// role, an API key with exactly the route's scope and one with every other scope, two portal
// customers (own records and the other's), two partners' users and a partner's API key (own
// data and the other partner's). No answer may be a 5xx. Path parameters name real objects of
// one fixture shop; the routes whose parameters it cannot fill are listed with the reason, and
// that list, like every other list here, must stay exact.
#include <algorithm>
#include <chrono>
#include <iostream>
#include <set>
#include <sstream>

#include "portal_support.hpp"

namespace ecrm::testing {
namespace {

namespace json = boost::json;

struct Operation {
  std::string method;   // GET, POST, …
  std::string pattern;  // /api/v1/orders/{id}
  bool is_public = false;
  std::string portal;    // x-portal: the subject of a portal route ("customer", "partner")
  std::string scope;     // x-scope
  bool api_key = false;  // the document lets API keys call it

  std::string key() const { return method + " " + pattern; }
  bool is_write() const { return method != "GET" && method != "HEAD" && method != "OPTIONS"; }
  bool has_params() const { return pattern.find('{') != std::string::npos; }
};

std::vector<Operation> operations(const json::value& document) {
  std::vector<Operation> out;
  for (const auto& [path, item] : document.at("paths").as_object()) {
    for (const auto& [method, op] : item.as_object()) {
      Operation o;
      o.pattern = std::string(path);
      o.method = std::string(method);
      for (auto& ch : o.method)
        ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      const auto& object = op.as_object();
      o.is_public = object.at("security").as_array().empty();
      if (const auto* portal = object.if_contains("x-portal")) {
        o.portal = std::string(portal->as_string());
      }
      if (const auto* scope = object.if_contains("x-scope"))
        o.scope = std::string(scope->as_string());
      for (const auto& s : object.at("security").as_array()) {
        if (s.as_object().contains("apiKey")) o.api_key = true;
      }
      out.push_back(std::move(o));
    }
  }
  return out;
}

// Staff routes that need no scope: any signed-in staff member (and any API key, where the
// document allows keys). A new route without a scope fails the matrix until it is named here.
const std::map<std::string, std::string> kAnySignedIn = {
    {"POST /api/v1/auth/logout", "ends the caller's own session"},
    {"GET /api/v1/me", "who the caller is and what it may do"},
    {"GET /api/v1/auth/two-factor", "one's own two-factor sign-in"},
    {"POST /api/v1/auth/two-factor/enrol", "one's own two-factor sign-in"},
    {"POST /api/v1/auth/two-factor/confirm", "one's own two-factor sign-in"},
    {"POST /api/v1/auth/two-factor/disable", "one's own two-factor sign-in (code or password)"},
    {"POST /api/v1/auth/two-factor/recovery-codes",
     "one's own recovery codes (code or password)"},
    {"GET /api/v1/roles", "the role→scope table itself, shown to everyone who signs in"},
    {"GET /api/v1/api-keys/scopes", "the scopes a key can carry"},
    {"GET /api/v1/api-keys", "one's own keys (admins: all, decided by the handler)"},
    {"POST /api/v1/api-keys", "a key with scopes one's role holds (checked by the handler)"},
    {"DELETE /api/v1/api-keys/{id}", "one's own keys (admins: all, decided by the handler)"},
    {"GET /api/v1/system/info", "the version and backend, for the UI's footer"},
    {"GET /api/v1/search", "each kind of result is filtered by its own scope in the handler"},
    {"GET /api/v1/home", "each panel is filtered by its own scope in the handler"},
    {"GET /api/v1/notices", "one's own notices"},
    {"GET /api/v1/notices/unread", "one's own notices"},
    {"POST /api/v1/notices/{id}/read", "one's own notices (another's: 404 in the handler)"},
    {"POST /api/v1/notices/read-all", "one's own notices"},
    {"GET /api/v1/notices/subscriptions/{topic}",
     "one's own follows; the topic's scope (feedback:read) is checked by the handler"},
    {"PUT /api/v1/notices/subscriptions/{topic}",
     "one's own follows; the topic's scope (feedback:read) is checked by the handler"},
};

// Routes whose path parameters the fixture shop names nothing for, with the reason. They are
// still called by every caller (with an id that names nothing), so their access is checked;
// only the handler past the check sees no real object.
const std::map<std::string, std::string> kUnfilled = {
    {"GET /api/v1/messages/{id}", "a message exists once the outbox delivers one (messaging_test)"},
    {"GET /api/v1/messages/{id}/events", "a message exists once the outbox delivers one"},
    {"GET /api/v1/social/mentions/{id}", "a mention comes from the signed webhook (social_test)"},
    {"POST /api/v1/social/mentions/{id}/escalate", "a mention comes from the signed webhook"},
    {"POST /api/v1/social/mentions/{id}/handled", "a mention comes from the signed webhook"},
    {"POST /api/v1/social/mentions/{id}/replies", "a mention comes from the signed webhook"},
    {"POST /api/v1/social/replies/{id}/retry", "a reply exists once one was sent to a receiver"},
    {"POST /api/v1/feedback/alerts/{id}/acknowledge",
     "an alert comes from a mining run over a threshold (feedback_job_test)"},
    {"POST /api/v1/notices/{id}/read",
     "a notice comes from a mining run's alert to its followers (feedback_notices_test)"},
    {"GET /api/v1/surveys/{token}", "public; the token is signed into a survey mail"},
    {"POST /api/v1/surveys/{token}", "public; the token is signed into a survey mail"},
    {"GET /c/{token}", "public; a click link's token is signed into a delivered message"},
    {"GET /o/{token}", "public; an open pixel's token is signed into a delivered message"},
    {"GET /s/{token}", "public; the token is signed into a delivered message"},
    {"GET /u/{token}", "public; an unsubscribe link's token is signed into a delivered message"},
    {"POST /u/{token}", "public; an unsubscribe link's token is signed into a delivered message"},
};

// Customer portal routes on which a customer may reach another customer's record: the
// community is shared (reading a thread, answering it, voting, commenting, reporting and
// following work on anyone's thread or post).
const std::set<std::string> kSharedWithOtherCustomers = {
    "GET /api/v1/portal/community/threads/{id}",
    "POST /api/v1/portal/community/threads/{id}/answers",
    "PUT /api/v1/portal/community/threads/{id}/follow",
    "DELETE /api/v1/portal/community/threads/{id}/follow",
    "POST /api/v1/portal/community/posts/{id}/comments",
    "POST /api/v1/portal/community/posts/{id}/reports",
    "PUT /api/v1/portal/community/posts/{id}/vote",
};

// Customer portal routes on which another customer's record is visible but only its author may
// change it: refused by the handler with 403 (not_author) rather than 404.
const std::set<std::string> kAuthorOnly = {
    "PATCH /api/v1/portal/community/posts/{id}",
    "DELETE /api/v1/portal/community/posts/{id}",
};

// Partner portal routes a partner's API key is refused by the handler (keys manage no keys).
const std::map<std::string, std::string> kRefusedToPartnerKeys = {
    {"POST /api/v1/portal/partner/api-keys", "a key makes no keys: a partner admin signs in"},
    {"DELETE /api/v1/portal/partner/api-keys/{id}",
     "a key revokes no keys: a partner admin signs in"},
};

// Writes that destroy the shop's object (or end a session): run after every other route.
bool destroys(const Operation& o) {
  if (o.method == "DELETE") return true;
  for (const char* suffix : {"/erase", "/merge", "/split", "/cancel", "/undo", "/close"}) {
    if (o.pattern.ends_with(suffix)) return true;
  }
  return false;
}
bool ends_session(const Operation& o) {
  return o.pattern.ends_with("/logout") || o.pattern.ends_with("/sign-out");
}
int phase_of(const Operation& o) {
  if (ends_session(o)) return 3;
  if (destroys(o)) return 2;
  return o.is_write() ? 1 : 0;
}

// The error code of an answer ("" when it has none).
std::string error_code(const HttpResult& r) {
  const auto body = r.json();
  if (!body.is_object()) return "";
  const auto* error = body.as_object().if_contains("error");
  if (error == nullptr || !error->is_object()) return "";
  const auto* code = error->as_object().if_contains("code");
  return code != nullptr && code->is_string() ? std::string(code->as_string()) : "";
}

// Codes of refusals made by the access check (dispatcher and authenticator), as opposed to a
// handler's own 403 ("not_purchased", "partner_admin_required", …).
bool is_access_refusal(const HttpResult& r) {
  if (r.status == 401) return true;
  if (r.status != 403) return false;
  static const std::set<std::string> codes = {"forbidden_role",      "missing_scope",
                                              "api_key_not_allowed", "portal_session_not_allowed",
                                              "portal_forbidden",    "portal_key_not_allowed",
                                              "csrf_failed",         "forbidden"};
  return codes.contains(error_code(r));
}

// Object ids by the pattern up to a parameter ("/api/v1/partners/{id}/users/").
using Ids = std::map<std::string, std::string>;

// The pattern with each parameter replaced by its id in `ids`; `unfilled` set when one has
// none (it is then an id that names nothing).
std::string fill(const std::string& pattern, const Ids& ids, bool* unfilled = nullptr) {
  std::string out;
  for (std::size_t at = 0; at < pattern.size();) {
    if (pattern[at] == '{') {
      auto it = ids.find(pattern.substr(0, at));
      if (it == ids.end() || it->second.empty()) {
        if (unfilled) *unfilled = true;
        out += "999999999";
      } else {
        out += it->second;
      }
      at = pattern.find('}', at) + 1;
    } else {
      out += pattern[at++];
    }
  }
  return out;
}

class AccessMatrix : public PortalBase {
 protected:
  // The id of the object an answer shows: its "id", or the "id" of the object it wraps
  // ({"user": {"id": …}, "password": …}).
  static std::string id_of(const HttpResult& r) {
    const auto body = r.json();
    if (!body.is_object()) return "";
    if (const auto* id = body.as_object().if_contains("id"); id && id->is_int64()) {
      return std::to_string(id->as_int64());
    }
    for (const auto& [name, value] : body.as_object()) {
      if (!value.is_object()) continue;
      if (const auto* id = value.as_object().if_contains("id"); id && id->is_int64()) {
        return std::to_string(id->as_int64());
      }
    }
    return "";
  }

  // POSTs as the admin and returns the new object's id ("" and a failure when not created).
  std::string made(const std::string& path, const json::value& body) {
    auto r = post(path, body);
    EXPECT_TRUE(r.status == 200 || r.status == 201) << path << ": " << r.status << " " << r.body;
    return id_of(r);
  }

  // A client signed in to the partner portal as `user_id` through a link staff made.
  std::unique_ptr<HttpClient> partner_client(const std::string& partner_id,
                                             const std::string& user_id) {
    auto link = post("/api/v1/partners/" + partner_id + "/users/" + user_id + "/sign-in-link",
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

  // A staff API key of the admin with exactly `scopes`.
  std::string api_key(const std::string& name, const std::vector<std::string>& scopes) {
    json::array list;
    for (const auto& s : scopes) list.push_back(json::value(s));
    auto r = post("/api/v1/api-keys", json::object{{"name", name}, {"scopes", list}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? str(r.json().at("key")) : "";
  }
};

// Who calls, and how.
struct Caller {
  enum class Kind {
    kNobody,
    kStaff,
    kKeyWith,     // an API key holding exactly the route's scope
    kKeyWithout,  // an API key holding every scope but the route's
    kCustomer,
    kPartner,
    kPartnerKey
  };
  Kind kind;
  std::string label;
  HttpClient* client = nullptr;  // its cookies (sessions)
  std::string role;              // kStaff
  char party = 'A';              // kCustomer, kPartner, kPartnerKey: whose records are "own"
  bool signed_out = false;       // its session ended by a sign-out route
};

enum class Expect { kAllowed, kUnauthenticated, kForbidden, kNotFound, kAnything };

const char* to_string(Expect e) {
  switch (e) {
    case Expect::kAllowed:
      return "allowed past the access check";
    case Expect::kUnauthenticated:
      return "401";
    case Expect::kForbidden:
      return "403 from the access check";
    case Expect::kNotFound:
      return "404 (another party's record)";
    case Expect::kAnything:
      return "any answer below 500";
  }
  return "?";
}

bool meets(Expect expect, const Operation& o, const HttpResult& r) {
  if (r.status >= 500 || r.status == 0) return false;
  switch (expect) {
    case Expect::kAllowed:
      return !is_access_refusal(r);
    case Expect::kUnauthenticated:
      return r.status == 401;
    case Expect::kForbidden:
      return r.status == 403 && is_access_refusal(r);
    case Expect::kNotFound:
      return r.status == 404 || (o.is_write() && (r.status == 400 || r.status == 422));
    case Expect::kAnything:
      return true;
  }
  return false;
}

TEST_F(AccessMatrix, EveryRouteForEveryKindOfCaller) {
  const auto started = std::chrono::steady_clock::now();
  auto document = get("/api/v1/openapi.json");
  ASSERT_EQ(document.status, 200);
  auto ops = operations(document.json());
  ASSERT_GT(ops.size(), 200u);
  std::set<std::string> documented;
  for (const auto& o : ops) documented.insert(o.key());

  // The one role→scope table, as the API shows it, and every scope a key can carry.
  std::map<std::string, std::set<std::string>> scopes_of;
  auto roles = get("/api/v1/roles");
  ASSERT_EQ(roles.status, 200) << roles.body;
  const auto role_rows = roles.json();
  for (const auto& row : role_rows.at("items").as_array()) {
    for (const auto& scope : row.at("scopes").as_array()) {
      scopes_of[str(row.at("role"))].insert(str(scope));
    }
  }
  ASSERT_GE(scopes_of.size(), 5u);
  std::vector<std::string> all_scopes;
  auto listed_scopes = get("/api/v1/api-keys/scopes");
  ASSERT_EQ(listed_scopes.status, 200) << listed_scopes.body;
  const auto scope_rows = listed_scopes.json();
  for (const auto& row : scope_rows.at("items").as_array()) {
    all_scopes.push_back(str(row.at("scope")));
  }
  const std::set<std::string> known(all_scopes.begin(), all_scopes.end());
  EXPECT_EQ(scopes_of.at("admin"), known) << "the admin holds every scope";

  // Every route is declared: public, a portal's, or needing a scope the table knows (or one
  // of the few any signed-in caller may use).
  std::vector<std::string> undeclared;
  for (const auto& o : ops) {
    if (o.is_public) continue;
    if (!o.portal.empty()) {
      if (o.portal != "customer" && o.portal != "partner")
        undeclared.push_back(o.key() + ": portal " + o.portal);
      continue;
    }
    if (o.scope.empty() && !kAnySignedIn.contains(o.key())) {
      undeclared.push_back(o.key() + ": no scope");
    } else if (!o.scope.empty() && !known.contains(o.scope)) {
      undeclared.push_back(o.key() + ": scope " + o.scope + " is not in the access table");
    }
  }
  for (const auto& [key, why] : kAnySignedIn) {
    auto it =
        std::find_if(ops.begin(), ops.end(), [&](const Operation& o) { return o.key() == key; });
    if (it == ops.end() || !it->scope.empty() || it->is_public || !it->portal.empty()) {
      undeclared.push_back(key + ": listed as needing no scope, but it is not such a route");
    }
  }
  EXPECT_TRUE(undeclared.empty()) << [&] {
    std::string out = "routes without a declaration:\n";
    for (const auto& line : undeclared) out += "  " + line + "\n";
    return out;
  }();

  // The callers.
  std::map<std::string, std::unique_ptr<HttpClient>> staff_of;
  for (const auto& [role, scopes] : scopes_of) {
    staff_of[role] = role == "admin" ? signed_in(kAdminEmail, kAdminPassword)
                                     : staff("access." + role + "@example.com", role);
  }
  std::map<std::string, std::string> key_with, key_without;
  for (const auto& scope : all_scopes) {
    key_with[scope] = api_key("only " + scope, {scope});
    std::vector<std::string> others;
    for (const auto& s : all_scopes) {
      if (s != scope) others.push_back(s);
    }
    key_without[scope] = api_key("all but " + scope, others);
  }

  // The fixture shop, as the staff routes see it.
  Ids shop;
  const std::string customer_id =
      made("/api/v1/customers",
           json::object{{"name", "Matrix Shopper"}, {"email", "shopper@matrix.example"}});
  shop["/api/v1/customers/"] = customer_id;
  shop["/api/v1/analytics/customers/"] = customer_id;
  shop["/api/v1/referrals/referrers/"] = customer_id;
  shop["/api/v1/community/members/"] = customer_id;
  const std::string product_id = std::to_string(product());
  for (const char* prefix : {"/api/v1/products/", "/api/v1/feedback/products/",
                             "/api/v1/public/products/", "/api/v1/portal/products/"}) {
    shop[prefix] = product_id;
  }
  shop["/api/v1/categories/"] = made("/api/v1/categories", json::object{{"name", "Matrix Things"}});
  auto shop_order = order(std::stoll(customer_id), 2, "shipped");
  const std::string order_id = std::to_string(shop_order.at("id").as_int64());
  shop["/api/v1/orders/"] = order_id;
  shop["/api/v1/returns/"] =
      made("/api/v1/orders/" + order_id + "/returns",
           json::object{{"reason", "damaged"},
                        {"lines", json::array{json::object{
                                      {"order_line_id", shop_order.at("lines").at(0).at("id")},
                                      {"quantity", 1}}}}});
  shop["/api/v1/tickets/"] =
      made("/api/v1/tickets", json::object{{"customer_id", std::stoll(customer_id)},
                                           {"subject", "Matrix ticket"},
                                           {"body", "It does not start."},
                                           {"channel", "email"}});
  shop["/api/v1/interactions/"] =
      made("/api/v1/interactions", json::object{{"channel", "phone"},
                                                {"direction", "inbound"},
                                                {"from_address", "+86 138 0013 8000"},
                                                {"duration_seconds", 60}});
  shop["/api/v1/macros/"] =
      made("/api/v1/macros", json::object{{"name", "Matrix macro"}, {"body", "Thanks."}});
  shop["/api/v1/sla-policies/"] =
      made("/api/v1/sla-policies", json::object{{"name", "Matrix policy"},
                                                {"match", json::object{{"priority", "high"}}},
                                                {"first_response_minutes", 120}});
  shop["/api/v1/service-contracts/"] =
      made("/api/v1/service-contracts", json::object{{"customer_id", std::stoll(customer_id)},
                                                     {"reference", "SC-MATRIX"},
                                                     {"starts_on", "2020-01-01"},
                                                     {"ends_on", "2030-12-31"}});
  {
    auto key = post("/api/v1/write-keys", json::object{{"name", "matrix shop"}});
    EXPECT_EQ(key.status, 201) << key.body;
    shop["/api/v1/write-keys/"] = id_of(key);
  }
  {
    auto added = post("/api/v1/suppressions",
                      json::object{{"address", "gone@matrix.example"}, {"detail", "matrix"}});
    EXPECT_EQ(added.status, 201) << added.body;
    shop["/api/v1/suppressions/"] = "gone@matrix.example";
  }
  shop["/api/v1/export/"] = "customers";
  shop["/api/v1/import/"] = "customers";
  {
    auto job =
        client_->request("POST", "/api/v1/import/customers?dry_run=true",
                         "external_id,name,email\nMX-1,Matrix Imported,imported@matrix.example\n",
                         {"Content-Type: text/csv", "X-CSRF-Token: " + client_->csrf_token});
    EXPECT_EQ(job.status, 202) << job.body;
    shop["/api/v1/import/jobs/"] = id_of(job);
  }
  // A user and an API key of their own, so that their routes change no caller.
  shop["/api/v1/users/"] = made("/api/v1/users", json::object{{"email", "spare@matrix.example"},
                                                              {"role", "analyst"},
                                                              {"password", "Spare-pass-1234"}});
  {
    auto key = post("/api/v1/api-keys",
                    json::object{{"name", "spare"}, {"scopes", json::array{"customers:read"}}});
    EXPECT_EQ(key.status, 201) << key.body;
    shop["/api/v1/api-keys/"] = id_of(key);
  }
  // A partner of the shop's own, with a user, a key, a webhook and a lead rule.
  const std::string shop_partner = made(
      "/api/v1/partners", json::object{{"name", "Matrix Distributor"}, {"kind", "distributor"}});
  shop["/api/v1/partners/"] = shop_partner;
  const std::string partners = "/api/v1/partners/" + shop_partner;
  shop["/api/v1/partners/{id}/users/"] =
      made(partners + "/users", json::object{{"email", "desk@matrix-distributor.example"},
                                             {"name", "Desk"},
                                             {"role", "partner_staff"}});
  shop["/api/v1/partners/{id}/api-keys/"] =
      made(partners + "/api-keys", json::object{{"name", "spare"}});
  shop["/api/v1/partners/{id}/webhooks/"] =
      made(partners + "/webhooks", json::object{{"url", "http://127.0.0.1:9/matrix"}});
  shop["/api/v1/partners/{id}/lead-rules/"] =
      made(partners + "/lead-rules", json::object{{"countries", json::array{"de"}}});
  {
    auto lead = post("/api/v1/leads", json::object{{"company", "Matrix Buyer GmbH"},
                                                   {"contact_name", "Buyer"},
                                                   {"email", "buyer@matrix-buyer.example"},
                                                   {"country", "FR"},
                                                   {"quantity", 4},
                                                   {"message", "A quote, please."}});
    EXPECT_EQ(lead.status, 201) << lead.body;
    shop["/api/v1/leads/"] = id_of(lead);
  }
  {
    auto board = post("/api/v1/community/boards", json::object{{"product_id", product()}});
    EXPECT_EQ(board.status, 201) << board.body;
    shop["/api/v1/community/boards/"] = id_of(board);
    shop["/api/v1/portal/community/boards/"] = id_of(board);
  }
  {
    auto flows = get("/api/v1/automation/flows");
    EXPECT_EQ(flows.status, 200) << flows.body;
    const auto body = flows.json();
    if (flows.status == 200 && !body.at("items").as_array().empty()) {
      shop["/api/v1/automation/flows/"] = str(body.at("items").at(0).at("key"));
    }
  }
  shop["/api/v1/notices/subscriptions/"] = "feedback";
  {
    auto templates = get("/api/v1/message-templates");
    EXPECT_EQ(templates.status, 200) << templates.body;
    const auto body = templates.json();
    if (templates.status == 200 && !body.at("items").as_array().empty()) {
      const auto& first = body.at("items").at(0);
      shop["/api/v1/message-templates/"] = str(first.at("key"));
      shop["/api/v1/message-templates/{key}/"] = str(first.at("language"));
    }
  }

  {
    auto flow = json::object{
        {"name", "Matrix advisor"},
        {"currency", "EUR"},
        {"questions",
         json::array{json::object{
             {"key", "use"},
             {"text", "What for?"},
             {"options", json::array{json::object{
                             {"key", "travel"},
                             {"label", "Travel"},
                             {"products", json::array{json::object{{"product_id", product()},
                                                                   {"score", 1}}}}}}}}}}};
    const std::string questionnaire = made("/api/v1/advisor", flow);
    shop["/api/v1/advisor/"] = questionnaire;
    shop["/api/v1/portal/advisor/"] = questionnaire;
  }
  shop["/api/v1/campaigns/"] =
      made("/api/v1/campaigns",
           json::object{{"name", "Matrix campaign"},
                        {"template_key", "win_back"},
                        {"audience", json::object{{"q", "shopper@matrix.example"}}}});
  {
    // Two customers merged into one, for the merge's undo.
    const auto kept = made("/api/v1/customers",
                           json::object{{"name", "Matrix Kept"}, {"email", "kept@matrix.example"}});
    const auto gone = made("/api/v1/customers", json::object{{"name", "Matrix Gone"},
                                                             {"email", "merged@matrix.example"}});
    auto merged =
        post("/api/v1/customers/" + kept + "/merge", json::object{{"other_id", std::stoll(gone)}});
    EXPECT_EQ(merged.status, 200) << merged.body;
    shop["/api/v1/customers/merges/"] = id_of(merged);  // {"merge": {"id": …}, …}
  }
  {
    auto key = post("/api/v1/write-keys", json::object{{"name", "matrix snippet"}});
    EXPECT_EQ(key.status, 201) << key.body;
    const std::string write_key = key.status == 201 ? str(key.json().at("key")) : "";
    const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    HttpClient snippet(server_->base_url());
    auto sent = snippet.request(
        "POST", "/api/v1/events?key=" + write_key,
        json::serialize(
            json::object{{"events", json::array{json::object{{"event_id", "matrix-1"},
                                                             {"type", "page_view"},
                                                             {"anonymous_id", "v-matrix"},
                                                             {"ts", now},
                                                             {"properties", json::object{}}}}}}),
        {"Content-Type: text/plain"});
    EXPECT_EQ(sent.status, 200) << sent.body;
    shop["/api/v1/visitors/"] = "v-matrix";
  }

  // Two portal customers, each with a shipped order, a ticket with a file, a review of the
  // shop's product, a community thread and an answer.
  struct Party {
    std::unique_ptr<HttpClient> client;
    Ids ids;
    std::string email;
    std::string name;
  };
  auto portal_customer = [&](const std::string& name, const std::string& email) {
    Party party;
    party.email = email;
    party.name = name;
    const auto id = customer(name, email);
    const auto own_order = order(id, 1, "shipped");
    party.client = portal_client(email);
    HttpClient& c = *party.client;
    party.ids = shop;
    party.ids["/api/v1/portal/orders/"] = std::to_string(own_order.at("id").as_int64());
    auto opened = c.send_json(
        "POST", "/api/v1/portal/tickets",
        json::object{{"subject", "Matrix"},
                     {"body", "A request"},
                     {"attachments", json::array{json::object{{"filename", "note.txt"},
                                                              {"content_type", "text/plain"},
                                                              {"content_base64", "aGVsbG8="}}}}});
    EXPECT_EQ(opened.status, 201) << opened.body;
    if (opened.status == 201) {
      const auto view = opened.json();
      party.ids["/api/v1/portal/tickets/"] = std::to_string(view.at("ticket").at("id").as_int64());
      party.ids["/api/v1/portal/attachments/"] =
          std::to_string(view.at("messages").at(0).at("attachments").at(0).at("id").as_int64());
    }
    auto display =
        c.send_json("PUT", "/api/v1/portal/community/me",
                    json::object{{"display_name", "matrix_" + std::string(1, email[0])}});
    EXPECT_EQ(display.status, 200) << display.body;
    auto thread =
        c.send_json("POST", "/api/v1/portal/community/threads",
                    json::object{{"board_id", std::stoll(shop.at("/api/v1/community/boards/"))},
                                 {"kind", "question"},
                                 {"title", "Matrix question of " + name},
                                 {"body", "How does it work?"}});
    EXPECT_EQ(thread.status, 201) << thread.body;
    if (thread.status == 201) {
      const auto view = thread.json();
      party.ids["/api/v1/portal/community/threads/"] =
          std::to_string(view.at("thread").at("id").as_int64());
      party.ids["/api/v1/portal/community/posts/"] =
          std::to_string(view.at("opening").at("id").as_int64());
    }
    auto review = c.send_json("PUT", "/api/v1/portal/products/" + product_id + "/review",
                              json::object{{"rating", 4}});
    EXPECT_EQ(review.status, 200) << review.body;
    if (review.status == 200) party.ids["/api/v1/community/reviews/"] = id_of(review);
    return party;
  };
  {
    // A third customer asks to be erased: closing the request erases them, not a caller.
    customer("Customer Charlie", "charlie@matrix.example");
    auto charlie = portal_client("charlie@matrix.example");
    auto asked = charlie->send_json("POST", "/api/v1/portal/erase-requests",
                                    json::object{{"reason", "matrix"}});
    EXPECT_EQ(asked.status, 201) << asked.body;
    shop["/api/v1/erase-requests/"] = id_of(asked);
  }
  Party customer_a = portal_customer("Customer Alpha", "alpha@matrix.example");
  Party customer_b = portal_customer("Customer Bravo", "bravo@matrix.example");
  // Staff reach A's ticket, file, thread, post and review.
  for (const auto& [staff_prefix, portal_prefix] : std::vector<std::pair<std::string, std::string>>{
           {"/api/v1/attachments/", "/api/v1/portal/attachments/"},
           {"/api/v1/community/threads/", "/api/v1/portal/community/threads/"},
           {"/api/v1/community/moderation/threads/", "/api/v1/portal/community/threads/"},
           {"/api/v1/community/posts/", "/api/v1/portal/community/posts/"},
           {"/api/v1/community/reviews/", "/api/v1/community/reviews/"}}) {
    if (customer_a.ids.contains(portal_prefix)) {
      shop[staff_prefix] = customer_a.ids.at(portal_prefix);
    }
  }

  {
    // An article made of a staff answer on A's thread.
    auto answer =
        post("/api/v1/community/threads/" + shop["/api/v1/community/threads/"] + "/answers",
             json::object{{"body", "Press the button."}});
    EXPECT_EQ(answer.status, 201) << answer.body;
    auto article = post("/api/v1/community/posts/" + id_of(answer) + "/kb", json::object{});
    EXPECT_TRUE(article.status == 200 || article.status == 201) << article.body;
    shop["/api/v1/community/kb/"] = id_of(article);
  }

  // Two partners, each with a product of the shop's, a line of an order, an admin signed in
  // to the partner portal, a webhook, a spare key and a lead routed to it; and A's API key.
  auto portal_partner = [&](const std::string& name, const std::string& sku) {
    Party party;
    party.name = name;
    party.email = "admin@" + sku + ".example";
    const std::string id =
        made("/api/v1/partners",
             json::object{{"name", name}, {"kind", "supplier"}, {"lead_time_days", 5}});
    const std::string item = made("/api/v1/products", json::object{{"sku", sku},
                                                                   {"name", sku + " item"},
                                                                   {"price", 2000},
                                                                   {"currency", "EUR"},
                                                                   {"stock_on_hand", 5}});
    made("/api/v1/partners/" + id + "/products", json::object{{"product_id", std::stoll(item)},
                                                              {"cost", 1000},
                                                              {"currency", "EUR"},
                                                              {"lead_time_days", 2}});
    const auto placed =
        post("/api/v1/orders",
             json::object{{"customer_id", std::stoll(customer_id)},
                          {"lines", json::array{json::object{{"product_id", std::stoll(item)},
                                                             {"quantity", 1}}}}});
    EXPECT_EQ(placed.status, 201) << placed.body;
    const std::string user = made(
        "/api/v1/partners/" + id + "/users",
        json::object{{"email", party.email}, {"name", name + " admin"}, {"role", "partner_admin"}});
    party.client = partner_client(id, user);
    HttpClient& c = *party.client;
    party.ids = shop;
    party.ids["/api/v1/partners/"] = id;  // not a portal route's; names the partner below
    party.ids["/api/v1/portal/partner/products/"] = item;
    if (placed.status == 201) {
      party.ids["/api/v1/portal/partner/lines/"] =
          std::to_string(placed.json().at("lines").at(0).at("id").as_int64());
    }
    auto hook = c.send_json("POST", "/api/v1/portal/partner/webhooks",
                            json::object{{"url", "http://127.0.0.1:9/matrix"}});
    EXPECT_EQ(hook.status, 201) << hook.body;
    party.ids["/api/v1/portal/partner/webhooks/"] = id_of(hook);
    auto spare =
        c.send_json("POST", "/api/v1/portal/partner/api-keys", json::object{{"name", "spare"}});
    EXPECT_EQ(spare.status, 201) << spare.body;
    party.ids["/api/v1/portal/partner/api-keys/"] = id_of(spare);
    auto lead = post("/api/v1/leads", json::object{{"company", "Buyer of " + name},
                                                   {"contact_name", "Buyer"},
                                                   {"email", "buyer@" + sku + ".example"},
                                                   {"country", "FR"},
                                                   {"quantity", 4},
                                                   {"message", "A quote, please."}});
    EXPECT_EQ(lead.status, 201) << lead.body;
    if (lead.status == 201) {
      auto routed = post("/api/v1/leads/" + id_of(lead) + "/route",
                         json::object{{"partner_id", std::stoll(id)}});
      EXPECT_EQ(routed.status, 200) << routed.body;
      if (routed.status == 200) party.ids["/api/v1/portal/partner/leads/"] = id_of(lead);
    }
    return party;
  };
  Party partner_a = portal_partner("Matrix Supplier A", "matrix-a");
  Party partner_b = portal_partner("Matrix Supplier B", "matrix-b");
  std::string partner_a_key;
  {
    auto key = post("/api/v1/partners/" + partner_a.ids.at("/api/v1/partners/") + "/api-keys",
                    json::object{{"name", "matrix erp"}, {"role", "partner_admin"}});
    EXPECT_EQ(key.status, 201) << key.body;
    if (key.status == 201) partner_a_key = str(key.json().at("key"));
  }

  std::vector<Caller> callers;
  HttpClient nobody(server_->base_url());
  HttpClient keyed(server_->base_url());  // no cookies: the API keys' calls
  callers.push_back({Caller::Kind::kNobody, "no session", &nobody});
  for (auto& [role, client] : staff_of) {
    callers.push_back({Caller::Kind::kStaff, "staff " + role, client.get(), role});
  }
  callers.push_back({Caller::Kind::kKeyWith, "key with the route's scope", &keyed});
  callers.push_back({Caller::Kind::kKeyWithout, "key with every other scope", &keyed});
  // The other party first: its calls on A's records come before A's own writes change them.
  callers.push_back({Caller::Kind::kCustomer, "customer B", customer_b.client.get(), "", 'B'});
  callers.push_back({Caller::Kind::kCustomer, "customer A", customer_a.client.get(), "", 'A'});
  callers.push_back({Caller::Kind::kPartner, "partner B's admin", partner_b.client.get(), "", 'B'});
  callers.push_back({Caller::Kind::kPartnerKey, "partner A's API key", &keyed, "", 'A'});
  callers.push_back({Caller::Kind::kPartner, "partner A's admin", partner_a.client.get(), "", 'A'});

  // The phases: reads, writes, destroying writes, sign-outs; document order within each.
  std::stable_sort(ops.begin(), ops.end(), [](const Operation& l, const Operation& r) {
    return phase_of(l) < phase_of(r);
  });

  std::vector<std::string> mismatches;
  std::set<std::string> unfilled_routes;
  std::set<std::string> shared_seen, author_only_seen, partner_key_refused_seen;
  std::size_t calls = 0;
  std::map<std::string, std::size_t> calls_expecting;
  std::map<std::string, std::size_t> routes_of_kind;
  for (const auto& o : ops) {
    const std::string what = o.key();
    const bool customer_route = o.portal == "customer";
    const bool partner_route = o.portal == "partner";
    routes_of_kind[o.is_public ? "public" : !o.portal.empty() ? o.portal + " portal" : "staff"]++;
    bool unfilled = false;
    fill(o.pattern,
         customer_route  ? customer_a.ids
         : partner_route ? partner_a.ids
                         : shop,
         &unfilled);
    if (unfilled) unfilled_routes.insert(what);

    for (auto& caller : callers) {
      // Whose records the path names, and what the declaration says of this caller.
      const Ids* ids = &shop;
      Expect expect = Expect::kAllowed;
      std::string bearer;
      const Party* own = nullptr;
      const Party* other = nullptr;
      if (caller.kind == Caller::Kind::kCustomer) {
        own = caller.party == 'A' ? &customer_a : &customer_b;
        other = caller.party == 'A' ? &customer_b : &customer_a;
      } else if (caller.kind == Caller::Kind::kPartner ||
                 caller.kind == Caller::Kind::kPartnerKey) {
        own = caller.party == 'A' ? &partner_a : &partner_b;
        other = caller.party == 'A' ? &partner_b : &partner_a;
      }
      switch (caller.kind) {
        case Caller::Kind::kNobody:
          expect = Expect::kUnauthenticated;
          break;
        case Caller::Kind::kStaff:
          if (!o.portal.empty()) {
            expect = Expect::kUnauthenticated;  // a staff cookie is no portal credential
          } else {
            expect = o.scope.empty() || scopes_of[caller.role].contains(o.scope)
                         ? Expect::kAllowed
                         : Expect::kForbidden;
          }
          break;
        case Caller::Kind::kKeyWith:
        case Caller::Kind::kKeyWithout: {
          if (o.scope.empty() && caller.kind == Caller::Kind::kKeyWithout) continue;
          const std::string scope = o.scope.empty() ? all_scopes.front() : o.scope;
          bearer = caller.kind == Caller::Kind::kKeyWith ? key_with[scope] : key_without[scope];
          if (!o.portal.empty()) {
            expect = Expect::kUnauthenticated;  // a staff key is no portal credential
          } else if (!o.api_key) {
            expect = Expect::kForbidden;
          } else {
            expect = caller.kind == Caller::Kind::kKeyWith ? Expect::kAllowed : Expect::kForbidden;
          }
          break;
        }
        case Caller::Kind::kCustomer:
          if (partner_route) {
            expect = Expect::kForbidden;
          } else if (!customer_route) {
            expect = Expect::kUnauthenticated;  // the portal cookie is no staff credential
          } else {
            expect = Expect::kAllowed;
          }
          break;
        case Caller::Kind::kPartner:
        case Caller::Kind::kPartnerKey:
          if (caller.kind == Caller::Kind::kPartnerKey) bearer = partner_a_key;
          if (customer_route) {
            expect = Expect::kForbidden;
          } else if (!partner_route) {
            // The portal cookie is no staff credential; a partner's key is refused outright.
            expect = caller.kind == Caller::Kind::kPartnerKey ? Expect::kForbidden
                                                              : Expect::kUnauthenticated;
          } else if (caller.kind == Caller::Kind::kPartnerKey &&
                     kRefusedToPartnerKeys.contains(what)) {
            partner_key_refused_seen.insert(what);
            expect = Expect::kForbidden;
          } else {
            expect = Expect::kAllowed;
          }
          break;
      }
      if (o.is_public) expect = Expect::kAnything;
      if (caller.signed_out && !o.is_public) expect = Expect::kUnauthenticated;

      // On its own portal's routes a party's path names its own records; B is sent to A's and
      // A to B's, and those must be refused as not found (unless the route is shared).
      if (own != nullptr && ((customer_route && caller.kind == Caller::Kind::kCustomer) ||
                             (partner_route && caller.kind != Caller::Kind::kCustomer))) {
        ids = &own->ids;
        if (expect == Expect::kAllowed && o.has_params()) {
          const std::string own_path = fill(o.pattern, own->ids);
          const std::string other_path = fill(o.pattern, other->ids);
          if (own_path != other_path) {
            // The other party's records, first.
            HttpResult r = [&] {
              if (!bearer.empty()) {
                std::vector<std::string> headers{"Authorization: Bearer " + bearer};
                if (!o.is_write()) return caller.client->request(o.method, other_path, "", headers);
                headers.push_back("Content-Type: application/json");
                return caller.client->request(o.method, other_path, "{}", headers);
              }
              if (!o.is_write()) return caller.client->request(o.method, other_path);
              return caller.client->request(
                  o.method, other_path, "{}",
                  {"Content-Type: application/json", "X-CSRF-Token: " + caller.client->csrf_token});
            }();
            ++calls;
            ++calls_expecting["on the other party's record"];
            const bool shared = customer_route && kSharedWithOtherCustomers.contains(what);
            if (shared) shared_seen.insert(what);
            const bool author_only = customer_route && kAuthorOnly.contains(what);
            if (author_only) author_only_seen.insert(what);
            const Expect cross = shared ? Expect::kAllowed : Expect::kNotFound;
            const bool refused_as_author =
                author_only && r.status == 403 && error_code(r) == "not_author";
            if (!refused_as_author && !meets(cross, o, r)) {
              mismatches.push_back(what + " as " + caller.label + " on the other party's record " +
                                   other_path + ": expected " + to_string(cross) + ", got " +
                                   std::to_string(r.status) + " " + r.body.substr(0, 200));
            }
          }
        }
      }

      const std::string path = fill(o.pattern, *ids);
      HttpResult r;
      std::vector<std::string> headers;
      if (!bearer.empty()) headers.push_back("Authorization: Bearer " + bearer);
      if (!o.is_write()) {
        r = caller.client->request(o.method, path, "", headers);
      } else {
        headers.push_back("Content-Type: application/json");
        if (bearer.empty() && !caller.client->csrf_token.empty()) {
          headers.push_back("X-CSRF-Token: " + caller.client->csrf_token);
        }
        r = caller.client->request(o.method, path, "{}", headers);
      }
      ++calls;
      ++calls_expecting[to_string(expect)];
      if (!meets(expect, o, r)) {
        mismatches.push_back(what + " as " + caller.label + " (" + path + "): expected " +
                             to_string(expect) + ", got " + std::to_string(r.status) + " " +
                             r.body.substr(0, 200));
      }
      // A party reading its own portal's list sees nothing of the other party.
      if (expect == Expect::kAllowed && other != nullptr && !o.is_write() && !o.has_params() &&
          r.status == 200) {
        if (r.body.find(other->email) != std::string::npos ||
            r.body.find(other->name) != std::string::npos) {
          mismatches.push_back(what + " as " + caller.label +
                               " shows the other party's data: " + r.body.substr(0, 200));
        }
      }
      if (ends_session(o) && expect == Expect::kAllowed && r.status < 300 && bearer.empty() &&
          caller.kind != Caller::Kind::kNobody) {
        caller.signed_out = true;
      }
    }
  }

  // The lists above are exact: each entry names a route that still needs it.
  std::vector<std::string> stale;
  for (const auto& [key, why] : kUnfilled) {
    if (!unfilled_routes.contains(key)) stale.push_back("kUnfilled: " + key);
  }
  for (const auto& key : unfilled_routes) {
    if (!kUnfilled.contains(key)) stale.push_back("a parameter the fixture does not fill: " + key);
  }
  for (const auto& key : kSharedWithOtherCustomers) {
    if (!shared_seen.contains(key)) stale.push_back("kSharedWithOtherCustomers: " + key);
  }
  for (const auto& key : kAuthorOnly) {
    if (!author_only_seen.contains(key)) stale.push_back("kAuthorOnly: " + key);
  }
  for (const auto& [key, why] : kRefusedToPartnerKeys) {
    if (!partner_key_refused_seen.contains(key)) stale.push_back("kRefusedToPartnerKeys: " + key);
  }
  EXPECT_TRUE(stale.empty()) << [&] {
    std::string out = "lists out of date:\n";
    for (const auto& line : stale) out += "  " + line + "\n";
    return out;
  }();
  EXPECT_TRUE(mismatches.empty()) << [&] {
    std::string out = std::to_string(mismatches.size()) + " answers differ from the declaration:\n";
    for (const auto& line : mismatches) out += "  " + line + "\n";
    return out;
  }();

  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::ostringstream summary;
  summary << ops.size() << " routes (";
  for (const auto& [kind, count] : routes_of_kind) summary << count << " " << kind << ", ";
  summary << unfilled_routes.size() << " with an unfilled parameter) x " << callers.size()
          << " callers: " << calls << " calls in " << seconds << " s (expected: ";
  for (const auto& [expect, count] : calls_expecting) summary << count << " " << expect << "; ";
  summary << ")";
  RecordProperty("matrix", summary.str());
  std::cout << "[ matrix   ] " << summary.str() << "\n";
  EXPECT_GE(routes_of_kind["customer portal"], 10u);
  EXPECT_GE(routes_of_kind["partner portal"], 10u);
}

}  // namespace
}  // namespace ecrm::testing
