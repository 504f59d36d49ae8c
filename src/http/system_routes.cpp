#include "http/system_routes.hpp"

#include <boost/json.hpp>

#include "http/context.hpp"
#include "http/openapi.hpp"

namespace ecrm::http {

namespace json = boost::json;

void add_system_routes(Router& router, storage::Database& db, MetricsRegistry& metrics,
                       SystemRoutesConfig config) {
  router.add(Route{
      .method = Method::kGet,
      .pattern = "/healthz",
      .access = Access::public_route(),
      .doc = {.summary = "Liveness: the process answers", .tag = "system",
              .response_schema = R"({"type":"object","properties":{"status":{"type":"string"}}})"},
      .handler = [](RequestContext&) { return json_response(200, json::object{{"status", "ok"}}); },
      .blocking = false});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/readyz",
      .access = Access::public_route(),
      .doc = {.summary = "Readiness: the database is reachable", .tag = "system",
              .error_statuses = {503}},
      .handler =
          [&db](RequestContext&) {
            auto lease = db.acquire();
            Status status = lease.ok() ? (*lease)->ping() : Status(lease.error());
            if (!status.ok()) {
              return error_response(Error::unavailable("database unreachable: " + status.error().message));
            }
            return json_response(200, json::object{{"status", "ready"},
                                                   {"database", to_string(db.backend())}});
          }});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/metrics",
      .access = Access::public_route(),
      .doc = {.summary = "Prometheus metrics (text exposition format 0.0.4)", .tag = "system"},
      .handler =
          [&metrics](RequestContext&) {
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
      .doc = {.summary = "This API's OpenAPI 3.1 document", .tag = "system"},
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
      .doc = {.summary = "Version, database backend, uptime and request counts", .tag = "system"},
      .handler =
          [&db, &metrics, config](RequestContext&) {
            UnixMs now = now_ms();
            json::object info{{"version", config.version},
                              {"database", to_string(db.backend())},
                              {"started_at", config.started_at},
                              {"uptime_s", (now - config.started_at) / 1000},
                              {"requests_total", metrics.counter_total("ecrm_http_requests_total")}};
            json::object by_status;
            for (const auto& [status, count] :
                 metrics.counter_by_label("ecrm_http_requests_total", "status")) {
              by_status[status] = count;
            }
            info["requests_by_status"] = std::move(by_status);
            if (config.extra_info) {
              if (auto status = config.extra_info(info); !status.ok()) return error_response(status.error());
            }
            return json_response(200, info);
          }});
}

}  // namespace ecrm::http
