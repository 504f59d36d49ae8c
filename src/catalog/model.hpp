// Categories and products as plain values, described for the wire (core/describe.hpp) as the API
// sends them. Money is an integer count of minor units (cents, fen) of the product's ISO 4217
// currency.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/describe.hpp"
#include "core/time.hpp"

namespace ecrm::catalog {

struct Category {
  std::int64_t id = 0;
  std::optional<std::int64_t> parent_id;
  std::string name;
  std::string slug;
  UnixMs created_at = 0;
  UnixMs updated_at = 0;
};
ECRM_DESCRIBE(Category, id, parent_id, name, slug, created_at, updated_at)

// Where a product's price sits among the products of its category (see price_tiers()).
// Stored and sent by its wire name (wire::enum_name: "budget", "mid", "premium").
enum class PriceTier { kBudget, kMid, kPremium };
ECRM_DESCRIBE_ENUM(PriceTier, kBudget, kMid, kPremium)

struct Product {
  std::int64_t id = 0;
  std::string sku;
  std::string name;
  std::optional<std::int64_t> category_id;
  std::string brand;
  std::int64_t price = 0;
  std::optional<std::int64_t> cost;
  std::string currency;
  PriceTier price_tier = PriceTier::kMid;
  std::string line;  // product line ("" when the product stands alone)
  int version = 1;   // 1, 2, 3… within the line
  std::int64_t stock_on_hand = 0;
  bool active = true;
  bool consumable = false;
  std::optional<int> repurchase_days;
  UnixMs created_at = 0;
  UnixMs updated_at = 0;
};
ECRM_DESCRIBE(Product, id, sku, name, category_id, brand, price, cost, currency, price_tier, line,
              version, stock_on_hand, active, consumable, repurchase_days, created_at, updated_at)
ECRM_WIRE_RULES(Product, rule(&Product::price, {.description = "minor units of currency"}),
                rule(&Product::cost, {.description = "minor units of currency"}))

// A product's price and whether it counts as a reference for its category's tiers.
struct TierInput {
  std::int64_t id = 0;
  std::int64_t price = 0;
  bool active = true;
  PriceTier stored = PriceTier::kMid;  // the tier recorded now, to write only changes
};

// The price-tier rule. The reference set is the category's active products (products without a
// category form one group of their own). A product's price gets the mid-rank percentile
//   q = (cheaper + equal / 2) / n
// where n is the size of the reference set with the product itself included, `cheaper` the
// reference products priced below it and `equal` those priced the same (itself included).
// q < 1/3 is budget, q > 2/3 premium, anything else mid. So a lone product, or a category whose
// products all cost the same, is mid; three distinct prices give one of each tier; an inactive
// product is placed where it would rank if it were active, without moving the others.
// Returns the tier of every product of one group (same order).
std::vector<PriceTier> price_tiers(std::span<const TierInput> group);

}  // namespace ecrm::catalog
