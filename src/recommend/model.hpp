// Plain data shared by the recommendation engines. Items (products) and customers are numbered
// densely from 0 so that the engines can work on flat arrays; mapping to and from the shop's own
// ids (or names, for the file CLI) is the caller's job (see items.hpp).
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "core/describe.hpp"
#include "core/time.hpp"

namespace ecrm::recommend {

using ItemId = std::uint32_t;
using CustomerIndex = std::uint32_t;
inline constexpr ItemId kNoItem = std::numeric_limits<ItemId>::max();

// A set of transactions (baskets), stored row-wise: transaction t holds
// items[offsets[t] .. offsets[t + 1]), sorted ascending and distinct.
struct TransactionSet {
  std::vector<std::uint64_t> offsets{0};
  std::vector<ItemId> items;
  // Every item id is below this bound (the size of the item dictionary).
  std::size_t item_count = 0;

  std::size_t size() const { return offsets.size() - 1; }
  std::span<const ItemId> operator[](std::size_t t) const {
    return {items.data() + offsets[t], items.data() + offsets[t + 1]};
  }
  // Appends one transaction; sorts `basket` and drops duplicate items, so an item counts once
  // per transaction. An empty basket is a valid (empty) transaction. Raises item_count as needed.
  void add(std::vector<ItemId> basket);
};

enum class PriceTier : std::uint8_t { kUnknown = 0, kBudget = 1, kMid = 2, kPremium = 3 };
ECRM_DESCRIBE_ENUM(PriceTier, kUnknown, kBudget, kMid, kPremium)

// A catalogue entry as the class engine needs it. `category` is any label ("laptops").
struct Product {
  std::string category;
  PriceTier tier = PriceTier::kUnknown;  // kUnknown: derived from price (see classes.hpp)
  std::int64_t price = 0;                // minor units; 0 = unknown
};

// When a product is bought again: consumables come back into a customer's recommendations once
// `interval_ms` has passed since they last bought them.
struct RepurchaseProfile {
  bool consumable = false;
  UnixMs interval_ms = 0;  // 0: unknown, so a consumable never comes back
};

struct TimedItem {
  ItemId item = kNoItem;
  UnixMs at_ms = 0;
};

// What one customer did, as the personal recommender sees it.
struct CustomerHistory {
  std::vector<TimedItem> purchases;
  std::vector<TimedItem> views;
  std::vector<ItemId> returned;  // items the customer returned: never recommended again
};

enum class ReasonKind : std::uint8_t {
  kRule,        // an association rule X => {item} whose antecedent the customer has
  kAlsoBought,  // customers who bought the seed item also bought this one
  kClass,       // the customer's inferred class buys this category at this tier
  kPopular,     // a best-seller, when nothing personal applies
  kReplenish,   // a consumable the customer buys regularly and is due again
  // Upsells of a product (the recommendation service, not the engines):
  kNewerVersion,  // a newer version of the product's line
  kHigherTier,    // a higher price tier of the product's category
};
// Wire names: rule, also_bought, class, popular, replenish, newer_version, higher_tier.
ECRM_DESCRIBE_ENUM(ReasonKind, kRule, kAlsoBought, kClass, kPopular, kReplenish, kNewerVersion,
                   kHigherTier)

// Why an item is recommended. Only the fields of `kind` are meaningful.
struct Reason {
  ReasonKind kind = ReasonKind::kPopular;
  // kRule: antecedent => {recommended item}, with its measures.
  std::vector<ItemId> antecedent;
  double support = 0;
  double confidence = 0;
  double lift = 0;
  // kAlsoBought: the customer's item that led here (bought, or viewed when seed_viewed), and of
  // the `count` customers with both items, how many only viewed one or both of them (0 when the
  // neighbours were computed from purchases alone).
  ItemId seed_item = kNoItem;
  bool seed_viewed = false;
  double similarity = 0;
  std::uint64_t viewed_count = 0;
  // kClass: the inferred class ("tier:premium", "tag:parent"), the purchase that put the customer
  // in it and that purchase's category.
  std::string class_label;
  ItemId evidence_item = kNoItem;
  std::string evidence_category;
  // kReplenish: when the customer last bought the item and its repurchase interval.
  UnixMs last_purchase_ms = 0;
  UnixMs interval_ms = 0;
  // kRule: transactions with antecedent and item; kAlsoBought: customers with seed and item;
  // kClass: customers of the class who bought the item; kPopular: customers who bought the item;
  // kReplenish: how often the customer bought it.
  std::uint64_t count = 0;
};

struct Recommendation {
  ItemId item = kNoItem;
  double score = 0;
  Reason reason;
};

}  // namespace ecrm::recommend
