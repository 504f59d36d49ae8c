// Class inference, the "complex chain": a customer who bought a premium laptop is a premium buyer;
// premium buyers buy cameras and home theatres more than others do; so show them premium cameras
// and premium home theatres. Likewise a customer who bought baby products is a parent, and parents
// over-buy toys.
//
// Classes come from purchases: a price-tier class per tier the customer reached in some category
// (their tier in a category is the highest tier they bought there), labelled "tier:budget",
// "tier:mid" or "tier:premium"; and tag classes "tag:<tag>" from category rules (bought in the
// rule's category -> tagged). Which categories a class buys (its affinity) is learned from the
// customers of that class as a lift, or configured. For a tag class the lift is the share of its
// members who bought in the category over the share of all customers who did. For a tier class T
// it is the share of members at T elsewhere who are also at T in the category, over the share of
// all customers at T in the category: "premium laptop buyers buy premium cameras more than people
// do", without counting a member's own evidence for its category.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "recommend/model.hpp"

namespace ecrm::recommend {

// Fills the tier of every product whose tier is kUnknown and whose price is known, from its price
// among the priced products of its category: below the first third of them budget, from the
// second third on premium, mid between (precisely: with `below` products priced lower out of n,
// 3*below < n is budget, 3*below >= 2n premium). Products with explicit tiers keep them.
void assign_price_tiers(std::vector<Product>& catalog);

struct TagRule {
  std::string category;  // buying any product of this category...
  std::string tag;       // ...gives the class "tag:<tag>"
};

// A class weight set by hand: class `class_label` buys `category` with affinity `weight`.
struct AffinityRule {
  std::string class_label;
  std::string category;
  double weight = 1.0;
};

enum class ClassKind : std::uint8_t { kPriceTier, kTag };

struct CustomerClass {
  std::string label;  // "tier:premium", "tag:parent"
  ClassKind kind = ClassKind::kPriceTier;
  PriceTier tier = PriceTier::kUnknown;  // kPriceTier only
  std::string tag;                       // kTag only
  // The purchases that put the customer in the class, most expensive first (ties: item id).
  std::vector<ItemId> evidence;
};

// The classes of a customer who bought `purchases` (item ids index `catalog`; ids outside it are
// ignored), tier classes from budget to premium first, then tags in rule order.
std::vector<CustomerClass> infer_classes(std::span<const Product> catalog,
                                         std::span<const ItemId> purchases,
                                         std::span<const TagRule> tag_rules);

struct ClassOptions {
  double min_affinity = 1.2;           // learned lift a class needs to "buy" a category
  std::uint64_t min_class_buyers = 2;  // class members who bought in the category
  // Do not recommend in the categories of the purchases that put the customer in the class (the
  // laptop buyer gets cameras, not another laptop).
  bool exclude_evidence_categories = true;
};

class ClassModel {
 public:
  // Learns class -> category affinities from every customer's purchases (item ids index `catalog`,
  // whose tiers should be assigned; kUnknown products belong to no tier class). `configured` rules
  // override learned affinities. Thread-safe for readers once built.
  static ClassModel learn(std::vector<Product> catalog,
                          std::span<const std::vector<ItemId>> purchases_by_customer,
                          std::vector<TagRule> tag_rules, std::span<const AffinityRule> configured,
                          const ClassOptions& options);

  std::vector<CustomerClass> classify(std::span<const ItemId> purchases) const {
    return infer_classes(catalog_, purchases, tag_rules_);
  }

  // The affinity of a class for a category, 0 when the class does not buy it.
  double affinity(std::string_view class_label, std::string_view category) const;

  // Up to `limit` products for a customer who bought `purchases`, none in `excluded` (sorted) or
  // bought. For each of the customer's classes and each category the class buys: the products of
  // that category at the class's tier (for a tag class, the customer's own tier in that category,
  // else their most common tier, else any), scored
  //   affinity * (class members who bought the product + 1) / (class members + 1),
  // explained by the best-scoring class (on a tie, a tag class) and its first evidence (kClass).
  // Order: score descending, then buyers descending, then item ascending.
  std::vector<Recommendation> recommend(std::span<const ItemId> purchases,
                                        std::span<const ItemId> excluded, std::size_t limit) const;

 private:
  std::uint32_t class_index(const std::string& label);

  std::vector<Product> catalog_;
  std::vector<TagRule> tag_rules_;
  ClassOptions options_;
  std::vector<std::string> category_names_;
  std::unordered_map<std::string, std::uint32_t> category_index_;
  std::vector<std::uint32_t> item_category_;
  // Products of each category, by buyers descending then item ascending.
  std::vector<std::vector<ItemId>> category_items_;
  std::vector<std::uint64_t> item_buyers_;
  std::vector<std::string> class_labels_;
  std::unordered_map<std::string, std::uint32_t> class_index_;
  std::vector<std::uint64_t> class_size_;
  std::vector<std::vector<std::uint32_t>> class_item_buyers_;  // [class][item]
  // [class] -> (category, affinity), by affinity descending then category ascending.
  std::vector<std::vector<std::pair<std::uint32_t, double>>> affinities_;
};

}  // namespace ecrm::recommend
