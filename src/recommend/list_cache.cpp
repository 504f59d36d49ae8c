#include "recommend/list_cache.hpp"

namespace ecrm::recommend {

namespace {

std::size_t accounted_bytes(const StoredList& list) {
  return sizeof(StoredList) + list.source.size() + list.classes.size() + list.items.size() + 64;
}

}  // namespace

ListCache::ListCache(ListCacheOptions options) : options_(options) {}

ListCache::Shard& ListCache::shard_of(std::int64_t customer_id) const {
  return shards_[static_cast<std::uint64_t>(customer_id) % kShards];
}

std::shared_ptr<const StoredList> ListCache::find(std::int64_t customer_id, UnixMs now) const {
  Shard& shard = shard_of(customer_id);
  std::lock_guard lock(shard.mutex);
  auto it = shard.entries.find(customer_id);
  if (it == shard.entries.end() || now - it->second.loaded_at >= options_.ttl_ms) return nullptr;
  return it->second.list;
}

ListCache::Served ListCache::serve(std::int64_t customer_id, UnixMs now) const {
  Shard& shard = shard_of(customer_id);
  std::lock_guard lock(shard.mutex);
  auto it = shard.entries.find(customer_id);
  if (it == shard.entries.end()) return {};
  const Entry& entry = it->second;
  const UnixMs age = now - entry.loaded_at;
  if (age < options_.ttl_ms) return {entry.list, false, false};
  if (age >= 2 * options_.ttl_ms) return {};
  const bool reload = !entry.reloading;
  entry.reloading = true;
  return {entry.list, true, reload};
}

void ListCache::erase(std::int64_t customer_id) {
  Shard& shard = shard_of(customer_id);
  std::lock_guard lock(shard.mutex);
  auto it = shard.entries.find(customer_id);
  if (it == shard.entries.end()) return;
  shard.bytes -= it->second.bytes;
  shard.entries.erase(it);  // its place in the eviction queue is skipped later
}

void ListCache::put(std::shared_ptr<const StoredList> list, UnixMs now) {
  if (!list) return;
  const std::size_t budget = options_.max_bytes / kShards;
  const std::size_t size = accounted_bytes(*list);
  if (size > budget) return;
  Shard& shard = shard_of(list->customer_id);
  std::lock_guard lock(shard.mutex);
  Entry& entry = shard.entries[list->customer_id];
  // A read that raced with a refresh must not put back the list the refresh replaced.
  if (entry.list && now - entry.loaded_at < options_.ttl_ms) {
    const bool later = std::pair(entry.list->build_id, entry.list->computed_at) >
                       std::pair(list->build_id, list->computed_at);
    const bool personal_over_best_sellers = list->source == kBestSellersSource &&
                                            entry.list->source != kBestSellersSource &&
                                            entry.list->build_id >= list->build_id;
    if (later || personal_over_best_sellers) return;
  }
  shard.bytes -= entry.bytes;
  entry.list = std::move(list);
  entry.loaded_at = now;
  entry.reloading = false;
  entry.generation = ++shard.next_generation;
  entry.bytes = size;
  shard.bytes += size;
  shard.order.emplace_back(entry.list->customer_id, entry.generation);
  // Evict the oldest entries; positions left by replaced entries are skipped.
  while (shard.bytes > budget && !shard.order.empty()) {
    auto [id, generation] = shard.order.front();
    shard.order.pop_front();
    auto it = shard.entries.find(id);
    if (it == shard.entries.end() || it->second.generation != generation) continue;
    shard.bytes -= it->second.bytes;
    shard.entries.erase(it);
  }
  // Keep the queue from growing without bound when the same entries are replaced over and over.
  if (shard.order.size() > 2 * shard.entries.size() + 64) {
    std::deque<std::pair<std::int64_t, std::uint64_t>> live;
    for (const auto& [id, generation] : shard.order) {
      auto it = shard.entries.find(id);
      if (it != shard.entries.end() && it->second.generation == generation) {
        live.emplace_back(id, generation);
      }
    }
    shard.order.swap(live);
  }
}

void ListCache::clear() {
  for (Shard& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    shard.entries.clear();
    shard.order.clear();
    shard.bytes = 0;
  }
}

std::size_t ListCache::size() const {
  std::size_t n = 0;
  for (const Shard& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    n += shard.entries.size();
  }
  return n;
}

std::size_t ListCache::bytes() const {
  std::size_t n = 0;
  for (const Shard& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    n += shard.bytes;
  }
  return n;
}

}  // namespace ecrm::recommend
