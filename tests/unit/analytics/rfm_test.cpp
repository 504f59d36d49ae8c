// RFM scores, segments, tiers, Pareto and cohorts on small hand-made data, including the edge
// cases: no orders, a single customer, single orders, ties, orders after the as-of date.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "analytics/cohorts.hpp"
#include "analytics/pareto.hpp"
#include "analytics/rfm.hpp"
#include "core/time.hpp"

namespace ecrm::analytics {
namespace {

std::int32_t day_of(int y, unsigned m, unsigned d) {
  return static_cast<std::int32_t>(days_from_civil(y, m, d));
}

struct Orders {
  std::vector<std::uint32_t> customer;
  std::vector<std::int32_t> day;
  std::vector<std::int64_t> amount;
  std::size_t customers = 0;
  void add(std::uint32_t c, std::int32_t d, std::int64_t a) {
    customer.push_back(c);
    day.push_back(d);
    amount.push_back(a);
    customers = std::max<std::size_t>(customers, c + 1);
  }
  OrderColumns columns() const { return {customer, day, amount, customers}; }
};

TEST(Quintiles, EvenSpreadGivesOneScorePerFifth) {
  std::vector<std::int64_t> values(10);
  for (int i = 0; i < 10; ++i) values[static_cast<std::size_t>(i)] = i * 7;  // distinct, ascending
  EXPECT_EQ(quintile_scores(values, true),
            (std::vector<std::uint8_t>{1, 1, 2, 2, 3, 3, 4, 4, 5, 5}));
  EXPECT_EQ(quintile_scores(values, false),
            (std::vector<std::uint8_t>{5, 5, 4, 4, 3, 3, 2, 2, 1, 1}));
}

TEST(Quintiles, TiesShareTheScoreOfTheirLowestRankWhateverTheOrder) {
  // 6 of 10 customers tie at 1 order: all get 1; the next value is beaten by 6/10 -> 4.
  std::vector<std::int64_t> values = {1, 3, 1, 1, 2, 1, 1, 9, 1, 2};
  const auto scores = quintile_scores(values, true);
  EXPECT_EQ(scores, (std::vector<std::uint8_t>{1, 5, 1, 1, 4, 1, 1, 5, 1, 4}));
  std::vector<std::int64_t> shuffled = values;
  std::mt19937 rng(7);
  for (int round = 0; round < 5; ++round) {
    std::vector<std::size_t> order(values.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::shuffle(order.begin(), order.end(), rng);
    for (std::size_t i = 0; i < order.size(); ++i) shuffled[i] = values[order[i]];
    const auto s = quintile_scores(shuffled, true);
    for (std::size_t i = 0; i < order.size(); ++i) EXPECT_EQ(s[i], scores[order[i]]);
  }
  // All equal: everyone is beaten by no one.
  EXPECT_EQ(quintile_scores(std::vector<std::int64_t>{4, 4, 4}, false),
            (std::vector<std::uint8_t>{1, 1, 1}));
}

TEST(Quintiles, MatchTheDefinitionCountedDirectly) {
  // score = 1 + floor(5 w / n), w = number of strictly worse values, counted in O(n^2), on
  // random data with many ties, a narrow range (histogram path) and a wide one (selection path).
  std::mt19937_64 rng(11);
  for (std::int64_t spread : {std::int64_t{3}, std::int64_t{50}, std::int64_t{1'000'000'000'000}}) {
    for (std::size_t n : {1u, 2u, 7u, 10u, 101u, 1000u}) {
      std::vector<std::int64_t> values(n);
      for (auto& v : values)
        v = static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(spread));
      for (bool higher : {true, false}) {
        const auto scores = quintile_scores(values, higher);
        for (std::size_t i = 0; i < n; ++i) {
          std::size_t worse = 0;
          for (std::int64_t other : values) worse += higher ? other < values[i] : other > values[i];
          ASSERT_EQ(scores[i], 1 + 5 * worse / n) << "n=" << n << " spread=" << spread;
        }
      }
    }
  }
}

TEST(Quintiles, ScoresDependOnlyOnTheOrderOfValues) {
  std::vector<std::int64_t> small = {5, 1, 3, 3, 2};
  std::vector<std::int64_t> wide = {5'000'000'000, 1, 3'000'000'000, 3'000'000'000, 2'000'000'000};
  EXPECT_EQ(quintile_scores(small, true), quintile_scores(wide, true));
  EXPECT_EQ(quintile_scores(small, false), quintile_scores(wide, false));
  EXPECT_TRUE(quintile_scores(std::vector<std::int64_t>{}, true).empty());
}

TEST(Segments, TableCoversEveryCellAsDocumented) {
  // Rows R = 5 .. 1, columns F = 1 .. 5.
  const char* expected[5][5] = {
      {"new", "potential", "potential", "champions", "champions"},
      {"promising", "potential", "potential", "loyal", "loyal"},
      {"need_attention", "need_attention", "need_attention", "loyal", "loyal"},
      {"hibernating", "hibernating", "at_risk", "at_risk", "cant_lose"},
      {"lost", "lost", "at_risk", "at_risk", "cant_lose"},
  };
  for (int r = 5; r >= 1; --r) {
    for (int f = 1; f <= 5; ++f) {
      EXPECT_EQ(to_string(segment_for(r, f)), expected[5 - r][f - 1]) << "R=" << r << " F=" << f;
    }
  }
}

TEST(Tiers, DefaultAndCustomRules) {
  struct Case {
    int r, f;
    std::int64_t orders;
    Tier tier;
  };
  for (const Case& c : {Case{4, 4, 5, Tier::kVeryLoyal}, Case{5, 5, 9, Tier::kVeryLoyal},
                        Case{5, 3, 3, Tier::kLoyal}, Case{3, 5, 8, Tier::kLoyal},
                        Case{2, 2, 2, Tier::kLoyal}, Case{5, 1, 1, Tier::kOccasional},
                        Case{1, 5, 10, Tier::kOccasional}, Case{3, 4, 1, Tier::kOccasional}}) {
    EXPECT_EQ(tier_for(c.r, c.f, c.orders), c.tier) << c.r << c.f << " " << c.orders;
  }
  TierRules strict;
  strict.very_loyal_min_r = 5;
  strict.very_loyal_min_f = 5;
  strict.occasional_max_orders = 2;
  EXPECT_EQ(tier_for(4, 4, 5, strict), Tier::kLoyal);
  EXPECT_EQ(tier_for(5, 5, 5, strict), Tier::kVeryLoyal);
  EXPECT_EQ(tier_for(3, 3, 2, strict), Tier::kOccasional);
}

TEST(Rfm, EmptyInputGivesNoRows) {
  Orders none;
  EXPECT_TRUE(compute_rfm(none.columns(), day_of(2024, 1, 1)).empty());
  none.customers = 3;  // customers without orders are not scored
  EXPECT_TRUE(compute_rfm(none.columns(), day_of(2024, 1, 1)).empty());
}

TEST(Rfm, SingleCustomerWithOneOrder) {
  Orders orders;
  orders.add(0, day_of(2024, 3, 1), 1999);
  const auto rows = compute_rfm(orders.columns(), day_of(2024, 3, 11));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].recency_days, 10);
  EXPECT_EQ(rows[0].frequency, 1);
  EXPECT_EQ(rows[0].monetary_minor, 1999);
  EXPECT_EQ(rows[0].r, 1);  // nobody is worse
  EXPECT_EQ(rows[0].f, 1);
  EXPECT_EQ(rows[0].m, 1);
  EXPECT_EQ(rows[0].segment, Segment::kLost);
  EXPECT_EQ(rows[0].tier, Tier::kOccasional);
}

TEST(Rfm, ComputesRecencyFrequencyMonetaryAndIgnoresLaterOrders) {
  Orders orders;
  const std::int32_t as_of = day_of(2024, 6, 30);
  // Customer c has c+1 orders of 1000 * (c+1), the last one (c * 10) days before as_of.
  for (std::uint32_t c = 0; c < 10; ++c) {
    for (std::uint32_t k = 0; k <= c; ++k) {
      orders.add(c, as_of - static_cast<std::int32_t>(c * 10 + k), 1000 * (c + 1));
    }
  }
  orders.add(3, as_of + 1, 999'999);  // after as_of: ignored
  const auto rows =
      compute_rfm(orders.columns(), as_of, RfmOptions{{}, default_segment_rules(), 3});
  ASSERT_EQ(rows.size(), 10u);
  for (std::uint32_t c = 0; c < 10; ++c) {
    const RfmRow& row = rows[c];
    EXPECT_EQ(row.customer, c);
    EXPECT_EQ(row.recency_days, static_cast<std::int32_t>(c * 10));
    EXPECT_EQ(row.frequency, static_cast<std::int32_t>(c + 1));
    EXPECT_EQ(row.monetary_minor, static_cast<std::int64_t>(1000 * (c + 1) * (c + 1)));
    EXPECT_EQ(row.r, 5 - c / 2);
    EXPECT_EQ(row.f, 1 + c / 2);
    EXPECT_EQ(row.m, 1 + c / 2);
  }
  // Most recent, fewest orders: new; least recent, most orders: can't lose.
  EXPECT_EQ(rows[0].segment, Segment::kNew);
  EXPECT_EQ(rows[9].segment, Segment::kCantLose);
  EXPECT_EQ(rows[9].tier, Tier::kOccasional);  // R = 1
  EXPECT_EQ(rows[4].tier, Tier::kLoyal);       // R = 3, F = 3
  // Same result on one thread.
  const auto single =
      compute_rfm(orders.columns(), as_of, RfmOptions{{}, default_segment_rules(), 1});
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(single[i].monetary_minor, rows[i].monetary_minor);
    EXPECT_EQ(single[i].r, rows[i].r);
  }
}

TEST(Rfm, SeveralOrdersOnOneDayCountSeparately) {
  Orders orders;
  orders.add(0, 100, 500);
  orders.add(0, 100, 700);
  const auto rows = compute_rfm(orders.columns(), 100);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].frequency, 2);
  EXPECT_EQ(rows[0].recency_days, 0);
  EXPECT_EQ(rows[0].monetary_minor, 1200);
}

TEST(Pareto, EqualCustomersHaveNoConcentration) {
  const std::vector<std::int64_t> values(5, 100);
  const ParetoSummary s = pareto(values);
  EXPECT_NEAR(s.top20_share, 0.2, 1e-12);
  EXPECT_NEAR(s.gini, 0.0, 1e-12);
  EXPECT_EQ(s.total_minor, 500);
  ASSERT_EQ(s.lorenz.size(), 6u);
  EXPECT_NEAR(s.lorenz[2].customer_share, 0.4, 1e-12);
  EXPECT_NEAR(s.lorenz[2].revenue_share, 0.4, 1e-12);
}

TEST(Pareto, OneCustomerHoldingEverything) {
  std::vector<std::int64_t> values(10, 0);
  values[3] = 5000;
  const ParetoSummary s = pareto(values);
  EXPECT_NEAR(s.top20_share, 1.0, 1e-12);
  EXPECT_NEAR(s.gini, 0.9, 1e-12);  // (n - 1) / n
}

TEST(Pareto, KnownDistribution) {
  // Values 1..10 (x100): the top 2 customers hold 19/55; Gini = (2*sum i*y)/(n*sum) - (n+1)/n.
  std::vector<std::int64_t> values;
  for (int i = 10; i >= 1; --i) values.push_back(i * 100);
  const ParetoSummary s = pareto(values, 3);
  EXPECT_NEAR(s.top20_share, 19.0 / 55.0, 1e-12);
  EXPECT_NEAR(s.gini, 2.0 * 385.0 / (10 * 55.0) - 11.0 / 10.0, 1e-12);
  ASSERT_EQ(s.lorenz.size(), 3u);
  EXPECT_NEAR(s.lorenz[1].revenue_share, 15.0 / 55.0, 1e-12);  // 5 poorest: 1+..+5
  // Interpolated share: the top 15% is 1.5 customers: 10 + half of 9.
  std::vector<std::int64_t> sorted(values.rbegin(), values.rend());
  EXPECT_NEAR(top_share(sorted, 0.15), 14.5 / 55.0, 1e-12);
}

TEST(Pareto, EmptyAndZeroRevenue) {
  const ParetoSummary empty = pareto(std::vector<std::int64_t>{});
  EXPECT_EQ(empty.customers, 0u);
  EXPECT_EQ(empty.top20_share, 0.0);
  EXPECT_EQ(empty.gini, 0.0);
  EXPECT_EQ(empty.lorenz.size(), 2u);
  const ParetoSummary zero = pareto(std::vector<std::int64_t>{0, 0, -5});
  EXPECT_EQ(zero.top20_share, 0.0);
  EXPECT_EQ(zero.total_minor, 0);
}

TEST(Cohorts, MonthlyRetentionAndRevenue) {
  Orders orders;
  orders.add(0, day_of(2024, 1, 5), 100);
  orders.add(0, day_of(2024, 1, 20), 50);
  orders.add(0, day_of(2024, 3, 2), 70);
  orders.add(1, day_of(2024, 1, 31), 10);
  orders.add(2, day_of(2024, 2, 1), 20);
  orders.add(2, day_of(2024, 2, 29), 30);
  orders.add(2, day_of(2024, 3, 31), 40);
  orders.add(3, day_of(2024, 4, 1), 99);  // after as_of
  const auto cohorts = compute_cohorts(orders.columns(), day_of(2024, 3, 31));
  ASSERT_EQ(cohorts.size(), 2u);
  EXPECT_EQ(cohorts[0].year, 2024);
  EXPECT_EQ(cohorts[0].month, 1);
  EXPECT_EQ(cohorts[0].customers, 2);
  EXPECT_EQ(cohorts[0].retained, (std::vector<std::int64_t>{2, 0, 1}));
  EXPECT_EQ(cohorts[0].revenue_minor, (std::vector<std::int64_t>{160, 0, 70}));
  EXPECT_EQ(cohorts[1].month, 2);
  EXPECT_EQ(cohorts[1].retained, (std::vector<std::int64_t>{1, 1}));
  EXPECT_EQ(cohorts[1].revenue_minor, (std::vector<std::int64_t>{50, 40}));
  EXPECT_TRUE(compute_cohorts(Orders{}.columns(), 0).empty());
}

}  // namespace
}  // namespace ecrm::analytics
