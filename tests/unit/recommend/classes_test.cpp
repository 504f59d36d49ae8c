#include "recommend/classes.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace ecrm::recommend {
namespace {

TEST(PriceTiers, ThirdsOfEachCategoryByPrice) {
  std::vector<Product> catalog{
      {"laptops", PriceTier::kUnknown, 30000},  {"laptops", PriceTier::kUnknown, 80000},
      {"laptops", PriceTier::kUnknown, 200000}, {"laptops", PriceTier::kUnknown, 80000},
      {"laptops", PriceTier::kUnknown, 50000},  {"laptops", PriceTier::kUnknown, 150000},
      {"pens", PriceTier::kUnknown, 100},       {"pens", PriceTier::kPremium, 50},
      {"pens", PriceTier::kUnknown, 0},
  };
  assign_price_tiers(catalog);
  // Laptops sorted: 300, 500, 800, 800, 1500, 2000 (6 products): below 2 budget, 4+ premium.
  EXPECT_EQ(catalog[0].tier, PriceTier::kBudget);
  EXPECT_EQ(catalog[4].tier, PriceTier::kBudget);
  EXPECT_EQ(catalog[1].tier, PriceTier::kMid);
  EXPECT_EQ(catalog[3].tier, PriceTier::kMid);  // same price, same tier
  EXPECT_EQ(catalog[5].tier, PriceTier::kPremium);
  EXPECT_EQ(catalog[2].tier, PriceTier::kPremium);
  EXPECT_EQ(catalog[7].tier, PriceTier::kPremium);  // explicit tier kept
  EXPECT_EQ(catalog[6].tier, PriceTier::kMid);  // 1 of its 2 priced pens is cheaper: 3 >= 2, < 4
  EXPECT_EQ(catalog[8].tier, PriceTier::kUnknown);  // no price
}

// A hand-built shop. Items:
enum : ItemId {
  kLaptopBudget,
  kLaptopMid,
  kLaptopPremium,
  kCameraBudget,
  kCameraMid,
  kCameraPremium,
  kTheatreBudget,
  kTheatrePremium,
  kBread,
  kMilk,
  kBottle,
  kBabyFood,
  kToyBlocks,
  kToyPremium,
  kItemCount
};

std::vector<Product> shop() {
  std::vector<Product> c(kItemCount);
  c[kLaptopBudget] = {"laptops", PriceTier::kBudget, 30000};
  c[kLaptopMid] = {"laptops", PriceTier::kMid, 80000};
  c[kLaptopPremium] = {"laptops", PriceTier::kPremium, 200000};
  c[kCameraBudget] = {"cameras", PriceTier::kBudget, 8000};
  c[kCameraMid] = {"cameras", PriceTier::kMid, 30000};
  c[kCameraPremium] = {"cameras", PriceTier::kPremium, 150000};
  c[kTheatreBudget] = {"home theatre", PriceTier::kBudget, 20000};
  c[kTheatrePremium] = {"home theatre", PriceTier::kPremium, 300000};
  c[kBread] = {"groceries", PriceTier::kBudget, 200};
  c[kMilk] = {"groceries", PriceTier::kBudget, 100};
  c[kBottle] = {"baby", PriceTier::kMid, 1500};
  c[kBabyFood] = {"baby food", PriceTier::kMid, 500};
  c[kToyBlocks] = {"toys", PriceTier::kMid, 2500};
  c[kToyPremium] = {"toys", PriceTier::kPremium, 9000};
  return c;
}

std::vector<std::vector<ItemId>> customers() {
  std::vector<std::vector<ItemId>> out;
  // Premium buyers: laptops, cameras and home theatres at the top of the range.
  for (int i = 0; i < 6; ++i) out.push_back({kLaptopPremium, kCameraPremium, kTheatrePremium});
  for (int i = 0; i < 3; ++i) out.push_back({kCameraPremium, kBread});
  // Budget shoppers: groceries and the odd budget laptop.
  for (int i = 0; i < 10; ++i) out.push_back({kBread, kMilk});
  for (int i = 0; i < 4; ++i) out.push_back({kLaptopBudget, kMilk});
  // Parents.
  for (int i = 0; i < 5; ++i) out.push_back({kBottle, kBabyFood, kToyBlocks});
  return out;
}

TEST(Classes, InfersTierAndTagClassesWithEvidence) {
  std::vector<Product> catalog = shop();
  std::vector<TagRule> tags{{"baby", "parent"}};
  std::vector<ItemId> purchases{kLaptopPremium, kMilk, kBottle, kMilk};
  auto classes = infer_classes(catalog, purchases, tags);
  ASSERT_EQ(classes.size(), 4u);
  EXPECT_EQ(classes[0].label, "tier:budget");
  EXPECT_EQ(classes[0].evidence, (std::vector<ItemId>{kMilk}));
  EXPECT_EQ(classes[1].label, "tier:mid");
  EXPECT_EQ(classes[1].evidence, (std::vector<ItemId>{kBottle}));
  EXPECT_EQ(classes[2].label, "tier:premium");
  EXPECT_EQ(classes[2].kind, ClassKind::kPriceTier);
  EXPECT_EQ(classes[2].evidence, (std::vector<ItemId>{kLaptopPremium}));
  EXPECT_EQ(classes[3].label, "tag:parent");
  EXPECT_EQ(classes[3].kind, ClassKind::kTag);
  EXPECT_EQ(classes[3].evidence, (std::vector<ItemId>{kBottle}));
  // The tier in a category is the highest bought there: a budget and a premium laptop make a
  // premium laptop buyer, not a budget one.
  auto mixed = infer_classes(catalog, std::vector<ItemId>{kLaptopBudget, kLaptopPremium}, tags);
  ASSERT_EQ(mixed.size(), 1u);
  EXPECT_EQ(mixed[0].label, "tier:premium");
}

TEST(Classes, PremiumLaptopBuyerIsShownPremiumCamerasAndHomeTheatres) {
  auto all = customers();
  ClassModel model = ClassModel::learn(shop(), all, {{"baby", "parent"}}, {}, {});
  EXPECT_GT(model.affinity("tier:premium", "cameras"), 1.2);
  EXPECT_GT(model.affinity("tier:premium", "home theatre"), 1.2);
  EXPECT_EQ(model.affinity("tier:premium", "groceries"), 0.0);

  std::vector<ItemId> bought{kLaptopPremium};
  auto recs = model.recommend(bought, {}, 10);
  std::vector<ItemId> items;
  for (const auto& r : recs) items.push_back(r.item);
  // Premium cameras (bought by 9 premium customers) before premium theatres (6); no laptop (the
  // evidence category), nothing budget or mid.
  ASSERT_EQ(items, (std::vector<ItemId>{kCameraPremium, kTheatrePremium}));
  EXPECT_EQ(recs[0].reason.kind, ReasonKind::kClass);
  EXPECT_EQ(recs[0].reason.class_label, "tier:premium");
  EXPECT_EQ(recs[0].reason.evidence_item, kLaptopPremium);
  EXPECT_EQ(recs[0].reason.evidence_category, "laptops");
  EXPECT_EQ(recs[0].reason.count, 9u);

  // Excluded items are left out.
  std::vector<ItemId> excluded{kCameraPremium};
  auto fewer = model.recommend(bought, excluded, 10);
  ASSERT_EQ(fewer.size(), 1u);
  EXPECT_EQ(fewer[0].item, kTheatrePremium);
}

TEST(Classes, ParentsAreShownWhatParentsBuyAtTheirTier) {
  ClassModel model = ClassModel::learn(shop(), customers(), {{"baby", "parent"}}, {}, {});
  std::vector<ItemId> bought{kBottle};
  auto recs = model.recommend(bought, {}, 10);
  std::vector<ItemId> items;
  for (const auto& r : recs) items.push_back(r.item);
  // Mid-tier customer: mid baby food and mid toys, not the premium toy.
  EXPECT_NE(std::find(items.begin(), items.end(), kBabyFood), items.end());
  EXPECT_NE(std::find(items.begin(), items.end(), kToyBlocks), items.end());
  EXPECT_EQ(std::find(items.begin(), items.end(), kToyPremium), items.end());
  EXPECT_EQ(std::find(items.begin(), items.end(), kBottle), items.end());
  bool tagged = std::any_of(recs.begin(), recs.end(), [](const Recommendation& r) {
    return r.reason.class_label == "tag:parent" && r.reason.evidence_item == kBottle;
  });
  EXPECT_TRUE(tagged);
}

TEST(Classes, ConfiguredAffinityRulesOverrideLearning) {
  std::vector<AffinityRule> rules{{"tier:premium", "toys", 50.0}, {"tier:premium", "cameras", 0.0}};
  ClassModel model = ClassModel::learn(shop(), customers(), {}, rules, {});
  EXPECT_EQ(model.affinity("tier:premium", "cameras"), 0.0);
  auto recs = model.recommend(std::vector<ItemId>{kLaptopPremium}, {}, 10);
  ASSERT_FALSE(recs.empty());
  EXPECT_EQ(recs[0].item, kToyPremium);  // 50 * 1/10 beats home theatre's 3.1 * 7/10
  EXPECT_TRUE(std::none_of(recs.begin(), recs.end(),
                           [](const Recommendation& r) { return r.item == kCameraPremium; }));
}

}  // namespace
}  // namespace ecrm::recommend
