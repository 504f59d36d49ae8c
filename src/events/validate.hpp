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
