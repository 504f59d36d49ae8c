// /api/v1/analytics: the recomputation (start, status), Pareto, RFM, tiers, the CLV model and
// distribution, cohorts, churn risk, and one customer's scores and 7P profile. Staff with the
// roles admin, analyst, marketing or sales may read (API keys: analytics:read); admin and
// analyst may start a recomputation (analytics:write).
#pragma once

#include "analytics/service.hpp"
#include "analytics/worker.hpp"
#include "http/router.hpp"

namespace ecrm::analytics {

void add_analytics_routes(http::Router& router, AnalyticsService& service, AnalyticsWorker& worker);

}  // namespace ecrm::analytics
