// Operational endpoints: /healthz, /readyz, /metrics, /api/v1/openapi.json, /api/v1/system/info.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "core/describe.hpp"
#include "core/metrics.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "http/router.hpp"
#include "http/security.hpp"
#include "storage/database.hpp"

namespace ecrm::http {

// GET /healthz
struct Health {
  std::string status;  // "ok"
};
ECRM_DESCRIBE(Health, status)

// GET /readyz
struct Readiness {
  std::string status;    // "ready"
  std::string database;  // "sqlite" or "postgresql"
};
ECRM_DESCRIBE(Readiness, status, database)

// GET /api/v1/system/info
struct SystemInfo {
  std::string version;
  std::string database;
  UnixMs started_at = 0;
  std::int64_t uptime_s = 0;
  std::int64_t requests_total = 0;
  std::map<std::string, std::int64_t> requests_by_status;  // "200" -> count
  std::int64_t users = 0;
  std::int64_t api_keys = 0;  // live ones
};
ECRM_DESCRIBE(SystemInfo, version, database, started_at, uptime_s, requests_total,
              requests_by_status, users, api_keys)

struct SystemRoutesConfig {
  std::string version;
  UnixMs started_at = 0;
  // Adds capability figures (user and key counts) to the system info; may query the database.
  std::function<Status(SystemInfo&)> extra_info;
  // Who may read /metrics (it names every route and its counts): clients whose address is in
  // `metrics_allow`, and anyone sending `Authorization: Bearer <metrics_token>` when a token is
  // set. Others get 401 (403 when no token is set, since no credential would help).
  AddressList metrics_allow = AddressList::loopback();
  std::string metrics_token;
};

// Registers the operational routes. The OpenAPI route renders `router` at request time, so it
// includes routes added after this call.
void add_system_routes(Router& router, storage::Database& db, MetricsRegistry& metrics,
                       SystemRoutesConfig config);

}  // namespace ecrm::http
