// Social listening's routes: the signed mentions webhook (public, checked by its signature), the
// CSV import, the mentions inbox (list, detail, reply, escalate, handled), the reputation
// dashboard, the webhooks' settings, customers' handles and products' aliases.
#pragma once

#include "http/router.hpp"
#include "social/service.hpp"

namespace ecrm::social {

void add_social_routes(http::Router& router, SocialService& social);

}  // namespace ecrm::social
