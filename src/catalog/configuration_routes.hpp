// /api/v1/products/{id}/configuration and /api/v1/products/{id}/configure.
#pragma once

#include "catalog/configuration_service.hpp"
#include "http/router.hpp"

namespace ecrm::catalog {

void add_configuration_routes(http::Router& router, ConfigurationService& service);

}  // namespace ecrm::catalog
