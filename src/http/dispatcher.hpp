// The HTTP layer's logic without the network: target parsing, routing, authentication, role and
// scope checks, CSRF, the handler call, audit, metrics and the access log. The server hands it
// a parsed Request and writes back the Response; tests can drive it directly.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "core/metrics.hpp"
#include "http/principal.hpp"
#include "http/request.hpp"
#include "http/router.hpp"
#include "http/static_files.hpp"

namespace ecrm::http {

class IdempotencyStore;

struct DispatcherOptions {
  std::size_t default_body_limit = 1 << 20;  // bytes
  bool access_log = true;
  // Behind a reverse proxy: the client address is the one X-Forwarded-For names (rate limits,
  // the audit log and the access log use it), and a request the proxy received over HTTPS
  // (X-Forwarded-Proto: https) gets its cookies marked Secure. Off, both headers are ignored:
  // anyone could send them.
  bool trust_proxy = false;
  // Where Idempotency-Key answers are kept (http/idempotency.hpp); null: the header is ignored.
  IdempotencyStore* idempotency = nullptr;
};

class Dispatcher {
 public:
  // All pointers must outlive the dispatcher; `audit` and `static_files` may be null.
  Dispatcher(const Router& router, Authenticator& authenticator, AuditSink* audit,
             const StaticFiles* static_files, MetricsRegistry& metrics, DispatcherOptions options);

  // How the body of a request for `method` + `target` is read: the largest body accepted (a
  // route may raise the default), and whether the route takes it as a temporary file.
  struct BodyPolicy {
    std::size_t limit = 0;
    bool spool = false;
    // The route needs credentials and takes more than the default limit (or a file): check them
    // with refuse_before_body() before reading the body, so that nobody unauthenticated makes
    // the server read and store a large upload.
    bool authenticate_first = false;
  };
  BodyPolicy body_policy(Method method, std::string_view target) const;
  std::size_t body_limit(Method method, std::string_view target) const {
    return body_policy(method, target).limit;
  }

  // Checks the credentials and access of `request` from its method, target and headers alone
  // (its body not read yet). Returns the response refusing it (401, 403; counted in the metrics
  // and access log), or nullopt when the body should be read and the request handled. May block
  // on the database: call it from a worker thread.
  std::optional<Response> refuse_before_body(Request& request);

  // Handles `request` completely. May block on the database: call it from a worker thread.
  Response handle(Request& request);

  // Handles `request` only if that needs no blocking work (a non-blocking route, or a route
  // whose fast handler answers, whose caller is known from memory; or a static file); otherwise
  // returns nullopt and changes nothing.
  std::optional<Response> try_handle_inline(Request& request);

  // A response for a request the server rejected before dispatch (bad framing, body too large),
  // counted in the metrics and access log like any other.
  Response reject(const Request& request, const Error& error);

 private:
  std::optional<Response> run(Request& request, bool may_block);
  // With trust_proxy, takes the client address from the proxy's header; returns whether the
  // proxy says the request came over HTTPS.
  bool apply_proxy_headers(Request& request) const;
  void finish(const Request& request, const std::string& route_label, const Response& response,
              double seconds);
  // Runs the route's handler; for a POST with an Idempotency-Key, at most once per caller and
  // key (http/idempotency.hpp). `replayed` tells that the answer is a stored one.
  Response call_handler(const Route& route, RequestContext& context, bool* replayed);

  const Router& router_;
  Authenticator& authenticator_;
  AuditSink* audit_;
  const StaticFiles* static_files_;
  MetricsRegistry& metrics_;
  DispatcherOptions options_;
  const std::uint64_t id_;  // tells this dispatcher's series apart in the per-thread cache
};

}  // namespace ecrm::http
