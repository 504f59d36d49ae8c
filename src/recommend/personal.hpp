// Personal recommendations: score the products a customer has not bought from what they bought and
// recently viewed, through the item neighbours (similarity.hpp) and association rules
// (itemsets.hpp); bring consumables back when they are due; fill up with best-sellers.
//
// Exclusions, shared by every method here: an item the customer returned is never recommended; an
// item they bought is not recommended again, unless it is a consumable whose repurchase interval
// has passed since they last bought it (see RepurchaseProfile).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "recommend/itemsets.hpp"
#include "recommend/model.hpp"
#include "recommend/similarity.hpp"

namespace ecrm::recommend {

struct PurchaseEvent {
  CustomerIndex customer = 0;
  ItemId item = kNoItem;
  UnixMs at_ms = 0;
};

struct RepurchaseOptions {
  // Purchases of the same item by the same customer closer than this are one purchase.
  UnixMs min_gap_ms = kMsPerDay;
  // An interval is learned from at least this many gaps between repeat purchases.
  std::size_t min_gaps = 3;
  // An item not flagged as consumable is treated as one when at least this share of its buyers
  // bought it more than once (and an interval could be learned). 0 turns learning off.
  double min_repeat_share = 0.25;
};

// Repurchase profiles for items 0..item_count-1. The interval is learned as the (lower) median gap
// between consecutive purchases of the item by the same customer, and the consumable flag as
// described in RepurchaseOptions. `configured` (empty, or one entry per item) carries the
// catalogue's data: a configured interval (> 0) replaces the learned one, and a configured
// consumable flag makes the item a consumable whatever was learned.
std::vector<RepurchaseProfile> learn_repurchase_profiles(
    std::size_t item_count, std::span<const PurchaseEvent> purchases,
    std::span<const RepurchaseProfile> configured, const RepurchaseOptions& options);

// The items `history` excludes at `now_ms` (see the file comment), sorted ascending. `profiles` may
// be empty (nothing is a consumable).
std::vector<ItemId> excluded_items(const CustomerHistory& history,
                                   std::span<const RepurchaseProfile> profiles, UnixMs now_ms);

// The bought consumables that are due at `now_ms`, as kReplenish recommendations scored by how far
// past due they are (1 = exactly due), most overdue first.
std::vector<Recommendation> due_consumables(const CustomerHistory& history,
                                            std::span<const RepurchaseProfile> profiles,
                                            UnixMs now_ms);

struct PopularItem {
  ItemId item = kNoItem;
  std::uint64_t buyers = 0;
};

// Items by number of distinct buyers (rows of `matrix` with a purchase, i.e. value 1), descending,
// ties by item ascending; items nobody bought are left out.
std::vector<PopularItem> rank_by_popularity(const InteractionMatrix& matrix);

// Up to `limit` items of `popular`, in its order, that are not in `excluded` (sorted) nor in
// `already` (any order), as kPopular recommendations scored 0.
std::vector<Recommendation> recommend_popular(std::span<const PopularItem> popular,
                                              std::span<const ItemId> excluded,
                                              std::span<const Recommendation> already,
                                              std::size_t limit);

struct PersonalOptions {
  std::size_t limit = 10;
  UnixMs now_ms = 0;
  // Views older than this (before now_ms) are ignored; views count view_weight against a purchase.
  UnixMs view_window_ms = 30 * kMsPerDay;
  double view_weight = 0.5;
  bool include_due_consumables = true;
  bool fill_with_popular = true;
};

// The customer's top `limit` items. Each seed (a distinct bought item, or a recently viewed item
// not bought) adds weight * similarity to each of its neighbours that is not excluded; the reason
// is the seed that added most (kAlsoBought, with the pair's co_count). Due consumables come first
// (kReplenish), then items by score descending (ties: item ascending), then, when
// fill_with_popular, best-sellers from `popular` (may be empty).
std::vector<Recommendation> recommend_for_customer(const CustomerHistory& history,
                                                   const ItemNeighbours& neighbours,
                                                   std::span<const RepurchaseProfile> profiles,
                                                   std::span<const PopularItem> popular,
                                                   const PersonalOptions& options);

// Association rules indexed for lookup by basket.
class RuleIndex {
 public:
  // Takes rules in any order; ties between rules are broken by rule_order.
  explicit RuleIndex(std::vector<Rule> rules);

  // Items recommended for a basket (any order, duplicates allowed): for every rule whose whole
  // antecedent is in the basket and whose consequent is neither in the basket nor in `excluded`
  // (sorted), the consequent, scored by the best such rule's confidence and explained by it
  // (kRule); best rule per consequent by confidence, then rule_order. Up to `limit`, by score
  // descending, then lift descending, then item ascending.
  std::vector<Recommendation> recommend(std::span<const ItemId> basket,
                                        std::span<const ItemId> excluded, std::size_t limit) const;

  std::size_t size() const { return rules_.size(); }

 private:
  std::vector<Rule> rules_;                 // in rule_order
  std::vector<std::uint64_t> by_first_;     // offsets into first_index_ per first antecedent item
  std::vector<std::uint32_t> first_index_;  // rule indices grouped by smallest antecedent item
};

}  // namespace ecrm::recommend
