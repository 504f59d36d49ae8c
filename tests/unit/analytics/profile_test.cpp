// The 7P profile on one hand-made customer, every figure checked by hand in the comments.
#include <gtest/gtest.h>

#include "analytics/profile.hpp"
#include "core/time.hpp"

namespace ecrm::analytics {
namespace {

UnixMs at(int y, unsigned m, unsigned d) {
  return static_cast<UnixMs>(days_from_civil(y, m, d)) * kMsPerDay;
}

ProfileOrder order(UnixMs placed_at, std::int64_t subtotal, std::int64_t discount,
                   std::int64_t total, std::int64_t refunded) {
  return ProfileOrder{placed_at, subtotal, discount, total, refunded};
}

ProfileInput sample() {
  ProfileInput in;
  in.type = "home";
  in.city = "Hangzhou";
  in.country = "CN";
  in.source = "search";
  in.channel = "web";
  in.birthday = "1990-07-02";
  in.created_at = at(2022, 1, 1);
  in.currency = "EUR";
  in.now = at(2024, 7, 1);
  // A: 488 days before now (outside the 12 months), B: 137 days (bucket 4, recent),
  // C: 274 days (bucket 9, previous), D: 11 days (bucket 0, recent).
  in.orders = {order(at(2023, 3, 1), 10000, 0, 10500, 0),
               order(at(2024, 2, 15), 20000, 2000, 18000, 5000),
               order(at(2023, 10, 1), 8000, 800, 7200, 0),
               order(at(2024, 6, 20), 5000, 0, 5000, 0)};
  in.lines = {ProfileLine{1, "Cameras", 1, 10000, 6000}, ProfileLine{1, "Cameras", 2, 20000, 7000},
              ProfileLine{2, "Books", 4, 8000, std::nullopt}, ProfileLine{0, "", 1, 5000, 3000}};
  in.other_currency_orders = 1;
  in.cancelled_orders = 2;
  return in;
}

TEST(Profile7P, ProfilingAndPersistency) {
  const Profile7P p = build_profile(sample());
  EXPECT_EQ(p.profiling.type, "home");
  EXPECT_EQ(p.profiling.city, "Hangzhou");
  ASSERT_TRUE(p.profiling.age_band.has_value());
  EXPECT_EQ(*p.profiling.age_band, "25-34");  // 33: the 34th birthday is tomorrow
  EXPECT_EQ(p.profiling.age, 33);
  EXPECT_EQ(p.profiling.customer_days, 912);  // 2022-01-01 .. 2024-07-01
  EXPECT_EQ(p.profiling.first_order_at, at(2023, 3, 1));
  EXPECT_EQ(p.persistency.orders, 4);
  EXPECT_EQ(p.persistency.tenure_days, 488);
  EXPECT_DOUBLE_EQ(p.persistency.repeat_rate, 0.75);
  EXPECT_NEAR(p.persistency.orders_per_year, 4.0 / (488.0 / 365.25), 1e-12);
  EXPECT_EQ(p.persistency.days_since_last_order, 11);
  EXPECT_FALSE(p.persistency.tier.has_value());  // not scored
  EXPECT_FALSE(p.prospecting.scored);
  EXPECT_EQ(p.other_currency_orders, 1);
  EXPECT_EQ(p.cancelled_orders, 2);
}

TEST(Profile7P, Profitability) {
  const Profile7P p = build_profile(sample());
  EXPECT_EQ(p.profitability.revenue, 40700);        // 10500 + 18000 + 7200 + 5000
  EXPECT_EQ(p.profitability.refunds, 5000);
  EXPECT_EQ(p.profitability.cost_of_goods, 23000);  // 6000 + 2 × 7000 + 3000; books unknown
  EXPECT_NEAR(p.profitability.cost_coverage, 35000.0 / 43000.0, 1e-12);
  EXPECT_EQ(p.profitability.gross_profit, 12700);
  ASSERT_TRUE(p.profitability.margin.has_value());
  EXPECT_NEAR(*p.profitability.margin, 12700.0 / 40700.0, 1e-12);
}

TEST(Profile7P, PerformanceComparesHalfYearsAndFitsATrend) {
  const Profile7P p = build_profile(sample());
  const auto& perf = p.performance;
  EXPECT_EQ(perf.recent.orders, 2);
  EXPECT_EQ(perf.recent.revenue, 18000);  // (18000 - 5000) + 5000
  EXPECT_EQ(perf.previous.orders, 1);
  EXPECT_EQ(perf.previous.revenue, 7200);
  ASSERT_TRUE(perf.revenue_change && perf.order_change && perf.aov_change);
  EXPECT_DOUBLE_EQ(*perf.revenue_change, 1.5);
  EXPECT_DOUBLE_EQ(*perf.order_change, 1.0);
  EXPECT_DOUBLE_EQ(*perf.aov_change, 0.25);  // 9000 against 7200
  EXPECT_EQ(perf.recent.average_order_value, 9000);
  EXPECT_EQ(perf.monthly_revenue,
            (std::vector<std::int64_t>{0, 0, 7200, 0, 0, 0, 0, 13000, 0, 0, 0, 5000}));
  // sum (x - 5.5) y = -3.5·7200 + 1.5·13000 + 5.5·5000 = 21800; sum (x - 5.5)^2 = 143.
  EXPECT_NEAR(perf.revenue_slope, 21800.0 / 143.0, 1e-9);
  EXPECT_EQ(perf.trend, ProfileTrend::kGrowing);
}

TEST(Profile7P, ProductAndPromotion) {
  const Profile7P p = build_profile(sample());
  ASSERT_EQ(p.product.categories.size(), 3u);
  EXPECT_EQ(p.product.categories[0].category_id, 1);
  EXPECT_EQ(p.product.categories[0].revenue, 30000);
  EXPECT_NEAR(p.product.categories[0].revenue_share, 30000.0 / 43000.0, 1e-12);
  EXPECT_DOUBLE_EQ(p.product.categories[0].quantity_share, 3.0 / 8.0);
  EXPECT_EQ(p.product.categories[1].name, "Books");
  EXPECT_DOUBLE_EQ(p.product.categories[1].quantity_share, 0.5);
  EXPECT_FALSE(p.product.categories[2].category_id.has_value());
  EXPECT_EQ(p.product.distinct_categories, 3);
  EXPECT_EQ(p.promotion.discounted_orders, 2);
  EXPECT_DOUBLE_EQ(p.promotion.discounted_share, 0.5);
  EXPECT_EQ(p.promotion.discount_total, 2800);
  ASSERT_TRUE(p.promotion.average_discount_rate.has_value());
  EXPECT_DOUBLE_EQ(*p.promotion.average_discount_rate, 0.1);  // 10% and 10%
  EXPECT_FALSE(p.promotion.campaign_response.available);
}

TEST(Profile7P, ScoresFillPersistencyAndProspecting) {
  ProfileInput in = sample();
  ProfileScores s;
  s.tier = Tier::kLoyal;
  s.segment = Segment::kPotential;
  s.p_alive = 0.8;
  s.expected_orders = 0.7;
  s.clv = 12345;
  s.computed_at = in.now - 1000;
  in.scores = s;
  const Profile7P p = build_profile(in);
  EXPECT_EQ(p.persistency.tier, Tier::kLoyal);
  EXPECT_EQ(p.persistency.segment, Segment::kPotential);
  EXPECT_TRUE(p.prospecting.scored);
  EXPECT_EQ(p.prospecting.p_alive, 0.8);
  EXPECT_EQ(p.prospecting.clv, 12345);
  EXPECT_FALSE(p.prospecting.expected_avg_value.has_value());
}

TEST(Profile7P, CustomerWithoutOrders) {
  ProfileInput in;
  in.created_at = at(2024, 6, 1);
  in.now = at(2024, 7, 1);
  const Profile7P p = build_profile(in);
  EXPECT_EQ(p.persistency.orders, 0);
  EXPECT_EQ(p.persistency.tenure_days, 0);
  EXPECT_EQ(p.persistency.repeat_rate, 0.0);
  EXPECT_EQ(p.profiling.customer_days, 30);
  EXPECT_FALSE(p.profitability.margin.has_value());
  EXPECT_EQ(p.performance.trend, ProfileTrend::kInactive);
  EXPECT_TRUE(p.product.categories.empty());
  EXPECT_EQ(p.promotion.discounted_share, 0.0);
  EXPECT_FALSE(p.promotion.average_discount_rate.has_value());
}

TEST(Profile7P, TrendLabels) {
  ProfileInput in;
  in.now = at(2024, 7, 1);
  in.orders = {order(at(2024, 6, 1), 100, 0, 100, 0)};
  EXPECT_EQ(build_profile(in).performance.trend, ProfileTrend::kNew);
  in.orders.push_back(order(at(2023, 12, 1), 100, 0, 200, 0));
  EXPECT_EQ(build_profile(in).performance.trend, ProfileTrend::kDeclining);  // 100 against 200
  in.orders.push_back(order(at(2024, 5, 1), 100, 0, 95, 0));
  EXPECT_EQ(build_profile(in).performance.trend, ProfileTrend::kStable);  // 195 against 200
}

TEST(AgeBand, Boundaries) {
  const UnixMs now = at(2024, 7, 1);
  EXPECT_EQ(age_band("2006-07-01", now), "18-24");  // 18 today
  EXPECT_EQ(age_band("2006-07-02", now), "<18");
  EXPECT_EQ(age_band("1959-07-01", now), "65+");
  EXPECT_EQ(age_band("1959-07-02", now), "55-64");
  EXPECT_FALSE(age_band("2030-01-01", now).has_value());
  EXPECT_FALSE(age_band("not a date", now).has_value());
}

}  // namespace
}  // namespace ecrm::analytics
