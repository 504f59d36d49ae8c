#include "recommend/itemsets.hpp"

#include <algorithm>
#include <cassert>
#include <memory>
#include <numeric>
#include <optional>

namespace ecrm::recommend {
namespace {

using Wide = unsigned __int128;
constexpr std::uint32_t kNone = 0xFFFFFFFFu;

std::uint64_t mix(std::uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

// Open-addressing map (parent node, item) -> child node, for building FP-trees. Linear probing;
// grows at half load. clear() costs the table's current size, which is kept proportional to the
// tree being built.
class ChildTable {
 public:
  void clear(std::size_t expected_nodes) {
    std::size_t capacity = 16;
    while (capacity < 2 * expected_nodes) capacity *= 2;
    capacity = std::min<std::size_t>(capacity, std::size_t{1} << 22);
    keys_.assign(capacity, kEmptyKey);
    values_.resize(capacity);
    mask_ = capacity - 1;
    size_ = 0;
  }

  // The child of `parent` for `item`, or `candidate` after recording it as that child.
  std::uint32_t find_or_insert(std::uint32_t parent, std::uint32_t item, std::uint32_t candidate) {
    if (2 * (size_ + 1) > keys_.size()) grow();
    std::uint64_t key = (static_cast<std::uint64_t>(parent) << 32) | item;
    std::size_t slot = mix(key) & mask_;
    while (true) {
      if (keys_[slot] == key) return values_[slot];
      if (keys_[slot] == kEmptyKey) {
        keys_[slot] = key;
        values_[slot] = candidate;
        ++size_;
        return candidate;
      }
      slot = (slot + 1) & mask_;
    }
  }

 private:
  static constexpr std::uint64_t kEmptyKey = ~std::uint64_t{0};

  void grow() {
    std::vector<std::uint64_t> old_keys = std::move(keys_);
    std::vector<std::uint32_t> old_values = std::move(values_);
    std::size_t capacity = old_keys.size() * 2;
    keys_.assign(capacity, kEmptyKey);
    values_.assign(capacity, 0);
    mask_ = capacity - 1;
    for (std::size_t i = 0; i < old_keys.size(); ++i) {
      if (old_keys[i] == kEmptyKey) continue;
      std::size_t slot = mix(old_keys[i]) & mask_;
      while (keys_[slot] != kEmptyKey) slot = (slot + 1) & mask_;
      keys_[slot] = old_keys[i];
      values_[slot] = old_values[i];
    }
  }

  std::vector<std::uint64_t> keys_;
  std::vector<std::uint32_t> values_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

// An FP-tree over "local" items 0..item_count-1. Local items are ordered like the global frequency
// ranks (0 = most frequent), and every path from the root lists its items in ascending local
// order. Node 0 is the root.
struct FpTree {
  std::vector<ItemId> global;             // local item -> item id
  std::vector<std::uint64_t> item_total;  // local item -> count in this (conditional) database
  std::vector<std::uint32_t> head;        // local item -> first node holding it
  std::vector<std::uint32_t> node_item;
  std::vector<std::uint32_t> node_parent;
  std::vector<std::uint32_t> node_next;  // next node holding the same item
  std::vector<std::uint64_t> node_count;
  ChildTable children;

  std::size_t item_count() const { return global.size(); }

  void reset(std::size_t items, std::size_t expected_nodes) {
    global.assign(items, kNoItem);
    item_total.assign(items, 0);
    head.assign(items, kNone);
    node_item.assign(1, kNone);
    node_parent.assign(1, kNone);
    node_next.assign(1, kNone);
    node_count.assign(1, 0);
    children.clear(expected_nodes);
  }

  // Adds a path of local items in ascending order, `count` times.
  void insert(const std::uint32_t* path, std::size_t length, std::uint64_t count) {
    std::uint32_t node = 0;
    for (std::size_t i = 0; i < length; ++i) {
      std::uint32_t item = path[i];
      auto candidate = static_cast<std::uint32_t>(node_item.size());
      std::uint32_t child = children.find_or_insert(node, item, candidate);
      if (child == candidate) {
        node_item.push_back(item);
        node_parent.push_back(node);
        node_next.push_back(head[item]);
        node_count.push_back(0);
        head[item] = candidate;
      }
      node_count[child] += count;
      node = child;
    }
  }
};

class FpGrowth {
 public:
  FpGrowth(const ItemsetOptions& options, FrequentItemsets& out)
      : min_count_(std::max<std::uint64_t>(options.min_count, 1)),
        max_length_(options.max_length),
        out_(out) {}

  void run(const TransactionSet& transactions) {
    if (max_length_ == 0) return;
    std::vector<std::uint64_t> counts(transactions.item_count, 0);
    for (ItemId item : transactions.items) ++counts[item];
    std::vector<ItemId> frequent;
    for (ItemId item = 0; item < counts.size(); ++item) {
      if (counts[item] >= min_count_) frequent.push_back(item);
    }
    if (frequent.empty()) return;
    std::sort(frequent.begin(), frequent.end(), [&](ItemId a, ItemId b) {
      return counts[a] != counts[b] ? counts[a] > counts[b] : a < b;
    });
    std::vector<std::uint32_t> rank(transactions.item_count, kNone);
    for (std::uint32_t r = 0; r < frequent.size(); ++r) rank[frequent[r]] = r;

    FpTree& tree = tree_at(0);
    tree.reset(frequent.size(), std::min<std::size_t>(transactions.items.size(), 1u << 20));
    for (std::uint32_t r = 0; r < frequent.size(); ++r) {
      tree.global[r] = frequent[r];
      tree.item_total[r] = counts[frequent[r]];
    }
    std::vector<std::uint32_t> path;
    for (std::size_t t = 0; t < transactions.size(); ++t) {
      path.clear();
      for (ItemId item : transactions[t]) {
        if (rank[item] != kNone) path.push_back(rank[item]);
      }
      std::sort(path.begin(), path.end());
      tree.insert(path.data(), path.size(), 1);
    }
    mine(0);
  }

 private:
  struct Scratch {
    std::vector<std::uint64_t> counts;
    std::vector<std::uint32_t> local;
    std::vector<std::uint32_t> path;
  };

  FpTree& tree_at(std::size_t depth) {
    while (trees_.size() <= depth) {
      trees_.push_back(std::make_unique<FpTree>());
      scratch_.push_back(std::make_unique<Scratch>());
    }
    return *trees_[depth];
  }

  void emit(std::uint64_t count) {
    std::size_t start = out_.items.size();
    out_.items.insert(out_.items.end(), suffix_.begin(), suffix_.end());
    std::sort(out_.items.begin() + static_cast<std::ptrdiff_t>(start), out_.items.end());
    out_.offsets.push_back(out_.items.size());
    out_.counts.push_back(count);
  }

  void mine(std::size_t depth) {
    FpTree& tree = *trees_[depth];
    for (std::uint32_t r = static_cast<std::uint32_t>(tree.item_count()); r-- > 0;) {
      suffix_.push_back(tree.global[r]);
      emit(tree.item_total[r]);
      if (suffix_.size() < max_length_ && r > 0 && build_conditional(depth, r)) mine(depth + 1);
      suffix_.pop_back();
    }
  }

  // Builds in trees_[depth + 1] the conditional FP-tree of local item `r` of trees_[depth]: the
  // prefix paths of r's nodes, keeping only the items frequent among them. False when none is.
  bool build_conditional(std::size_t depth, std::uint32_t r) {
    tree_at(depth + 1);
    FpTree& tree = *trees_[depth];
    FpTree& child = *trees_[depth + 1];
    Scratch& scratch = *scratch_[depth];
    scratch.counts.assign(r, 0);
    std::size_t path_items = 0;
    for (std::uint32_t n = tree.head[r]; n != kNone; n = tree.node_next[n]) {
      std::uint64_t count = tree.node_count[n];
      for (std::uint32_t p = tree.node_parent[n]; p != 0; p = tree.node_parent[p]) {
        scratch.counts[tree.node_item[p]] += count;
        ++path_items;
      }
    }
    scratch.local.assign(r, kNone);
    std::uint32_t kept = 0;
    for (std::uint32_t q = 0; q < r; ++q) {
      if (scratch.counts[q] >= min_count_) scratch.local[q] = kept++;
    }
    if (kept == 0) return false;
    child.reset(kept, path_items);
    for (std::uint32_t q = 0; q < r; ++q) {
      if (scratch.local[q] == kNone) continue;
      child.global[scratch.local[q]] = tree.global[q];
      child.item_total[scratch.local[q]] = scratch.counts[q];
    }
    for (std::uint32_t n = tree.head[r]; n != kNone; n = tree.node_next[n]) {
      scratch.path.clear();
      for (std::uint32_t p = tree.node_parent[n]; p != 0; p = tree.node_parent[p]) {
        std::uint32_t local = scratch.local[tree.node_item[p]];
        if (local != kNone) scratch.path.push_back(local);
      }
      std::reverse(scratch.path.begin(), scratch.path.end());
      child.insert(scratch.path.data(), scratch.path.size(), tree.node_count[n]);
    }
    return true;
  }

  std::uint64_t min_count_;
  std::size_t max_length_;
  FrequentItemsets& out_;
  std::vector<std::unique_ptr<FpTree>> trees_;
  std::vector<std::unique_ptr<Scratch>> scratch_;
  std::vector<ItemId> suffix_;
};

std::uint64_t hash_items(std::span<const ItemId> items) {
  std::uint64_t h = 0x9e3779b97f4a7c15ULL ^ items.size();
  for (ItemId item : items) h = mix(h ^ item) + 0x632be59bd9b4e019ULL;
  return h;
}

// Finds an itemset's count among mined itemsets.
class ItemsetIndex {
 public:
  explicit ItemsetIndex(const FrequentItemsets& sets) : sets_(sets) {
    std::size_t capacity = 16;
    while (capacity < 2 * sets.size()) capacity *= 2;
    slots_.assign(capacity, kEmpty);
    mask_ = capacity - 1;
    for (std::size_t i = 0; i < sets.size(); ++i) {
      std::size_t slot = hash_items(sets.itemset(i)) & mask_;
      while (slots_[slot] != kEmpty) slot = (slot + 1) & mask_;
      slots_[slot] = i;
    }
  }

  std::optional<std::uint64_t> count(std::span<const ItemId> items) const {
    std::size_t slot = hash_items(items) & mask_;
    while (slots_[slot] != kEmpty) {
      auto candidate = sets_.itemset(slots_[slot]);
      if (std::equal(candidate.begin(), candidate.end(), items.begin(), items.end())) {
        return sets_.counts[slots_[slot]];
      }
      slot = (slot + 1) & mask_;
    }
    return std::nullopt;
  }

 private:
  static constexpr std::size_t kEmpty = ~std::size_t{0};
  const FrequentItemsets& sets_;
  std::vector<std::size_t> slots_;
  std::size_t mask_ = 0;
};

}  // namespace

FrequentItemsets mine_frequent_itemsets(const TransactionSet& transactions,
                                        const ItemsetOptions& options) {
  FrequentItemsets out;
  FpGrowth(options, out).run(transactions);
  return out;
}

double Rule::support() const {
  return transactions == 0 ? 0.0 : static_cast<double>(count) / static_cast<double>(transactions);
}

double Rule::confidence() const {
  return antecedent_count == 0 ? 0.0
                               : static_cast<double>(count) / static_cast<double>(antecedent_count);
}

double Rule::lift() const {
  Wide denominator = static_cast<Wide>(antecedent_count) * consequent_count;
  if (denominator == 0) return 0.0;
  Wide numerator = static_cast<Wide>(count) * transactions;
  return static_cast<double>(numerator) / static_cast<double>(denominator);
}

Status validate(const RuleOptions& options) {
  if (options.min_support.numerator > options.min_support.denominator) {
    return Error::invalid("min-support must be between 0 and 1", "min_support");
  }
  if (options.min_confidence.numerator > options.min_confidence.denominator) {
    return Error::invalid("min-confidence must be between 0 and 1", "min_confidence");
  }
  if (options.max_length == 0) {
    return Error::invalid("max-len must be at least 1", "max_length");
  }
  return {};
}

bool rule_order(const Rule& a, const Rule& b) {
  // lift: a.count / (a.x * a.y) vs b.count / (b.x * b.y); N is common to both.
  Wide lift_a = static_cast<Wide>(a.count) * b.antecedent_count * b.consequent_count;
  Wide lift_b = static_cast<Wide>(b.count) * a.antecedent_count * a.consequent_count;
  if (lift_a != lift_b) return lift_a > lift_b;
  Wide confidence_a = static_cast<Wide>(a.count) * b.antecedent_count;
  Wide confidence_b = static_cast<Wide>(b.count) * a.antecedent_count;
  if (confidence_a != confidence_b) return confidence_a > confidence_b;
  if (a.count != b.count) return a.count > b.count;
  if (a.antecedent != b.antecedent) return a.antecedent < b.antecedent;
  return a.consequent < b.consequent;
}

std::vector<Rule> generate_rules(const FrequentItemsets& itemsets, std::uint64_t transactions,
                                 Fraction min_confidence) {
  ItemsetIndex index(itemsets);
  std::vector<Rule> rules;
  std::vector<ItemId> antecedent;
  for (std::size_t i = 0; i < itemsets.size(); ++i) {
    auto items = itemsets.itemset(i);
    if (items.size() < 2) continue;
    std::uint64_t count = itemsets.counts[i];
    for (std::size_t drop = 0; drop < items.size(); ++drop) {
      antecedent.assign(items.begin(), items.end());
      antecedent.erase(antecedent.begin() + static_cast<std::ptrdiff_t>(drop));
      auto antecedent_count = index.count(antecedent);
      assert(antecedent_count.has_value());
      if (!antecedent_count || !at_least(count, *antecedent_count, min_confidence)) continue;
      ItemId consequent = items[drop];
      auto consequent_count = index.count(std::span<const ItemId>(&consequent, 1));
      assert(consequent_count.has_value());
      rules.push_back(Rule{antecedent, consequent, count, *antecedent_count,
                           consequent_count.value_or(0), transactions});
    }
  }
  std::sort(rules.begin(), rules.end(), rule_order);
  return rules;
}

RuleSet mine_rules(const TransactionSet& transactions, const RuleOptions& options) {
  RuleSet result;
  result.transactions = transactions.size();
  ItemsetOptions itemset_options;
  itemset_options.min_count = min_count_for(options.min_support, transactions.size());
  itemset_options.max_length = options.max_length;
  FrequentItemsets itemsets = mine_frequent_itemsets(transactions, itemset_options);
  result.frequent_itemsets = itemsets.size();
  result.rules = generate_rules(itemsets, transactions.size(), options.min_confidence);
  return result;
}

}  // namespace ecrm::recommend
