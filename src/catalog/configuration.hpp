// Configurable products ("build to order"), described for the wire (core/describe.hpp): a
// product's option groups (CPU, memory, disk…; required or optional; single or multiple choice
// with a minimum and maximum number of choices), its options (SKU, name in English and Chinese,
// price delta in minor units of the product's currency, may be negative, stock, and the partner
// that supplies the part), and the compatibility rules between options: `requires` (the option
// needs one of its targets chosen too) and `excludes` (the option and any of its targets cannot
// be chosen together). The engine that checks and prices a configuration is configurator.hpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/describe.hpp"

namespace ecrm::catalog {

// Limits of the contract, checked by the configurator and declared for the wire.
inline constexpr std::size_t kMaxOptionGroups = 50;
inline constexpr std::size_t kMaxGroupOptions = 100;
inline constexpr std::size_t kMaxProductOptions = 500;
inline constexpr std::size_t kMaxOptionRules = 500;
inline constexpr std::size_t kMaxRuleTargets = 50;
inline constexpr std::size_t kMaxChosenOptions = 100;
inline constexpr std::size_t kMaxOptionKey = 64;
inline constexpr std::size_t kMaxOptionName = 200;
inline constexpr std::size_t kMaxOptionSku = 64;
inline constexpr std::int64_t kMaxPriceDelta = 100'000'000'000;  // minor units, either sign
inline constexpr std::int64_t kMaxConfiguredPrice = 100'000'000'000;
inline constexpr std::int64_t kMaxOptionStock = 1'000'000'000;
inline constexpr std::int64_t kMaxConfiguredQuantity = 1'000'000;

enum class OptionRuleKind { kRequires, kExcludes };
ECRM_DESCRIBE_ENUM(OptionRuleKind, kRequires, kExcludes)

struct ProductOption {
  std::int64_t id = 0;
  std::int64_t group_id = 0;
  std::string sku;
  std::string name;
  std::optional<std::string> name_zh;  // zh-CN; the English name when absent
  std::int64_t price_delta = 0;        // minor units of the product's currency, may be negative
  std::int64_t stock_on_hand = 0;
  std::optional<std::int64_t> supplier_id;  // a partner (src/partners) supplying the part
  int position = 0;                         // within its group
};
ECRM_DESCRIBE(ProductOption, id, group_id, sku, name, name_zh, price_delta, stock_on_hand,
              supplier_id, position)
ECRM_WIRE_RULES(ProductOption,
                rule(&ProductOption::price_delta, {.description = "minor units, may be negative"}))

struct OptionGroup {
  std::int64_t id = 0;
  std::string key;  // unique within the product, e.g. "cpu"
  std::string name;
  std::optional<std::string> name_zh;
  bool required = false;  // a configuration must choose from it
  bool multiple = false;  // more than one option may be chosen
  int min_choices = 0;    // when anything is chosen from the group (1 for a required group)
  int max_choices = 1;
  int position = 0;
  std::vector<ProductOption> options;
};
ECRM_DESCRIBE(OptionGroup, id, key, name, name_zh, required, multiple, min_choices, max_choices,
              position, options)

// requires: choosing `option_id` needs at least one of `targets` chosen as well;
// excludes: `option_id` and any of `targets` cannot be chosen together.
struct OptionRule {
  std::int64_t id = 0;
  OptionRuleKind kind = OptionRuleKind::kRequires;
  std::int64_t option_id = 0;
  std::string option_sku;
  std::vector<std::int64_t> targets;
  std::vector<std::string> target_skus;
};
ECRM_DESCRIBE(OptionRule, id, kind, option_id, option_sku, targets, target_skus)

// A product's whole configuration with what pricing needs of the product.
struct ProductConfiguration {
  std::int64_t product_id = 0;
  std::string currency;
  std::int64_t base_price = 0;
  std::vector<OptionGroup> groups;  // by position
  std::vector<OptionRule> rules;    // by id
};
ECRM_DESCRIBE(ProductConfiguration, product_id, currency, base_price, groups, rules)
ECRM_WIRE_RULES(ProductConfiguration,
                rule(&ProductConfiguration::base_price, {.description = "minor units"}))

struct ProductOptionInput {
  std::string sku;  // unique within the product; an option keeps its id while its SKU stays
  std::string name;
  std::optional<std::string> name_zh;
  std::optional<std::int64_t> price_delta;  // default 0
  std::int64_t stock_on_hand = 0;
  std::optional<std::int64_t> supplier_id;
};
ECRM_DESCRIBE(ProductOptionInput, sku, name, name_zh, price_delta, stock_on_hand, supplier_id)
ECRM_WIRE_RULES(ProductOptionInput, rule(&ProductOptionInput::sku, {.max_length = kMaxOptionSku}),
                rule(&ProductOptionInput::name, {.max_length = kMaxOptionName}),
                rule(&ProductOptionInput::name_zh, {.max_length = kMaxOptionName}),
                rule(&ProductOptionInput::price_delta, {.minimum = -kMaxPriceDelta,
                                                        .maximum = kMaxPriceDelta,
                                                        .description = "minor units"}),
                rule(&ProductOptionInput::stock_on_hand,
                     {.minimum = 0, .maximum = kMaxOptionStock}))

struct OptionGroupInput {
  std::string key;  // unique within the product; a group keeps its id while its key stays
  std::string name;
  std::optional<std::string> name_zh;
  std::optional<bool> required;      // default false
  std::optional<bool> multiple;      // default false (single choice)
  std::optional<int> min_choices;    // default 1 when required, else 0
  std::optional<int> max_choices;    // default 1, or the number of options when multiple
  std::vector<ProductOptionInput> options;  // 1 … kMaxGroupOptions
};
ECRM_DESCRIBE(OptionGroupInput, key, name, name_zh, required, multiple, min_choices, max_choices,
              options)
ECRM_WIRE_RULES(OptionGroupInput, rule(&OptionGroupInput::key, {.max_length = kMaxOptionKey}),
                rule(&OptionGroupInput::name, {.max_length = kMaxOptionName}),
                rule(&OptionGroupInput::name_zh, {.max_length = kMaxOptionName}),
                rule(&OptionGroupInput::min_choices, {.minimum = 0}),
                rule(&OptionGroupInput::max_choices, {.minimum = 1}),
                rule(&OptionGroupInput::options, {.max_length = kMaxGroupOptions}))

// A rule naming its options by SKU.
struct OptionRuleInput {
  OptionRuleKind kind = OptionRuleKind::kRequires;
  std::string option;
  std::vector<std::string> targets;  // 1 … kMaxRuleTargets
};
ECRM_DESCRIBE(OptionRuleInput, kind, option, targets)
ECRM_WIRE_RULES(OptionRuleInput, rule(&OptionRuleInput::option, {.max_length = kMaxOptionSku}),
                rule(&OptionRuleInput::targets, {.max_length = kMaxRuleTargets}))

// The whole configuration of a product, replacing the stored one (groups matched by key and
// options by SKU keep their ids; what is left out is removed).
struct ProductConfigurationInput {
  std::vector<OptionGroupInput> groups;
  std::vector<OptionRuleInput> rules;
};
ECRM_DESCRIBE(ProductConfigurationInput, groups, rules)
ECRM_WIRE_RULES(ProductConfigurationInput,
                rule(&ProductConfigurationInput::groups, {.max_length = kMaxOptionGroups}),
                rule(&ProductConfigurationInput::rules, {.max_length = kMaxOptionRules}))

// The body of POST /products/{id}/configure.
struct ConfigureRequest {
  std::vector<std::int64_t> options;     // the chosen options' ids
  std::optional<std::int64_t> quantity;  // default 1
};
ECRM_DESCRIBE(ConfigureRequest, options, quantity)
ECRM_WIRE_RULES(ConfigureRequest,
                rule(&ConfigureRequest::options, {.max_length = kMaxChosenOptions}),
                rule(&ConfigureRequest::quantity,
                     {.minimum = 1, .maximum = kMaxConfiguredQuantity}))

// Why a configuration is not valid: a machine code (group_required, too_few_choices,
// too_many_choices, requires_unmet, excludes_conflict, out_of_stock, price_below_zero,
// price_too_high), the field of the request it concerns ("options" or "options[2]"), and the
// group, option and rule involved.
struct ConfigurationProblem {
  std::string code;
  std::string field;
  std::string message;
  std::optional<std::int64_t> group_id;
  std::optional<std::int64_t> option_id;
  std::optional<std::int64_t> rule_id;
};
ECRM_DESCRIBE(ConfigurationProblem, code, field, message, group_id, option_id, rule_id)

// A chosen option as priced, and as an order line keeps it.
struct ChosenOption {
  std::int64_t option_id = 0;
  std::int64_t group_id = 0;
  std::string group_key;
  std::string group_name;
  std::optional<std::string> group_name_zh;
  std::string sku;
  std::string name;
  std::optional<std::string> name_zh;
  std::int64_t price_delta = 0;
  std::optional<std::int64_t> supplier_id;
};
ECRM_DESCRIBE(ChosenOption, option_id, group_id, group_key, group_name, group_name_zh, sku, name,
              name_zh, price_delta, supplier_id)

// A configuration priced: unit_price = base_price + options_total; total = unit_price ×
// quantity. `valid` when there are no problems.
struct ConfigurationQuote {
  std::int64_t product_id = 0;
  std::string currency;
  std::int64_t base_price = 0;
  std::int64_t options_total = 0;
  std::int64_t unit_price = 0;
  std::int64_t quantity = 1;
  std::int64_t total = 0;
  bool valid = true;
  std::vector<ChosenOption> options;  // in the order of the groups, then of their options
  std::vector<ConfigurationProblem> problems;
};
ECRM_DESCRIBE(ConfigurationQuote, product_id, currency, base_price, options_total, unit_price,
              quantity, total, valid, options, problems)
ECRM_WIRE_RULES(ConfigurationQuote,
                rule(&ConfigurationQuote::unit_price, {.description = "minor units"}),
                rule(&ConfigurationQuote::total, {.description = "minor units"}))

}  // namespace ecrm::catalog
