// /api/v1/customers: the archive (CRUD, search, filters), duplicates, merge and undo, privacy
// export and erasure, and the 360° timeline and summary.
#pragma once

#include "customers/service.hpp"
#include "http/router.hpp"

namespace ecrm::customers {

void add_customer_routes(http::Router& router, CustomerService& service);

}  // namespace ecrm::customers
