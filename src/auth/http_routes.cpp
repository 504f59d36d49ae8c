#include "auth/http_routes.hpp"

#include "auth/access.hpp"

#include <boost/json.hpp>

#include "http/context.hpp"

namespace ecrm::auth {

namespace json = boost::json;
using http::Access;
using http::Method;
using http::RequestContext;
using http::Response;
using http::Route;

namespace {

constexpr const char* kUserSchema =
    R"({"type":"object","properties":{"id":{"type":"integer"},"email":{"type":"string"},)"
    R"("name":{"type":"string"},"role":{"type":"string","enum":["admin","marketing","sales","service","analyst"]},)"
    R"("disabled":{"type":"boolean"},"created_at":{"type":"integer"},"last_login_at":{"type":["integer","null"]}}})";

json::value optional_ms(const std::optional<UnixMs>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

json::object user_json(const User& user) {
  return json::object{{"id", user.id},
                      {"email", user.email},
                      {"name", user.name},
                      {"role", to_string(user.role)},
                      {"disabled", user.disabled},
                      {"created_at", user.created_at},
                      {"last_login_at", optional_ms(user.last_login_at)}};
}

json::object key_json(const ApiKey& key) {
  json::array scopes;
  for (const auto& s : key.scopes) scopes.push_back(json::value(s));
  return json::object{{"id", key.id},
                      {"user_id", key.user_id},
                      {"name", key.name},
                      {"prefix", key.prefix},
                      {"scopes", std::move(scopes)},
                      {"created_at", key.created_at},
                      {"last_used_at", optional_ms(key.last_used_at)},
                      {"revoked_at", optional_ms(key.revoked_at)}};
}

json::object audit_json(const AuditRecord& r) {
  json::error_code ec;
  json::value details = json::parse(r.details, ec);
  if (ec) details = json::object{};
  return json::object{{"id", r.id},
                      {"at", r.at},
                      {"actor_type", r.actor_type},
                      {"actor_id", r.actor_id ? json::value(*r.actor_id) : json::value(nullptr)},
                      {"actor", r.actor.empty() ? json::value(nullptr) : json::value(r.actor)},
                      {"action", r.action},
                      {"entity", r.entity},
                      {"entity_id", r.entity_id},
                      {"status", r.status},
                      {"ip", r.ip},
                      {"details", std::move(details)}};
}

Actor actor_of(const RequestContext& ctx) {
  return Actor{ctx.principal().user_id, parse_role(ctx.principal().role).value_or(Role::kAnalyst)};
}


// The required "role" field as a Role; 400 naming "role" when absent or unknown.
Result<Role> role_field(const json::object& body) {
  ECRM_ASSIGN_OR_RETURN(auto text, http::optional_string(body, "role", 20));
  if (!text) return Error::invalid("role is required", "role", "required");
  auto role = parse_role(*text);
  if (!role) {
    return Error::invalid("role must be one of admin, marketing, sales, service, analyst", "role");
  }
  return *role;
}


}  // namespace

void add_auth_routes(http::Router& router, AuthService& service, HttpAuthenticator& authenticator,
                     AuthRoutesConfig config) {
  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/auth/login",
      .access = Access::public_route(),
      .doc = {.summary = "Sign in with e-mail and password; sets the session cookie and returns "
                         "the CSRF token for later writes",
              .tag = "auth",
              .request_schema = R"({"type":"object","required":["email","password"],"properties":)"
                                R"({"email":{"type":"string"},"password":{"type":"string"}}})",
              .response_schema = R"({"type":"object","properties":{"user":)" +
                                 std::string(kUserSchema) + R"(,"csrf_token":{"type":"string"}}})",
              .error_statuses = {401, 429}},
      .handler =
          [&service, config](RequestContext& ctx) -> Response {
            auto body = ctx.json_object();
            if (!body.ok()) return http::error_response(body.error());
            auto email = http::require_string(*body, "email", 320);
            if (!email.ok()) return http::error_response(email.error());
            auto password = http::require_string(*body, "password", 1024);
            if (!password.ok()) return http::error_response(password.error());
            auto user_agent = ctx.request().headers.get("user-agent").value_or("");
            auto result = service.login(*email, *password, ctx.request().remote_ip,
                                        std::string(user_agent.substr(0, 300)));
            if (!result.ok()) return http::error_response(result.error());
            ctx.set_audit(std::to_string(result->user.id));
            Response response = http::json_response(
                200, json::object{{"user", user_json(result->user)},
                                  {"csrf_token", result->csrf_token},
                                  {"expires_at", result->expires_at}});
            std::string cookie = std::string(kSessionCookie) + "=" + result->session_token +
                                 "; Path=/; HttpOnly; SameSite=Lax; Max-Age=" +
                                 std::to_string((result->expires_at - now_ms()) / 1000);
            if (config.secure_cookies) cookie += "; Secure";
            response.header("Set-Cookie", cookie);
            return response;
          },
      .audit_entity = "session"});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/auth/logout",
      .access = Access::session_only(),
      .doc = {.summary = "Sign out: ends the session and clears the cookie", .tag = "auth",
              .success_status = 204},
      .handler =
          [&service, &authenticator](RequestContext& ctx) -> Response {
            if (auto token = ctx.request().cookie(kSessionCookie)) {
              if (auto status = service.logout(*token); !status.ok()) {
                return http::error_response(status.error());
              }
            }
            authenticator.invalidate();
            Response response = http::no_content();
            response.header("Set-Cookie", std::string(kSessionCookie) +
                                              "=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
            return response;
          },
      .audit_entity = "session"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/me",
      .access = Access::authenticated(),
      .doc = {.summary = "The signed-in user or the API key's owner, with the CSRF token "
                         "(sessions) or the key's scopes (API keys)",
              .tag = "auth"},
      .handler =
          [](RequestContext& ctx) -> Response {
            const auto& p = ctx.principal();
            json::object body{{"user", json::object{{"id", p.user_id},
                                                     {"email", p.email},
                                                     {"name", p.name},
                                                     {"role", p.role}}}};
            if (p.kind == http::Principal::Kind::kSession) {
              body["auth"] = "session";
              body["csrf_token"] = p.csrf_token;
            } else {
              body["auth"] = "api_key";
              json::array scopes;
              for (const auto& s : p.scopes) scopes.push_back(json::value(s));
              body["scopes"] = std::move(scopes);
              body["api_key"] = json::object{{"id", p.api_key_id}, {"name", p.api_key_name}};
            }
            return http::json_response(200, body);
          },
      .blocking = false});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/users",
      .access = Access::needs("users:admin"),
      .doc = {.summary = "List staff users", .tag = "users",
              .query_params = {"limit", "cursor"}},
      .handler = [&service](RequestContext& ctx) -> Response {
        auto page = ctx.page();
        if (!page.ok()) return http::error_response(page.error());
        auto users = service.list_users(page->after, page->limit);
        if (!users.ok()) return http::error_response(users.error());
        json::array items;
        for (const auto& u : *users) items.push_back(user_json(u));
        return http::json_response(
            200, http::page_json(*users, *page, std::move(items)));
      }});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/users",
      .access = Access::needs("users:admin"),
      .doc = {.summary = "Create a staff user; a password is generated (and returned once) when "
                         "none is given",
              .tag = "users",
              .request_schema = R"({"type":"object","required":["email","role"],"properties":{)"
                                R"("email":{"type":"string"},"role":{"type":"string"},)"
                                R"("name":{"type":"string"},"password":{"type":"string"}}})",
              .success_status = 201,
              .error_statuses = {409}},
      .handler =
          [&service](RequestContext& ctx) -> Response {
            auto body = ctx.json_object();
            if (!body.ok()) return http::error_response(body.error());
            NewUser request;
            auto email = http::require_string(*body, "email", 320);
            if (!email.ok()) return http::error_response(email.error());
            request.email = *email;
            auto role = role_field(*body);
            if (!role.ok()) return http::error_response(role.error());
            request.role = *role;
            auto name = http::optional_string(*body, "name", 200);
            if (!name.ok()) return http::error_response(name.error());
            request.name = name->value_or("");
            auto password = http::optional_string(*body, "password", 256);
            if (!password.ok()) return http::error_response(password.error());
            request.password = *password;
            auto created = service.create_user(request);
            if (!created.ok()) return http::error_response(created.error());
            ctx.set_audit(std::to_string(created->user.id),
                          json::serialize(json::object{{"email", created->user.email},
                                                       {"role", to_string(created->user.role)}}));
            json::object out{{"user", user_json(created->user)}};
            if (created->generated_password) out["password"] = *created->generated_password;
            return http::json_response(201, out);
          },
      .audit_entity = "user"});

  router.add(Route{
      .method = Method::kPatch,
      .pattern = "/api/v1/users/{id}",
      .access = Access::needs("users:admin"),
      .doc = {.summary = "Change a user's name, role, password or disabled flag", .tag = "users",
              .request_schema = R"({"type":"object","properties":{"name":{"type":"string"},)"
                                R"("role":{"type":"string"},"disabled":{"type":"boolean"},)"
                                R"("password":{"type":"string"}}})",
              .error_statuses = {404, 409}},
      .handler =
          [&service, &authenticator](RequestContext& ctx) -> Response {
            auto id = ctx.id_param("id");
            if (!id.ok()) return http::error_response(id.error());
            auto body = ctx.json_object();
            if (!body.ok()) return http::error_response(body.error());
            UserChanges changes;
            auto name = http::optional_string(*body, "name", 200);
            if (!name.ok()) return http::error_response(name.error());
            changes.name = *name;
            if (body->contains("role")) {
              auto role = role_field(*body);
              if (!role.ok()) return http::error_response(role.error());
              changes.role = *role;
            }
            auto disabled = http::optional_bool(*body, "disabled");
            if (!disabled.ok()) return http::error_response(disabled.error());
            changes.disabled = *disabled;
            auto password = http::optional_string(*body, "password", 256);
            if (!password.ok()) return http::error_response(password.error());
            changes.password = *password;
            auto updated = service.update_user(actor_of(ctx), *id, changes);
            if (!updated.ok()) return http::error_response(updated.error());
            authenticator.invalidate();
            json::object details;
            if (changes.role) details["role"] = to_string(*changes.role);
            if (changes.disabled) details["disabled"] = *changes.disabled;
            if (changes.password) details["password_changed"] = true;
            ctx.set_audit(std::to_string(*id), json::serialize(details));
            return http::json_response(200, json::object{{"user", user_json(*updated)}});
          },
      .audit_entity = "user"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/api-keys/scopes",
      .access = Access::session_only(),
      .doc = {.summary = "The scopes an API key can carry", .tag = "api-keys"},
      .handler =
          [](RequestContext&) -> Response {
            json::array items;
            for (const auto& s : all_scopes()) {
              items.push_back(json::object{{"scope", s.scope}, {"description", s.description}});
            }
            return http::json_response(200, json::object{{"items", std::move(items)}});
          },
      .blocking = false});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/api-keys",
      .access = Access::session_only(),
      .doc = {.summary = "List API keys (admins: all; others: their own)", .tag = "api-keys",
              .query_params = {"limit", "cursor"}},
      .handler = [&service](RequestContext& ctx) -> Response {
        auto page = ctx.page();
        if (!page.ok()) return http::error_response(page.error());
        auto keys = service.list_api_keys(actor_of(ctx), page->after, page->limit);
        if (!keys.ok()) return http::error_response(keys.error());
        json::array items;
        for (const auto& k : *keys) items.push_back(key_json(k));
        return http::json_response(
            200, http::page_json(*keys, *page, std::move(items)));
      }});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/api-keys",
      .access = Access::session_only(),
      .doc = {.summary = "Create an API key with scopes; the key is returned once and stored "
                         "hashed",
              .tag = "api-keys",
              .request_schema = R"({"type":"object","required":["name","scopes"],"properties":{)"
                                R"("name":{"type":"string"},"scopes":{"type":"array","items":{"type":"string"}}}})",
              .response_schema = R"({"type":"object","properties":{"id":{"type":"integer"},)"
                                 R"("key":{"type":"string"},"name":{"type":"string"},)"
                                 R"("prefix":{"type":"string"},"scopes":{"type":"array"}}})",
              .success_status = 201},
      .handler =
          [&service](RequestContext& ctx) -> Response {
            auto body = ctx.json_object();
            if (!body.ok()) return http::error_response(body.error());
            auto name = http::require_string(*body, "name", 100);
            if (!name.ok()) return http::error_response(name.error());
            auto scopes = http::string_array(*body, "scopes", true, 50);
            if (!scopes.ok()) return http::error_response(scopes.error());
            auto created = service.create_api_key(actor_of(ctx), *name, *scopes);
            if (!created.ok()) return http::error_response(created.error());
            json::object out = key_json(created->key);
            out["key"] = created->secret;
            ctx.set_audit(std::to_string(created->key.id),
                          json::serialize(json::object{{"name", created->key.name},
                                                       {"scopes", out["scopes"]}}));
            return http::json_response(201, out);
          },
      .audit_entity = "api_key"});

  router.add(Route{
      .method = Method::kDelete,
      .pattern = "/api/v1/api-keys/{id}",
      .access = Access::session_only(),
      .doc = {.summary = "Revoke an API key", .tag = "api-keys", .success_status = 204,
              .error_statuses = {404}},
      .handler =
          [&service, &authenticator](RequestContext& ctx) -> Response {
            auto id = ctx.id_param("id");
            if (!id.ok()) return http::error_response(id.error());
            if (auto status = service.revoke_api_key(actor_of(ctx), *id); !status.ok()) {
              return http::error_response(status.error());
            }
            authenticator.invalidate();
            return http::no_content();
          },
      .audit_entity = "api_key"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/audit",
      .access = Access::needs("audit:read"),
      .doc = {.summary = "The audit log, newest first: who changed what, when, from where",
              .tag = "audit",
              .query_params = {"limit", "cursor"}},
      .handler = [&service](RequestContext& ctx) -> Response {
        auto page = ctx.page();
        if (!page.ok()) return http::error_response(page.error());
        auto records = service.list_audit(page->after, page->limit);
        if (!records.ok()) return http::error_response(records.error());
        json::array items;
        for (const auto& r : *records) items.push_back(audit_json(r));
        return http::json_response(
            200, http::page_json(*records, *page, std::move(items)));
      }});
}

}  // namespace ecrm::auth
