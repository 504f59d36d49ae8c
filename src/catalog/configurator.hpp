// The configurator: pure functions over a product's configuration (configuration.hpp), no I/O.
// It prepares a configuration staff enter (checks every field and cross-reference before
// anything is stored) and checks and prices a customer's choice of options, so the API, the
// order service and the tests share one rule book.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "catalog/configuration.hpp"
#include "core/result.hpp"

namespace ecrm::catalog {

// A configuration as prepare_configuration() normalised it: groups with their effective
// min/max choices and options (ids 0), rules naming options by SKU.
struct PreparedConfiguration {
  std::vector<OptionGroup> groups;
  std::vector<OptionRuleInput> rules;
};

// Checks a configuration entered by staff and fills in the defaults: keys and SKUs unique
// within the product (SKUs compared as given, trimmed), names 1..kMaxOptionName bytes without
// control characters, price deltas within ±kMaxPriceDelta, stock 0..kMaxOptionStock, every group
// with 1..kMaxGroupOptions options; a single-choice group chooses at most one, a required group
// at least one, min_choices <= max_choices and min_choices <= its number of options; rules name
// options of this configuration, at least one target, never the option itself. Errors:
// kInvalidArgument naming the field ("groups[1].options[0].stock_on_hand", "rules[2].targets[0]"),
// with codes duplicate_key, duplicate_sku, unknown_option, invalid_choices where they apply.
// Suppliers are not checked here (they live in the database).
Result<PreparedConfiguration> prepare_configuration(const ProductConfigurationInput& input);

// Checks and prices a choice of options of `config` for `quantity` units (1 ..
// kMaxConfiguredQuantity). The request itself must make sense, else an Error:
// kInvalidArgument (duplicate_option, field "options[i]") for an option chosen twice or too many
// options; kUnprocessable (unknown_option, field "options[i]") for an id that is not an option of
// this product (another product's option included). What the rules decide is reported in the
// quote's problems, each naming the field, group, option and rule: a required group left
// unanswered (group_required), fewer or more choices than a group allows (too_few_choices,
// too_many_choices), a `requires` rule unmet (requires_unmet), an `excludes` rule broken
// (excludes_conflict), an option with less stock than `quantity` (out_of_stock), a unit price
// below zero or above kMaxConfiguredPrice. Prices: unit_price = base_price + the chosen deltas,
// total = unit_price × quantity (0 when the unit price is out of range).
Result<ConfigurationQuote> quote_configuration(const ProductConfiguration& config,
                                               std::span<const std::int64_t> chosen,
                                               std::int64_t quantity);

}  // namespace ecrm::catalog
