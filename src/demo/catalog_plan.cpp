// plan_catalog(): the category tree and products of the demo shop.
#include <algorithm>
#include <cmath>
#include <map>
#include <string>

#include "catalog/service.hpp"
#include "demo/catalog_data.hpp"
#include "demo/generator.hpp"
#include "demo/random.hpp"

namespace ecrm::demo {

namespace {

// A shop price in cents for about `dollars`: 7.99, 24.99, 349.99, 1299.99.
std::int64_t shop_price(double dollars) {
  std::int64_t whole;
  if (dollars >= 1000) {
    whole = std::llround(dollars / 50.0) * 50 - 1;
  } else if (dollars >= 100) {
    whole = std::llround(dollars / 10.0) * 10 - 1;
  } else {
    whole = std::max<std::int64_t>(1, std::llround(dollars) - 1);
  }
  return whole * 100 + 99;
}

std::string product_name(const data::Leaf& leaf, int tier, std::string_view brand, Rng& rng,
                         std::string_view noun) {
  std::string name;
  switch (leaf.naming) {
    case data::Naming::kModel:
      name = std::string(brand) + " " + std::string(rng.pick(data::model_words())) + " " +
             std::string(noun);
      break;
    case data::Naming::kDescriptor:
      name = std::string(brand) + " " + std::string(rng.pick(data::descriptor_words())) + " " +
             std::string(noun);
      break;
    case data::Naming::kPlain:
      name = std::string(brand) + " " + std::string(noun);
      break;
    case data::Naming::kTitle: {
      auto formats = data::split(leaf.nouns);
      name = "The " + std::string(rng.pick(data::title_words_a())) + " " +
             std::string(rng.pick(data::title_words_b())) + " (" +
             std::string(formats[std::min<std::size_t>(tier, formats.size() - 1)]) + ")";
      break;
    }
  }
  return name;
}

std::int64_t stock_level(Rng& rng, bool consumable) {
  if (rng.chance(0.05)) return 0;  // out of stock
  double median = consumable ? 180 : 45;
  return std::clamp<std::int64_t>(std::llround(rng.lognormal(std::log(median), 0.8)), 1, 5000);
}

}  // namespace

PlannedCatalog plan_catalog(const DemoConfig& config) {
  Rng rng(stream_seed(config.seed, "catalog"));
  PlannedCatalog out;
  const UnixMs opened = config.now - (kHistoryDays + 240) * kMsPerDay;
  const UnixMs far_future = config.now + 3650 * kMsPerDay;

  std::vector<std::size_t> top_index;
  for (auto name : data::tops()) {
    PlannedCategory c;
    c.category.name = std::string(name);
    c.category.slug = catalog::slug_from_name(c.category.name);
    c.category.created_at = c.category.updated_at = opened;
    top_index.push_back(out.categories.size());
    out.categories.push_back(std::move(c));
  }
  std::map<std::string_view, std::size_t> leaf_category;
  for (const auto& leaf : data::leaves()) {
    PlannedCategory c;
    c.category.name = std::string(leaf.name);
    c.category.slug = catalog::slug_from_name(c.category.name);
    c.category.created_at = c.category.updated_at = opened;
    c.parent = top_index[leaf.top];
    c.code = std::string(leaf.code);
    leaf_category[leaf.code] = out.categories.size();
    out.categories.push_back(std::move(c));
  }

  int sku_number = 1000;
  auto add = [&](const data::Leaf& leaf, std::size_t category, catalog::Product p, UnixMs from,
                 UnixMs to) {
    p.sku = std::string(leaf.code) + "-" + std::to_string(++sku_number);
    p.currency = kCurrency;
    p.cost = std::llround(static_cast<double>(p.price) * (0.45 + 0.3 * rng.uniform()));
    p.consumable = leaf.repurchase_days > 0;
    if (p.consumable) p.repurchase_days = leaf.repurchase_days;
    p.stock_on_hand = p.active ? stock_level(rng, p.consumable) : rng.between(0, 3);
    p.created_at = p.updated_at = std::max(opened, from);
    out.products.push_back(PlannedProduct{std::move(p), category, from, to});
  };

  for (const auto& leaf : data::leaves()) {
    const std::size_t category = leaf_category.at(leaf.code);
    auto nouns = data::split(leaf.nouns);
    for (int tier = 0; tier < 3; ++tier) {
      auto brands = data::split(leaf.brands[tier]);
      const double lo = leaf.dollars[2 * tier];
      const double hi = leaf.dollars[2 * tier + 1];
      for (int k = 0; k < leaf.per_tier; ++k) {
        catalog::Product p;
        p.brand = std::string(brands[k % brands.size()]);
        // Nouns are listed from the cheapest kind to the dearest: mostly the one for the tier.
        std::string_view noun;
        if (leaf.naming != data::Naming::kTitle) {
          noun = rng.chance(0.6) ? nouns[std::min<std::size_t>(tier, nouns.size() - 1)]
                                 : nouns[rng.below(nouns.size())];
        }
        p.name = product_name(leaf, tier, p.brand, rng, noun);
        p.price = shop_price(lo + (hi - lo) * rng.uniform());
        // Most products were in the range before the history starts; some arrived since.
        UnixMs from = rng.chance(0.12) ? config.now - rng.between(30, kHistoryDays - 60) * kMsPerDay
                                       : opened + rng.between(0, 200) * kMsPerDay;
        add(leaf, category, std::move(p), from, far_future);
      }
    }
  }

  // Product lines: the newest version launched a few months ago, each earlier one about a
  // year before its successor; a version stays on sale for six weeks after its successor
  // launches, then it is inactive.
  for (const auto& line : data::lines()) {
    const auto* leaf = &*std::find_if(data::leaves().begin(), data::leaves().end(),
                                      [&](const data::Leaf& l) { return l.code == line.leaf; });
    const std::size_t category = leaf_category.at(line.leaf);
    std::vector<UnixMs> launch(line.versions);
    launch[line.versions - 1] = config.now - rng.between(90, 150) * kMsPerDay;
    for (int v = line.versions - 2; v >= 0; --v) {
      launch[v] = launch[v + 1] - rng.between(330, 400) * kMsPerDay;
    }
    const std::string line_name = std::string(line.brand) + " " + std::string(line.name);
    for (int v = 0; v < line.versions; ++v) {
      catalog::Product p;
      p.brand = std::string(line.brand);
      p.line = line_name;
      p.version = v + 1;
      p.name = v == 0 ? line_name : line_name + " " + std::to_string(v + 1);
      p.price = shop_price(line.dollars * (1.0 - 0.08 * (line.versions - 1 - v)));
      p.active = v == line.versions - 1;
      UnixMs to = p.active ? far_future : launch[v + 1] + 42 * kMsPerDay;
      add(*leaf, category, std::move(p), launch[v], to);
    }
  }

  // Price tiers exactly as the catalog computes them, per leaf category.
  std::map<std::size_t, std::vector<std::size_t>> by_category;
  for (std::size_t i = 0; i < out.products.size(); ++i) {
    by_category[out.products[i].category].push_back(i);
  }
  for (const auto& [category, members] : by_category) {
    std::vector<catalog::TierInput> group;
    for (std::size_t i : members) {
      const auto& p = out.products[i].product;
      group.push_back(
          catalog::TierInput{static_cast<std::int64_t>(i), p.price, p.active, p.price_tier});
    }
    auto tiers = catalog::price_tiers(group);
    for (std::size_t k = 0; k < members.size(); ++k) {
      out.products[members[k]].product.price_tier = tiers[k];
    }
  }
  return out;
}

}  // namespace ecrm::demo
