#include "auth/http_routes.hpp"

#include "auth/access.hpp"

#include <boost/json.hpp>

#include "http/context.hpp"
#include "http/params.hpp"

namespace ecrm::auth {

namespace json = boost::json;
using http::Access;
using http::handle;
using http::Method;
using http::RequestContext;
using http::Response;
using http::Route;

// The scopes an API key can carry, as GET /api/v1/api-keys/scopes lists them.
ECRM_DESCRIBE(ScopeInfo, scope, description)

namespace {

Actor actor_of(const RequestContext& ctx) {
  return Actor{ctx.principal().user_id,
               wire::parse_enum<Role>(ctx.principal().role).value_or(Role::kAnalyst)};
}

Me me_of(const http::Principal& p) {
  Me me{MeUser{p.user_id, p.email, p.name, wire::parse_enum<Role>(p.role).value_or(Role::kAnalyst)},
        AuthKind::kSession, std::nullopt, p.scopes, std::nullopt};
  if (p.kind == http::Principal::Kind::kSession) {
    me.csrf_token = p.csrf_token;
  } else {
    me.auth = AuthKind::kApiKey;
    me.api_key = MeApiKey{p.api_key_id, p.api_key_name};
  }
  return me;
}

// The answer to a sign-in: the session cookie when one was opened.
Response signed_in(const LoginResult& result, const AuthRoutesConfig& config) {
  Response response = http::reply(200, result);
  if (result.session_token.empty()) return response;  // waiting for the second factor
  std::string cookie = std::string(kSessionCookie) + "=" + result.session_token +
                       "; Path=/; HttpOnly; SameSite=Lax; Max-Age=" +
                       std::to_string((result.expires_at - now_ms()) / 1000);
  if (config.secure_cookies) cookie += "; Secure";
  response.header("Set-Cookie", cookie);
  return response;
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
              .request = http::json_body<LoginRequest>(),
              .response = http::json_body<LoginResult>(),
              .error_statuses = {401, 429}},
      .handler = handle([&service, config](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto request, http::read_body<LoginRequest>(ctx));
        auto user_agent = ctx.request().headers.get("user-agent").value_or("");
        ECRM_ASSIGN_OR_RETURN(auto result,
                              service.login(request, ctx.request().remote_ip,
                                            std::string(user_agent.substr(0, 300))));
        ctx.set_audit(std::to_string(result.user.id));
        return signed_in(result, config);
      }),
      .audit_entity = "session"});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/auth/login/two-factor",
      .access = Access::public_route(),
      .doc = {.summary = "The second step of a sign-in that answered two_factor_required: the "
                         "token from it and a code of the authenticator app or an unused "
                         "recovery code; sets the session cookie",
              .tag = "auth",
              .request = http::json_body<TwoFactorLogin>(),
              .response = http::json_body<LoginResult>(),
              .error_statuses = {401, 429}},
      .handler = handle([&service, config](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto request, http::read_body<TwoFactorLogin>(ctx));
        auto user_agent = ctx.request().headers.get("user-agent").value_or("");
        ECRM_ASSIGN_OR_RETURN(auto result,
                              service.login_second_factor(request, ctx.request().remote_ip,
                                                          std::string(user_agent.substr(0, 300))));
        ctx.set_audit(std::to_string(result.user.id),
                      json::serialize(json::object{{"two_factor", true}}));
        return signed_in(result, config);
      }),
      .audit_entity = "session"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/auth/two-factor",
      .access = Access::session_only(),
      .doc = {.summary = "The signed-in user's two-factor sign-in: on, started, required by "
                         "their role, recovery codes left",
              .tag = "auth",
              .response = http::json_body<TwoFactorStatus>()},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto status, service.two_factor_status(actor_of(ctx)));
        return http::reply(200, status);
      })});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/auth/two-factor/enrol",
      .access = Access::session_only(),
      .doc = {.summary = "Start two-factor sign-in: a new secret for the authenticator app (as "
                         "text and as an otpauth:// URI for a QR code), confirmed by its first "
                         "code",
              .tag = "auth",
              .response = http::json_body<TwoFactorEnrolment>(),
              .error_statuses = {409}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto enrolment,
                              service.start_two_factor(actor_of(ctx), ctx.principal().email));
        ctx.set_audit(std::to_string(ctx.principal().user_id));
        return http::reply(200, enrolment);
      }),
      .audit_entity = "two_factor"});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/auth/two-factor/confirm",
      .access = Access::session_only(),
      .doc = {.summary = "Turn two-factor sign-in on with the app's first code; returns 10 "
                         "single-use recovery codes, shown once",
              .tag = "auth",
              .request = http::json_body<TwoFactorCode>(),
              .response = http::json_body<RecoveryCodes>(),
              .error_statuses = {409, 429}},
      .handler = handle([&service, &authenticator](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto request, http::read_body<TwoFactorCode>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto codes, service.confirm_two_factor(actor_of(ctx), request,
                                                                     ctx.request().remote_ip));
        authenticator.invalidate();  // a session waiting for the enrolment is a full one now
        ctx.set_audit(std::to_string(ctx.principal().user_id));
        return http::reply(200, codes);
      }),
      .audit_entity = "two_factor"});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/auth/two-factor/disable",
      .access = Access::session_only(),
      .doc = {.summary = "Turn two-factor sign-in off, given a current code or the password",
              .tag = "auth",
              .request = http::json_body<TwoFactorProof>(),
              .success_status = 204,
              .error_statuses = {409, 429}},
      .handler = handle([&service, &authenticator](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto proof, http::read_body<TwoFactorProof>(ctx));
        ECRM_RETURN_IF_ERROR(
            service.disable_two_factor(actor_of(ctx), proof, ctx.request().remote_ip));
        authenticator.invalidate();  // a role that requires it limits the sessions again
        ctx.set_audit(std::to_string(ctx.principal().user_id));
        return http::no_content();
      }),
      .audit_entity = "two_factor"});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/auth/two-factor/recovery-codes",
      .access = Access::session_only(),
      .doc = {.summary = "Replace the recovery codes with 10 new ones (shown once), given a "
                         "current code or the password",
              .tag = "auth",
              .request = http::json_body<TwoFactorProof>(),
              .response = http::json_body<RecoveryCodes>(),
              .error_statuses = {409, 429}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto proof, http::read_body<TwoFactorProof>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto codes, service.regenerate_recovery_codes(
                                              actor_of(ctx), proof, ctx.request().remote_ip));
        ctx.set_audit(std::to_string(ctx.principal().user_id));
        return http::reply(200, codes);
      }),
      .audit_entity = "two_factor"});

  router.add(Route{
      .method = Method::kDelete,
      .pattern = "/api/v1/users/{id}/two-factor",
      .access = Access::needs("users:admin"),
      .doc = {.summary = "Turn a user's two-factor sign-in off (a lost phone and lost recovery "
                         "codes); they sign in with the password alone, or enrol again first "
                         "when their role requires it",
              .tag = "users",
              .success_status = 204,
              .error_statuses = {404}},
      .handler = handle([&service, &authenticator](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_RETURN_IF_ERROR(service.reset_two_factor(id));
        authenticator.invalidate();
        ctx.set_audit(std::to_string(id));
        return http::no_content();
      }),
      .audit_entity = "user"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/auth/two-factor/roles",
      .access = Access::needs("users:admin"),
      .doc = {.summary = "The roles whose users must sign in with a second factor",
              .tag = "users",
              .response = http::json_body<TwoFactorRoles>()},
      .handler = handle([&service](RequestContext&) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto roles, service.two_factor_roles());
        return http::reply(200, roles);
      })});

  router.add(Route{
      .method = Method::kPut,
      .pattern = "/api/v1/auth/two-factor/roles",
      .access = Access::needs("users:admin"),
      .doc = {.summary = "Set the roles whose users must sign in with a second factor; their "
                         "users without it reach only its enrolment until they set it up",
              .tag = "users",
              .request = http::json_body<TwoFactorRoles>(),
              .response = http::json_body<TwoFactorRoles>()},
      .handler = handle([&service, &authenticator](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto request, http::read_body<TwoFactorRoles>(ctx));
        ECRM_RETURN_IF_ERROR(service.set_two_factor_roles(request));
        authenticator.invalidate();  // sessions of those roles are limited (or freed) at once
        ECRM_ASSIGN_OR_RETURN(auto roles, service.two_factor_roles());
        json::array names;
        for (Role role : roles.roles) names.emplace_back(wire::enum_name(role));
        ctx.set_audit("", json::serialize(json::object{{"roles", names}}));
        return http::reply(200, roles);
      }),
      .audit_entity = "two_factor_roles"});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/auth/logout",
      .access = Access::session_only(),
      .doc = {.summary = "Sign out: ends the session and clears the cookie", .tag = "auth",
              .success_status = 204},
      .handler = handle([&service, &authenticator](RequestContext& ctx) -> Result<Response> {
        if (auto token = ctx.request().cookie(kSessionCookie)) {
          ECRM_RETURN_IF_ERROR(service.logout(*token));
        }
        authenticator.invalidate();
        Response response = http::no_content();
        response.header("Set-Cookie", std::string(kSessionCookie) +
                                          "=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
        return response;
      }),
      .audit_entity = "session"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/me",
      .access = Access::authenticated(),
      .doc = {.summary = "The signed-in user or the API key's owner, with the caller's scopes "
                         "and the CSRF token (sessions) or the key (API keys)",
              .tag = "auth",
              .response = http::json_body<Me>()},
      .handler =
          [&authenticator](RequestContext& ctx) {
            Me me = me_of(ctx.principal());
            me.two_factor_enrolment_required =
                ctx.principal().kind == http::Principal::Kind::kSession &&
                authenticator.two_factor_pending(ctx.principal().session_id);
            return http::reply(200, me);
          },
      .blocking = false});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/roles",
      .access = Access::authenticated(),
      .doc = {.summary = "The staff roles and the scopes each holds",
              .tag = "users",
              .response = http::json_body<http::Items<RoleScopes>>()},
      .handler =
          [](RequestContext&) {
            http::Items<RoleScopes> roles;
            for (Role role : all_roles()) roles.items.push_back(RoleScopes{role, scopes_of(role)});
            return http::reply(200, roles);
          },
      .blocking = false});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/users",
      .access = Access::needs("users:admin"),
      .doc = {.summary = "List staff users",
              .tag = "users",
              .response = http::json_body<http::Page<User>>(),
              .query_params = {"limit", "cursor"}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto page, http::id_page(ctx));
        ECRM_ASSIGN_OR_RETURN(auto users, service.list_users(page.last_id, page.limit));
        return http::reply(200, http::page_by_id(std::move(users), page.limit));
      })});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/users",
      .access = Access::needs("users:admin"),
      .doc = {.summary = "Create a staff user; a password is generated (and returned once) when "
                         "none is given",
              .tag = "users",
              .request = http::json_body<UserInput>(),
              .response = http::json_body<CreatedUser>(),
              .success_status = 201,
              .error_statuses = {409}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<UserInput>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto created, service.create_user(input));
        ctx.set_audit(std::to_string(created.user.id),
                      json::serialize(json::object{{"email", created.user.email},
                                                   {"role", wire::enum_name(created.user.role)}}));
        return http::reply(201, created);
      }),
      .audit_entity = "user"});

  router.add(Route{
      .method = Method::kPatch,
      .pattern = "/api/v1/users/{id}",
      .access = Access::needs("users:admin"),
      .doc = {.summary = "Change a user's name, role, password or disabled flag; a new role or "
                         "a disabled owner takes effect on their API keys at once",
              .tag = "users",
              .request = http::json_body<UserChanges>(),
              .response = http::json_body<UpdatedUser>(),
              .error_statuses = {404, 409}},
      .handler = handle([&service, &authenticator](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto changes, http::read_body<UserChanges>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto updated, service.update_user(actor_of(ctx), id, changes));
        authenticator.invalidate();  // cached sessions and keys carry the old role and state
        json::object details;
        if (changes.role) details["role"] = wire::enum_name(*changes.role);
        if (changes.disabled) details["disabled"] = *changes.disabled;
        if (changes.password) details["password_changed"] = true;
        ctx.set_audit(std::to_string(id), json::serialize(details));
        return http::reply(200, UpdatedUser{std::move(updated)});
      }),
      .audit_entity = "user"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/api-keys/scopes",
      .access = Access::session_only(),
      .doc = {.summary = "The scopes an API key can carry",
              .tag = "api-keys",
              .response = http::json_body<http::Items<ScopeInfo>>()},
      .handler =
          [](RequestContext&) { return http::reply(200, http::Items<ScopeInfo>{all_scopes()}); },
      .blocking = false});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/api-keys",
      .access = Access::session_only(),
      .doc = {.summary = "List API keys (admins: all; others: their own)",
              .tag = "api-keys",
              .response = http::json_body<http::Page<ApiKey>>(),
              .query_params = {"limit", "cursor"}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto page, http::id_page(ctx));
        ECRM_ASSIGN_OR_RETURN(auto keys,
                              service.list_api_keys(actor_of(ctx), page.last_id, page.limit));
        return http::reply(200, http::page_by_id(std::move(keys), page.limit));
      })});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/api-keys",
      .access = Access::session_only(),
      .doc = {.summary = "Create an API key with scopes your role holds; the key is returned "
                         "once and stored hashed",
              .tag = "api-keys",
              .request = http::json_body<ApiKeyInput>(),
              .response = http::json_body<CreatedApiKey>(),
              .success_status = 201},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<ApiKeyInput>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto created, service.create_api_key(actor_of(ctx), input));
        ctx.set_audit(std::to_string(created.id),
                      json::serialize(json::object{{"name", created.name},
                                                   {"scopes", wire::to_json(created.scopes)}}));
        return http::reply(201, created);
      }),
      .audit_entity = "api_key"});

  router.add(Route{
      .method = Method::kDelete,
      .pattern = "/api/v1/api-keys/{id}",
      .access = Access::session_only(),
      .doc = {.summary = "Revoke an API key", .tag = "api-keys", .success_status = 204,
              .error_statuses = {404}},
      .handler = handle([&service, &authenticator](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_RETURN_IF_ERROR(service.revoke_api_key(actor_of(ctx), id));
        authenticator.invalidate();
        return http::no_content();
      }),
      .audit_entity = "api_key"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/audit",
      .access = Access::needs("audit:read"),
      .doc = {.summary = "The audit log, newest first: who changed what, when, from where",
              .tag = "audit",
              .response = http::json_body<http::Page<AuditRecord>>(),
              .query_params = {"limit", "cursor"}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto page, http::id_page(ctx));
        ECRM_ASSIGN_OR_RETURN(auto records, service.list_audit(page.last_id, page.limit));
        return http::reply(200, http::page_by_id(std::move(records), page.limit));
      })});
}

}  // namespace ecrm::auth
