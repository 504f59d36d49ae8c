#include "http/dispatcher.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <string_view>
#include <thread>
#include <unordered_map>

#include "core/crypto.hpp"
#include "core/log.hpp"
#include "core/time.hpp"
#include "http/context.hpp"
#include "http/idempotency.hpp"
#include "http/security.hpp"

namespace ecrm::http {

namespace {

constexpr const char* kRequestsTotal = "ecrm_http_requests_total";
constexpr const char* kRequestDuration = "ecrm_http_request_duration_seconds";

std::atomic<std::uint64_t> next_dispatcher_id{1};

// The series a request is counted in, found once per thread for each dispatcher, route label,
// method and status, so that counting a request takes no lock and no allocation.
struct Series {
  Counter* requests = nullptr;
  Histogram* duration = nullptr;
};
struct KeyHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view key) const { return std::hash<std::string_view>{}(key); }
};
constexpr std::size_t kMaxCachedSeries = 4096;
// How long a request waits for the answer of an earlier one with the same Idempotency-Key
// before it is told 409 `idempotency_key_in_progress`.
constexpr auto kIdempotentWait = std::chrono::seconds(2);
constexpr auto kIdempotentPoll = std::chrono::milliseconds(25);
thread_local std::unordered_map<std::string, Series, KeyHash, std::equal_to<>> t_series;
thread_local std::string t_series_key;

Result<void> check_access(const Route& route, const Request& request, const Principal& principal) {
  const Access& access = route.access;
  if (access.is_public) return {};
  if (access.portal) {
    // Resolved from the portal cookie alone (Dispatcher::run), so staff cookies and API keys
    // never reach here as a principal; the subject's kind must be the route's.
    if (!principal.authenticated()) {
      return Error::unauthenticated("sign in to the portal first", "portal_sign_in_required");
    }
    if (principal.kind != Principal::Kind::kPortal || principal.subject != *access.portal) {
      return Error::forbidden("this portal is not for the signed-in party", "portal_forbidden");
    }
  } else if (principal.kind == Principal::Kind::kPortal) {
    return Error::forbidden("a portal session reaches only the portal's own routes",
                            "portal_session_not_allowed");
  }
  if (!principal.authenticated()) {
    return Error::unauthenticated("authentication required: sign in or send an API key",
                                  "authentication_required");
  }
  if (principal.kind == Principal::Kind::kApiKey && !access.allow_api_key) {
    return Error::forbidden("this endpoint is not available to API keys", "api_key_not_allowed");
  }
  if (!access.scope.empty() && !principal.has_scope(access.scope)) {
    return Error::forbidden(principal.kind == Principal::Kind::kApiKey
                                ? "API key lacks scope '" + access.scope + "'"
                                : "role '" + principal.role + "' lacks scope '" + access.scope + "'",
                            principal.kind == Principal::Kind::kApiKey ? "missing_scope"
                                                                       : "forbidden_role");
  }
  if (principal.kind == Principal::Kind::kApiKey) return {};
  if (principal.kind == Principal::Kind::kPortal && principal.api_key_id != 0) return {};
  // Staff or portal session.
  if (is_write(request.method)) {
    auto sent = request.headers.get("x-csrf-token");
    if (!sent || principal.csrf_token.empty() || !constant_time_equal(*sent, principal.csrf_token)) {
      return Error::forbidden("missing or wrong X-CSRF-Token header", "csrf_failed");
    }
  }
  return {};
}

std::string entity_id_from(const std::map<std::string, std::string>& params) {
  if (auto it = params.find("id"); it != params.end()) return it->second;
  return params.empty() ? std::string{} : params.begin()->second;
}

}  // namespace

std::string_view to_string(PortalSubject subject) {
  switch (subject) {
    case PortalSubject::kCustomer:
      return "customer";
    case PortalSubject::kPartner:
      return "partner";
  }
  return "customer";
}

std::optional<PortalSubject> parse_portal_subject(std::string_view text) {
  if (text == "customer") return PortalSubject::kCustomer;
  if (text == "partner") return PortalSubject::kPartner;
  return std::nullopt;
}

bool Principal::has_scope(const std::string& scope) const {
  return std::find(scopes.begin(), scopes.end(), scope) != scopes.end();
}

std::string Principal::display() const {
  if (kind == Kind::kApiKey) return "key:" + api_key_name + " (" + email + ")";
  if (kind == Kind::kPortal && api_key_id != 0) {
    return std::string(to_string(subject)) + "-key:" + std::to_string(api_key_id);
  }
  if (kind == Kind::kPortal) return std::string(to_string(subject)) + ":" + std::to_string(subject_id);
  return email;
}

Dispatcher::Dispatcher(const Router& router, Authenticator& authenticator, AuditSink* audit,
                       const StaticFiles* static_files, MetricsRegistry& metrics,
                       DispatcherOptions options)
    : router_(router),
      authenticator_(authenticator),
      audit_(audit),
      static_files_(static_files),
      metrics_(metrics),
      options_(options),
      id_(next_dispatcher_id.fetch_add(1)) {}

Dispatcher::BodyPolicy Dispatcher::body_policy(Method method, std::string_view target) const {
  std::string_view path = target.substr(0, target.find('?'));
  auto match = router_.match(method, path);
  BodyPolicy policy{options_.default_body_limit, false};
  if (match.route) {
    if (match.route->max_body > 0) policy.limit = match.route->max_body;
    policy.spool = match.route->spool_body;
    policy.authenticate_first = !match.route->access.is_public &&
                                (policy.spool || policy.limit > options_.default_body_limit);
  }
  return policy;
}

bool Dispatcher::apply_proxy_headers(Request& request) const {
  if (!options_.trust_proxy) return false;
  if (auto client = forwarded_client(request.headers)) request.remote_ip = std::move(*client);
  return forwarded_https(request.headers);
}

std::optional<Response> Dispatcher::refuse_before_body(Request& request) {
  auto started = std::chrono::steady_clock::now();
  apply_proxy_headers(request);
  if (request.path.empty() && !request.parse_target()) return std::nullopt;
  RouteMatch match = router_.match(request.method, request.path);
  if (!match.route || match.route->access.is_public) return std::nullopt;
  const Route& route = *match.route;
  Result<Principal> resolved = route.access.portal ? authenticator_.authenticate_portal(request)
                                                   : authenticator_.authenticate(request);
  Response response;
  if (!resolved.ok()) {
    response = error_response(resolved.error());
  } else if (auto allowed = check_access(route, request, *resolved); !allowed.ok()) {
    response = error_response(allowed.error());
  } else {
    return std::nullopt;
  }
  finish(request, route.pattern, response,
         std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  return response;
}

Response Dispatcher::handle(Request& request) { return *run(request, true); }

std::optional<Response> Dispatcher::try_handle_inline(Request& request) {
  return run(request, false);
}

Response Dispatcher::reject(const Request& request, const Error& error) {
  Response response = error_response(error);
  finish(request, "rejected", response, 0.0);
  return response;
}

std::optional<Response> Dispatcher::run(Request& request, bool may_block) {
  auto started = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };

  const bool https = apply_proxy_headers(request);

  if (request.path.empty() && !request.parse_target()) {
    Response response = error_response(Error::invalid("malformed request target", "target"));
    finish(request, "unmatched", response, elapsed());
    return response;
  }

  RouteMatch match = router_.match(request.method, request.path);
  if (!match.route) {
    bool is_api = request.path.rfind("/api/", 0) == 0;
    std::optional<Response> response;
    std::string label = "unmatched";
    if (!is_api && static_files_) {
      response = static_files_->serve(request);
      if (response) label = "static";
    }
    if (!response) {
      response = match.method_not_allowed
                     ? error_response(Error{ErrorKind::kInvalidArgument, "method_not_allowed",
                                            "method not allowed on this path", ""})
                     : error_response(Error::not_found("no such endpoint: " + request.path));
      if (match.method_not_allowed) response->status = 405;
    }
    finish(request, label, *response, elapsed());
    return response;
  }

  const Route& route = *match.route;
  const bool fast = !may_block && route.blocking;  // only the route's fast handler may run
  if (fast && !route.fast) return std::nullopt;
  // A key is claimed in the database: only a worker may do that.
  if (!may_block && options_.idempotency != nullptr && accepts_idempotency_key(route) &&
      request.headers.get(kIdempotencyHeader)) {
    return std::nullopt;
  }

  Principal principal;
  if (!route.access.is_public) {
    Result<Principal> resolved = Principal{};
    if (route.access.portal) {
      // Portal routes know only the portal cookie: a staff cookie or an API key sent to them is
      // no credential at all.
      if (!may_block) return std::nullopt;
      resolved = authenticator_.authenticate_portal(request);
    } else if (may_block) {
      resolved = authenticator_.authenticate(request);
    } else {
      auto cached = authenticator_.authenticate_cached(request);
      if (!cached) return std::nullopt;
      resolved = std::move(*cached);
    }
    if (!resolved.ok()) {
      Response response = error_response(resolved.error());
      finish(request, route.pattern, response, elapsed());
      return response;
    }
    principal = std::move(resolved).value();
  }

  Response response;
  bool replayed = false;
  RequestContext context(request, principal, match.params);
  if (auto allowed = check_access(route, request, principal); !allowed.ok()) {
    response = error_response(allowed.error());
  } else {
    try {
      if (fast) {
        std::optional<Response> answered = route.fast(context);
        if (!answered) return std::nullopt;  // the worker runs the route from the start
        response = std::move(*answered);
      } else {
        response = call_handler(route, context, &replayed);
      }
    } catch (const std::exception& e) {
      spdlog::error("handler for {} {} threw: {}", to_string(route.method), route.pattern,
                    e.what());
      response = error_response(Error::internal(e.what()));
    } catch (...) {
      spdlog::error("handler for {} {} threw a non-standard exception", to_string(route.method),
                    route.pattern);
      response = error_response(Error::internal("unknown exception"));
    }
    if (is_write(request.method) && route.audited && response.status < 400 && audit_ != nullptr &&
        !replayed) {
      AuditEntry entry;
      entry.action = std::string(to_string(route.method)) + " " + route.pattern;
      entry.entity = route.audit_entity;
      entry.entity_id = context.audit_entity_id().empty() ? entity_id_from(match.params)
                                                          : context.audit_entity_id();
      entry.status = response.status;
      entry.ip = request.remote_ip;
      entry.details = context.audit_details();
      audit_->record(principal, entry);
    }
  }
  if (route.pattern.rfind("/api/", 0) == 0) response.header("Cache-Control", "no-store");
  if (https) mark_cookies_secure(response);
  finish(request, route.pattern, response, elapsed());
  return response;
}

Response Dispatcher::call_handler(const Route& route, RequestContext& context, bool* replayed) {
  *replayed = false;
  IdempotencyStore* store = options_.idempotency;
  if (store == nullptr || !accepts_idempotency_key(route)) return route.handler(context);
  const Request& request = context.request();
  auto key = idempotency_key_of(request);
  if (!key.ok()) return error_response(key.error());
  if (!*key) return route.handler(context);
  auto caller = idempotency_caller(route, request, context.principal());
  if (!caller) return route.handler(context);  // an anonymous public request: nobody to key by

  const std::string fingerprint = request_fingerprint(request);
  const auto deadline = std::chrono::steady_clock::now() + kIdempotentWait;
  for (;;) {
    auto claim = store->claim(*caller, **key, fingerprint, to_string(request.method),
                              request.target, now_ms());
    if (!claim.ok()) return error_response(claim.error());
    if (claim->state == IdempotencyStore::ClaimState::kClaimed) break;
    if (claim->state == IdempotencyStore::ClaimState::kDone) {
      *replayed = true;
      return replay(claim->answer);
    }
    if (claim->state == IdempotencyStore::ClaimState::kRunning &&
        std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(kIdempotentPoll);
      continue;
    }
    return error_response(claim_error(claim->state));
  }

  Response response;
  try {
    response = route.handler(context);
  } catch (...) {
    if (auto released = store->release(*caller, **key); !released.ok()) {
      spdlog::error("idempotency key of {} {}: release failed: {}", to_string(route.method),
                    route.pattern, released.error().message);
    }
    throw;
  }
  Status stored = keeps_answer(response)
                      ? store->complete(*caller, **key,
                                        StoredAnswer{response.status, response.content_type,
                                                     response.body, response.headers})
                      : store->release(*caller, **key);
  if (!stored.ok()) {
    // The write is done: the key stays claimed (a retry is told so) rather than run twice.
    spdlog::error("idempotency key of {} {}: storing the answer failed: {}",
                  to_string(route.method), route.pattern, stored.error().message);
  }
  return response;
}

void Dispatcher::finish(const Request& request, const std::string& route_label,
                        const Response& response, double seconds) {
  std::string& key = t_series_key;
  key.assign(reinterpret_cast<const char*>(&id_), sizeof id_);
  key += route_label;
  key += '\0';
  key += to_string(request.method);
  key += '\0';
  key += std::to_string(response.status);
  auto it = t_series.find(std::string_view(key));
  if (it == t_series.end()) {
    if (t_series.size() >= kMaxCachedSeries) t_series.clear();
    Series series;
    series.requests = &metrics_.counter(
        kRequestsTotal, "HTTP requests by route pattern, method and status",
        {{"route", route_label},
         {"method", std::string(to_string(request.method))},
         {"status", std::to_string(response.status)}});
    series.duration =
        &metrics_.histogram(kRequestDuration, "HTTP request duration in seconds by route pattern",
                            {{"route", route_label}});
    it = t_series.emplace(key, series).first;
  }
  it->second.requests->inc();
  it->second.duration->observe(seconds);
  if (options_.access_log) {
    access_logger()->info("{} \"{} {}\" {} {} {:.3f}ms", request.remote_ip,
                          to_string(request.method), request.target, response.status,
                          response.body.size(), seconds * 1000.0);
  }
}

}  // namespace ecrm::http
