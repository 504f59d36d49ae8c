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

namespace ecrm::events {

struct EventServiceOptions {
  UnixMs abandon_after = 60 * 60 * 1000;  // a cart without activity this long is abandoned
  std::chrono::milliseconds write_key_cache_ttl{30'000};  // revocations elsewhere take this long
};

struct Funnel {
  std::vector<FunnelStep> steps;
  double conversion = 0;  // purchase / product_view visitors
};

struct Abandonment {
  std::vector<AbandonmentBucket> buckets;
  std::int64_t abandoned = 0;
  std::int64_t purchased = 0;
  double rate = 0;
  std::map<std::string, std::int64_t> lost_value;
};

struct VisitorProfile {
  Visitor visitor;
  std::vector<Session> sessions;  // newest first
};

class EventService {
 public:
  // Starts the ingestion writer. `metrics` may be null.
  EventService(storage::Database& db, EventServiceOptions options, MetricsRegistry* metrics);

  UnixMs abandon_after() const { return options_.abandon_after; }

  // --- Write keys (public keys for the snippet) ---
  // kInvalidArgument (field name) for an empty or over-long name.
  Result<WriteKey> create_write_key(const std::string& name, const std::string& actor);
  Result<std::vector<WriteKey>> list_write_keys();
  // kNotFound when there is no such live key.
  Status revoke_write_key(std::int64_t id);
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
  Result<std::vector<StoredEvent>> list(const EventFilter& filter,
                                        std::optional<std::int64_t> before, int limit);
  // Events after cursor `after`, oldest first; with no cursor, the latest `limit` events.
  Result<std::vector<StoredEvent>> live(std::optional<std::int64_t> after, int limit);
  Result<EventStats> stats();

  // --- Traffic over [from, to) ---
  // kInvalidArgument (field from) when from >= to.
  Result<TrafficOverview> overview(UnixMs from, UnixMs to);
  // Visitors reaching each step having done every earlier one in the window (in any order).
  Result<Funnel> funnel(UnixMs from, UnixMs to);
  // Carts closed in the window, by bucket; kInvalidArgument (field bucket) for more than 400
  // buckets or a bucket under a minute.
  Result<Abandonment> abandonment(UnixMs from, UnixMs to, UnixMs bucket_ms);
  Result<std::vector<ProductTraffic>> products(UnixMs from, UnixMs to, int limit);
  Result<std::vector<Cart>> carts(CartStatus status, std::optional<std::int64_t> before,
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
  std::mutex keys_mutex_;
  std::unordered_map<std::string, CachedKey> keys_;
  std::unique_ptr<IngestWriter> writer_;
};

}  // namespace ecrm::events
