// Dispatcher without the network: hand-built requests through a fake authenticator and a
// recording audit sink.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "core/metrics.hpp"
#include "http/context.hpp"
#include "http/dispatcher.hpp"
#include "http/router.hpp"

namespace ecrm::http {
namespace {

namespace json = boost::json;

// Answers with whatever principal the test set; counts how often each method was asked.
class FakeAuthenticator : public Authenticator {
 public:
  Result<Principal> authenticate(const Request&) override {
    ++calls;
    return answer;
  }
  std::optional<Result<Principal>> authenticate_cached(const Request&) override {
    ++cached_calls;
    return cached;
  }

  Result<Principal> answer = Principal{};
  std::optional<Result<Principal>> cached;
  int calls = 0;
  int cached_calls = 0;
};

class RecordingAudit : public AuditSink {
 public:
  void record(const Principal& principal, const AuditEntry& entry) override {
    entries.emplace_back(principal, entry);
  }
  std::vector<std::pair<Principal, AuditEntry>> entries;
};

Principal session(std::string role, std::string csrf = "csrf-token-1") {
  Principal p;
  p.kind = Principal::Kind::kSession;
  p.user_id = 7;
  p.email = "ann@example.com";
  // The scopes the authenticator would give these test roles (the real table is in auth/).
  if (role == "admin") p.scopes = {"users:admin", "things:write"};
  if (role == "sales") p.scopes = {"things:write"};
  p.role = std::move(role);
  p.session_id = 3;
  p.csrf_token = std::move(csrf);
  return p;
}

Principal api_key(std::vector<std::string> scopes) {
  Principal p;
  p.kind = Principal::Kind::kApiKey;
  p.user_id = 7;
  p.email = "ann@example.com";
  p.role = "admin";
  p.api_key_id = 11;
  p.api_key_name = "shop";
  p.scopes = std::move(scopes);
  return p;
}

Request make_request(Method method, std::string target, std::string body = {}) {
  Request request;
  request.method = method;
  request.target = std::move(target);
  request.body = std::move(body);
  request.remote_ip = "192.0.2.9";
  return request;
}

json::object body_of(const Response& response) {
  json::error_code ec;
  json::value value = json::parse(response.body, ec);
  if (ec || !value.is_object()) {
    ADD_FAILURE() << "not a JSON object: " << response.body;
    return {};
  }
  return value.as_object();
}

std::string error_code_of(const Response& response) {
  auto body = body_of(response);
  auto* error = body.if_contains("error");
  if (error == nullptr || !error->is_object()) return "<no error object>";
  return std::string(error->as_object().at("code").as_string());
}

std::optional<std::string> header_of(const Response& response, std::string_view name) {
  for (const auto& [n, v] : response.headers) {
    if (n == name) return v;
  }
  return std::nullopt;
}

class DispatcherTest : public ::testing::Test {
 protected:
  DispatcherTest() {
    add(Method::kGet, "/api/v1/ping", Access::public_route(), [](RequestContext&) {
      return json_response(200, json::object{{"pong", true}});
    }).blocking = false;
    add(Method::kGet, "/api/v1/me", Access::authenticated(), [](RequestContext& ctx) {
      return json_response(200, json::object{{"user_id", ctx.principal().user_id}});
    }).blocking = false;
    add(Method::kGet, "/api/v1/things", Access::authenticated(), [this](RequestContext&) {
      ++handler_calls;
      return json_response(200, json::object{{"items", json::array{}}});
    });
    add(Method::kGet, "/api/v1/admin", Access::needs("users:admin"),
        [this](RequestContext&) {
          ++handler_calls;
          return json_response(200, json::object{});
        });
    Route& write = add(Method::kPost, "/api/v1/things/{id}",
                       Access::needs("things:write"), [this](RequestContext&) {
                         ++handler_calls;
                         Response response;
                         response.status = write_status;
                         response.body = "{}";
                         return response;
                       });
    write.audit_entity = "thing";
    Route& custom = add(Method::kDelete, "/api/v1/things/{id}", Access::authenticated(),
                        [](RequestContext& ctx) {
                          ctx.set_audit("thing-99", R"({"why":"test"})");
                          return no_content();
                        });
    custom.audit_entity = "thing";
    add(Method::kPost, "/api/v1/session-only", Access::session_only(),
        [this](RequestContext&) {
          ++handler_calls;
          return no_content();
        });
    add(Method::kGet, "/api/v1/boom", Access::public_route(),
        [](RequestContext&) -> Response { throw std::runtime_error("db password is hunter2"); });
    add(Method::kGet, "/api/v1/boom-int", Access::public_route(),
        [](RequestContext&) -> Response { throw 42; });
    add(Method::kPost, "/api/v1/upload", Access::public_route(), [](RequestContext&) {
      return no_content();
    }).max_body = 50 << 20;
  }

  Route& add(Method method, std::string pattern, Access access, Handler handler) {
    Route route;
    route.method = method;
    route.pattern = std::move(pattern);
    route.access = std::move(access);
    route.doc.summary = "test";
    route.handler = std::move(handler);
    router_.add(std::move(route));
    // add() keeps routes behind unique_ptrs: the reference stays valid while tests tweak it.
    return *router_.routes().back();
  }

  Dispatcher dispatcher(AuditSink* audit = nullptr, bool trust_proxy = false) {
    return Dispatcher(router_, auth_, audit == nullptr ? &audit_ : audit, nullptr, metrics_,
                      DispatcherOptions{1024, false, trust_proxy});
  }

  std::uint64_t requests_total(const std::string& route, const std::string& method,
                               const std::string& status) {
    return metrics_
        .counter("ecrm_http_requests_total", "",
                 {{"route", route}, {"method", method}, {"status", status}})
        .value();
  }

  Router router_;
  FakeAuthenticator auth_;
  RecordingAudit audit_;
  MetricsRegistry metrics_;
  int handler_calls = 0;
  int write_status = 200;
};

TEST_F(DispatcherTest, PublicRouteNeedsNoAuthentication) {
  auto d = dispatcher();
  Request request = make_request(Method::kGet, "/api/v1/ping");
  Response response = d.handle(request);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, R"({"pong":true})");
  EXPECT_EQ(auth_.calls, 0);
  EXPECT_EQ(request.path, "/api/v1/ping");  // parse_target ran
  EXPECT_EQ(header_of(response, "Cache-Control"), "no-store");
}

TEST_F(DispatcherTest, AnonymousOnProtectedRouteIs401Json) {
  auto d = dispatcher();
  Request request = make_request(Method::kGet, "/api/v1/things");
  Response response = d.handle(request);
  EXPECT_EQ(response.status, 401);
  EXPECT_EQ(response.content_type, "application/json");
  EXPECT_EQ(error_code_of(response), "authentication_required");
  EXPECT_TRUE(header_of(response, "WWW-Authenticate").has_value());
  EXPECT_EQ(auth_.calls, 1);
  EXPECT_EQ(handler_calls, 0);
}

TEST_F(DispatcherTest, AuthenticatorErrorIsReturnedAs401) {
  auth_.answer = Error::unauthenticated("session expired", "invalid_session");
  auto d = dispatcher();
  Request request = make_request(Method::kGet, "/api/v1/things");
  Response response = d.handle(request);
  EXPECT_EQ(response.status, 401);
  EXPECT_EQ(error_code_of(response), "invalid_session");
  EXPECT_EQ(handler_calls, 0);
}

struct AccessCase {
  std::string name;
  Principal principal;
  Method method;
  std::string target;
  std::optional<std::string> csrf_header;
  int want_status;
  std::string want_code;  // empty for success
};

class DispatcherAccess : public DispatcherTest, public ::testing::WithParamInterface<AccessCase> {};

TEST_P(DispatcherAccess, ChecksRoleScopeAndCsrf) {
  const AccessCase& c = GetParam();
  auth_.answer = c.principal;
  auto d = dispatcher();
  Request request = make_request(c.method, c.target);
  if (c.csrf_header) request.headers.add("X-CSRF-Token", *c.csrf_header);
  Response response = d.handle(request);
  EXPECT_EQ(response.status, c.want_status) << response.body;
  if (c.want_code.empty()) {
    EXPECT_EQ(handler_calls, 1);
  } else {
    EXPECT_EQ(error_code_of(response), c.want_code);
    EXPECT_EQ(handler_calls, 0) << "handler must not run when access is denied";
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, DispatcherAccess,
    ::testing::Values(AccessCase{"AnyRoleReadsAuthenticatedRoute", session("analyst"), Method::kGet,
                                 "/api/v1/things", std::nullopt, 200, ""},
                      AccessCase{"AdminRoleAllowed", session("admin"), Method::kGet,
                                 "/api/v1/admin", std::nullopt, 200, ""},
                      AccessCase{"OtherRoleForbidden", session("marketing"), Method::kGet,
                                 "/api/v1/admin", std::nullopt, 403, "forbidden_role"},
                      AccessCase{"EmptyRoleForbidden", session(""), Method::kGet, "/api/v1/admin",
                                 std::nullopt, 403, "forbidden_role"},
                      AccessCase{"KeyWithScope", api_key({"users:admin"}), Method::kGet,
                                 "/api/v1/admin", std::nullopt, 200, ""},
                      AccessCase{"KeyWithTheScope", api_key({"users:admin"}), Method::kGet, "/api/v1/admin",
                                 std::nullopt, 200, ""},
                      AccessCase{"KeyMissingScope", api_key({"customers:read"}), Method::kGet,
                                 "/api/v1/admin", std::nullopt, 403, "missing_scope"},
                      AccessCase{"KeyWithNoScopes", api_key({}), Method::kGet, "/api/v1/admin",
                                 std::nullopt, 403, "missing_scope"},
                      AccessCase{"KeyOnRouteWithoutScope", api_key({"customers:read"}),
                                 Method::kGet, "/api/v1/things", std::nullopt, 200, ""},
                      AccessCase{"KeyWriteNeedsNoCsrf", api_key({"things:write"}), Method::kPost,
                                 "/api/v1/things/5", std::nullopt, 200, ""},
                      AccessCase{"KeyNotAllowed", api_key({"*"}), Method::kPost,
                                 "/api/v1/session-only", std::nullopt, 403, "api_key_not_allowed"},
                      AccessCase{"SessionOnSessionOnlyRoute", session("analyst"), Method::kPost,
                                 "/api/v1/session-only", std::string("csrf-token-1"), 204, ""},
                      AccessCase{"SessionWriteWithoutCsrf", session("sales"), Method::kPost,
                                 "/api/v1/things/5", std::nullopt, 403, "csrf_failed"},
                      AccessCase{"SessionWriteWrongCsrf", session("sales"), Method::kPost,
                                 "/api/v1/things/5", std::string("csrf-token-2"), 403,
                                 "csrf_failed"},
                      AccessCase{"SessionWriteEmptyCsrf", session("sales"), Method::kPost,
                                 "/api/v1/things/5", std::string(""), 403, "csrf_failed"},
                      AccessCase{"SessionWriteRightCsrf", session("sales"), Method::kPost,
                                 "/api/v1/things/5", std::string("csrf-token-1"), 200, ""},
                      AccessCase{"RoleCheckedBeforeCsrf", session("analyst"), Method::kPost,
                                 "/api/v1/things/5", std::string("csrf-token-1"), 403,
                                 "forbidden_role"},
                      AccessCase{"SessionReadNeedsNoCsrf", session("service"), Method::kGet,
                                 "/api/v1/things", std::nullopt, 200, ""}),
    [](const ::testing::TestParamInfo<AccessCase>& info) { return info.param.name; });

TEST_F(DispatcherTest, CsrfHeaderNameIsCaseInsensitive) {
  auth_.answer = session("admin");
  auto d = dispatcher();
  Request request = make_request(Method::kPost, "/api/v1/things/5");
  request.headers.add("x-csrf-token", "csrf-token-1");
  EXPECT_EQ(d.handle(request).status, 200);
}

TEST_F(DispatcherTest, SuccessfulWriteIsAudited) {
  auth_.answer = api_key({"things:write"});
  auto d = dispatcher();
  Request request = make_request(Method::kPost, "/api/v1/things/42?x=1");
  Response response = d.handle(request);
  ASSERT_EQ(response.status, 200) << response.body;
  ASSERT_EQ(audit_.entries.size(), 1u);
  const auto& [principal, entry] = audit_.entries[0];
  EXPECT_EQ(principal.api_key_id, 11);
  EXPECT_EQ(entry.action, "POST /api/v1/things/{id}");
  EXPECT_EQ(entry.entity, "thing");
  EXPECT_EQ(entry.entity_id, "42");
  EXPECT_EQ(entry.status, 200);
  EXPECT_EQ(entry.ip, "192.0.2.9");
  EXPECT_EQ(entry.details, "{}");
}

// Without --trust-proxy anyone could claim an address or HTTPS: both headers are ignored.
TEST_F(DispatcherTest, ForwardedHeadersAreIgnoredUnlessTheProxyIsTrusted) {
  add(Method::kPost, "/api/v1/cookie", Access::public_route(), [](RequestContext& ctx) {
    Response response = no_content();
    response.header("Set-Cookie", "c=1; Path=/; HttpOnly");
    response.header("X-Seen-Ip", ctx.request().remote_ip);
    return response;
  });
  auth_.answer = api_key({"things:write"});
  for (bool trusted : {false, true}) {
    audit_.entries.clear();
    auto d = dispatcher(nullptr, trusted);
    Request write = make_request(Method::kPost, "/api/v1/things/42");
    write.headers.add("x-forwarded-for", "10.9.8.7, 203.0.113.5");
    ASSERT_EQ(d.handle(write).status, 200);
    ASSERT_EQ(audit_.entries.size(), 1u);
    EXPECT_EQ(audit_.entries[0].second.ip, trusted ? "203.0.113.5" : "192.0.2.9");

    Request cookie = make_request(Method::kPost, "/api/v1/cookie");
    cookie.headers.add("x-forwarded-for", "203.0.113.5");
    cookie.headers.add("x-forwarded-proto", "https");
    Response response = d.handle(cookie);
    EXPECT_EQ(header_of(response, "X-Seen-Ip"), trusted ? "203.0.113.5" : "192.0.2.9");
    EXPECT_EQ(header_of(response, "Set-Cookie"),
              trusted ? "c=1; Path=/; HttpOnly; Secure" : "c=1; Path=/; HttpOnly");

    Request plain = make_request(Method::kPost, "/api/v1/cookie");
    plain.headers.add("x-forwarded-proto", "http");
    Response over_http = d.handle(plain);
    EXPECT_EQ(header_of(over_http, "Set-Cookie"), "c=1; Path=/; HttpOnly");
    EXPECT_EQ(header_of(over_http, "X-Seen-Ip"), "192.0.2.9");
  }
}

TEST_F(DispatcherTest, HandlerAuditDetailsOverrideTheDefaults) {
  auth_.answer = api_key({});
  auto d = dispatcher();
  Request request = make_request(Method::kDelete, "/api/v1/things/5");
  Response response = d.handle(request);
  ASSERT_EQ(response.status, 204);
  ASSERT_EQ(audit_.entries.size(), 1u);
  EXPECT_EQ(audit_.entries[0].second.action, "DELETE /api/v1/things/{id}");
  EXPECT_EQ(audit_.entries[0].second.entity_id, "thing-99");
  EXPECT_EQ(audit_.entries[0].second.details, R"({"why":"test"})");
  EXPECT_EQ(audit_.entries[0].second.status, 204);
}

struct NoAuditCase {
  std::string name;
  Method method;
  std::string target;
  int handler_status;
  std::optional<std::string> csrf;
  int want_status;
};

class DispatcherNoAudit : public DispatcherTest,
                          public ::testing::WithParamInterface<NoAuditCase> {};

TEST_P(DispatcherNoAudit, RecordsNothing) {
  const NoAuditCase& c = GetParam();
  auth_.answer = session("admin");
  write_status = c.handler_status;
  auto d = dispatcher();
  Request request = make_request(c.method, c.target);
  if (c.csrf) request.headers.add("X-CSRF-Token", *c.csrf);
  Response response = d.handle(request);
  EXPECT_EQ(response.status, c.want_status) << response.body;
  EXPECT_TRUE(audit_.entries.empty()) << audit_.entries.size();
}

INSTANTIATE_TEST_SUITE_P(
    Cases, DispatcherNoAudit,
    ::testing::Values(NoAuditCase{"Read", Method::kGet, "/api/v1/things", 200, std::nullopt, 200},
                      NoAuditCase{"HandlerRefused", Method::kPost, "/api/v1/things/1", 422,
                                  std::string("csrf-token-1"), 422},
                      NoAuditCase{"HandlerConflict", Method::kPost, "/api/v1/things/1", 409,
                                  std::string("csrf-token-1"), 409},
                      NoAuditCase{"CsrfDenied", Method::kPost, "/api/v1/things/1", 200,
                                  std::nullopt, 403},
                      NoAuditCase{"UnknownPath", Method::kPost, "/api/v1/nothing", 200,
                                  std::string("csrf-token-1"), 404},
                      NoAuditCase{"WrongMethod", Method::kPut, "/api/v1/things/1", 200,
                                  std::string("csrf-token-1"), 405}),
    [](const ::testing::TestParamInfo<NoAuditCase>& info) { return info.param.name; });

TEST_F(DispatcherTest, NullAuditSinkIsAllowed) {
  auth_.answer = api_key({"things:write"});
  Dispatcher d(router_, auth_, nullptr, nullptr, metrics_, DispatcherOptions{1024, false});
  Request request = make_request(Method::kPost, "/api/v1/things/1");
  EXPECT_EQ(d.handle(request).status, 200);
}

TEST_F(DispatcherTest, HandlerExceptionIs500WithoutItsText) {
  auto d = dispatcher();
  for (const char* target : {"/api/v1/boom", "/api/v1/boom-int"}) {
    Request request = make_request(Method::kGet, target);
    Response response = d.handle(request);
    EXPECT_EQ(response.status, 500) << target;
    EXPECT_EQ(error_code_of(response), "internal");
    auto body = body_of(response);
    EXPECT_EQ(body.at("error").as_object().at("message").as_string(), "internal error");
    EXPECT_EQ(response.body.find("hunter2"), std::string::npos) << response.body;
    EXPECT_EQ(response.body.find("exception"), std::string::npos) << response.body;
  }
  EXPECT_EQ(requests_total("/api/v1/boom", "GET", "500"), 1u);
}

TEST_F(DispatcherTest, UnknownApiPathIs404Json) {
  auto d = dispatcher();
  Request request = make_request(Method::kGet, "/api/v1/no-such-thing");
  Response response = d.handle(request);
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.content_type, "application/json");
  EXPECT_EQ(error_code_of(response), "not_found");
  EXPECT_EQ(auth_.calls, 0);
  EXPECT_EQ(requests_total("unmatched", "GET", "404"), 1u);
}

TEST_F(DispatcherTest, NonApiPathWithoutStaticFilesIs404) {
  auto d = dispatcher();
  Request request = make_request(Method::kGet, "/customers/42");
  Response response = d.handle(request);
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(error_code_of(response), "not_found");
}

TEST_F(DispatcherTest, WrongMethodIs405) {
  auto d = dispatcher();
  Request request = make_request(Method::kPatch, "/api/v1/ping");
  Response response = d.handle(request);
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(error_code_of(response), "method_not_allowed");
  EXPECT_EQ(requests_total("unmatched", "PATCH", "405"), 1u);
}

TEST_F(DispatcherTest, HeadIsServedByTheGetRoute) {
  auto d = dispatcher();
  Request request = make_request(Method::kHead, "/api/v1/ping");
  Response response = d.handle(request);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(requests_total("/api/v1/ping", "HEAD", "200"), 1u);
}

TEST_F(DispatcherTest, MalformedTargetIs400) {
  auto d = dispatcher();
  Request request = make_request(Method::kGet, "no-leading-slash");
  Response response = d.handle(request);
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(body_of(response).at("error").as_object().at("field").as_string(), "target");
}

TEST_F(DispatcherTest, PreParsedPathIsUsedAsIs) {
  auto d = dispatcher();
  Request request = make_request(Method::kGet, "/api/v1/elsewhere");
  request.path = "/api/v1/ping";  // parse_target is only called when path is empty
  EXPECT_EQ(d.handle(request).status, 200);
}

TEST_F(DispatcherTest, CountsRequestsByRouteMethodAndStatus) {
  auto d = dispatcher();
  for (int i = 0; i < 3; ++i) {
    Request request = make_request(Method::kGet, "/api/v1/ping?n=" + std::to_string(i));
    ASSERT_EQ(d.handle(request).status, 200);
  }
  Request anonymous = make_request(Method::kGet, "/api/v1/things/");
  ASSERT_EQ(d.handle(anonymous).status, 401);

  EXPECT_EQ(requests_total("/api/v1/ping", "GET", "200"), 3u);
  EXPECT_EQ(requests_total("/api/v1/things", "GET", "401"), 1u);
  EXPECT_EQ(requests_total("/api/v1/things", "GET", "200"), 0u);
  EXPECT_EQ(metrics_.counter_total("ecrm_http_requests_total"), 4u);
  EXPECT_EQ(
      metrics_.histogram("ecrm_http_request_duration_seconds", "", {{"route", "/api/v1/ping"}})
          .count(),
      3u);
}

TEST_F(DispatcherTest, RejectIsCountedUnderRejected) {
  auto d = dispatcher();
  Request request = make_request(Method::kPost, "/api/v1/things/1");
  Response response =
      d.reject(request, Error{ErrorKind::kPayloadTooLarge, "body_too_large", "too big", ""});
  EXPECT_EQ(response.status, 413);
  EXPECT_EQ(error_code_of(response), "body_too_large");
  EXPECT_EQ(requests_total("rejected", "POST", "413"), 1u);
}

struct BodyLimitCase {
  std::string name;
  Method method;
  std::string target;
  std::size_t want;
};

class DispatcherBodyLimit : public DispatcherTest,
                            public ::testing::WithParamInterface<BodyLimitCase> {};

TEST_P(DispatcherBodyLimit, UsesTheRouteLimitOrTheDefault) {
  auto d = dispatcher();
  EXPECT_EQ(d.body_limit(GetParam().method, GetParam().target), GetParam().want);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, DispatcherBodyLimit,
    ::testing::Values(BodyLimitCase{"RouteLimit", Method::kPost, "/api/v1/upload", 50u << 20},
                      BodyLimitCase{"RouteLimitWithQuery", Method::kPost,
                                    "/api/v1/upload?name=a.csv", 50u << 20},
                      BodyLimitCase{"OtherMethodGetsDefault", Method::kPut, "/api/v1/upload", 1024},
                      BodyLimitCase{"RouteWithoutLimit", Method::kPost, "/api/v1/things/1", 1024},
                      BodyLimitCase{"UnknownPath", Method::kPost, "/api/v1/nothing", 1024}),
    [](const ::testing::TestParamInfo<BodyLimitCase>& info) { return info.param.name; });

// Large uploads to routes that need credentials are checked from the headers first.
TEST_F(DispatcherTest, LargeUploadsNeedingCredentialsAreCheckedBeforeTheBody) {
  int imported = 0;
  add(Method::kPost, "/api/v1/import", Access::needs("things:write"), [&imported](RequestContext&) {
    ++imported;
    return no_content();
  }).spool_body = true;
  Route& big = add(Method::kPost, "/api/v1/big", Access::authenticated(),
                   [](RequestContext&) { return no_content(); });
  big.max_body = 10 << 20;
  auto d = dispatcher();
  EXPECT_TRUE(d.body_policy(Method::kPost, "/api/v1/import?x=1").authenticate_first);
  EXPECT_TRUE(d.body_policy(Method::kPost, "/api/v1/big").authenticate_first);
  EXPECT_FALSE(d.body_policy(Method::kPost, "/api/v1/upload").authenticate_first)
      << "a public route has no credentials to check";
  EXPECT_FALSE(d.body_policy(Method::kPost, "/api/v1/things/1").authenticate_first)
      << "a body within the default limit is read first";

  Request anonymous = make_request(Method::kPost, "/api/v1/import");
  auto refused = d.refuse_before_body(anonymous);
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->status, 401);
  EXPECT_EQ(error_code_of(*refused), "authentication_required");
  EXPECT_EQ(requests_total("/api/v1/import", "POST", "401"), 1u);

  auth_.answer = api_key({"other:scope"});
  Request unscoped = make_request(Method::kPost, "/api/v1/import");
  refused = d.refuse_before_body(unscoped);
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->status, 403);
  EXPECT_EQ(error_code_of(*refused), "missing_scope");

  auth_.answer = session("sales");
  Request no_csrf = make_request(Method::kPost, "/api/v1/import");
  refused = d.refuse_before_body(no_csrf);
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(error_code_of(*refused), "csrf_failed");

  Request good = make_request(Method::kPost, "/api/v1/import");
  good.headers.add("x-csrf-token", "csrf-token-1");
  EXPECT_FALSE(d.refuse_before_body(good).has_value());
  EXPECT_EQ(imported, 0) << "the check never runs the handler";
  EXPECT_EQ(requests_total("/api/v1/import", "POST", "200"), 0u);
}

TEST_F(DispatcherTest, InlineDeclinesBlockingRoutesWithoutSideEffects) {
  auth_.cached = Result<Principal>(session("admin"));
  auto d = dispatcher();
  Request request = make_request(Method::kGet, "/api/v1/things");
  EXPECT_FALSE(d.try_handle_inline(request).has_value());
  EXPECT_EQ(auth_.calls, 0);
  EXPECT_EQ(auth_.cached_calls, 0);
  EXPECT_EQ(handler_calls, 0);
  EXPECT_EQ(metrics_.counter_total("ecrm_http_requests_total"), 0u);

  // The same request then goes the blocking way.
  auth_.answer = session("admin");
  EXPECT_EQ(d.handle(request).status, 200);
  EXPECT_EQ(handler_calls, 1);
}

TEST_F(DispatcherTest, InlineDeclinesWhenAuthIsNotCached) {
  auto d = dispatcher();
  Request request = make_request(Method::kGet, "/api/v1/me");
  EXPECT_FALSE(d.try_handle_inline(request).has_value());
  EXPECT_EQ(auth_.cached_calls, 1);
  EXPECT_EQ(auth_.calls, 0);
  EXPECT_EQ(metrics_.counter_total("ecrm_http_requests_total"), 0u);
}

TEST_F(DispatcherTest, InlineHandlesNonBlockingRouteWithCachedAuth) {
  auth_.cached = Result<Principal>(session("analyst"));
  auto d = dispatcher();
  Request request = make_request(Method::kGet, "/api/v1/me");
  auto response = d.try_handle_inline(request);
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, R"({"user_id":7})");
  EXPECT_EQ(auth_.calls, 0);
  EXPECT_EQ(requests_total("/api/v1/me", "GET", "200"), 1u);
}

TEST_F(DispatcherTest, InlineAnswersCachedRejection) {
  auth_.cached = Result<Principal>(Error::unauthenticated("revoked", "invalid_api_key"));
  auto d = dispatcher();
  Request request = make_request(Method::kGet, "/api/v1/me");
  auto response = d.try_handle_inline(request);
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 401);
  EXPECT_EQ(error_code_of(*response), "invalid_api_key");
}

TEST_F(DispatcherTest, InlineHandlesPublicNonBlockingRouteWithoutAuth) {
  auto d = dispatcher();
  Request request = make_request(Method::kGet, "/api/v1/ping");
  auto response = d.try_handle_inline(request);
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(auth_.cached_calls, 0);
}

TEST_F(DispatcherTest, InlineAnswersUnmatchedPaths) {
  auto d = dispatcher();
  Request request = make_request(Method::kGet, "/api/v1/none");
  auto response = d.try_handle_inline(request);
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 404);
}

}  // namespace
}  // namespace ecrm::http
