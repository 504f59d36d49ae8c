// The community's and reviews' routes: public reads (/api/v1/community/…,
// /api/v1/products/{id}/reviews), the signed-in customer's writes (/api/v1/portal/community/…,
// /api/v1/portal/products/{id}/review, /api/v1/portal/reviews) and staff's answers and
// moderation (community:read, community:write, community:moderate).
#pragma once

#include "community/service.hpp"
#include "http/router.hpp"

namespace ecrm::community {

void add_community_routes(http::Router& router, CommunityService& service);

}  // namespace ecrm::community
