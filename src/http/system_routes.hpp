// Operational endpoints: /healthz, /readyz, /metrics, /api/v1/openapi.json, /api/v1/system/info.
#pragma once

#include <boost/json/object.hpp>

#include <functional>
#include <string>

#include "core/metrics.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "http/router.hpp"
#include "storage/database.hpp"

namespace ecrm::http {

struct SystemRoutesConfig {
  std::string version;
  UnixMs started_at = 0;
  // Adds capability figures (e.g. user counts) to /api/v1/system/info; may query the database.
  std::function<Status(boost::json::object&)> extra_info;
};

// Registers the operational routes. The OpenAPI route renders `router` at request time, so it
// includes routes added after this call.
void add_system_routes(Router& router, storage::Database& db, MetricsRegistry& metrics,
                       SystemRoutesConfig config);

}  // namespace ecrm::http
