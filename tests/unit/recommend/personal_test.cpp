#include "recommend/personal.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace ecrm::recommend {
namespace {

constexpr UnixMs kDay = kMsPerDay;

// Neighbour lists written by hand: item -> (neighbour, similarity, co_count).
ItemNeighbours make_neighbours(std::size_t items,
                               const std::vector<std::vector<Neighbour>>& lists) {
  ItemNeighbours n;
  for (std::size_t i = 0; i < items; ++i) {
    if (i < lists.size()) {
      n.neighbours.insert(n.neighbours.end(), lists[i].begin(), lists[i].end());
    }
    n.offsets.push_back(n.neighbours.size());
  }
  return n;
}

std::vector<ItemId> items_of(const std::vector<Recommendation>& recs) {
  std::vector<ItemId> out;
  for (const auto& r : recs) out.push_back(r.item);
  return out;
}

bool has(const std::vector<Recommendation>& recs, ItemId item) {
  return std::any_of(recs.begin(), recs.end(), [&](const auto& r) { return r.item == item; });
}

// Items: 0 laptop, 1 coffee (consumable, every 30 days), 2 mouse, 3 bag, 4 printer, 5 ink.
class PersonalTest : public ::testing::Test {
 protected:
  ItemNeighbours neighbours =
      make_neighbours(6, {
                             /*0*/ {{2, 0.9, 40}, {3, 0.6, 25}, {1, 0.2, 5}},
                             /*1*/ {{5, 0.3, 4}},
                             /*2*/ {{0, 0.9, 40}, {4, 0.4, 10}},
                             /*3*/ {{0, 0.6, 25}},
                             /*4*/ {{5, 0.95, 30}, {2, 0.4, 10}},
                             /*5*/ {{4, 0.95, 30}},
                         });
  std::vector<RepurchaseProfile> profiles{{}, {true, 30 * kDay}, {}, {}, {}, {}};
  std::vector<PopularItem> popular{{1, 100}, {0, 80}, {5, 50}, {3, 40}, {2, 30}, {4, 20}};
};

TEST_F(PersonalTest, ExcludesBoughtAndReturnedAndExplainsBySeed) {
  CustomerHistory history;
  history.purchases = {{0, 100 * kDay}, {1, 95 * kDay}};
  history.returned = {2};
  PersonalOptions options{.limit = 10, .now_ms = 100 * kDay};
  options.fill_with_popular = false;
  auto recs = recommend_for_customer(history, neighbours, profiles, popular, options);
  // Laptop bought: excluded; mouse returned: excluded though it is the laptop's best neighbour;
  // coffee bought 5 days ago, interval 30: excluded.
  EXPECT_FALSE(has(recs, 0));
  EXPECT_FALSE(has(recs, 1));
  EXPECT_FALSE(has(recs, 2));
  ASSERT_EQ(items_of(recs), (std::vector<ItemId>{3, 5}));
  EXPECT_EQ(recs[0].reason.kind, ReasonKind::kAlsoBought);
  EXPECT_EQ(recs[0].reason.seed_item, 0u);
  EXPECT_EQ(recs[0].reason.count, 25u);
  EXPECT_DOUBLE_EQ(recs[0].score, 0.6);
  EXPECT_EQ(recs[1].reason.seed_item, 1u);  // ink, because of the coffee (0.3)
}

TEST_F(PersonalTest, ConsumableComesBackAfterItsInterval) {
  CustomerHistory history;
  history.purchases = {{1, 10 * kDay}, {1, 40 * kDay}};
  PersonalOptions options{.limit = 10, .now_ms = 69 * kDay};
  options.fill_with_popular = false;
  EXPECT_FALSE(has(recommend_for_customer(history, neighbours, profiles, popular, options), 1));
  options.now_ms = 70 * kDay;  // exactly 30 days after the last purchase: due
  auto recs = recommend_for_customer(history, neighbours, profiles, popular, options);
  ASSERT_FALSE(recs.empty());
  EXPECT_EQ(recs[0].item, 1u);
  EXPECT_EQ(recs[0].reason.kind, ReasonKind::kReplenish);
  EXPECT_EQ(recs[0].reason.count, 2u);
  EXPECT_EQ(recs[0].reason.last_purchase_ms, 40 * kDay);
  EXPECT_EQ(recs[0].reason.interval_ms, 30 * kDay);
  // Returned consumables never come back.
  history.returned = {1};
  EXPECT_FALSE(has(recommend_for_customer(history, neighbours, profiles, popular, options), 1));
  // A non-consumable bought long ago stays excluded.
  CustomerHistory laptop;
  laptop.purchases = {{0, 0}};
  options.now_ms = 1000 * kDay;
  EXPECT_FALSE(has(recommend_for_customer(laptop, neighbours, profiles, popular, options), 0));
}

TEST_F(PersonalTest, RecentViewsSeedWithTheirWeightOldViewsDoNot) {
  CustomerHistory history;
  history.views = {{4, 98 * kDay}, {3, 10 * kDay}};
  PersonalOptions options{.limit = 10, .now_ms = 100 * kDay};
  options.fill_with_popular = false;
  auto recs = recommend_for_customer(history, neighbours, profiles, popular, options);
  ASSERT_EQ(items_of(recs), (std::vector<ItemId>{5, 2}));
  EXPECT_DOUBLE_EQ(recs[0].score, 0.5 * 0.95);
  EXPECT_TRUE(recs[0].reason.seed_viewed);
  EXPECT_EQ(recs[0].reason.seed_item, 4u);
  // Viewing is not buying: the viewed printer itself may still be recommended by another seed.
  history.purchases = {{2, 99 * kDay}};
  recs = recommend_for_customer(history, neighbours, profiles, popular, options);
  EXPECT_TRUE(has(recs, 4));
}

TEST_F(PersonalTest, FillsWithPopularItemsTheCustomerMayBuy) {
  CustomerHistory history;
  history.purchases = {{3, 50 * kDay}};
  history.returned = {5};
  PersonalOptions options{.limit = 4, .now_ms = 100 * kDay};
  auto recs = recommend_for_customer(history, neighbours, profiles, popular, options);
  // Neighbour of the bag: laptop (0.6); then best-sellers not bought, returned or listed.
  ASSERT_EQ(items_of(recs), (std::vector<ItemId>{0, 1, 2, 4}));
  EXPECT_EQ(recs[1].reason.kind, ReasonKind::kPopular);
  EXPECT_EQ(recs[1].reason.count, 100u);
}

TEST(Repurchase, LearnsIntervalsAndConsumablesFromRepeatPurchases) {
  std::vector<PurchaseEvent> events;
  // Item 0: five customers rebuy every 7 days (one same-day duplicate that must not count).
  for (CustomerIndex c = 0; c < 5; ++c) {
    for (int k = 0; k < 4; ++k) events.push_back({c, 0, (k * 7 + static_cast<int>(c)) * kDay});
  }
  events.push_back({0, 0, 7 * kDay + 3600 * 1000});
  // Item 1: bought once by ten customers. Item 2: flagged consumable by the catalogue, 45 days.
  for (CustomerIndex c = 0; c < 10; ++c) events.push_back({c, 1, 3 * kDay});
  std::vector<RepurchaseProfile> configured{{}, {}, {true, 45 * kDay}};
  auto profiles = learn_repurchase_profiles(3, events, configured, {});
  EXPECT_TRUE(profiles[0].consumable);
  EXPECT_EQ(profiles[0].interval_ms, 7 * kDay);
  EXPECT_FALSE(profiles[1].consumable);
  EXPECT_EQ(profiles[1].interval_ms, 0);
  EXPECT_TRUE(profiles[2].consumable);
  EXPECT_EQ(profiles[2].interval_ms, 45 * kDay);
  // Too few repeats to learn from.
  RepurchaseOptions strict;
  strict.min_gaps = 100;
  EXPECT_FALSE(learn_repurchase_profiles(3, events, {}, strict)[0].consumable);
}

TEST(RuleIndexTest, RecommendsConsequentsOfMatchingRulesWithTheBestRule) {
  // N = 100. Rules: {0}=>2 conf .5, {0,1}=>2 conf .8, {1}=>3 conf .6, {4}=>5 conf .9.
  std::vector<Rule> rules{
      {{0}, 2, 10, 20, 30, 100}, {{0, 1}, 2, 8, 10, 30, 100}, {{1}, 3, 12, 20, 40, 100},
      {{4}, 5, 9, 10, 10, 100},  {{0}, 1, 10, 20, 25, 100},
  };
  RuleIndex index(rules);
  std::vector<ItemId> basket{1, 0, 1};
  auto recs = index.recommend(basket, {}, 10);
  ASSERT_EQ(items_of(recs), (std::vector<ItemId>{2, 3}));  // 1 is in the basket
  EXPECT_EQ(recs[0].reason.kind, ReasonKind::kRule);
  EXPECT_EQ(recs[0].reason.antecedent, (std::vector<ItemId>{0, 1}));
  EXPECT_DOUBLE_EQ(recs[0].reason.confidence, 0.8);
  EXPECT_DOUBLE_EQ(recs[0].reason.support, 0.08);
  EXPECT_DOUBLE_EQ(recs[0].reason.lift, 0.8 / 0.3);
  std::vector<ItemId> excluded{2};
  EXPECT_EQ(items_of(index.recommend(basket, excluded, 10)), (std::vector<ItemId>{3}));
  EXPECT_EQ(index.recommend(basket, {}, 1).size(), 1u);
  EXPECT_TRUE(index.recommend(std::vector<ItemId>{7}, {}, 10).empty());
}

TEST(Popularity, RanksByDistinctBuyersAndSkipsExcluded) {
  std::vector<Interaction> events{{0, 1},
                                  {1, 1},
                                  {2, 1},
                                  {0, 2},
                                  {1, 2},
                                  {0, 0},
                                  {1, 3, InteractionKind::kView},
                                  {2, 3, InteractionKind::kView}};
  InteractionMatrix m = build_interaction_matrix(3, 4, events, 0.5f);
  auto popular = rank_by_popularity(m);
  ASSERT_EQ(popular.size(), 3u);  // views are not purchases
  EXPECT_EQ(popular[0].item, 1u);
  EXPECT_EQ(popular[1].item, 2u);
  EXPECT_EQ(popular[2].item, 0u);
  std::vector<ItemId> excluded{2};
  auto recs = recommend_popular(popular, excluded, {}, 5);
  EXPECT_EQ(items_of(recs), (std::vector<ItemId>{1, 0}));
}

}  // namespace
}  // namespace ecrm::recommend
