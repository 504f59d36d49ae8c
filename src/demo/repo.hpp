// The demo loader's own SQL: only the checks of whether a database is empty. Everything it
// writes goes through the capabilities' repositories.
#pragma once

#include <cstdint>

#include "core/result.hpp"
#include "storage/database.hpp"

namespace ecrm::demo {

class DemoRepo {
 public:
  // Customer rows of any kind (live, merged, erased).
  Result<std::int64_t> count_customers(storage::Connection& c);
  // Products plus categories.
  Result<std::int64_t> count_catalog(storage::Connection& c);
  // Orders.
  Result<std::int64_t> count_orders(storage::Connection& c);
};

}  // namespace ecrm::demo
