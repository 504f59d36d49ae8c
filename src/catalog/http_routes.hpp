// /api/v1/categories and /api/v1/products.
#pragma once

#include "catalog/service.hpp"
#include "http/router.hpp"

namespace ecrm::catalog {

void add_catalog_routes(http::Router& router, CatalogService& service);

}  // namespace ecrm::catalog
