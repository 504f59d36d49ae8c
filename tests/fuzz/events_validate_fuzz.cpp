// Fuzzes the event batch validator (events/validate.hpp) with what POST /api/v1/events receives:
// the first byte chooses the sender (write key or API key), the rest is the JSON body. A body
// that parses is validated event by event as the ingestion path does: a bare array or an
// object's "events" array, at most kMaxBatchEvents, each with validate_event().
#include <boost/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "events/validate.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  ecrm::events::ValidationContext context;
  context.sender = (data[0] & 1) ? ecrm::events::Sender::kApiKey : ecrm::events::Sender::kWriteKey;
  context.now = 1767225600000;  // 2026-01-01: a fixed clock keeps runs reproducible
  context.device = (data[0] & 2) ? "mobile" : "";
  std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);

  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(body, ec);
  if (ec) return 0;
  const boost::json::array* events = parsed.if_array();
  if (events == nullptr) {
    if (const auto* object = parsed.if_object()) {
      if (const auto* found = object->if_contains("events")) events = found->if_array();
    }
  }
  if (events == nullptr) return 0;
  int index = 0;
  for (const auto& raw : *events) {
    if (static_cast<std::size_t>(index) >= ecrm::events::kMaxBatchEvents) break;
    auto result = ecrm::events::validate_event(raw, index, context);
    (void)result.ok();
    ++index;
  }
  (void)ecrm::events::device_from_user_agent(body.substr(0, 512));
  return 0;
}
