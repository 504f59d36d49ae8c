// The purchase suggestion engine: velocity and its spread from daily sales, safety stock from
// the service level's normal quantile, reorder point and quantity, urgency order; table-driven
// against values worked out by hand in the comments.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "partners/purchasing_engine.hpp"

namespace ecrm::partners {
namespace {

constexpr double kZ95 = 1.6448536269514722;

TEST(PurchasingEngine, NormalQuantileMatchesTables) {
  struct Case {
    double p, z;
  };
  for (const auto& c : std::vector<Case>{{0.5, 0.0},
                                         {0.8, 0.8416212335729143},
                                         {0.9, 1.2815515655446004},
                                         {0.95, kZ95},
                                         {0.975, 1.959963984540054},
                                         {0.99, 2.3263478740408408},
                                         {0.999, 3.090232306167813},
                                         {0.01, -2.3263478740408408}}) {
    EXPECT_NEAR(normal_quantile(c.p), c.z, 1e-9) << c.p;
  }
  EXPECT_TRUE(std::isnan(normal_quantile(0.0)));
  EXPECT_TRUE(std::isnan(normal_quantile(1.0)));
}

struct Expected {
  const char* what;
  PurchaseInput input;
  PurchaseParams params;
  double velocity;
  double stddev;
  std::int64_t safety_stock;
  std::int64_t reorder_point;
  std::int64_t quantity;
  bool reorder_now;
  std::optional<double> days_of_stock;
};

TEST(PurchasingEngine, SuggestionsFollowTheFormulas) {
  const std::vector<Expected> cases = {
      // v = 8/4 = 2; deviations 0,-2,2,0: σ = √(8/4) = √2; SS = ⌈1.6449·√2·√4⌉ = ⌈4.652⌉ = 5;
      // ROP = 2·4 + 5 = 13; qty = 2·(4+7) + 5 − 3 = 24; 3/2 = 1.5 days.
      {"uneven sales", {1, "A", "a", {2, 0, 4, 2}, 3, 4}, {kZ95, 7}, 2.0, std::sqrt(2.0), 5, 13,
       24, true, 1.5},
      // Steady sales: no spread, no safety stock; stock covers lead time and review.
      {"steady and stocked", {2, "B", "b", {3, 3, 3}, 100, 2}, {kZ95, 7}, 3.0, 0.0, 0, 6, 0,
       false, 100.0 / 3.0},
      // Nothing sold: nothing to order, no days of stock.
      {"no sales", {3, "C", "c", {0, 0, 0, 0, 0}, 7, 10}, {kZ95, 7}, 0.0, 0.0, 0, 0, 0, false,
       std::nullopt},
      // v = 1/4; σ = √((0.75² + 3·0.25²)/4) = √0.1875 ≈ 0.4330; z(99 %) = 2.3263:
      // SS = ⌈2.3263·0.4330·√9⌉ = ⌈3.022⌉ = 4; ROP = ⌈2.25⌉ + 4 = 7; qty = ⌈0.25·(9+0)⌉ + 4 − 0
      // = 7; no stock: 0 days.
      {"one sale, no stock, no review", {4, "D", "d", {1, 0, 0, 0}, 0, 9},
       {2.3263478740408408, 0}, 0.25, std::sqrt(0.1875), 4, 7, 7, true, 0.0},
      // Lead time 0: no safety stock, order for the review period only.
      {"same-day supply", {5, "E", "e", {5, 1}, 2, 0}, {kZ95, 3}, 3.0, 2.0, 0, 0, 7, false,
       2.0 / 3.0},
  };
  for (const auto& c : cases) {
    const auto s = suggest(c.input, c.params);
    EXPECT_EQ(s.product_id, c.input.product_id) << c.what;
    EXPECT_NEAR(s.velocity, c.velocity, 1e-12) << c.what;
    EXPECT_NEAR(s.daily_stddev, c.stddev, 1e-12) << c.what;
    EXPECT_EQ(s.safety_stock, c.safety_stock) << c.what;
    EXPECT_EQ(s.reorder_point, c.reorder_point) << c.what;
    EXPECT_EQ(s.suggested_quantity, c.quantity) << c.what;
    EXPECT_EQ(s.reorder_now, c.reorder_now) << c.what;
    EXPECT_EQ(s.days_of_stock.has_value(), c.days_of_stock.has_value()) << c.what;
    if (s.days_of_stock && c.days_of_stock) {
      EXPECT_NEAR(*s.days_of_stock, *c.days_of_stock, 1e-12) << c.what;
    }
    EXPECT_EQ(s.lead_time_days, c.input.lead_time_days) << c.what;
    EXPECT_EQ(s.stock_on_hand, c.input.stock_on_hand) << c.what;
  }
}

TEST(PurchasingEngine, AWholeNumberOfUnitsIsNotRoundedUpByNoise) {
  // 0.1 · 30 is 3.0000000000000004 in doubles: still 3 units.
  std::vector<std::int64_t> days(10, 0);
  days[0] = 1;  // v = 0.1
  const auto s = suggest({1, "N", "n", days, 0, 30}, {0.0, 0});
  EXPECT_EQ(s.reorder_point, 3);
  EXPECT_EQ(s.suggested_quantity, 3);
}

TEST(PurchasingEngine, MostUrgentFirst) {
  const std::vector<PurchaseInput> inputs = {
      {10, "idle", "", {0, 0}, 5, 3},       // no sales: last
      {11, "slow", "", {1, 1}, 30, 3},      // 30 days
      {12, "fast", "", {4, 4}, 4, 3},       // 1 day
      {13, "empty", "", {1, 0}, 0, 3},      // 0 days
      {9, "idle too", "", {0, 0}, 1, 3},    // no sales: by id
      {14, "fast too", "", {2, 2}, 2, 3}};  // 1 day: after 12 by id
  const auto out = suggest_all(inputs, PurchaseParams{});
  std::vector<std::int64_t> ids;
  for (const auto& s : out) ids.push_back(s.product_id);
  EXPECT_EQ(ids, (std::vector<std::int64_t>{13, 12, 14, 11, 9, 10}));
}

}  // namespace
}  // namespace ecrm::partners
