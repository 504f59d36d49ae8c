// /api/v1/products/{id}/configuration and /api/v1/products/{id}/configure for staff, and the
// shop's own (the tracking snippet's ecrm.configure and ecrm.configurator):
// /api/v1/public/products/{id}/configuration and /api/v1/public/products/{id}/configure.
#pragma once

#include <functional>
#include <string>

#include "catalog/configuration_service.hpp"
#include "http/router.hpp"

namespace ecrm::catalog {

void add_configuration_routes(http::Router& router, ConfigurationService& service);

// Checks a tracking snippet's public write key: ok, or the error to answer (401 for an unknown
// or revoked key). Supplied by the composition root (the events capability owns the keys).
using ShopKeyCheck = std::function<Status(const std::string& key)>;

// The shop's pages (any origin, no cookies, the snippet's write key as ?key= or X-Ecrm-Key):
// GET .../configuration reads an active product's option groups and rules, POST .../configure
// prices and checks a choice of options with the same engine as the staff route; neither shows
// the options' suppliers. CORS pre-flights for both.
void add_shop_configuration_routes(http::Router& router, ConfigurationService& service,
                                   ShopKeyCheck check_write_key);

}  // namespace ecrm::catalog
