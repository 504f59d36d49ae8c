#include "events/service.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <unordered_map>

#include "core/crypto.hpp"

namespace ecrm::events {

using storage::Connection;
using storage::TxMode;
using storage::with_transaction;

namespace {

constexpr std::size_t kMaxKeyCacheEntries = 10000;
constexpr std::array<EventType, 4> kFunnelSteps = {EventType::kProductView, EventType::kAddToCart,
                                                   EventType::kCheckoutStep, EventType::kPurchase};
constexpr UnixMs kDefaultWindowDays = 30;

struct Window {
  UnixMs from = 0;
  UnixMs to = 0;
};

// The window asked for; by default the last 30 days up to the end of today (UTC).
// kInvalidArgument (field from) when from >= to.
Result<Window> window_of(std::optional<UnixMs> from, std::optional<UnixMs> to) {
  UnixMs end_of_today = (now_ms() / kMsPerDay + 1) * kMsPerDay;
  Window w;
  w.to = to.value_or(end_of_today);
  w.from = from.value_or(w.to - kDefaultWindowDays * kMsPerDay);
  if (w.from >= w.to) return Error::invalid("from must be before to", "from");
  return w;
}

// "hour", "day", "week" or milliseconds.
Result<UnixMs> bucket_of(const std::optional<std::string>& text) {
  if (!text || *text == "day") return kMsPerDay;
  if (*text == "hour") return kMsPerDay / 24;
  if (*text == "week") return 7 * kMsPerDay;
  UnixMs ms = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), ms);
  if (ec != std::errc{} || end != text->data() + text->size()) {
    return Error::invalid("bucket must be hour, day, week or an integer of milliseconds",
                          "bucket");
  }
  return ms;
}

}  // namespace

EventService::EventService(storage::Database& db, EventServiceOptions options,
                           MetricsRegistry* metrics)
    : db_(db),
      options_(options),
      writer_(std::make_unique<IngestWriter>(db, WriterOptions{options.abandon_after, 20000},
                                             metrics)) {}

// --- Write keys ---

Result<WriteKey> EventService::create_write_key(const WriteKeyInput& input,
                                                const std::string& actor) {
  if (input.name.empty() || input.name.size() > kMaxWriteKeyName) {
    return Error::invalid("name must be 1 to 200 characters", "name");
  }
  WriteKey key;
  key.key = "wk_" + random_token(18);
  key.name = input.name;
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
  auto revoke = [&](Connection& c) -> Result<bool> {
    ECRM_ASSIGN_OR_RETURN(bool revoked, repo_.revoke_write_key(c, id, now_ms()));
    if (revoked) {
      // Other processes drop the keys they cached (follow()).
      ECRM_RETURN_IF_ERROR(
          storage::publish_invalidation(c, storage::topics::kWriteKey, std::to_string(id)));
    }
    return revoked;
  };
  ECRM_ASSIGN_OR_RETURN(auto revoked, with_transaction<bool>(db_, TxMode::kWrite, revoke));
  if (!revoked) return Error::not_found("no such live write key: " + std::to_string(id));
  forget_write_keys();
  return {};
}

void EventService::forget_write_keys() {
  std::lock_guard lock(keys_mutex_);
  keys_.clear();
}

void EventService::follow(storage::InvalidationBus& bus) {
  // The cache is keyed by the key's text, not its id: a revocation anywhere empties it.
  bus.subscribe(std::string(storage::topics::kWriteKey),
                [this](std::string_view) { forget_write_keys(); });
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

Result<std::vector<StoredEvent>> EventService::list(const EventQuery& query,
                                                    std::optional<std::int64_t> before, int limit) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return repo_.list_events(*lease, query, before, limit);
}

Result<LiveEvents> EventService::live(const LiveQuery& query, int limit) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  std::int64_t after = 0;
  if (query.after) {
    after = *query.after;
  } else {
    ECRM_ASSIGN_OR_RETURN(auto last, repo_.last_event_id(*lease));
    after = std::max<std::int64_t>(0, last - limit);
  }
  LiveEvents out;
  ECRM_ASSIGN_OR_RETURN(out.items, repo_.events_after(*lease, after, limit));
  out.cursor = query.after.value_or(0);
  for (const auto& e : out.items) out.cursor = std::max(out.cursor, e.id);
  return out;
}

Result<EventStats> EventService::stats() {
  return with_transaction<EventStats>(db_, TxMode::kRead, [&](Connection& c) {
    return repo_.stats(c, now_ms());
  });
}

Result<EventAgeingResult> EventService::age(std::optional<std::int64_t> keep_days) {
  const std::int64_t days = keep_days.value_or(options_.retention_days);
  if (days <= 0) return EventAgeingResult{};
  // Whole UTC days only, so a day's totals are either all stored events or all daily counts.
  const UnixMs cut = now_ms() - days * kMsPerDay;
  const UnixMs before = cut - cut % kMsPerDay;
  return with_transaction<EventAgeingResult>(db_, TxMode::kWrite, [&](Connection& c) {
    return repo_.age(c, before);
  });
}

// --- Traffic ---

Result<TrafficOverview> EventService::overview(const TrafficQuery& query) {
  ECRM_ASSIGN_OR_RETURN(auto w, window_of(query.from, query.to));
  ECRM_ASSIGN_OR_RETURN(
      auto out, with_transaction<TrafficOverview>(
                    db_, TxMode::kRead, [&](Connection& c) -> Result<TrafficOverview> {
                      TrafficOverview fresh;
                      ECRM_RETURN_IF_ERROR(repo_.overview(c, w.from, w.to, fresh));
                      return fresh;
                    }));
  out.from = w.from;
  out.to = w.to;
  out.anonymous = out.visitors - out.identified;
  out.identified_share =
      out.visitors > 0 ? static_cast<double>(out.identified) / static_cast<double>(out.visitors)
                       : 0.0;
  return out;
}

Result<Funnel> EventService::funnel(const TrafficQuery& query) {
  ECRM_ASSIGN_OR_RETURN(auto w, window_of(query.from, query.to));
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto rows, repo_.funnel_rows(*lease, w.from, w.to));
  std::unordered_map<std::int64_t, unsigned> done;  // visitor -> bit per step
  for (const auto& row : rows) {
    for (std::size_t s = 0; s < kFunnelSteps.size(); ++s) {
      if (row.type == wire::enum_name(kFunnelSteps[s])) done[row.visitor_id] |= 1u << s;
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
  funnel.from = w.from;
  funnel.to = w.to;
  for (std::size_t s = 0; s < kFunnelSteps.size(); ++s) {
    FunnelStep step{kFunnelSteps[s], reached[s], 0.0};
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

Result<Abandonment> EventService::abandonment(const AbandonmentQuery& query) {
  ECRM_ASSIGN_OR_RETURN(auto w, window_of(query.from, query.to));
  ECRM_ASSIGN_OR_RETURN(UnixMs bucket_ms, bucket_of(query.bucket));
  if (bucket_ms < 60'000 || (w.to - w.from) / bucket_ms > 400) {
    return Error::invalid("bucket must be at least a minute and give at most 400 buckets",
                          "bucket");
  }
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  Abandonment out{w.from, w.to, bucket_ms, options_.abandon_after};
  ECRM_ASSIGN_OR_RETURN(out.buckets, repo_.abandonment(*lease, w.from, w.to, bucket_ms,
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

Result<std::vector<ProductTraffic>> EventService::products(const TrafficQuery& query,
                                                           int limit) {
  ECRM_ASSIGN_OR_RETURN(auto w, window_of(query.from, query.to));
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return repo_.product_traffic(*lease, w.from, w.to, limit);
}

Result<std::vector<Cart>> EventService::carts(const CartQuery& query,
                                              std::optional<std::int64_t> before, int limit) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return repo_.list_carts(*lease, query.status.value_or(CartStatus::kAbandoned),
                          options_.abandon_after, now_ms(), before, limit);
}

Result<VisitorProfile> EventService::visitor(const std::string& anonymous_id) {
  return with_transaction<VisitorProfile>(
      db_, TxMode::kRead, [&](Connection& c) -> Result<VisitorProfile> {
        ECRM_ASSIGN_OR_RETURN(auto found, repo_.find_visitor(c, anonymous_id));
        if (!found) return Error::not_found("no such visitor: " + anonymous_id);
        VisitorProfile profile{std::move(*found), {}};
        ECRM_ASSIGN_OR_RETURN(auto sessions, repo_.sessions_of_visitor(c, profile.id, 50));
        for (const auto& s : sessions) profile.sessions.push_back(session_view(s));
        return profile;
      });
}

}  // namespace ecrm::events
