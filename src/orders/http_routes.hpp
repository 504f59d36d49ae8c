// /api/v1/orders (create, list, get, status changes, tracking, returns) and /api/v1/returns.
#pragma once

#include "http/router.hpp"
#include "orders/service.hpp"

namespace ecrm::orders {

void add_order_routes(http::Router& router, OrderService& service);

}  // namespace ecrm::orders
