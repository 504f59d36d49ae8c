// Personal lists kept in memory for GET /customers/{id}/recommendations, the route read on every
// page of the shop: a hit is answered on the connection's I/O thread without a database round
// trip or a hand-over to a worker thread.
//
// Consistency: this process's own writes replace entries at once (a refresh puts the new list,
// a rebuild clears everything when its build becomes visible). Another process's writes publish
// an invalidation (storage/invalidation.hpp) that RecommendService::follow() turns into erase()
// or clear() within a second. As a fallback, lists written by another process sharing the
// database are seen once an entry is reloaded: an entry older than
// `ttl_ms` (30 s by default) is still served while one reader reloads it in the background
// (`serve`), and one older than twice that is not served at all; so another process's list is
// served within ttl plus a reload, and never after 2 × ttl.
//
// Bounded by `max_bytes` (the lists' text; 128 MiB by default, `ecrm serve --recommend-cache-mb`;
// 0 keeps nothing), over 16 shards, each evicting its oldest entries first. Thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string_view>
#include <unordered_map>

#include "core/time.hpp"
#include "recommend/repo.hpp"

namespace ecrm::recommend {

// The source of the entry kept for a customer without a personal list: the build's best-sellers.
inline constexpr std::string_view kBestSellersSource = "popular";

struct ListCacheOptions {
  std::size_t max_bytes = std::size_t{128} << 20;
  UnixMs ttl_ms = 30'000;
};

class ListCache {
 public:
  explicit ListCache(ListCacheOptions options = {});

  // The list loaded for `customer_id` less than ttl before `now`, if any.
  std::shared_ptr<const StoredList> find(std::int64_t customer_id, UnixMs now) const;

  // For serving: the list loaded less than 2 × ttl before `now`, if any. `reload` is true for
  // the first caller that finds it older than ttl, which should load it again and put() it
  // (or erase() it when it is gone); later callers get the same list until then.
  struct Served {
    std::shared_ptr<const StoredList> list;
    bool stale = false;   // older than ttl
    bool reload = false;
  };
  Served serve(std::int64_t customer_id, UnixMs now) const;
  void erase(std::int64_t customer_id);
  // Stores (or replaces) the list of list->customer_id, loaded at `now`; a live entry of a later
  // build or computed later is kept, and so is a live personal list against best-sellers
  // (kBestSellersSource) of the same or an earlier build.
  void put(std::shared_ptr<const StoredList> list, UnixMs now);
  void clear();

  std::size_t size() const;   // entries
  std::size_t bytes() const;  // their accounted size

 private:
  struct Entry {
    std::shared_ptr<const StoredList> list;
    UnixMs loaded_at = 0;
    std::uint64_t generation = 0;
    std::size_t bytes = 0;
    mutable bool reloading = false;  // a serve() caller is reloading it
  };
  struct Shard {
    mutable std::mutex mutex;
    std::unordered_map<std::int64_t, Entry> entries;
    std::deque<std::pair<std::int64_t, std::uint64_t>> order;  // oldest first: (id, generation)
    std::size_t bytes = 0;
    std::uint64_t next_generation = 0;
  };
  static constexpr std::size_t kShards = 16;

  Shard& shard_of(std::int64_t customer_id) const;

  ListCacheOptions options_;
  mutable std::array<Shard, kShards> shards_;
};

}  // namespace ecrm::recommend
