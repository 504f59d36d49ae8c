// The demo shop's assortment as data: top-level categories, leaf categories with their price
// ranges per tier, brands and product names, product lines with versions, and which leaves are
// bought together. Internal to the demo generator.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

namespace ecrm::demo::data {

// How a leaf's product names are made.
enum class Naming {
  kModel,       // brand + model word + noun: "Zenith Aero Laptop"
  kDescriptor,  // brand + descriptor + noun: "Fernwood Classic Linen Dress"
  kPlain,       // brand + noun: "Highland Coffee Beans 1kg"
  kTitle,       // a book title + format by tier: "The Silent Harbor (Hardcover)"
};

// How many of an item one order usually holds.
enum class Quantity { kOne, kFew, kStockUp };

struct Leaf {
  int top;  // index into tops()
  std::string_view name;
  std::string_view code;       // three letters, used in SKUs and in the tables below
  std::string_view nouns;      // '|'-separated; kTitle: formats per tier "budget|mid|premium"
  std::string_view brands[3];  // per tier (budget, mid, premium), '|'-separated
  int dollars[6];              // price range per tier: budget lo, hi, mid lo, hi, premium lo, hi
  int per_tier;                // products per tier (besides product-line versions)
  int repurchase_days;         // 0: not a consumable
  double popularity;           // relative weight among the leaves of its top category
  Naming naming;
  Quantity quantity;
  bool bulk;  // businesses, schools and agencies buy it by the dozen
};

// A product line with several versions: the newest is active, older ones are inactive.
struct Line {
  std::string_view leaf;  // leaf code
  std::string_view brand;
  std::string_view name;  // line name without the brand: "Laptop Pro"
  int tier;               // the tier it is priced for: 0 budget, 1 mid, 2 premium
  int versions;
  int dollars;  // price of the newest version
};

// A leaf often bought with another: an order with `from` adds an item of `to` with
// probability `p`.
struct Complement {
  std::string_view from;
  std::string_view to;
  double p;
};

std::span<const std::string_view> tops();
std::span<const Leaf> leaves();
std::span<const Line> lines();
std::span<const Complement> complements();
// Bought later: some weeks after an item of `from`, the customer comes back for an item of
// `to` (one of the '|'-separated leaves) in the same price tier, with probability `p`.
std::span<const Complement> follow_ups();
std::span<const std::string_view> model_words();
std::span<const std::string_view> descriptor_words();
std::span<const std::string_view> title_words_a();
std::span<const std::string_view> title_words_b();

// Splits a '|'-separated list.
std::vector<std::string_view> split(std::string_view list);

}  // namespace ecrm::demo::data
