// Validation of incoming tracking events, one at a time, so that a batch keeps its good events
// and reports the bad ones by index. Pure: JSON in, an IncomingEvent or an EventError out.
#pragma once

#include <boost/json/value.hpp>

#include <string>
#include <string_view>

#include "core/result.hpp"
#include "events/model.hpp"

namespace ecrm::events {

inline constexpr std::size_t kMaxBatchEvents = 1000;
inline constexpr std::size_t kMaxPropertiesBytes = 16 * 1024;

// The body of POST /api/v1/events, described for its schema only: the hot ingestion path parses
// a batch into one arena and checks each event with validate_event() below (which reports bad
// events by index and keeps the good ones), not with the generic reader.
struct EventInput {
  std::string event_id;
  EventType type = EventType::kCustom;
  std::string anonymous_id;
  std::optional<std::int64_t> customer_id;
  UnixMs ts = 0;
  std::optional<std::string> session_id;
  std::optional<wire::JsonText> properties;
};
ECRM_DESCRIBE(EventInput, event_id, type, anonymous_id, customer_id, ts, session_id, properties)
ECRM_WIRE_RULES(EventInput,
                rule(&EventInput::event_id,
                     {.max_length = 100,
                      .description = "the client's unique id, for deduplication"}),
                rule(&EventInput::anonymous_id, {.max_length = 128}),
                rule(&EventInput::customer_id, {.minimum = 1, .description = "API keys only"}),
                rule(&EventInput::ts, {.format = "date-time"}),
                rule(&EventInput::session_id, {.max_length = 128}),
                rule(&EventInput::properties,
                     {.description = "at most 16 KB; page_view: url; product and cart events: sku "
                                     "or product_id; search: query; identify: external_id; "
                                     "custom: name"}))

struct IngestRequest {
  std::vector<EventInput> events;
};
ECRM_DESCRIBE(IngestRequest, events)
ECRM_WIRE_RULES(IngestRequest, rule(&IngestRequest::events, {.max_length = kMaxBatchEvents}))

struct ValidationContext {
  Sender sender = Sender::kWriteKey;
  UnixMs now = 0;       // events more than a day ahead of this are refused
  std::string device;   // from the request's User-Agent; properties.device overrides
};

// Checks event `index` of a batch. The rules:
//  - event_id: 1-100 printable characters; anonymous_id: 1-128; session_id: up to 128;
//  - type: page_view | product_view | search | add_to_cart | remove_from_cart | checkout_step |
//    purchase | identify | custom (custom needs properties.name);
//  - ts: unix milliseconds or ISO-8601, from 2000 to a day ahead of now;
//  - customer_id: a positive integer, only from API keys (write keys: customer_id_not_allowed);
//  - properties: an object of at most 16 KB; per type: page_view needs url; product and cart
//    events need sku (or product_id); search needs query; identify needs external_id (API keys
//    may send customer_id instead); prices and totals are integers in minor units.
// The error names the offending field, relative to the event ("properties.sku").
Result<IncomingEvent> validate_event(const boost::json::value& raw, int index,
                                     const ValidationContext& context);

// desktop | mobile | tablet | bot from a User-Agent header ('' when empty).
std::string device_from_user_agent(std::string_view user_agent);

}  // namespace ecrm::events
