// Tracking events and what is derived from them, as plain values: the validated event, write
// keys, visitors, sessions, carts, and the answers of the traffic analytics. The types that
// cross the API are described here (core/describe.hpp); members left out of a description are
// internal.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/describe.hpp"
#include "core/time.hpp"

namespace ecrm::events {

enum class EventType {
  kPageView,
  kProductView,
  kSearch,
  kAddToCart,
  kRemoveFromCart,
  kCheckoutStep,
  kPurchase,
  kIdentify,
  kCustom,  // ecrm.track() with a name of the shop's own (properties.name)
};
ECRM_DESCRIBE_ENUM(EventType, kPageView, kProductView, kSearch, kAddToCart, kRemoveFromCart,
                   kCheckoutStep, kPurchase, kIdentify, kCustom)

// Sessions split after this much inactivity.
inline constexpr UnixMs kSessionGapMs = 30 * 60 * 1000;

// Who sent a batch: the snippet's public write key may only describe anonymous visitors and
// identify them by the shop's customer id; an API key (scope events:write) may name customers.
enum class Sender { kWriteKey, kApiKey };

// One event that passed validation, with the fields the analytics read pulled out of its
// properties. `index` is its position in the request.
struct IncomingEvent {
  int index = 0;
  std::string event_id;
  EventType type = EventType::kCustom;
  std::string anonymous_id;
  std::optional<std::int64_t> customer_id;  // API keys only
  std::optional<std::string> client_session_id;
  UnixMs ts = 0;
  std::string properties = "{}";  // JSON object text, as stored

  std::optional<std::string> product;     // product and cart events: SKU / product id
  std::optional<std::string> product_name;
  std::optional<std::int64_t> quantity;   // cart events
  std::optional<std::int64_t> price;      // minor units, per unit
  std::optional<std::int64_t> value;      // purchase: order total; cart events: price × quantity
  std::optional<std::string> currency;    // ISO 4217, upper-case
  std::string url;                        // page views (and any event that sent one)
  std::string referrer;
  std::optional<std::string> external_id;  // identify
  std::optional<std::string> order_ref;    // purchase: the shop's order id
  std::int64_t step = 0;                   // checkout_step
  std::string device;                      // desktop | mobile | tablet | bot | ''

  struct Item {
    std::string product;
    std::string name;
    std::int64_t quantity = 1;
    std::int64_t price = 0;
  };
  std::vector<Item> items;  // purchase: what was bought, when the event says
};

// A rejected event of a batch.
struct EventError {
  int index = 0;
  std::string code;
  std::string message;
  std::optional<std::string> field;  // relative to the event ("properties.sku")
};
ECRM_DESCRIBE(EventError, index, code, message, field)

// What a batch came to once committed.
struct BatchOutcome {
  int accepted = 0;
  int duplicates = 0;
  std::vector<EventError> errors;  // by index
};
ECRM_DESCRIBE(BatchOutcome, accepted, duplicates, errors)

struct WriteKey {
  std::int64_t id = 0;
  std::string key;
  std::string name;
  std::string created_by;
  UnixMs created_at = 0;
  std::optional<UnixMs> revoked_at;
};
ECRM_DESCRIBE(WriteKey, id, key, name, created_by, created_at, revoked_at)

// A write key as the API shows it.
struct WriteKeyView : WriteKey {
  bool active = true;  // not revoked
};
ECRM_DESCRIBE_DERIVED(WriteKeyView, WriteKey, active)
inline WriteKeyView write_key_view(const WriteKey& k) { return {k, !k.revoked_at.has_value()}; }

inline constexpr std::size_t kMaxWriteKeyName = 200;

struct WriteKeyInput {
  std::string name;
};
ECRM_DESCRIBE(WriteKeyInput, name)
ECRM_WIRE_RULES(WriteKeyInput, rule(&WriteKeyInput::name, {.max_length = kMaxWriteKeyName}))

// A stored event as the API shows it.
struct StoredEvent {
  std::int64_t id = 0;
  std::string event_id;
  EventType type = EventType::kCustom;
  std::int64_t visitor_id = 0;
  std::string anonymous_id;
  std::optional<std::int64_t> customer_id;
  std::optional<std::int64_t> session_id;
  UnixMs ts = 0;
  UnixMs received_at = 0;
  std::optional<std::string> product;
  std::optional<std::int64_t> quantity;
  std::optional<std::int64_t> value;
  std::optional<std::string> currency;
  wire::JsonText properties;
};
ECRM_DESCRIBE(StoredEvent, id, event_id, type, visitor_id, anonymous_id, customer_id, session_id,
              ts, received_at, product, quantity, value, currency, properties)

// GET /api/v1/events: which events (with limit and cursor).
struct EventQuery {
  std::optional<EventType> type;
  std::optional<std::int64_t> customer_id;
  std::optional<std::string> anonymous_id;
};
ECRM_DESCRIBE(EventQuery, type, customer_id, anonymous_id)

// GET /api/v1/events/live: events after the id `after`; without it, the latest ones.
struct LiveQuery {
  std::optional<std::int64_t> after;
};
ECRM_DESCRIBE(LiveQuery, after)

// A poll of the live stream: `cursor` is the `after` of the next poll.
struct LiveEvents {
  std::vector<StoredEvent> items;  // oldest first
  std::int64_t cursor = 0;
};
ECRM_DESCRIBE(LiveEvents, items, cursor)

struct CartItem {
  std::string product;
  std::string name;
  std::int64_t quantity = 0;
  std::int64_t price = 0;  // minor units per unit
};
ECRM_DESCRIBE(CartItem, product, name, quantity, price)

enum class CartStatus { kOpen, kPurchased, kAbandoned };
ECRM_DESCRIBE_ENUM(CartStatus, kOpen, kPurchased, kAbandoned)

struct Cart {
  std::int64_t id = 0;
  std::int64_t visitor_id = 0;
  CartStatus status = CartStatus::kOpen;
  std::vector<CartItem> items;
  std::int64_t item_count = 0;
  std::int64_t value = 0;
  std::string currency;
  std::int64_t checkout_step = 0;
  UnixMs created_at = 0;
  UnixMs updated_at = 0;
  std::optional<UnixMs> closed_at;
  std::string order_ref;
  std::optional<std::int64_t> recovered_from;

  // For lists: who it belongs to.
  std::string anonymous_id;
  std::optional<std::int64_t> customer_id;
  std::string customer_name;
};
ECRM_DESCRIBE(Cart, id, visitor_id, anonymous_id, customer_id, customer_name, status, items,
              item_count, value, currency, checkout_step, created_at, updated_at, closed_at,
              order_ref, recovered_from)

// GET /api/v1/carts: carts with this status (default abandoned; with limit and cursor).
struct CartQuery {
  std::optional<CartStatus> status;
};
ECRM_DESCRIBE(CartQuery, status)

struct Session {
  std::int64_t id = 0;
  std::int64_t visitor_id = 0;
  UnixMs started_at = 0;
  UnixMs last_at = 0;
  std::int64_t event_count = 0;
  std::int64_t page_views = 0;
  std::string landing_url;
  std::string referrer;
  std::string utm_source;
  std::string utm_medium;
  std::string utm_campaign;
  std::string device;
  bool purchased = false;
};
ECRM_DESCRIBE(Session, id, visitor_id, started_at, last_at, event_count, page_views, landing_url,
              referrer, utm_source, utm_medium, utm_campaign, device, purchased)

// A session as the API shows it: with its duration.
struct SessionView : Session {
  std::int64_t duration_ms = 0;  // last_at - started_at
};
ECRM_DESCRIBE_DERIVED(SessionView, Session, duration_ms)
inline SessionView session_view(const Session& s) {
  return SessionView{s, s.last_at - s.started_at};
}

struct Visitor {
  std::int64_t id = 0;
  std::string anonymous_id;
  std::optional<std::int64_t> customer_id;
  std::optional<std::string> external_id;
  std::optional<UnixMs> identified_at;
  UnixMs first_seen_at = 0;
  UnixMs last_seen_at = 0;
  std::int64_t event_count = 0;
  std::string device;
  std::optional<std::int64_t> session_id;
  std::optional<UnixMs> session_started_at;
  std::optional<UnixMs> session_last_at;
  std::optional<std::int64_t> cart_id;
};
ECRM_DESCRIBE(Visitor, id, anonymous_id, customer_id, external_id, identified_at, first_seen_at,
              last_seen_at, event_count, device)

// A visitor with its sessions, newest first.
struct VisitorProfile : Visitor {
  std::vector<SessionView> sessions;
};
ECRM_DESCRIBE_DERIVED(VisitorProfile, Visitor, sessions)

// --- Traffic analytics over a time window [from, to). ---

// The window of a traffic figure: unix ms or ISO-8601; by default the last 30 days up to the
// end of today (UTC).
struct TrafficQuery {
  std::optional<UnixMs> from;
  std::optional<UnixMs> to;
};
ECRM_DESCRIBE(TrafficQuery, from, to)
ECRM_WIRE_RULES(TrafficQuery, rule(&TrafficQuery::from, {.format = "date-time"}),
                rule(&TrafficQuery::to, {.format = "date-time"}))

struct AbandonmentQuery {
  std::optional<UnixMs> from;
  std::optional<UnixMs> to;
  std::optional<std::string> bucket;  // hour, day (default), week or milliseconds
};
ECRM_DESCRIBE(AbandonmentQuery, from, to, bucket)
ECRM_WIRE_RULES(AbandonmentQuery, rule(&AbandonmentQuery::from, {.format = "date-time"}),
                rule(&AbandonmentQuery::to, {.format = "date-time"}),
                rule(&AbandonmentQuery::bucket,
                     {.max_length = 20,
                      .description = "hour, day (default), week or milliseconds"}))

struct DayCount {
  std::int64_t day = 0;  // unix ms of 00:00 UTC
  std::int64_t visitors = 0;
  std::int64_t identified = 0;
  std::int64_t sessions = 0;
};
ECRM_DESCRIBE(DayCount, day, visitors, identified, sessions)

struct NamedCount {
  std::string name;
  std::int64_t count = 0;
};
ECRM_DESCRIBE(NamedCount, name, count)

struct TrafficOverview {
  UnixMs from = 0;
  UnixMs to = 0;
  std::int64_t visitors = 0;      // with a session starting in the window
  std::int64_t identified = 0;    // of them, linked to a customer
  std::int64_t anonymous = 0;     // the others
  double identified_share = 0;    // identified / visitors (0 without visitors)
  std::int64_t sessions = 0;
  std::int64_t page_views = 0;
  std::int64_t purchasing_sessions = 0;
  double avg_session_seconds = 0;
  std::vector<DayCount> days;
  std::vector<NamedCount> devices;
  std::vector<NamedCount> referrers;
  std::vector<NamedCount> campaigns;
  std::vector<NamedCount> event_types;
};
ECRM_DESCRIBE(TrafficOverview, from, to, visitors, identified, anonymous, identified_share,
              sessions, page_views, purchasing_sessions, avg_session_seconds, days, devices,
              referrers, campaigns, event_types)

struct FunnelStep {
  EventType step = EventType::kProductView;  // product_view, add_to_cart, checkout_step, purchase
  std::int64_t visitors = 0;   // who reached this step and every earlier one
  double drop_off = 0;         // share of the previous step's visitors lost here (0 for the first)
};
ECRM_DESCRIBE(FunnelStep, step, visitors, drop_off)

struct Funnel {
  UnixMs from = 0;
  UnixMs to = 0;
  std::vector<FunnelStep> steps;
  double conversion = 0;  // purchase / product_view visitors
};
ECRM_DESCRIBE(Funnel, from, to, steps, conversion)

struct AbandonmentBucket {
  std::int64_t start = 0;  // unix ms
  std::int64_t abandoned = 0;
  std::int64_t purchased = 0;
  double rate = 0;  // abandoned / (abandoned + purchased), 0 when both are 0
  std::map<std::string, std::int64_t> lost_value;  // currency ("unknown" when none) -> minor units
};
ECRM_DESCRIBE(AbandonmentBucket, start, abandoned, purchased, rate, lost_value)

struct Abandonment {
  UnixMs from = 0;
  UnixMs to = 0;
  UnixMs bucket_ms = 0;
  UnixMs abandon_after_ms = 0;  // the abandonment limit
  std::int64_t abandoned = 0;
  std::int64_t purchased = 0;
  double rate = 0;
  std::map<std::string, std::int64_t> lost_value;
  std::vector<AbandonmentBucket> buckets;
};
ECRM_DESCRIBE(Abandonment, from, to, bucket_ms, abandon_after_ms, abandoned, purchased, rate,
              lost_value, buckets)

struct ProductTraffic {
  std::string product;
  std::string name;  // from the catalog when the SKU is known
  std::int64_t views = 0;
  std::int64_t viewers = 0;
  std::int64_t carts = 0;    // add_to_cart events
  std::int64_t buyers = 0;   // visitors who bought it
  std::int64_t units = 0;    // units bought
  double browse_to_buy = 0;  // buyers / viewers
};
ECRM_DESCRIBE(ProductTraffic, product, name, views, viewers, carts, buyers, units, browse_to_buy)

struct EventStats {
  std::int64_t total = 0;
  std::int64_t visitors = 0;
  std::int64_t identified_visitors = 0;
  std::int64_t last_24h = 0;
  std::vector<NamedCount> by_type;
  std::int64_t aged = 0;  // events past the retention, kept only as daily counts (not in total)
};
ECRM_DESCRIBE(EventStats, total, last_24h, visitors, identified_visitors, by_type, aged)

// Ageing the event log: events that happened before `before` (a UTC midnight) are counted per
// day, type and currency into the daily totals and deleted.
struct EventAgeingRequest {
  std::optional<std::int64_t> keep_days;  // default: the server's --event-retention-days
};
ECRM_DESCRIBE(EventAgeingRequest, keep_days)
ECRM_WIRE_RULES(EventAgeingRequest,
                rule(&EventAgeingRequest::keep_days, {.minimum = 1, .maximum = 36500}))

struct EventAgeingResult {
  UnixMs before = 0;        // events older than this were counted and deleted
  std::int64_t events = 0;  // deleted events
  std::int64_t days = 0;    // days they fell on
};
ECRM_DESCRIBE(EventAgeingResult, before, events, days)
ECRM_WIRE_RULES(EventAgeingResult, rule(&EventAgeingResult::before, {.format = "date-time"}))

}  // namespace ecrm::events
