// Partners' routes: staff manage partners, contacts, users (and their sign-in links), product
// links, routing, and read lines, scorecards and rankings (partners:read, partners:write); the
// partner portal (/api/v1/portal/partner/…, portal sessions of kind partner only): the session,
// the partner's order lines (acknowledge, ship with tracking), its products (stock, lead times)
// and its scorecard.
#pragma once

#include "http/router.hpp"
#include "partners/service.hpp"

namespace ecrm::partners {

struct PartnerRoutesConfig {
  bool secure_cookies = false;  // add Secure to the portal cookie (HTTPS deployments)
};

void add_partner_routes(http::Router& router, PartnerService& service, PartnerRoutesConfig config);

}  // namespace ecrm::partners
