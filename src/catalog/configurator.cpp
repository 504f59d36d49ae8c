#include "catalog/configurator.hpp"

#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

namespace ecrm::catalog {

namespace {

std::string trim(const std::string& text) {
  auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

Status check_text(const std::string& value, const std::string& field, std::size_t max_length,
                  bool required) {
  if (required && value.empty()) {
    return Error::invalid(field + " is required", field, "required");
  }
  if (value.size() > max_length) {
    return Error::invalid(field + " is longer than " + std::to_string(max_length) + " bytes",
                          field);
  }
  for (unsigned char ch : value) {
    if (ch < 0x20 || ch == 0x7f) {
      return Error::invalid(field + " must not contain control characters", field);
    }
  }
  return {};
}

Result<std::optional<std::string>> optional_text(const std::optional<std::string>& value,
                                                 const std::string& field) {
  if (!value) return std::optional<std::string>{};
  std::string text = trim(*value);
  ECRM_RETURN_IF_ERROR(check_text(text, field, kMaxOptionName, false));
  if (text.empty()) return std::optional<std::string>{};
  return std::optional<std::string>{std::move(text)};
}

std::string quoted(const std::string& text) { return "\u201c" + text + "\u201d"; }

}  // namespace

Result<PreparedConfiguration> prepare_configuration(const ProductConfigurationInput& input) {
  PreparedConfiguration out;
  if (input.groups.size() > kMaxOptionGroups) {
    return Error::invalid("a product has at most " + std::to_string(kMaxOptionGroups) +
                              " option groups",
                          "groups");
  }
  if (input.rules.size() > kMaxOptionRules) {
    return Error::invalid("a product has at most " + std::to_string(kMaxOptionRules) + " rules",
                          "rules");
  }
  std::set<std::string> keys;
  std::set<std::string> skus;
  std::size_t option_count = 0;
  for (std::size_t g = 0; g < input.groups.size(); ++g) {
    const auto& in = input.groups[g];
    const std::string at = "groups[" + std::to_string(g) + "]";
    OptionGroup group;
    group.key = trim(in.key);
    ECRM_RETURN_IF_ERROR(check_text(group.key, at + ".key", kMaxOptionKey, true));
    if (!keys.insert(group.key).second) {
      return Error::invalid("two groups have the key '" + group.key + "'", at + ".key",
                            "duplicate_key");
    }
    group.name = trim(in.name);
    ECRM_RETURN_IF_ERROR(check_text(group.name, at + ".name", kMaxOptionName, true));
    ECRM_ASSIGN_OR_RETURN(group.name_zh, optional_text(in.name_zh, at + ".name_zh"));
    group.required = in.required.value_or(false);
    group.multiple = in.multiple.value_or(false);
    group.position = static_cast<int>(g);
    if (in.options.empty() || in.options.size() > kMaxGroupOptions) {
      return Error::invalid(
          "a group needs 1 to " + std::to_string(kMaxGroupOptions) + " options", at + ".options",
          in.options.empty() ? "required" : "");
    }
    const int n = static_cast<int>(in.options.size());
    const int min_default = group.required ? 1 : 0;
    group.min_choices = in.min_choices.value_or(min_default);
    group.max_choices = in.max_choices.value_or(group.multiple ? n : 1);
    if (!group.multiple && group.max_choices != 1) {
      return Error::invalid("a single-choice group chooses one option; set multiple for more",
                            at + ".max_choices", "invalid_choices");
    }
    if (group.min_choices < 0 || group.max_choices < 1) {
      return Error::invalid("min_choices must be 0 or more and max_choices 1 or more",
                            at + (group.min_choices < 0 ? ".min_choices" : ".max_choices"),
                            "invalid_choices");
    }
    if (group.required && group.min_choices < 1) {
      return Error::invalid("a required group needs min_choices of 1 or more",
                            at + ".min_choices", "invalid_choices");
    }
    if (group.min_choices > group.max_choices) {
      return Error::invalid("min_choices must not exceed max_choices", at + ".min_choices",
                            "invalid_choices");
    }
    if (group.min_choices > n) {
      return Error::invalid("min_choices exceeds the group's " + std::to_string(n) + " options",
                            at + ".min_choices", "invalid_choices");
    }
    for (std::size_t o = 0; o < in.options.size(); ++o) {
      const auto& oin = in.options[o];
      const std::string oat = at + ".options[" + std::to_string(o) + "]";
      ProductOption option;
      option.sku = trim(oin.sku);
      ECRM_RETURN_IF_ERROR(check_text(option.sku, oat + ".sku", kMaxOptionSku, true));
      if (!skus.insert(option.sku).second) {
        return Error::invalid("two options have the SKU '" + option.sku + "'", oat + ".sku",
                              "duplicate_sku");
      }
      option.name = trim(oin.name);
      ECRM_RETURN_IF_ERROR(check_text(option.name, oat + ".name", kMaxOptionName, true));
      ECRM_ASSIGN_OR_RETURN(option.name_zh, optional_text(oin.name_zh, oat + ".name_zh"));
      option.price_delta = oin.price_delta.value_or(0);
      if (option.price_delta < -kMaxPriceDelta || option.price_delta > kMaxPriceDelta) {
        return Error::invalid("price_delta must be within ±" + std::to_string(kMaxPriceDelta),
                              oat + ".price_delta");
      }
      if (oin.stock_on_hand < 0 || oin.stock_on_hand > kMaxOptionStock) {
        return Error::invalid(
            "stock_on_hand must be from 0 to " + std::to_string(kMaxOptionStock),
            oat + ".stock_on_hand");
      }
      option.stock_on_hand = oin.stock_on_hand;
      if (oin.supplier_id && *oin.supplier_id <= 0) {
        return Error::invalid("supplier_id must be a partner's id", oat + ".supplier_id");
      }
      option.supplier_id = oin.supplier_id;
      option.position = static_cast<int>(o);
      group.options.push_back(std::move(option));
    }
    option_count += group.options.size();
    if (option_count > kMaxProductOptions) {
      return Error::invalid(
          "a product has at most " + std::to_string(kMaxProductOptions) + " options",
          at + ".options");
    }
    out.groups.push_back(std::move(group));
  }
  for (std::size_t r = 0; r < input.rules.size(); ++r) {
    const auto& in = input.rules[r];
    const std::string at = "rules[" + std::to_string(r) + "]";
    OptionRuleInput rule;
    rule.kind = in.kind;
    rule.option = trim(in.option);
    if (!skus.contains(rule.option)) {
      return Error::invalid("the rule names no option of this product: '" + rule.option + "'",
                            at + ".option", "unknown_option");
    }
    if (in.targets.empty() || in.targets.size() > kMaxRuleTargets) {
      return Error::invalid("a rule needs 1 to " + std::to_string(kMaxRuleTargets) + " targets",
                            at + ".targets", in.targets.empty() ? "required" : "");
    }
    std::set<std::string> seen;
    for (std::size_t t = 0; t < in.targets.size(); ++t) {
      const std::string tat = at + ".targets[" + std::to_string(t) + "]";
      std::string target = trim(in.targets[t]);
      if (!skus.contains(target)) {
        return Error::invalid("the rule names no option of this product: '" + target + "'", tat,
                              "unknown_option");
      }
      if (target == rule.option) {
        return Error::invalid("a rule cannot name its own option as a target", tat);
      }
      if (!seen.insert(target).second) {
        return Error::invalid("the target '" + target + "' is named twice", tat);
      }
      rule.targets.push_back(std::move(target));
    }
    out.rules.push_back(std::move(rule));
  }
  return out;
}

Result<ConfigurationQuote> quote_configuration(const ProductConfiguration& config,
                                               std::span<const std::int64_t> chosen,
                                               std::int64_t quantity) {
  if (quantity < 1 || quantity > kMaxConfiguredQuantity) {
    return Error::invalid(
        "quantity must be from 1 to " + std::to_string(kMaxConfiguredQuantity), "quantity");
  }
  if (chosen.size() > kMaxChosenOptions) {
    return Error::invalid("at most " + std::to_string(kMaxChosenOptions) + " options", "options");
  }
  struct Where {
    const OptionGroup* group;
    const ProductOption* option;
  };
  std::unordered_map<std::int64_t, Where> by_id;
  for (const auto& group : config.groups) {
    for (const auto& option : group.options) by_id[option.id] = Where{&group, &option};
  }
  // Index of each chosen option in the request, for the fields of problems.
  std::unordered_map<std::int64_t, std::size_t> index_of;
  for (std::size_t i = 0; i < chosen.size(); ++i) {
    const std::string field = "options[" + std::to_string(i) + "]";
    if (!by_id.contains(chosen[i])) {
      return Error::unprocessable("option " + std::to_string(chosen[i]) +
                                      " is not an option of product " +
                                      std::to_string(config.product_id),
                                  field, "unknown_option");
    }
    if (!index_of.emplace(chosen[i], i).second) {
      return Error::invalid("option " + std::to_string(chosen[i]) + " is chosen twice", field,
                            "duplicate_option");
    }
  }
  auto field_of = [&](std::int64_t option_id) {
    return "options[" + std::to_string(index_of.at(option_id)) + "]";
  };

  ConfigurationQuote quote;
  quote.product_id = config.product_id;
  quote.currency = config.currency;
  quote.base_price = config.base_price;
  quote.quantity = quantity;
  for (const auto& group : config.groups) {
    int count = 0;
    for (const auto& option : group.options) {
      if (!index_of.contains(option.id)) continue;
      ++count;
      quote.options.push_back(ChosenOption{option.id, group.id, group.key, group.name,
                                           group.name_zh, option.sku, option.name, option.name_zh,
                                           option.price_delta, option.supplier_id});
      quote.options_total += option.price_delta;  // ≤ 100 × 1e11: no overflow
      if (option.stock_on_hand < quantity) {
        quote.problems.push_back(ConfigurationProblem{
            "out_of_stock", field_of(option.id),
            quoted(option.name) + " has " + std::to_string(option.stock_on_hand) +
                " in stock, " + std::to_string(quantity) + " needed",
            group.id, option.id, std::nullopt});
      }
    }
    if (count == 0) {
      if (group.required) {
        quote.problems.push_back(ConfigurationProblem{
            "group_required", "options",
            "choose " + std::string(group.min_choices > 1 ? "at least " : "") +
                std::to_string(group.min_choices) + " of " + quoted(group.name),
            group.id, std::nullopt, std::nullopt});
      }
      continue;
    }
    if (count < group.min_choices) {
      quote.problems.push_back(ConfigurationProblem{
          "too_few_choices", "options",
          quoted(group.name) + " needs at least " + std::to_string(group.min_choices) +
              " choices, " + std::to_string(count) + " chosen",
          group.id, std::nullopt, std::nullopt});
    }
    if (count > group.max_choices) {
      quote.problems.push_back(ConfigurationProblem{
          "too_many_choices", "options",
          quoted(group.name) + " allows at most " + std::to_string(group.max_choices) +
              (group.max_choices == 1 ? " choice, " : " choices, ") + std::to_string(count) +
              " chosen",
          group.id, std::nullopt, std::nullopt});
    }
  }
  auto name_of = [&](std::int64_t id) {
    auto it = by_id.find(id);
    return it == by_id.end() ? std::to_string(id) : quoted(it->second.option->name);
  };
  for (const auto& rule : config.rules) {
    if (!index_of.contains(rule.option_id)) continue;
    const auto& where = by_id.at(rule.option_id);
    if (rule.kind == OptionRuleKind::kRequires) {
      bool met = false;
      std::string names;
      for (std::int64_t target : rule.targets) {
        met = met || index_of.contains(target);
        if (!names.empty()) names += ", ";
        names += name_of(target);
      }
      if (!met) {
        quote.problems.push_back(ConfigurationProblem{
            "requires_unmet", field_of(rule.option_id),
            quoted(where.option->name) + " requires " +
                (rule.targets.size() > 1 ? "one of " : "") + names + " (rule " +
                std::to_string(rule.id) + ")",
            where.group->id, rule.option_id, rule.id});
      }
    } else {
      for (std::int64_t target : rule.targets) {
        if (!index_of.contains(target)) continue;
        quote.problems.push_back(ConfigurationProblem{
            "excludes_conflict", field_of(rule.option_id),
            quoted(where.option->name) + " excludes " + name_of(target) + " (rule " +
                std::to_string(rule.id) + ")",
            where.group->id, rule.option_id, rule.id});
      }
    }
  }
  quote.unit_price = quote.base_price + quote.options_total;
  if (quote.unit_price < 0) {
    quote.problems.push_back(ConfigurationProblem{
        "price_below_zero", "options",
        "the options bring the price below zero (" + std::to_string(quote.unit_price) + ")",
        std::nullopt, std::nullopt, std::nullopt});
  } else if (quote.unit_price > kMaxConfiguredPrice) {
    quote.problems.push_back(ConfigurationProblem{
        "price_too_high", "options",
        "the configured price exceeds " + std::to_string(kMaxConfiguredPrice), std::nullopt,
        std::nullopt, std::nullopt});
  }
  const bool price_ok = quote.unit_price >= 0 && quote.unit_price <= kMaxConfiguredPrice;
  quote.total = price_ok ? quote.unit_price * quantity : 0;  // ≤ 1e11 × 1e6: no overflow
  quote.valid = quote.problems.empty();
  return quote;
}

}  // namespace ecrm::catalog
