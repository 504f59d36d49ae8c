// The orders' own invariants, checked over the whole database (`ecrm check`): a line's total is
// its quantity times its unit price, an order's subtotal is the sum of its lines' totals, and its
// total is subtotal − discount + shipping + tax. Each broken one is a line naming the order.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "storage/database.hpp"

namespace ecrm::orders {

// At most `limit` problems, in order id order.
Result<std::vector<std::string>> check_totals(storage::Connection& c, std::size_t limit = 100);

}  // namespace ecrm::orders
