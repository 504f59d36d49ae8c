// Recommendation routes: the rebuild (start, status), the association rules explorer,
// a product's related products (bought together, also bought, upsell) and bundle, and a
// customer's personal list with reasons. Reading needs recommendations:read, starting a rebuild
// recommendations:write. Every response is a described type (views.hpp).
#pragma once

#include <functional>
#include <string>

#include "http/router.hpp"
#include "recommend/service.hpp"
#include "recommend/worker.hpp"

namespace ecrm::recommend {

void add_recommend_routes(http::Router& router, RecommendService& service,
                          RecommendWorker& worker);

// Checks a tracking snippet's public write key: ok, or the error to answer (401 for an unknown
// or revoked key). Supplied by the composition root (the events capability owns the keys).
using WriteKeyCheck = std::function<Status(const std::string& key)>;

// GET /api/v1/events/recommendations?key=&anonymous_id=&limit= for the tracking snippet on the
// shop's pages (any origin, no cookies): the visitor's recommendations as products and short
// reasons only (RecommendService::visitor_recommendations), authorised by the write key.
void add_snippet_recommendation_routes(http::Router& router, RecommendService& service,
                                       WriteKeyCheck check_write_key);

}  // namespace ecrm::recommend
