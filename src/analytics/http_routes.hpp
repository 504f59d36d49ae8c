// /api/v1/analytics: the recomputation (start, status), Pareto, RFM, tiers, the CLV model and
// distribution, cohorts, churn risk, and one customer's scores and 7P profile. Reading needs
// analytics:read, starting a recomputation analytics:write. Every response is a described type
// (service.hpp, repo.hpp, profile.hpp).
#pragma once

#include "analytics/service.hpp"
#include "analytics/worker.hpp"
#include "http/router.hpp"

namespace ecrm::analytics {

void add_analytics_routes(http::Router& router, AnalyticsService& service, AnalyticsWorker& worker);

}  // namespace ecrm::analytics
