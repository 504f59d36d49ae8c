// The foundation's API over real HTTP, on the backend named by ECRM_TEST_DB.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <thread>

#include "crm_support.hpp"
#include "harness.hpp"

namespace ecrm::testing {
namespace {

namespace json = boost::json;

constexpr const char* kAdminEmail = "owner@example.com";
constexpr const char* kAdminPassword = "Owner-pass-1234";

class Api : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new ServerProcess({}, {{"ECRM_ADMIN_EMAIL", kAdminEmail},
                                     {"ECRM_ADMIN_PASSWORD", kAdminPassword}});
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  // A client signed in as `email`, holding its CSRF token.
  static std::unique_ptr<HttpClient> signed_in(const std::string& email, const std::string& password) {
    auto client = std::make_unique<HttpClient>(server_->base_url());
    auto login = client->send_json("POST", "/api/v1/auth/login",
                                   json::object{{"email", email}, {"password", password}});
    EXPECT_EQ(login.status, 200) << login.body;
    if (login.status == 200) client->csrf_token = std::string(login.json().at("csrf_token").as_string());
    return client;
  }
  static std::unique_ptr<HttpClient> admin() { return signed_in(kAdminEmail, kAdminPassword); }

  static void expect_error(const HttpResult& r, long status, const std::string& code = {}) {
    EXPECT_EQ(r.status, status) << r.body;
    auto body = r.json();
    ASSERT_TRUE(body.is_object() && body.as_object().contains("error")) << r.body;
    const auto& error = body.at("error").as_object();
    EXPECT_TRUE(error.contains("code") && error.contains("message")) << r.body;
    if (!code.empty()) {
      EXPECT_EQ(error.at("code").as_string(), code) << r.body;
    }
  }

  static ServerProcess* server_;
};
ServerProcess* Api::server_ = nullptr;

TEST_F(Api, HealthAndReadiness) {
  HttpClient client(server_->base_url());
  auto health = client.get("/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.json().at("status").as_string(), "ok");
  auto ready = client.get("/readyz");
  EXPECT_EQ(ready.status, 200) << ready.body;
  EXPECT_EQ(ready.json().at("database").as_string(), test_backend());
}

TEST_F(Api, MetricsCountRequestsByRouteAndStatus) {
  HttpClient client(server_->base_url());
  client.get("/healthz");
  client.get("/api/v1/me");
  auto metrics = client.get("/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.header("content-type").find("text/plain"), std::string::npos);
  EXPECT_NE(metrics.body.find("# TYPE ecrm_http_requests_total counter"), std::string::npos);
  EXPECT_NE(metrics.body.find("ecrm_http_requests_total{route=\"/healthz\",method=\"GET\",status=\"200\"}"),
            std::string::npos) << metrics.body;
  EXPECT_NE(metrics.body.find("ecrm_http_requests_total{route=\"/api/v1/me\",method=\"GET\",status=\"401\"}"),
            std::string::npos) << metrics.body;
  EXPECT_NE(metrics.body.find("ecrm_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"+Inf\"}"),
            std::string::npos);
}

TEST_F(Api, OpenApiDocumentsEveryRouteAndNothingElse) {
  HttpClient client(server_->base_url());
  auto doc = client.get("/api/v1/openapi.json");
  ASSERT_EQ(doc.status, 200);
  auto body = doc.json();
  ASSERT_TRUE(body.is_object()) << doc.body.substr(0, 200);
  EXPECT_EQ(body.at("openapi").as_string(), "3.1.0");
  const auto& paths = body.at("paths").as_object();
  // Every route this suite exercises must be documented...
  const std::set<std::pair<std::string, std::string>> expected = {
      {"get", "/healthz"},          {"get", "/readyz"},           {"get", "/metrics"},
      {"get", "/api/v1/openapi.json"}, {"get", "/api/v1/system/info"},
      {"post", "/api/v1/auth/login"}, {"post", "/api/v1/auth/logout"}, {"get", "/api/v1/me"},
      {"get", "/api/v1/users"},     {"post", "/api/v1/users"},    {"patch", "/api/v1/users/{id}"},
      {"get", "/api/v1/api-keys"},  {"post", "/api/v1/api-keys"}, {"delete", "/api/v1/api-keys/{id}"},
      {"get", "/api/v1/api-keys/scopes"}, {"get", "/api/v1/audit"}};
  for (const auto& [method, path] : expected) {
    ASSERT_TRUE(paths.contains(path)) << "missing path " << path;
    EXPECT_TRUE(paths.at(path).as_object().contains(method)) << method << " " << path;
  }
  // ...and every documented operation must exist on the server (no 404 "no such endpoint"),
  // with a summary and responses.
  auto admin_client = admin();
  int operations = 0;
  for (const auto& [path, item] : paths) {
    for (const auto& [method, op] : item.as_object()) {
      ++operations;
      EXPECT_FALSE(op.at("summary").as_string().empty()) << path;
      EXPECT_TRUE(op.as_object().contains("responses")) << path;
      std::string concrete(path);
      for (auto pos = concrete.find('{'); pos != std::string::npos; pos = concrete.find('{')) {
        concrete.replace(pos, concrete.find('}', pos) - pos + 1, "999999");
      }
      std::string m(method);
      for (auto& c : m) c = static_cast<char>(std::toupper(c));
      if (concrete == "/api/v1/auth/logout") continue;  // would end the admin session
      auto r = admin_client->request(m, concrete, m == "GET" || m == "DELETE" ? "" : "{}",
                                     {"X-CSRF-Token: " + admin_client->csrf_token});
      bool unknown = r.status == 404 && r.body.find("no such endpoint") != std::string::npos;
      EXPECT_FALSE(unknown) << m << " " << concrete << " is documented but not served";
      EXPECT_NE(r.status, 405) << m << " " << concrete;
      EXPECT_LT(r.status, 500) << m << " " << concrete << ": " << r.body;
    }
  }
  EXPECT_GE(operations, static_cast<int>(expected.size()));
}

TEST_F(Api, MeWithoutCredentialsIs401WithJsonError) {
  HttpClient client(server_->base_url());
  expect_error(client.get("/api/v1/me"), 401, "authentication_required");
  expect_error(client.get("/api/v1/me", {"Authorization: Bearer ek_not-a-real-key"}), 401,
               "invalid_api_key");
  expect_error(client.get("/api/v1/me", {"Cookie: ecrm_session=forged"}), 401, "invalid_session");
}

TEST_F(Api, MalformedJsonIs400WithJsonError) {
  HttpClient client(server_->base_url());
  expect_error(client.request("POST", "/api/v1/auth/login", "{\"email\": ", {"Content-Type: application/json"}),
               400, "invalid_json");
  expect_error(client.request("POST", "/api/v1/auth/login", "[1,2]"), 400, "expected_object");
  auto missing = client.request("POST", "/api/v1/auth/login", "{\"email\":\"x@example.com\"}");
  expect_error(missing, 400, "required");
  EXPECT_EQ(missing.json().at("error").at("field").as_string(), "password");
  auto wrong_type = client.request("POST", "/api/v1/auth/login", "{\"email\":5,\"password\":\"x\"}");
  expect_error(wrong_type, 400);
  EXPECT_EQ(wrong_type.json().at("error").at("field").as_string(), "email");
}

TEST_F(Api, CliCreatedUserCanSignInAndSeeThemselves) {
  std::string output;
  ASSERT_EQ(server_->run_cli({"user", "add", "--email", "a@example.com", "--role", "admin",
                              "--password", "S3cure-pass!"}, &output), 0) << output;
  HttpClient client(server_->base_url());
  auto login = client.request("POST", "/api/v1/auth/login",
                              R"({"email":"A@Example.com","password":"S3cure-pass!"})");
  ASSERT_EQ(login.status, 200) << login.body;
  std::string cookie = login.header("set-cookie");
  EXPECT_NE(cookie.find("ecrm_session="), std::string::npos);
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Lax"), std::string::npos);
  EXPECT_FALSE(login.json().at("csrf_token").as_string().empty());
  auto me = client.get("/api/v1/me");
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.json().at("user").at("email").as_string(), "a@example.com");
  EXPECT_EQ(me.json().at("user").at("role").as_string(), "admin");
  EXPECT_EQ(me.json().at("auth").as_string(), "session");

  // The same e-mail twice is refused with exit code 2.
  EXPECT_EQ(server_->run_cli({"user", "add", "--email", "a@example.com", "--role", "sales",
                              "--password", "S3cure-pass!"}, &output), 2) << output;

  // Logout ends the session for good.
  client.csrf_token = std::string(login.json().at("csrf_token").as_string());
  EXPECT_EQ(client.send_json("POST", "/api/v1/auth/logout", json::object{}).status, 204);
  EXPECT_EQ(client.get("/api/v1/me").status, 401);
}

TEST_F(Api, BodyOverTheLimitIs413) {
  HttpClient client(server_->base_url());
  std::string big(2 * 1024 * 1024, 'x');
  auto r = client.request("POST", "/api/v1/auth/login", big, {"Content-Type: application/json"});
  expect_error(r, 413, "payload_too_large");
  // The server still answers afterwards.
  EXPECT_EQ(client.get("/healthz").status, 200);
}

TEST_F(Api, ServesTheWebUiWithCachingAndClientRouting) {
  HttpClient client(server_->base_url());
  auto index = client.get("/");
  ASSERT_EQ(index.status, 200) << "web/dist missing? " << index.body;
  EXPECT_NE(index.header("content-type").find("text/html"), std::string::npos);
  EXPECT_NE(index.body.find("<div id=\"app\""), std::string::npos) << index.body.substr(0, 300);
  EXPECT_EQ(index.header("cache-control"), "no-cache");
  auto deep = client.get("/customers/42");
  EXPECT_EQ(deep.status, 200);
  EXPECT_EQ(deep.body, index.body);
  // A hashed asset referenced by index.html is immutable.
  auto pos = index.body.find("/assets/");
  ASSERT_NE(pos, std::string::npos);
  std::string asset = index.body.substr(pos, index.body.find('"', pos) - pos);
  auto js = client.get(asset);
  EXPECT_EQ(js.status, 200) << asset;
  EXPECT_NE(js.header("cache-control").find("immutable"), std::string::npos);
  EXPECT_EQ(client.get(asset, {"If-None-Match: " + js.header("etag")}).status, 304);
  EXPECT_EQ(client.get("/assets/does-not-exist.js").status, 404);
  expect_error(client.get("/api/v1/no-such-thing"), 404);
}

TEST_F(Api, CookieWritesNeedTheCsrfToken) {
  auto client = admin();
  std::string token = client->csrf_token;
  client->csrf_token.clear();
  auto without = client->send_json("POST", "/api/v1/api-keys",
                                   json::object{{"name", "x"}, {"scopes", json::array{"customers:read"}}});
  expect_error(without, 403, "csrf_failed");
  client->csrf_token = "wrong";
  expect_error(client->send_json("POST", "/api/v1/api-keys",
                                 json::object{{"name", "x"}, {"scopes", json::array{"customers:read"}}}),
               403, "csrf_failed");
  client->csrf_token = token;
  EXPECT_EQ(client->send_json("POST", "/api/v1/api-keys",
                              json::object{{"name", "x"}, {"scopes", json::array{"customers:read"}}})
                .status,
            201);
}

TEST_F(Api, ApiKeysAreShownOnceScopedAndRevocable) {
  auto client = admin();
  auto created = client->send_json(
      "POST", "/api/v1/api-keys",
      json::object{{"name", "shop sync"}, {"scopes", json::array{"customers:read", "orders:write"}}});
  ASSERT_EQ(created.status, 201) << created.body;
  std::string key(created.json().at("key").as_string());
  std::int64_t id = created.json().at("id").as_int64();
  EXPECT_EQ(key.rfind("ek_", 0), 0u);

  HttpClient bearer(server_->base_url());
  auto me = bearer.get("/api/v1/me", {"Authorization: Bearer " + key});
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.json().at("auth").as_string(), "api_key");
  EXPECT_EQ(me.json().at("scopes").as_array().size(), 2u);
  expect_error(bearer.get("/api/v1/users", {"Authorization: Bearer " + key}), 403, "missing_scope");
  // Keys cannot mint keys.
  expect_error(bearer.request("POST", "/api/v1/api-keys", R"({"name":"y","scopes":["*"]})",
                              {"Authorization: Bearer " + key}),
               403, "api_key_not_allowed");

  // The list never shows the key itself, only its prefix.
  auto list = client->get("/api/v1/api-keys");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.body.find(key), std::string::npos);
  EXPECT_NE(list.body.find(key.substr(0, 7)), std::string::npos);

  // Unknown scopes are refused naming the field.
  auto bad = client->send_json("POST", "/api/v1/api-keys",
                               json::object{{"name", "x"}, {"scopes", json::array{"root"}}});
  expect_error(bad, 400);
  EXPECT_EQ(bad.json().at("error").at("field").as_string(), "scopes");

  EXPECT_EQ(client->request("DELETE", "/api/v1/api-keys/" + std::to_string(id), "",
                            {"X-CSRF-Token: " + client->csrf_token}).status,
            204);
  expect_error(bearer.get("/api/v1/me", {"Authorization: Bearer " + key}), 401, "invalid_api_key");
}

TEST_F(Api, RepeatedLoginFailuresAreRateLimited) {
  HttpClient client(server_->base_url());
  std::string body = R"({"email":"victim@example.com","password":"wrong-password"})";
  for (int i = 0; i < 5; ++i) {
    expect_error(client.request("POST", "/api/v1/auth/login", body), 401, "invalid_credentials");
  }
  expect_error(client.request("POST", "/api/v1/auth/login", body), 429, "rate_limited");
}

TEST_F(Api, AdminsManageUsersAndTheLastAdminIsProtected) {
  auto client = admin();
  auto created = client->send_json("POST", "/api/v1/users",
                                   json::object{{"email", "agent@example.com"}, {"role", "service"}});
  ASSERT_EQ(created.status, 201) << created.body;
  std::string password(created.json().at("password").as_string());
  std::int64_t id = created.json().at("user").at("id").as_int64();
  auto agent = signed_in("agent@example.com", password);
  expect_error(agent->get("/api/v1/users"), 403, "forbidden_role");
  expect_error(agent->get("/api/v1/audit"), 403);

  expect_error(client->send_json("POST", "/api/v1/users",
                                 json::object{{"email", "agent@example.com"}, {"role", "sales"}}),
               409, "email_taken");
  auto bad_role = client->send_json("POST", "/api/v1/users",
                                    json::object{{"email", "z@example.com"}, {"role", "king"}});
  expect_error(bad_role, 400);
  EXPECT_EQ(bad_role.json().at("error").at("field").as_string(), "role");

  auto disabled = client->send_json("PATCH", "/api/v1/users/" + std::to_string(id),
                                    json::object{{"disabled", true}});
  ASSERT_EQ(disabled.status, 200) << disabled.body;
  EXPECT_EQ(agent->get("/api/v1/me").status, 401) << "a disabled user's session must end";
  expect_error(agent->send_json("POST", "/api/v1/auth/login",
                                json::object{{"email", "agent@example.com"}, {"password", password}}),
               401, "invalid_credentials");
  expect_error(client->send_json("PATCH", "/api/v1/users/424242", json::object{{"name", "x"}}), 404);
  expect_error(client->send_json("PATCH", "/api/v1/users/abc", json::object{{"name", "x"}}), 404);
}

TEST_F(Api, ListsPageWithCursors) {
  auto client = admin();
  for (int i = 0; i < 3; ++i) {
    auto r = client->send_json("POST", "/api/v1/users",
                               json::object{{"email", "page" + std::to_string(i) + "@example.com"},
                                            {"role", "analyst"}});
    ASSERT_EQ(r.status, 201);
  }
  std::set<std::int64_t> seen;
  std::string cursor;
  int pages = 0;
  do {
    auto page = client->get("/api/v1/users?limit=2" + (cursor.empty() ? "" : "&cursor=" + cursor));
    ASSERT_EQ(page.status, 200) << page.body;
    auto body = page.json();
    for (const auto& item : body.at("items").as_array()) {
      EXPECT_TRUE(seen.insert(item.at("id").as_int64()).second) << "duplicate across pages";
    }
    cursor = body.at("next_cursor").is_null() ? "" : std::string(body.at("next_cursor").as_string());
    ++pages;
  } while (!cursor.empty() && pages < 50);
  EXPECT_GE(seen.size(), 4u);
  EXPECT_GE(pages, 2);
  expect_error(client->get("/api/v1/users?limit=0"), 400);
  expect_error(client->get("/api/v1/users?cursor=!!!"), 400);
}

TEST_F(Api, EveryWriteIsAudited) {
  auto client = admin();
  auto created = client->send_json("POST", "/api/v1/users",
                                   json::object{{"email", "audited@example.com"}, {"role", "sales"}});
  ASSERT_EQ(created.status, 201);
  std::string id = std::to_string(created.json().at("user").at("id").as_int64());
  auto audit = client->get("/api/v1/audit?limit=20");
  ASSERT_EQ(audit.status, 200) << audit.body;
  bool found = false;
  auto body = audit.json();
  for (const auto& item : body.at("items").as_array()) {
    if (item.at("action").as_string() == "POST /api/v1/users" && item.at("entity_id").as_string() == id) {
      found = true;
      EXPECT_EQ(item.at("actor").as_string(), kAdminEmail);
      EXPECT_EQ(item.at("actor_type").as_string(), "user");
      EXPECT_EQ(item.at("entity").as_string(), "user");
      EXPECT_EQ(item.at("status").as_int64(), 201);
      EXPECT_EQ(item.at("details").at("email").as_string(), "audited@example.com");
      EXPECT_EQ(item.at("ip").as_string(), "127.0.0.1");
    }
  }
  EXPECT_TRUE(found) << audit.body;
}

TEST_F(Api, SystemInfoReportsBackendAndCounts) {
  auto client = admin();
  auto info = client->get("/api/v1/system/info");
  ASSERT_EQ(info.status, 200) << info.body;
  EXPECT_EQ(info.json().at("database").as_string(), test_backend());
  EXPECT_GE(info.json().at("users").as_int64(), 1);
  EXPECT_TRUE(info.json().at("requests_by_status").is_object());
}

TEST_F(Api, GarbageNeverCausesA500) {
  auto client = admin();
  const std::vector<std::string> bodies = {
      "", "null", "0", "\"s\"", "{", "{}", "{\"email\":null}", "{\"scopes\":\"x\"}",
      "{\"scopes\":[1,2]}", "{\"role\":[]}", "{\"disabled\":\"yes\"}", std::string("\0\xff\xfe", 3),
      "{\"name\":\"" + std::string(5000, 'n') + "\"}", "{\"email\":\"\\ud800\"}"};
  const std::vector<std::pair<std::string, std::string>> routes = {
      {"POST", "/api/v1/auth/login"}, {"POST", "/api/v1/users"}, {"PATCH", "/api/v1/users/1"},
      {"POST", "/api/v1/api-keys"}};
  for (const auto& [method, path] : routes) {
    for (const auto& body : bodies) {
      auto r = client->request(method, path, body,
                               {"Content-Type: application/json", "X-CSRF-Token: " + client->csrf_token});
      EXPECT_GE(r.status, 200) << method << " " << path;
      EXPECT_LT(r.status, 500) << method << " " << path << " body " << body.substr(0, 40) << ": " << r.body;
    }
  }
  EXPECT_EQ(client->get("/healthz").status, 200);
}

// API keys are capped by their owner's role: when created, and on every use, so that a change of
// role or a disabled owner takes effect on existing keys at once.
class AuthKeys : public CrmApi {
 protected:
  struct Staff {
    std::int64_t id = 0;
    std::unique_ptr<HttpClient> client;
  };
  // A signed-in staff user with `role`, created by the admin.
  Staff staff_user(const std::string& email, const std::string& role) {
    const std::string password = "Staff-pass-1234";
    auto created = post("/api/v1/users",
                        json::object{{"email", email}, {"role", role}, {"password", password}});
    EXPECT_EQ(created.status, 201) << created.body;
    if (created.status != 201) return {};
    return Staff{created.json().at("user").at("id").as_int64(), signed_in(email, password)};
  }
  // POST /api/v1/api-keys by `client` with `scopes`.
  static HttpResult make_key(HttpClient& client, const json::array& scopes) {
    return client.send_json("POST", "/api/v1/api-keys",
                            json::object{{"name", "integration"}, {"scopes", scopes}});
  }
  static std::string key_of(const HttpResult& created) {
    EXPECT_EQ(created.status, 201) << created.body;
    if (created.status != 201) return {};
    return std::string(created.json().at("key").as_string());
  }
  // Sends a JSON body with the API key `key` (no cookie, no CSRF token).
  HttpResult with_key(const std::string& key, const std::string& method, const std::string& path,
                      const json::value& body = json::object{}) {
    HttpClient bearer(server_->base_url());
    return bearer.request(method, path, method == "GET" ? "" : json::serialize(body),
                          {"Authorization: Bearer " + key, "Content-Type: application/json"});
  }
  std::int64_t a_customer(const std::string& name) {
    return create("/api/v1/customers", json::object{{"name", name}});
  }
};

TEST_F(AuthKeys, MarketingCannotEraseCustomersWithAKey) {
  auto marketing = staff_user("marketer@example.com", "marketing");
  std::int64_t customer = a_customer("Erase Me Not");
  // The sign-in itself may not erase...
  const std::string erase = id_path("/api/v1/customers", customer) + "/erase";
  expect_error(marketing.client->send_json("POST", erase, json::object{}), 403);
  // ...nor grant a key the scope...
  expect_error(make_key(*marketing.client, json::array{"customers:erase"}), 403,
               "scope_not_allowed");
  // ...nor erase with a key of the scopes it holds.
  std::string key = key_of(make_key(*marketing.client, json::array{"customers:write"}));
  ASSERT_FALSE(key.empty());
  expect_error(with_key(key, "POST", erase), 403, "missing_scope");
  EXPECT_EQ(get(id_path("/api/v1/customers", customer)).json().at("name").as_string(),
            "Erase Me Not");
}

TEST_F(AuthKeys, AnalystKeysCannotCreateCustomers) {
  auto analyst = staff_user("analyst-keys@example.com", "analyst");
  expect_error(make_key(*analyst.client, json::array{"customers:write"}), 403,
               "scope_not_allowed");
  expect_error(make_key(*analyst.client, json::array{"*"}), 403, "scope_not_allowed");
  std::string key = key_of(make_key(*analyst.client, json::array{"customers:read"}));
  ASSERT_FALSE(key.empty());
  expect_error(with_key(key, "POST", "/api/v1/customers", json::object{{"name", "Nope"}}), 403,
               "missing_scope");
  EXPECT_EQ(with_key(key, "GET", "/api/v1/customers?limit=1").status, 200);
}

TEST_F(AuthKeys, ARoleChangeTakesEffectOnExistingKeysAtOnce) {
  auto sales = staff_user("seller-keys@example.com", "sales");
  std::string key = key_of(make_key(*sales.client, json::array{"customers:write"}));
  ASSERT_FALSE(key.empty());
  // Used twice, so that the key's principal is cached.
  EXPECT_EQ(with_key(key, "POST", "/api/v1/customers", json::object{{"name", "By Key 1"}}).status,
            201);
  EXPECT_EQ(with_key(key, "POST", "/api/v1/customers", json::object{{"name", "By Key 2"}}).status,
            201);
  auto me = with_key(key, "GET", "/api/v1/me");
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.json().at("scopes"), (json::array{"customers:write"}));

  auto demoted = patch(id_path("/api/v1/users", sales.id), json::object{{"role", "analyst"}});
  ASSERT_EQ(demoted.status, 200) << demoted.body;
  EXPECT_EQ(demoted.json().at("user").at("role").as_string(), "analyst");
  expect_error(with_key(key, "POST", "/api/v1/customers", json::object{{"name", "By Key 3"}}),
               403, "missing_scope");
  me = with_key(key, "GET", "/api/v1/me");
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_TRUE(me.json().at("scopes").as_array().empty()) << me.body;
  EXPECT_EQ(me.json().at("user").at("role").as_string(), "analyst");

  // Promoted back, the key works again: it keeps the scopes it was given.
  ASSERT_EQ(patch(id_path("/api/v1/users", sales.id), json::object{{"role", "sales"}}).status, 200);
  EXPECT_EQ(with_key(key, "POST", "/api/v1/customers", json::object{{"name", "By Key 4"}}).status,
            201);
}

TEST_F(AuthKeys, DisablingTheOwnerStopsTheKeyAtOnce) {
  auto service = staff_user("agent-keys@example.com", "service");
  std::string key = key_of(make_key(*service.client, json::array{"customers:read"}));
  ASSERT_FALSE(key.empty());
  EXPECT_EQ(with_key(key, "GET", "/api/v1/customers?limit=1").status, 200);
  EXPECT_EQ(with_key(key, "GET", "/api/v1/me").status, 200);
  ASSERT_EQ(patch(id_path("/api/v1/users", service.id), json::object{{"disabled", true}}).status,
            200);
  expect_error(with_key(key, "GET", "/api/v1/customers?limit=1"), 401, "invalid_api_key");
  expect_error(with_key(key, "GET", "/api/v1/me"), 401, "invalid_api_key");
}

TEST_F(AuthKeys, MeAnswersTheCallersScopesAndRolesComeFromTheServer) {
  auto analyst = staff_user("analyst-me@example.com", "analyst");
  auto me = analyst.client->get("/api/v1/me");
  ASSERT_EQ(me.status, 200) << me.body;
  auto body = me.json();
  EXPECT_EQ(body.at("auth").as_string(), "session");
  EXPECT_FALSE(body.at("csrf_token").as_string().empty());
  EXPECT_TRUE(body.at("api_key").is_null());
  std::set<std::string> scopes;
  for (const auto& s : body.at("scopes").as_array()) scopes.insert(std::string(s.as_string()));
  EXPECT_TRUE(scopes.count("customers:read"));
  EXPECT_FALSE(scopes.count("customers:write"));

  auto roles = analyst.client->get("/api/v1/roles");
  ASSERT_EQ(roles.status, 200) << roles.body;
  std::map<std::string, std::set<std::string>> by_role;
  const auto roles_body = roles.json();
  for (const auto& item : roles_body.at("items").as_array()) {
    auto& held = by_role[std::string(item.at("role").as_string())];
    for (const auto& s : item.at("scopes").as_array()) held.insert(std::string(s.as_string()));
  }
  EXPECT_EQ(by_role.size(), 5u);
  EXPECT_EQ(by_role.at("analyst"), scopes) << "the session holds exactly its role's scopes";
  EXPECT_TRUE(by_role.at("admin").count("users:admin"));
  EXPECT_FALSE(by_role.at("marketing").count("customers:erase"));
  HttpClient anonymous(server_->base_url());
  EXPECT_EQ(anonymous.get("/api/v1/roles").status, 401);
}

TEST(ServerLifecycle, SigtermStopsGracefully) {
  ServerProcess server;
  HttpClient client(server.base_url());
  ASSERT_EQ(client.get("/healthz").status, 200);  // leaves an idle keep-alive connection
  auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(server.terminate(15), 0) << server.log();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
  EXPECT_NE(server.log().find("server stopped"), std::string::npos) << server.log();
}

TEST(ServerLifecycle, InFlightRequestsFinishDuringShutdown) {
  ServerProcess server({}, {{"ECRM_ADMIN_PASSWORD", kAdminPassword}, {"ECRM_ADMIN_EMAIL", kAdminEmail}});
  // Logins hash a password (tens of milliseconds each): several in flight when SIGTERM lands.
  constexpr int kClients = 6;
  std::vector<long> statuses(kClients, 0);
  std::vector<std::thread> threads;
  for (int i = 0; i < kClients; ++i) {
    threads.emplace_back([&, i] {
      HttpClient c(server.base_url());
      statuses[i] = c.request("POST", "/api/v1/auth/login",
                              std::string(R"({"email":")") + kAdminEmail + R"(","password":")" +
                                  kAdminPassword + "\"}").status;
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  int exit_code = server.terminate(30);
  for (auto& t : threads) t.join();
  EXPECT_EQ(exit_code, 0);
  for (long status : statuses) {
    // A request either completed normally or was never accepted (connection refused: -1);
    // none is cut off half-way with a 5xx.
    EXPECT_TRUE(status == 200 || status == 429 || status == -1) << status;
  }
}

}  // namespace
}  // namespace ecrm::testing
