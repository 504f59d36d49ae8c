#include "events/service.hpp"

#include <algorithm>
#include <array>
#include <unordered_map>

#include "core/crypto.hpp"

namespace ecrm::events {

using storage::Connection;
using storage::TxMode;
using storage::with_transaction;

namespace {

constexpr std::size_t kMaxKeyCacheEntries = 10000;
constexpr std::array<std::string_view, 4> kFunnelSteps = {"product_view", "add_to_cart",
                                                         "checkout_step", "purchase"};

Status check_window(UnixMs from, UnixMs to) {
  if (from >= to) return Error::invalid("from must be before to", "from");
  return {};
}

}  // namespace

EventService::EventService(storage::Database& db, EventServiceOptions options,
                           MetricsRegistry* metrics)
    : db_(db),
      options_(options),
      writer_(std::make_unique<IngestWriter>(db, WriterOptions{options.abandon_after, 20000},
                                             metrics)) {}

// --- Write keys ---

Result<WriteKey> EventService::create_write_key(const std::string& name, const std::string& actor) {
  if (name.empty() || name.size() > 200) {
    return Error::invalid("name must be 1 to 200 characters", "name");
  }
  WriteKey key;
  key.key = "wk_" + random_token(18);
  key.name = name;
  key.created_by = actor;
  key.created_at = now_ms();
  return with_transaction<WriteKey>(db_, TxMode::kWrite, [&](Connection& c) -> Result<WriteKey> {
    return repo_.insert_write_key(c, key);
  });
}

Result<std::vector<WriteKey>> EventService::list_write_keys() {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return repo_.list_write_keys(*lease);
}

Status EventService::revoke_write_key(std::int64_t id) {
  ECRM_ASSIGN_OR_RETURN(auto revoked,
                        with_transaction<bool>(db_, TxMode::kWrite, [&](Connection& c) {
                          return repo_.revoke_write_key(c, id, now_ms());
                        }));
  if (!revoked) return Error::not_found("no such live write key: " + std::to_string(id));
  std::lock_guard lock(keys_mutex_);
  keys_.clear();
  return {};
}

Result<WriteKey> EventService::resolve_write_key(const std::string& key) {
  auto unknown = [] {
    return Error::unauthenticated("unknown or revoked write key", "unknown_write_key");
  };
  if (key.empty() || key.size() > 100) return unknown();
  auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(keys_mutex_);
    if (auto it = keys_.find(key); it != keys_.end() && it->second.expires > now) {
      if (!it->second.key) return unknown();
      return *it->second.key;
    }
  }
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto found, repo_.find_write_key(*lease, key));
  if (found && found->revoked_at) found.reset();
  {
    std::lock_guard lock(keys_mutex_);
    if (keys_.size() >= kMaxKeyCacheEntries) keys_.clear();
    keys_[key] = CachedKey{found, now + options_.write_key_cache_ttl};
  }
  if (!found) return unknown();
  return *found;
}

// --- Ingestion ---

Result<BatchOutcome> EventService::ingest(std::vector<IncomingEvent> events,
                                          std::vector<EventError> rejected) {
  BatchOutcome outcome;
  if (!events.empty()) {
    auto stored = writer_->submit(std::move(events)).get();
    if (!stored.ok()) return std::move(stored).error();
    outcome = std::move(stored).value();
  }
  outcome.errors.insert(outcome.errors.end(), std::make_move_iterator(rejected.begin()),
                        std::make_move_iterator(rejected.end()));
  std::sort(outcome.errors.begin(), outcome.errors.end(),
            [](const EventError& a, const EventError& b) { return a.index < b.index; });
  return outcome;
}

// --- The log ---

Result<std::vector<StoredEvent>> EventService::list(const EventFilter& filter,
                                                    std::optional<std::int64_t> before, int limit) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return repo_.list_events(*lease, filter, before, limit);
}

Result<std::vector<StoredEvent>> EventService::live(std::optional<std::int64_t> after, int limit) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  if (!after) {
    ECRM_ASSIGN_OR_RETURN(auto last, repo_.last_event_id(*lease));
    after = std::max<std::int64_t>(0, last - limit);
  }
  return repo_.events_after(*lease, *after, limit);
}

Result<EventStats> EventService::stats() {
  return with_transaction<EventStats>(db_, TxMode::kRead, [&](Connection& c) {
    return repo_.stats(c, now_ms());
  });
}

// --- Traffic ---

Result<TrafficOverview> EventService::overview(UnixMs from, UnixMs to) {
  ECRM_RETURN_IF_ERROR(check_window(from, to));
  return with_transaction<TrafficOverview>(db_, TxMode::kRead,
                                           [&](Connection& c) -> Result<TrafficOverview> {
                                             TrafficOverview out;
                                             ECRM_RETURN_IF_ERROR(repo_.overview(c, from, to, out));
                                             return out;
                                           });
}

Result<Funnel> EventService::funnel(UnixMs from, UnixMs to) {
  ECRM_RETURN_IF_ERROR(check_window(from, to));
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto rows, repo_.funnel_rows(*lease, from, to));
  std::unordered_map<std::int64_t, unsigned> done;  // visitor -> bit per step
  for (const auto& row : rows) {
    for (std::size_t s = 0; s < kFunnelSteps.size(); ++s) {
      if (row.type == kFunnelSteps[s]) done[row.visitor_id] |= 1u << s;
    }
  }
  std::array<std::int64_t, kFunnelSteps.size()> reached{};
  for (const auto& [visitor, bits] : done) {
    for (std::size_t s = 0; s < kFunnelSteps.size(); ++s) {
      if ((bits & (1u << s)) == 0) break;
      reached[s] += 1;
    }
  }
  Funnel funnel;
  for (std::size_t s = 0; s < kFunnelSteps.size(); ++s) {
    FunnelStep step{std::string(kFunnelSteps[s]), reached[s], 0.0};
    if (s > 0 && reached[s - 1] > 0) {
      step.drop_off = 1.0 - static_cast<double>(reached[s]) / static_cast<double>(reached[s - 1]);
    }
    funnel.steps.push_back(std::move(step));
  }
  funnel.conversion = reached[0] > 0 ? static_cast<double>(reached.back()) /
                                           static_cast<double>(reached[0])
                                     : 0.0;
  return funnel;
}

Result<Abandonment> EventService::abandonment(UnixMs from, UnixMs to, UnixMs bucket_ms) {
  ECRM_RETURN_IF_ERROR(check_window(from, to));
  if (bucket_ms < 60'000 || (to - from) / bucket_ms > 400) {
    return Error::invalid("bucket must be at least a minute and give at most 400 buckets",
                          "bucket");
  }
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  Abandonment out;
  ECRM_ASSIGN_OR_RETURN(out.buckets, repo_.abandonment(*lease, from, to, bucket_ms,
                                                       options_.abandon_after, now_ms()));
  for (const auto& b : out.buckets) {
    out.abandoned += b.abandoned;
    out.purchased += b.purchased;
    for (const auto& [currency, value] : b.lost_value) out.lost_value[currency] += value;
  }
  std::int64_t closed = out.abandoned + out.purchased;
  out.rate = closed > 0 ? static_cast<double>(out.abandoned) / static_cast<double>(closed) : 0.0;
  return out;
}

Result<std::vector<ProductTraffic>> EventService::products(UnixMs from, UnixMs to, int limit) {
  ECRM_RETURN_IF_ERROR(check_window(from, to));
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return repo_.product_traffic(*lease, from, to, limit);
}

Result<std::vector<Cart>> EventService::carts(CartStatus status, std::optional<std::int64_t> before,
                                              int limit) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return repo_.list_carts(*lease, status, options_.abandon_after, now_ms(), before, limit);
}

Result<VisitorProfile> EventService::visitor(const std::string& anonymous_id) {
  return with_transaction<VisitorProfile>(
      db_, TxMode::kRead, [&](Connection& c) -> Result<VisitorProfile> {
        ECRM_ASSIGN_OR_RETURN(auto found, repo_.find_visitor(c, anonymous_id));
        if (!found) return Error::not_found("no such visitor: " + anonymous_id);
        VisitorProfile profile{std::move(*found), {}};
        ECRM_ASSIGN_OR_RETURN(profile.sessions, repo_.sessions_of_visitor(c, profile.visitor.id, 50));
        return profile;
      });
}

}  // namespace ecrm::events
