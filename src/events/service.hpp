// Visitor tracking: public write keys for the snippet, event ingestion through the group-commit
// writer, and what the shop's traffic says (visitors and how many are identified, sessions,
// the view -> cart -> checkout -> purchase funnel, cart abandonment and its lost value, product
// browse-to-buy, the live stream). No SQL here (repo.cpp), no HTTP (http_routes.cpp).
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/metrics.hpp"
#include "events/model.hpp"
#include "events/repo.hpp"
#include "events/writer.hpp"
#include "storage/database.hpp"
#include "storage/invalidation.hpp"

namespace ecrm::events {

struct EventServiceOptions {
  UnixMs abandon_after = 60 * 60 * 1000;  // a cart without activity this long is abandoned
  std::chrono::milliseconds write_key_cache_ttl{30'000};  // revocations elsewhere take this long
  std::int64_t retention_days = 760;  // raw events kept this long, then daily counts; 0: forever
};

class EventService {
 public:
  // Starts the ingestion writer. `metrics` may be null.
  EventService(storage::Database& db, EventServiceOptions options, MetricsRegistry* metrics);

  UnixMs abandon_after() const { return options_.abandon_after; }

  // --- Write keys (public keys for the snippet) ---
  // kInvalidArgument (field name) for an empty or over-long name.
  Result<WriteKey> create_write_key(const WriteKeyInput& input, const std::string& actor);
  Result<std::vector<WriteKey>> list_write_keys();
  // kNotFound when there is no such live key.
  Status revoke_write_key(std::int64_t id);
  // Forgets the cached write keys when another process revokes one (topics::kWriteKey); call
  // once before the bus delivers.
  void follow(storage::InvalidationBus& bus);
  // The live key; kUnauthenticated (unknown_write_key) for an unknown or revoked one. Answers
  // from memory for a while (see EventServiceOptions).
  Result<WriteKey> resolve_write_key(const std::string& key);

  // --- Ingestion ---
  // Stores the validated `events` of one request and waits until they are durably committed
  // (together with concurrent requests' batches). `rejected` are the request's events that
  // failed validation; they are reported with the writer's refusals, by index.
  // kUnavailable when the database could not store the batch (nothing of it is stored).
  Result<BatchOutcome> ingest(std::vector<IncomingEvent> events, std::vector<EventError> rejected);

  // --- The log ---
  // Newest first, ids below `before` (all when nullopt).
  Result<std::vector<StoredEvent>> list(const EventQuery& query,
                                        std::optional<std::int64_t> before, int limit);
  // Events after `query.after`, oldest first; with no cursor, the latest `limit` events.
  Result<LiveEvents> live(const LiveQuery& query, int limit);
  Result<EventStats> stats();
  // Counts the events of the days older than `keep_days` (default: the options' retention;
  // nothing when that is 0) per day, type and currency, and deletes them, in one transaction.
  Result<EventAgeingResult> age(std::optional<std::int64_t> keep_days);

  // --- Traffic over the query's window [from, to) ---
  // kInvalidArgument (field from) when from >= to.
  Result<TrafficOverview> overview(const TrafficQuery& query);
  // Visitors reaching each step having done every earlier one in the window (in any order).
  Result<Funnel> funnel(const TrafficQuery& query);
  // Carts closed in the window, by bucket; kInvalidArgument (field bucket) for a bucket that is
  // not hour, day, week or milliseconds, under a minute, or giving more than 400 buckets.
  Result<Abandonment> abandonment(const AbandonmentQuery& query);
  Result<std::vector<ProductTraffic>> products(const TrafficQuery& query, int limit);
  // Carts with the query's status (default abandoned), newest first, ids below `before`.
  Result<std::vector<Cart>> carts(const CartQuery& query, std::optional<std::int64_t> before,
                                  int limit);
  // kNotFound for an unknown anonymous id.
  Result<VisitorProfile> visitor(const std::string& anonymous_id);

 private:
  struct CachedKey {
    std::optional<WriteKey> key;  // nullopt: unknown or revoked
    std::chrono::steady_clock::time_point expires;
  };

  storage::Database& db_;
  EventServiceOptions options_;
  EventRepo repo_;
  void forget_write_keys();
  std::mutex keys_mutex_;
  std::unordered_map<std::string, CachedKey> keys_;
  std::unique_ptr<IngestWriter> writer_;
};

}  // namespace ecrm::events
