// Tracking events and what is derived from them, as plain values: the validated event, write
// keys, visitors, sessions, carts, and the answers of the traffic analytics.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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
std::string_view to_string(EventType type);
std::optional<EventType> parse_event_type(std::string_view text);
const std::vector<EventType>& all_event_types();

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
  std::string field;
};

// What a batch came to once committed.
struct BatchOutcome {
  int accepted = 0;
  int duplicates = 0;
  std::vector<EventError> errors;  // by index
};

struct WriteKey {
  std::int64_t id = 0;
  std::string key;
  std::string name;
  std::string created_by;
  UnixMs created_at = 0;
  std::optional<UnixMs> revoked_at;
};

// A stored event as the API shows it.
struct StoredEvent {
  std::int64_t id = 0;
  std::string event_id;
  std::string type;
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
  std::string properties = "{}";
};

struct EventFilter {
  std::optional<std::string> type;
  std::optional<std::int64_t> customer_id;
  std::optional<std::string> anonymous_id;
};

struct CartItem {
  std::string product;
  std::string name;
  std::int64_t quantity = 0;
  std::int64_t price = 0;  // minor units per unit
};

enum class CartStatus { kOpen, kPurchased, kAbandoned };
std::string_view to_string(CartStatus status);
std::optional<CartStatus> parse_cart_status(std::string_view text);

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

// --- Traffic analytics over a time window [from, to). ---

struct DayCount {
  std::int64_t day = 0;  // unix ms of 00:00 UTC
  std::int64_t visitors = 0;
  std::int64_t identified = 0;
  std::int64_t sessions = 0;
};

struct NamedCount {
  std::string name;
  std::int64_t count = 0;
};

struct TrafficOverview {
  std::int64_t visitors = 0;      // with a session starting in the window
  std::int64_t identified = 0;    // of them, linked to a customer
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

struct FunnelStep {
  std::string step;            // product_view | add_to_cart | checkout_step | purchase
  std::int64_t visitors = 0;   // who reached this step and every earlier one
  double drop_off = 0;         // share of the previous step's visitors lost here (0 for the first)
};

struct AbandonmentBucket {
  std::int64_t start = 0;  // unix ms
  std::int64_t abandoned = 0;
  std::int64_t purchased = 0;
  double rate = 0;  // abandoned / (abandoned + purchased), 0 when both are 0
  std::map<std::string, std::int64_t> lost_value;  // currency -> minor units
};

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

struct EventStats {
  std::int64_t total = 0;
  std::int64_t visitors = 0;
  std::int64_t identified_visitors = 0;
  std::int64_t last_24h = 0;
  std::vector<NamedCount> by_type;
};

}  // namespace ecrm::events
