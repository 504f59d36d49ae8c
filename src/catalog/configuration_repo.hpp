// SQL for configurable products: option groups, options and rules (migration 0043). Every
// statement is a named constant in configuration_repo.cpp; every method takes the connection to
// run on, so callers choose the transaction. Orders read a product's configuration and take
// option stock through this class inside their own transaction. Reads partners (whether a
// supplier exists).
#pragma once

#include <cstdint>
#include <optional>

#include "catalog/configurator.hpp"
#include "catalog/model.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "storage/database.hpp"

namespace ecrm::catalog {

class ConfigurationRepo {
 public:
  // The product's groups (by position) with their options (by position) and its rules (by id);
  // base price and currency from `product`. Empty groups and rules when it has none.
  Result<ProductConfiguration> load(storage::Connection& c, const Product& product);
  // Replaces the product's configuration with `prepared`: a group whose key and an option whose
  // SKU is already stored keeps its id and is updated, the rest are inserted; groups, options and
  // rules left out are deleted; rules are written anew. Options must have valid suppliers.
  Status replace(storage::Connection& c, std::int64_t product_id,
                 const PreparedConfiguration& prepared, UnixMs now);
  // True when a partner with this id exists.
  Result<bool> partner_exists(storage::Connection& c, std::int64_t partner_id);
  // Takes `quantity` of the option's stock when that much is on hand (one conditional UPDATE,
  // so concurrent orders cannot take the same units); false when there is not enough.
  Result<bool> take_stock(storage::Connection& c, std::int64_t option_id, std::int64_t quantity);
};

}  // namespace ecrm::catalog
