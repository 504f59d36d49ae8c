// The price-tier rule, table-driven, the slug derivation and the wire names.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "catalog/model.hpp"
#include "catalog/service.hpp"
#include "http/wire.hpp"

namespace ecrm::catalog {
namespace {

constexpr PriceTier B = PriceTier::kBudget;
constexpr PriceTier M = PriceTier::kMid;
constexpr PriceTier P = PriceTier::kPremium;

struct Case {
  const char* name;
  std::vector<TierInput> group;
  std::vector<PriceTier> expected;
};

TEST(PriceTiers, MidRankPercentileTerciles) {
  const std::vector<Case> cases = {
      {"empty", {}, {}},
      {"alone", {{1, 500}}, {M}},
      {"two", {{1, 500}, {2, 100}}, {P, B}},
      {"three distinct", {{1, 300}, {2, 100}, {3, 200}}, {P, B, M}},
      {"all equal", {{1, 7}, {2, 7}, {3, 7}, {4, 7}}, {M, M, M, M}},
      // Six prices: percentiles 1/12, 3/12, …, 11/12.
      {"six", {{1, 1}, {2, 2}, {3, 3}, {4, 4}, {5, 5}, {6, 6}}, {B, B, M, M, P, P}},
      // Ties share a tier: the three 10s sit at (0 + 3/2) / 5 = 0.3, the 50 at 3.5 / 5 = 0.7.
      {"ties", {{1, 10}, {2, 10}, {3, 10}, {4, 50}, {5, 90}}, {B, B, B, P, P}},
      {"ties in the middle", {{1, 10}, {2, 50}, {3, 50}, {4, 50}, {5, 90}}, {B, M, M, M, P}},
      // Inactive products are ranked as if active but do not move the others.
      {"inactive", {{1, 100}, {2, 200}, {3, 1000, false}, {4, 1, false}}, {B, P, P, B}},
      {"only inactive", {{1, 100, false}, {2, 200, false}}, {M, M}},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(price_tiers(c.group), c.expected) << c.name;
  }
}

// The names sent and stored today.
TEST(PriceTiers, WireNames) {
  EXPECT_EQ(wire::enum_names<PriceTier>(), (std::vector<std::string>{"budget", "mid", "premium"}));
  EXPECT_FALSE(wire::parse_enum<PriceTier>("luxury"));
}

TEST(ProductChanges, NullClearsAndAbsentKeeps) {
  auto changes = wire::read<ProductChanges>(
      boost::json::parse(R"({"cost":null,"repurchase_days":30,"active":false})"));
  ASSERT_TRUE(changes.ok()) << changes.error().message;
  ASSERT_TRUE(changes->cost.has_value());  // present: null clears
  EXPECT_FALSE(changes->cost->has_value());
  EXPECT_EQ(changes->repurchase_days, std::optional<std::optional<int>>(30));
  EXPECT_FALSE(changes->category_id.has_value());
  EXPECT_FALSE(changes->price.has_value());
  auto bad = wire::read<ProductChanges>(boost::json::parse(R"({"version":0})"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "version");
}

TEST(Slugs, DerivedFromNames) {
  EXPECT_EQ(slug_from_name("Baby & Kids"), "baby-kids");
  EXPECT_EQ(slug_from_name("  Home Theatre 2.0 "), "home-theatre-2-0");
  EXPECT_EQ(slug_from_name("婴儿 用品"), "婴儿-用品");
  EXPECT_EQ(slug_from_name("!!!"), "");
  std::string long_name;
  for (int i = 0; i < 60; ++i) long_name += "书";  // 3 bytes each
  std::string slug = slug_from_name(long_name);
  EXPECT_LE(slug.size(), 100u);
  EXPECT_EQ(slug.size() % 3, 0u);  // never half a character
}

}  // namespace
}  // namespace ecrm::catalog
