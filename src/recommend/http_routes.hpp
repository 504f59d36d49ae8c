// Recommendation routes: the rebuild (start, status), the association rules explorer,
// a product's related products (bought together, also bought, upsell) and bundle, and a
// customer's personal list with reasons. Any staff member may read (API keys:
// recommendations:read); admin, analyst and marketing may start a rebuild (analytics:write).
#pragma once

#include "http/router.hpp"
#include "recommend/service.hpp"
#include "recommend/worker.hpp"

namespace ecrm::recommend {

void add_recommend_routes(http::Router& router, RecommendService& service,
                          RecommendWorker& worker);

}  // namespace ecrm::recommend
