#include "recommend/items.hpp"

#include <algorithm>
#include <numeric>

namespace ecrm::recommend {

void TransactionSet::add(std::vector<ItemId> basket) {
  std::sort(basket.begin(), basket.end());
  basket.erase(std::unique(basket.begin(), basket.end()), basket.end());
  if (!basket.empty()) item_count = std::max<std::size_t>(item_count, basket.back() + 1u);
  items.insert(items.end(), basket.begin(), basket.end());
  offsets.push_back(items.size());
}

ItemId ItemDictionary::intern(std::string_view name) {
  if (auto it = ids_.find(name); it != ids_.end()) return it->second;
  auto id = static_cast<ItemId>(names_.size());
  names_.emplace_back(name);
  ids_.emplace(names_.back(), id);
  return id;
}

std::optional<ItemId> ItemDictionary::find(std::string_view name) const {
  if (auto it = ids_.find(name); it != ids_.end()) return it->second;
  return std::nullopt;
}

std::vector<ItemId> ItemDictionary::sort_by_name() {
  std::vector<ItemId> order(names_.size());
  std::iota(order.begin(), order.end(), ItemId{0});
  std::sort(order.begin(), order.end(), [&](ItemId a, ItemId b) { return names_[a] < names_[b]; });
  std::vector<ItemId> mapping(names_.size());
  std::vector<std::string> sorted(names_.size());
  for (std::size_t new_id = 0; new_id < order.size(); ++new_id) {
    mapping[order[new_id]] = static_cast<ItemId>(new_id);
    sorted[new_id] = std::move(names_[order[new_id]]);
  }
  names_ = std::move(sorted);
  for (auto& [name, id] : ids_) id = mapping[id];
  return mapping;
}

void remap(TransactionSet& transactions, const std::vector<ItemId>& mapping) {
  for (auto& item : transactions.items) item = mapping[item];
  for (std::size_t t = 0; t < transactions.size(); ++t) {
    std::sort(
        transactions.items.begin() + static_cast<std::ptrdiff_t>(transactions.offsets[t]),
        transactions.items.begin() + static_cast<std::ptrdiff_t>(transactions.offsets[t + 1]));
  }
}

}  // namespace ecrm::recommend
