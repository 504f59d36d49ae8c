#include "recommend/personal.hpp"

#include <algorithm>
#include <unordered_map>

namespace ecrm::recommend {
namespace {

using Wide = unsigned __int128;

bool contains(std::span<const ItemId> sorted, ItemId item) {
  return std::binary_search(sorted.begin(), sorted.end(), item);
}

// Last purchase time and purchase count of each distinct bought item.
struct Bought {
  ItemId item;
  UnixMs last_ms;
  std::uint64_t times;
};

std::vector<Bought> bought_items(const CustomerHistory& history) {
  std::vector<TimedItem> purchases = history.purchases;
  std::sort(purchases.begin(), purchases.end(), [](const TimedItem& a, const TimedItem& b) {
    return a.item != b.item ? a.item < b.item : a.at_ms < b.at_ms;
  });
  std::vector<Bought> out;
  for (const TimedItem& p : purchases) {
    if (!out.empty() && out.back().item == p.item) {
      out.back().last_ms = p.at_ms;
      ++out.back().times;
    } else {
      out.push_back({p.item, p.at_ms, 1});
    }
  }
  return out;
}

std::vector<ItemId> sorted_returns(const CustomerHistory& history) {
  std::vector<ItemId> returned = history.returned;
  std::sort(returned.begin(), returned.end());
  returned.erase(std::unique(returned.begin(), returned.end()), returned.end());
  return returned;
}

bool is_due(const Bought& b, std::span<const RepurchaseProfile> profiles, UnixMs now_ms) {
  if (b.item >= profiles.size()) return false;
  const RepurchaseProfile& p = profiles[b.item];
  return p.consumable && p.interval_ms > 0 && now_ms - b.last_ms >= p.interval_ms;
}

// Confidence of a greater than b, exactly.
int compare_confidence(const Rule& a, const Rule& b) {
  Wide left = static_cast<Wide>(a.count) * b.antecedent_count;
  Wide right = static_cast<Wide>(b.count) * a.antecedent_count;
  return left == right ? 0 : (left > right ? 1 : -1);
}

int compare_lift(const Rule& a, const Rule& b) {
  Wide left = static_cast<Wide>(a.count) * b.antecedent_count * b.consequent_count;
  Wide right = static_cast<Wide>(b.count) * a.antecedent_count * a.consequent_count;
  return left == right ? 0 : (left > right ? 1 : -1);
}

}  // namespace

std::vector<RepurchaseProfile> learn_repurchase_profiles(
    std::size_t item_count, std::span<const PurchaseEvent> purchases,
    std::span<const RepurchaseProfile> configured, const RepurchaseOptions& options) {
  std::vector<RepurchaseProfile> profiles(item_count);
  std::vector<PurchaseEvent> sorted(purchases.begin(), purchases.end());
  std::sort(sorted.begin(), sorted.end(), [](const PurchaseEvent& a, const PurchaseEvent& b) {
    if (a.item != b.item) return a.item < b.item;
    if (a.customer != b.customer) return a.customer < b.customer;
    return a.at_ms < b.at_ms;
  });
  std::vector<UnixMs> gaps;
  for (std::size_t start = 0; start < sorted.size();) {
    ItemId item = sorted[start].item;
    std::size_t end = start;
    while (end < sorted.size() && sorted[end].item == item) ++end;
    gaps.clear();
    std::uint64_t buyers = 0;
    std::uint64_t repeat_buyers = 0;
    for (std::size_t i = start; i < end;) {
      CustomerIndex customer = sorted[i].customer;
      UnixMs last = sorted[i].at_ms;
      std::uint64_t times = 1;
      for (++i; i < end && sorted[i].customer == customer; ++i) {
        if (sorted[i].at_ms - last < options.min_gap_ms) continue;
        gaps.push_back(sorted[i].at_ms - last);
        last = sorted[i].at_ms;
        ++times;
      }
      ++buyers;
      if (times > 1) ++repeat_buyers;
    }
    if (item < item_count) {
      RepurchaseProfile& profile = profiles[item];
      UnixMs learned = 0;
      if (!gaps.empty() && gaps.size() >= options.min_gaps) {
        auto middle = gaps.begin() + static_cast<std::ptrdiff_t>((gaps.size() - 1) / 2);
        std::nth_element(gaps.begin(), middle, gaps.end());
        learned = *middle;
      }
      profile.interval_ms = learned;
      profile.consumable = options.min_repeat_share > 0 && learned > 0 &&
                           static_cast<double>(repeat_buyers) >=
                               options.min_repeat_share * static_cast<double>(buyers);
    }
    start = end;
  }
  for (std::size_t item = 0; item < item_count && item < configured.size(); ++item) {
    if (configured[item].consumable) profiles[item].consumable = true;
    if (configured[item].interval_ms > 0) profiles[item].interval_ms = configured[item].interval_ms;
  }
  return profiles;
}

std::vector<ItemId> excluded_items(const CustomerHistory& history,
                                   std::span<const RepurchaseProfile> profiles, UnixMs now_ms) {
  std::vector<ItemId> excluded = sorted_returns(history);
  for (const Bought& b : bought_items(history)) {
    if (!is_due(b, profiles, now_ms)) excluded.push_back(b.item);
  }
  std::sort(excluded.begin(), excluded.end());
  excluded.erase(std::unique(excluded.begin(), excluded.end()), excluded.end());
  return excluded;
}

std::vector<Recommendation> due_consumables(const CustomerHistory& history,
                                            std::span<const RepurchaseProfile> profiles,
                                            UnixMs now_ms) {
  std::vector<ItemId> returned = sorted_returns(history);
  std::vector<Recommendation> due;
  for (const Bought& b : bought_items(history)) {
    if (!is_due(b, profiles, now_ms) || contains(returned, b.item)) continue;
    Recommendation rec;
    rec.item = b.item;
    rec.score =
        static_cast<double>(now_ms - b.last_ms) / static_cast<double>(profiles[b.item].interval_ms);
    rec.reason.kind = ReasonKind::kReplenish;
    rec.reason.last_purchase_ms = b.last_ms;
    rec.reason.interval_ms = profiles[b.item].interval_ms;
    rec.reason.count = b.times;
    due.push_back(std::move(rec));
  }
  std::sort(due.begin(), due.end(), [](const Recommendation& a, const Recommendation& b) {
    return a.score != b.score ? a.score > b.score : a.item < b.item;
  });
  return due;
}

std::vector<PopularItem> rank_by_popularity(const InteractionMatrix& matrix) {
  std::vector<std::uint64_t> buyers(matrix.item_count, 0);
  for (std::size_t k = 0; k < matrix.items.size(); ++k) {
    if (matrix.values[k] == 1.0f) ++buyers[matrix.items[k]];
  }
  std::vector<PopularItem> ranked;
  for (ItemId item = 0; item < buyers.size(); ++item) {
    if (buyers[item] > 0) ranked.push_back({item, buyers[item]});
  }
  std::sort(ranked.begin(), ranked.end(), [](const PopularItem& a, const PopularItem& b) {
    return a.buyers != b.buyers ? a.buyers > b.buyers : a.item < b.item;
  });
  return ranked;
}

std::vector<Recommendation> recommend_popular(std::span<const PopularItem> popular,
                                              std::span<const ItemId> excluded,
                                              std::span<const Recommendation> already,
                                              std::size_t limit) {
  std::vector<Recommendation> out;
  for (const PopularItem& p : popular) {
    if (out.size() >= limit) break;
    if (contains(excluded, p.item)) continue;
    if (std::any_of(already.begin(), already.end(),
                    [&](const Recommendation& r) { return r.item == p.item; })) {
      continue;
    }
    Recommendation rec;
    rec.item = p.item;
    rec.reason.kind = ReasonKind::kPopular;
    rec.reason.count = p.buyers;
    out.push_back(std::move(rec));
  }
  return out;
}

std::vector<Recommendation> recommend_for_customer(const CustomerHistory& history,
                                                   const ItemNeighbours& neighbours,
                                                   std::span<const RepurchaseProfile> profiles,
                                                   std::span<const PopularItem> popular,
                                                   const PersonalOptions& options) {
  const std::vector<ItemId> excluded = excluded_items(history, profiles, options.now_ms);
  std::vector<Recommendation> out;
  if (options.include_due_consumables) {
    out = due_consumables(history, profiles, options.now_ms);
    if (out.size() > options.limit) out.resize(options.limit);
  }
  std::vector<ItemId> listed;
  for (const Recommendation& r : out) listed.push_back(r.item);
  std::sort(listed.begin(), listed.end());

  // Seeds: distinct bought items (weight 1), then recent views of items not bought (view_weight).
  std::vector<ItemId> returned = sorted_returns(history);
  std::vector<std::pair<ItemId, bool>> seeds;  // item, viewed
  for (const Bought& b : bought_items(history)) {
    if (!contains(returned, b.item)) seeds.emplace_back(b.item, false);
  }
  std::size_t bought_seeds = seeds.size();
  std::vector<ItemId> viewed;
  for (const TimedItem& v : history.views) {
    if (v.at_ms > options.now_ms || options.now_ms - v.at_ms > options.view_window_ms) continue;
    viewed.push_back(v.item);
  }
  std::sort(viewed.begin(), viewed.end());
  viewed.erase(std::unique(viewed.begin(), viewed.end()), viewed.end());
  for (ItemId item : viewed) {
    bool bought =
        std::any_of(seeds.begin(), seeds.begin() + static_cast<std::ptrdiff_t>(bought_seeds),
                    [&](const auto& s) { return s.first == item; });
    if (!bought && !contains(returned, item) && options.view_weight > 0) {
      seeds.emplace_back(item, true);
    }
  }

  struct Candidate {
    double score = 0;
    double best = -1;
    ItemId seed = kNoItem;
    bool viewed = false;
    double similarity = 0;
    std::uint32_t co_count = 0;
    std::uint32_t co_views = 0;
  };
  std::unordered_map<ItemId, Candidate> candidates;
  for (const auto& [seed, seed_viewed] : seeds) {
    if (seed >= neighbours.item_count()) continue;
    double weight = seed_viewed ? options.view_weight : 1.0;
    for (const Neighbour& n : neighbours.of(seed)) {
      if (contains(excluded, n.item) || contains(listed, n.item)) continue;
      Candidate& c = candidates[n.item];
      double contribution = weight * n.similarity;
      c.score += contribution;
      if (contribution > c.best || (contribution == c.best && seed < c.seed)) {
        c.best = contribution;
        c.seed = seed;
        c.viewed = seed_viewed;
        c.similarity = n.similarity;
        c.co_count = n.co_count;
        c.co_views = n.co_views;
      }
    }
  }
  std::vector<Recommendation> scored;
  scored.reserve(candidates.size());
  for (const auto& [item, c] : candidates) {
    Recommendation rec;
    rec.item = item;
    rec.score = c.score;
    rec.reason.kind = ReasonKind::kAlsoBought;
    rec.reason.seed_item = c.seed;
    rec.reason.seed_viewed = c.viewed;
    rec.reason.similarity = c.similarity;
    rec.reason.count = c.co_count;
    rec.reason.viewed_count = c.co_views;
    scored.push_back(std::move(rec));
  }
  std::sort(scored.begin(), scored.end(), [](const Recommendation& a, const Recommendation& b) {
    return a.score != b.score ? a.score > b.score : a.item < b.item;
  });
  for (auto& rec : scored) {
    if (out.size() >= options.limit) break;
    out.push_back(std::move(rec));
  }
  if (options.fill_with_popular && out.size() < options.limit) {
    auto fill = recommend_popular(popular, excluded, out, options.limit - out.size());
    out.insert(out.end(), fill.begin(), fill.end());
  }
  return out;
}

RuleIndex::RuleIndex(std::vector<Rule> rules) : rules_(std::move(rules)) {
  std::sort(rules_.begin(), rules_.end(), rule_order);
  ItemId max_item = 0;
  for (const Rule& r : rules_) max_item = std::max(max_item, r.antecedent.front());
  by_first_.assign(rules_.empty() ? 1 : max_item + 2u, 0);
  for (const Rule& r : rules_) ++by_first_[r.antecedent.front() + 1u];
  for (std::size_t i = 1; i < by_first_.size(); ++i) by_first_[i] += by_first_[i - 1];
  first_index_.resize(rules_.size());
  std::vector<std::uint64_t> cursor(by_first_.begin(), by_first_.end() - 1);
  for (std::uint32_t i = 0; i < rules_.size(); ++i) {
    first_index_[cursor[rules_[i].antecedent.front()]++] = i;
  }
}

std::vector<Recommendation> RuleIndex::recommend(std::span<const ItemId> basket_items,
                                                 std::span<const ItemId> excluded,
                                                 std::size_t limit) const {
  std::vector<ItemId> basket(basket_items.begin(), basket_items.end());
  std::sort(basket.begin(), basket.end());
  basket.erase(std::unique(basket.begin(), basket.end()), basket.end());
  std::unordered_map<ItemId, std::uint32_t> best;  // consequent -> rule index
  for (ItemId first : basket) {
    if (first + 1u >= by_first_.size()) continue;
    for (std::uint64_t k = by_first_[first]; k < by_first_[first + 1]; ++k) {
      std::uint32_t index = first_index_[k];
      const Rule& rule = rules_[index];
      if (contains(basket, rule.consequent) || contains(excluded, rule.consequent)) continue;
      if (!std::includes(basket.begin(), basket.end(), rule.antecedent.begin(),
                         rule.antecedent.end())) {
        continue;
      }
      auto [it, inserted] = best.emplace(rule.consequent, index);
      if (inserted) continue;
      int by_confidence = compare_confidence(rule, rules_[it->second]);
      if (by_confidence > 0 || (by_confidence == 0 && index < it->second)) it->second = index;
    }
  }
  std::vector<std::uint32_t> chosen;
  chosen.reserve(best.size());
  for (const auto& [item, index] : best) chosen.push_back(index);
  std::sort(chosen.begin(), chosen.end(), [&](std::uint32_t a, std::uint32_t b) {
    const Rule& ra = rules_[a];
    const Rule& rb = rules_[b];
    if (int c = compare_confidence(ra, rb); c != 0) return c > 0;
    if (int c = compare_lift(ra, rb); c != 0) return c > 0;
    return ra.consequent < rb.consequent;
  });
  if (chosen.size() > limit) chosen.resize(limit);
  std::vector<Recommendation> out;
  for (std::uint32_t index : chosen) {
    const Rule& rule = rules_[index];
    Recommendation rec;
    rec.item = rule.consequent;
    rec.score = rule.confidence();
    rec.reason.kind = ReasonKind::kRule;
    rec.reason.antecedent = rule.antecedent;
    rec.reason.support = rule.support();
    rec.reason.confidence = rule.confidence();
    rec.reason.lift = rule.lift();
    rec.reason.count = rule.count;
    out.push_back(std::move(rec));
  }
  return out;
}

}  // namespace ecrm::recommend
