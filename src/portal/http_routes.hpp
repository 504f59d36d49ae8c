// The customer portal's routes (/api/v1/portal/…, reached only by a customer's portal session,
// except sign-in) and staff's routes for the erase requests customers make there.
#pragma once

#include "http/router.hpp"
#include "portal/service.hpp"

namespace ecrm::portal {

struct PortalRoutesConfig {
  bool secure_cookies = false;  // add Secure to the portal cookie (HTTPS deployments)
};

void add_portal_routes(http::Router& router, PortalService& service, PortalRoutesConfig config);

}  // namespace ecrm::portal
