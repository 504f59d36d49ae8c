// Interning of item names (or the shop's product ids) to dense ItemIds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "recommend/model.hpp"

namespace ecrm::recommend {

// Maps names to dense ids 0..size()-1 and back. Not thread-safe for writers.
class ItemDictionary {
 public:
  // The id of `name`, adding it with the next free id if it is new.
  ItemId intern(std::string_view name);
  // The id of `name`, or nullopt when it was never interned.
  std::optional<ItemId> find(std::string_view name) const;
  // The name of `id`; `id` must be below size().
  const std::string& name(ItemId id) const { return names_[id]; }
  std::size_t size() const { return names_.size(); }

  // Renumbers the items so that ids ascend in byte-wise name order, and returns the mapping
  // old id -> new id (apply it to every array that holds ids of this dictionary).
  std::vector<ItemId> sort_by_name();

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::vector<std::string> names_;
  std::unordered_map<std::string, ItemId, Hash, std::equal_to<>> ids_;
};

// Rewrites the ids in `transactions` through `mapping` (old -> new), keeping each row sorted.
void remap(TransactionSet& transactions, const std::vector<ItemId>& mapping);

}  // namespace ecrm::recommend
