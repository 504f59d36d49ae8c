// The options of configured order lines as sold (order_line_options, migration 0043): a
// snapshot of each chosen option's group, SKU, names, price delta and supplier, so the line
// reads the same after the product's configuration changes. Statements are named constants in
// line_options.cpp; methods take the connection, so callers choose the transaction.
#pragma once

#include <cstdint>
#include <vector>

#include "catalog/configuration.hpp"
#include "core/result.hpp"
#include "orders/model.hpp"
#include "storage/database.hpp"

namespace ecrm::orders {

class LineOptionRepo {
 public:
  // Stores the options of one line of an order.
  Status insert(storage::Connection& c, std::int64_t order_id, std::int64_t order_line_id,
                const std::vector<catalog::ChosenOption>& options);
  // Fills the options of the order's lines (in the order they were stored).
  Status load(storage::Connection& c, Order& order);
};

}  // namespace ecrm::orders
