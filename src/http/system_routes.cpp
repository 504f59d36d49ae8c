#include "http/system_routes.hpp"

#include <boost/json.hpp>

#include "core/crypto.hpp"
#include "http/context.hpp"
#include "http/openapi.hpp"

namespace ecrm::http {

namespace {

bool metrics_allowed(const Request& request, const AddressList& allow, const std::string& token) {
  if (allow.contains(request.remote_ip)) return true;
  if (token.empty()) return false;
  auto authorization = request.headers.get("authorization");
  constexpr std::string_view kScheme = "Bearer ";
  if (!authorization || authorization->size() <= kScheme.size()) return false;
  std::string_view scheme = authorization->substr(0, kScheme.size());
  if (scheme != kScheme && scheme != "bearer ") return false;
  return constant_time_equal(authorization->substr(kScheme.size()), token);
}

}  // namespace

void add_system_routes(Router& router, storage::Database& db, MetricsRegistry& metrics,
                       SystemRoutesConfig config) {
  router.add(Route{
      .method = Method::kGet,
      .pattern = "/healthz",
      .access = Access::public_route(),
      .doc = {.summary = "Liveness: the process answers",
              .tag = "system",
              .response = json_body<Health>()},
      .handler = [](RequestContext&) { return reply(200, Health{"ok"}); },
      .blocking = false});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/readyz",
      .access = Access::public_route(),
      .doc = {.summary = "Readiness: the database is reachable",
              .tag = "system",
              .response = json_body<Readiness>(),
              .error_statuses = {503}},
      .handler =
          [&db](RequestContext&) {
            auto lease = db.acquire();
            Status status = lease.ok() ? (*lease)->ping() : Status(lease.error());
            if (!status.ok()) {
              return error_response(
                  Error::unavailable("database unreachable: " + status.error().message));
            }
            return reply(200, Readiness{"ready", std::string(to_string(db.backend()))});
          }});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/metrics",
      .access = Access::public_route(),
      .doc = {.summary = "Prometheus metrics (text exposition format 0.0.4); for addresses in "
                         "--metrics-allow or with the --metrics-token bearer token",
              .tag = "system",
              .response = text_body("text/plain; version=0.0.4"),
              .error_statuses = {401, 403}},
      .handler =
          [&metrics, allow = config.metrics_allow,
           token = config.metrics_token](RequestContext& ctx) {
            if (!metrics_allowed(ctx.request(), allow, token)) {
              if (token.empty()) {
                return error_response(Error::forbidden(
                    "metrics are served only to the addresses in --metrics-allow",
                    "metrics_forbidden"));
              }
              Response refused = error_response(Error::unauthenticated(
                  "send the metrics token as a bearer token", "metrics_token_required"));
              for (auto& [name, value] : refused.headers) {
                if (name == "WWW-Authenticate") value = "Bearer realm=\"metrics\"";
              }
              return refused;
            }
            Response response;
            response.content_type = "text/plain; version=0.0.4; charset=utf-8";
            response.body = metrics.render();
            return response;
          },
      .blocking = false});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/openapi.json",
      .access = Access::public_route(),
      .doc = {.summary = "This API's OpenAPI 3.1 document",
              .tag = "system",
              .response = json_body<boost::json::object>()},
      .handler =
          [&router, version = config.version](RequestContext&) {
            Response response;
            response.body = openapi_document(router, version);
            return response;
          },
      .blocking = false});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/system/info",
      .access = Access::authenticated(),
      .doc = {.summary = "Version, database backend, uptime and request counts",
              .tag = "system",
              .response = json_body<SystemInfo>()},
      .handler =
          [&db, &metrics, config](RequestContext&) {
            SystemInfo info;
            info.version = config.version;
            info.database = to_string(db.backend());
            info.started_at = config.started_at;
            info.uptime_s = (now_ms() - config.started_at) / 1000;
            info.requests_total =
                static_cast<std::int64_t>(metrics.counter_total("ecrm_http_requests_total"));
            for (const auto& [status, count] :
                 metrics.counter_by_label("ecrm_http_requests_total", "status")) {
              info.requests_by_status[status] = static_cast<std::int64_t>(count);
            }
            if (config.extra_info) {
              if (auto status = config.extra_info(info); !status.ok()) {
                return error_response(status.error());
              }
            }
            return reply(200, info);
          }});
}

}  // namespace ecrm::http
