// /api/v1/categories and /api/v1/products.
#pragma once

#include <boost/json/object.hpp>

#include "catalog/service.hpp"
#include "http/router.hpp"

namespace ecrm::catalog {

void add_catalog_routes(http::Router& router, CatalogService& service);

// The API's JSON form of a product (also embedded by other capabilities' responses).
boost::json::object product_json(const Product& product);

}  // namespace ecrm::catalog
