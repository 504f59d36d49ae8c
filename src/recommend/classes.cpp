#include "recommend/classes.hpp"

#include <algorithm>
#include <map>

namespace ecrm::recommend {
namespace {

std::string tier_label(PriceTier tier) { return "tier:" + std::string(wire::enum_name(tier)); }

std::vector<ItemId> distinct(std::span<const ItemId> items, std::size_t bound) {
  std::vector<ItemId> out;
  for (ItemId item : items) {
    if (item < bound) out.push_back(item);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace

void assign_price_tiers(std::vector<Product>& catalog) {
  std::map<std::string, std::vector<std::int64_t>> prices;  // category -> sorted prices
  for (const Product& p : catalog) {
    if (p.price > 0) prices[p.category].push_back(p.price);
  }
  for (auto& [category, list] : prices) std::sort(list.begin(), list.end());
  for (Product& p : catalog) {
    if (p.tier != PriceTier::kUnknown || p.price <= 0) continue;
    const auto& list = prices[p.category];
    auto below = static_cast<std::size_t>(std::lower_bound(list.begin(), list.end(), p.price) -
                                          list.begin());
    std::size_t n = list.size();
    if (3 * below < n) {
      p.tier = PriceTier::kBudget;
    } else if (3 * below >= 2 * n) {
      p.tier = PriceTier::kPremium;
    } else {
      p.tier = PriceTier::kMid;
    }
  }
}

std::vector<CustomerClass> infer_classes(std::span<const Product> catalog,
                                         std::span<const ItemId> purchases,
                                         std::span<const TagRule> tag_rules) {
  std::vector<ItemId> bought = distinct(purchases, catalog.size());
  auto by_price = [&](ItemId a, ItemId b) {
    return catalog[a].price != catalog[b].price ? catalog[a].price > catalog[b].price : a < b;
  };
  // The customer's tier per category: the highest tier bought there.
  std::map<std::string_view, PriceTier> category_tier;
  for (ItemId item : bought) {
    PriceTier& tier = category_tier[catalog[item].category];
    tier = std::max(tier, catalog[item].tier);
  }
  std::vector<CustomerClass> classes;
  for (PriceTier tier : {PriceTier::kBudget, PriceTier::kMid, PriceTier::kPremium}) {
    CustomerClass c;
    c.label = tier_label(tier);
    c.kind = ClassKind::kPriceTier;
    c.tier = tier;
    for (ItemId item : bought) {
      if (catalog[item].tier == tier && category_tier[catalog[item].category] == tier) {
        c.evidence.push_back(item);
      }
    }
    if (c.evidence.empty()) continue;
    std::sort(c.evidence.begin(), c.evidence.end(), by_price);
    classes.push_back(std::move(c));
  }
  for (const TagRule& rule : tag_rules) {
    std::string label = "tag:" + rule.tag;
    auto existing = std::find_if(classes.begin(), classes.end(),
                                 [&](const CustomerClass& c) { return c.label == label; });
    std::vector<ItemId> evidence;
    for (ItemId item : bought) {
      if (catalog[item].category == rule.category) evidence.push_back(item);
    }
    if (evidence.empty()) continue;
    if (existing == classes.end()) {
      CustomerClass c;
      c.label = label;
      c.kind = ClassKind::kTag;
      c.tag = rule.tag;
      classes.push_back(std::move(c));
      existing = classes.end() - 1;
    }
    existing->evidence.insert(existing->evidence.end(), evidence.begin(), evidence.end());
    std::sort(existing->evidence.begin(), existing->evidence.end(), by_price);
    existing->evidence.erase(std::unique(existing->evidence.begin(), existing->evidence.end()),
                             existing->evidence.end());
  }
  return classes;
}

std::uint32_t ClassModel::class_index(const std::string& label) {
  auto [it, inserted] =
      class_index_.emplace(label, static_cast<std::uint32_t>(class_labels_.size()));
  if (inserted) {
    class_labels_.push_back(label);
    class_size_.push_back(0);
    class_item_buyers_.emplace_back(catalog_.size(), 0);
    affinities_.emplace_back();
  }
  return it->second;
}

ClassModel ClassModel::learn(std::vector<Product> catalog,
                             std::span<const std::vector<ItemId>> purchases_by_customer,
                             std::vector<TagRule> tag_rules,
                             std::span<const AffinityRule> configured,
                             const ClassOptions& options) {
  ClassModel model;
  model.catalog_ = std::move(catalog);
  model.tag_rules_ = std::move(tag_rules);
  model.options_ = options;
  const std::size_t n_items = model.catalog_.size();
  model.item_category_.resize(n_items);
  for (ItemId item = 0; item < n_items; ++item) {
    const std::string& name = model.catalog_[item].category;
    auto [it, inserted] = model.category_index_.emplace(
        name, static_cast<std::uint32_t>(model.category_names_.size()));
    if (inserted) model.category_names_.push_back(name);
    model.item_category_[item] = it->second;
  }
  const std::size_t n_categories = model.category_names_.size();
  model.item_buyers_.assign(n_items, 0);
  for (const std::string& label : {tier_label(PriceTier::kBudget), tier_label(PriceTier::kMid),
                                   tier_label(PriceTier::kPremium)}) {
    model.class_index(label);
  }
  for (const TagRule& rule : model.tag_rules_) model.class_index("tag:" + rule.tag);

  // Counts per category c. For a tag class: members who bought in c, against all customers who
  // bought in c. For a tier class T: members at tier T in c who are also at T elsewhere (so a
  // member's own evidence does not make the class look fond of its category), out of members at T
  // outside c, against all customers at tier T in c.
  const std::size_t n_classes = model.class_labels_.size();
  auto table = [&] {
    return std::vector<std::vector<std::uint64_t>>(n_classes,
                                                   std::vector<std::uint64_t>(n_categories, 0));
  };
  std::vector<std::uint64_t> category_buyers(n_categories, 0);
  auto class_buyers = table();  // as described above
  auto tier_buyers = table();   // tier classes: customers at the tier in c
  auto only_here = table();     // tier classes: members whose only evidence category is c
  std::vector<std::uint32_t> categories;
  std::uint64_t customer_count = 0;
  for (const auto& purchases : purchases_by_customer) {
    std::vector<ItemId> bought = distinct(purchases, n_items);
    if (bought.empty()) continue;
    ++customer_count;
    categories.clear();
    for (ItemId item : bought) {
      ++model.item_buyers_[item];
      categories.push_back(model.item_category_[item]);
    }
    std::sort(categories.begin(), categories.end());
    categories.erase(std::unique(categories.begin(), categories.end()), categories.end());
    for (std::uint32_t c : categories) ++category_buyers[c];
    for (const CustomerClass& cls : model.classify(bought)) {
      std::uint32_t k = model.class_index_.at(cls.label);
      ++model.class_size_[k];
      for (ItemId item : bought) ++model.class_item_buyers_[k][item];
      if (cls.kind == ClassKind::kTag) {
        for (std::uint32_t c : categories) ++class_buyers[k][c];
        continue;
      }
      std::vector<std::uint32_t> evidence;
      for (ItemId item : cls.evidence) evidence.push_back(model.item_category_[item]);
      std::sort(evidence.begin(), evidence.end());
      evidence.erase(std::unique(evidence.begin(), evidence.end()), evidence.end());
      for (std::uint32_t c : evidence) {
        ++tier_buyers[k][c];
        if (evidence.size() >= 2) ++class_buyers[k][c];
      }
      if (evidence.size() == 1) ++only_here[k][evidence.front()];
    }
  }
  const auto customers = static_cast<double>(customer_count);
  std::map<std::pair<std::uint32_t, std::uint32_t>, double> affinity;
  for (std::uint32_t k = 0; k < n_classes; ++k) {
    if (model.class_size_[k] == 0) continue;
    const bool tier_class = model.class_labels_[k].rfind("tier:", 0) == 0;
    for (std::uint32_t c = 0; c < n_categories; ++c) {
      std::uint64_t buyers = class_buyers[k][c];
      if (buyers == 0 || buyers < options.min_class_buyers) continue;
      std::uint64_t members = model.class_size_[k] - (tier_class ? only_here[k][c] : 0);
      std::uint64_t base = tier_class ? tier_buyers[k][c] : category_buyers[c];
      double lift = (static_cast<double>(buyers) / static_cast<double>(members)) /
                    (static_cast<double>(base) / customers);
      if (lift >= options.min_affinity) affinity[{k, c}] = lift;
    }
  }
  for (const AffinityRule& rule : configured) {
    auto category = model.category_index_.find(rule.category);
    if (category == model.category_index_.end()) continue;
    std::uint32_t k = model.class_index(rule.class_label);
    if (rule.weight > 0) {
      affinity[{k, category->second}] = rule.weight;
    } else {
      affinity.erase({k, category->second});
    }
  }
  for (const auto& [key, weight] : affinity)
    model.affinities_[key.first].emplace_back(key.second, weight);
  for (auto& list : model.affinities_) {
    std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) {
      return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
  }
  model.category_items_.assign(n_categories, {});
  for (ItemId item = 0; item < n_items; ++item) {
    model.category_items_[model.item_category_[item]].push_back(item);
  }
  for (auto& items : model.category_items_) {
    std::sort(items.begin(), items.end(), [&](ItemId a, ItemId b) {
      return model.item_buyers_[a] != model.item_buyers_[b]
                 ? model.item_buyers_[a] > model.item_buyers_[b]
                 : a < b;
    });
  }
  return model;
}

double ClassModel::affinity(std::string_view class_label, std::string_view category) const {
  auto k = class_index_.find(std::string(class_label));
  auto c = category_index_.find(std::string(category));
  if (k == class_index_.end() || c == category_index_.end()) return 0.0;
  for (const auto& [cat, weight] : affinities_[k->second]) {
    if (cat == c->second) return weight;
  }
  return 0.0;
}

std::vector<Recommendation> ClassModel::recommend(std::span<const ItemId> purchases,
                                                  std::span<const ItemId> excluded,
                                                  std::size_t limit) const {
  const std::vector<ItemId> bought = distinct(purchases, catalog_.size());
  const std::vector<CustomerClass> classes = classify(bought);
  // The customer's own tier per category, and their most common tier.
  std::vector<PriceTier> own_tier(category_names_.size(), PriceTier::kUnknown);
  for (ItemId item : bought) {
    PriceTier& tier = own_tier[item_category_[item]];
    tier = std::max(tier, catalog_[item].tier);
  }
  std::size_t tier_counts[4] = {0, 0, 0, 0};
  for (PriceTier tier : own_tier) ++tier_counts[static_cast<int>(tier)];
  PriceTier common = PriceTier::kUnknown;  // ties go to the higher tier
  std::size_t common_count = 0;
  for (int t = 3; t >= 1; --t) {
    if (tier_counts[t] > common_count) {
      common_count = tier_counts[t];
      common = static_cast<PriceTier>(t);
    }
  }

  struct Candidate {
    double score = 0;
    std::uint32_t class_index = 0;
    const CustomerClass* cls = nullptr;
  };
  std::unordered_map<ItemId, Candidate> candidates;
  for (const CustomerClass& cls : classes) {
    auto k_it = class_index_.find(cls.label);
    if (k_it == class_index_.end()) continue;
    std::uint32_t k = k_it->second;
    std::vector<std::uint32_t> evidence_categories;
    for (ItemId item : cls.evidence) evidence_categories.push_back(item_category_[item]);
    for (const auto& [category, weight] : affinities_[k]) {
      if (options_.exclude_evidence_categories &&
          std::find(evidence_categories.begin(), evidence_categories.end(), category) !=
              evidence_categories.end()) {
        continue;
      }
      PriceTier target = cls.kind == ClassKind::kPriceTier           ? cls.tier
                         : own_tier[category] != PriceTier::kUnknown ? own_tier[category]
                                                                     : common;
      for (ItemId item : category_items_[category]) {
        if (target != PriceTier::kUnknown && catalog_[item].tier != target) continue;
        if (std::binary_search(bought.begin(), bought.end(), item) ||
            std::binary_search(excluded.begin(), excluded.end(), item)) {
          continue;
        }
        double score = weight * static_cast<double>(class_item_buyers_[k][item] + 1) /
                       static_cast<double>(class_size_[k] + 1);
        Candidate& c = candidates[item];
        // On equal scores a tag explains better than a tier ("parents buy this").
        bool better =
            c.cls == nullptr || score > c.score ||
            (score == c.score && cls.kind == ClassKind::kTag && c.cls->kind != ClassKind::kTag);
        if (better) c = Candidate{score, k, &cls};
      }
    }
  }
  std::vector<Recommendation> out;
  out.reserve(candidates.size());
  for (const auto& [item, c] : candidates) {
    Recommendation rec;
    rec.item = item;
    rec.score = c.score;
    rec.reason.kind = ReasonKind::kClass;
    rec.reason.class_label = c.cls->label;
    rec.reason.evidence_item = c.cls->evidence.front();
    rec.reason.evidence_category = catalog_[c.cls->evidence.front()].category;
    rec.reason.count = class_item_buyers_[c.class_index][item];
    out.push_back(std::move(rec));
  }
  std::sort(out.begin(), out.end(), [&](const Recommendation& a, const Recommendation& b) {
    if (a.score != b.score) return a.score > b.score;
    if (item_buyers_[a.item] != item_buyers_[b.item]) {
      return item_buyers_[a.item] > item_buyers_[b.item];
    }
    return a.item < b.item;
  });
  if (out.size() > limit) out.resize(limit);
  return out;
}

}  // namespace ecrm::recommend
