// The partner API's records, described for the wire (core/describe.hpp): API keys a partner's
// programs call the partner portal's routes with, webhooks that tell a partner of its order
// lines, and their deliveries. Times unix milliseconds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/describe.hpp"
#include "core/time.hpp"
#include "partners/model.hpp"

namespace ecrm::partners {

inline constexpr std::size_t kMaxKeyName = 100;
inline constexpr std::size_t kMaxWebhookUrl = 2000;
// The events a webhook may take.
inline constexpr const char* kLineCreated = "order_line.created";
inline constexpr const char* kLineUpdated = "order_line.updated";

// An API key of a partner (the secret itself is shown once, when made).
struct PartnerApiKey {
  std::int64_t id = 0;
  std::int64_t partner_id = 0;
  std::string name;
  std::string prefix;  // the secret's first characters, to recognise it by
  PartnerRole role = PartnerRole::kPartnerStaff;  // what the key may do, as a user of that role
  std::string created_by;
  UnixMs created_at = 0;
  std::optional<UnixMs> last_used_at;
  std::optional<UnixMs> revoked_at;
};
ECRM_DESCRIBE(PartnerApiKey, id, partner_id, name, prefix, role, created_by, created_at,
              last_used_at, revoked_at)

struct PartnerApiKeyInput {
  std::string name;
  std::optional<PartnerRole> role;  // absent: partner_staff
};
ECRM_DESCRIBE(PartnerApiKeyInput, name, role)
ECRM_WIRE_RULES(PartnerApiKeyInput, rule(&PartnerApiKeyInput::name, {.max_length = kMaxKeyName}))

// A key just made, with its secret: sent as `Authorization: Bearer <key>`.
struct CreatedPartnerApiKey : PartnerApiKey {
  std::string key;
};
ECRM_DESCRIBE_DERIVED(CreatedPartnerApiKey, PartnerApiKey, key)

struct PartnerWebhook {
  std::int64_t id = 0;
  std::int64_t partner_id = 0;
  std::string url;
  std::vector<std::string> events;
  bool active = true;
  UnixMs created_at = 0;
  UnixMs updated_at = 0;
};
ECRM_DESCRIBE(PartnerWebhook, id, partner_id, url, events, active, created_at, updated_at)

struct PartnerWebhookInput {
  std::string url;
  std::optional<std::vector<std::string>> events;  // absent: order_line.created
};
ECRM_DESCRIBE(PartnerWebhookInput, url, events)
ECRM_WIRE_RULES(PartnerWebhookInput, rule(&PartnerWebhookInput::url, {.max_length = kMaxWebhookUrl}),
                rule(&PartnerWebhookInput::events, {.max_length = 2}))

// Staff's change to a webhook: its address or its events (the secret stays).
struct PartnerWebhookChanges {
  std::optional<std::string> url;
  std::optional<std::vector<std::string>> events;
};
ECRM_DESCRIBE(PartnerWebhookChanges, url, events)
ECRM_WIRE_RULES(PartnerWebhookChanges,
                rule(&PartnerWebhookChanges::url, {.max_length = kMaxWebhookUrl}),
                rule(&PartnerWebhookChanges::events, {.max_length = 2}))

// A webhook just registered, with the secret its deliveries are signed with (shown once).
struct CreatedPartnerWebhook : PartnerWebhook {
  std::string secret;
};
ECRM_DESCRIBE_DERIVED(CreatedPartnerWebhook, PartnerWebhook, secret)

enum class DeliveryStatus { kQueued, kSent, kFailed };
ECRM_DESCRIBE_ENUM(DeliveryStatus, kQueued, kSent, kFailed)

// One event sent (or to be sent) to a webhook.
struct PartnerWebhookDelivery {
  std::int64_t id = 0;
  std::int64_t webhook_id = 0;
  std::string event;
  std::int64_t order_line_id = 0;
  DeliveryStatus status = DeliveryStatus::kQueued;
  std::int64_t attempts = 0;
  std::optional<UnixMs> next_attempt_at;  // queued only
  std::string response;                   // the last answer: "<status> <first bytes>" or error
  std::string body;
  UnixMs created_at = 0;
  UnixMs updated_at = 0;
};
ECRM_DESCRIBE(PartnerWebhookDelivery, id, webhook_id, event, order_line_id, status, attempts,
              next_attempt_at, response, body, created_at, updated_at)

// The body POSTed to a webhook: the event and the line as the partner sees it in its portal.
struct PartnerLineEvent {
  std::string event;
  std::int64_t partner_id = 0;
  UnixMs occurred_at = 0;
  PartnerLine line;
};
ECRM_DESCRIBE(PartnerLineEvent, event, partner_id, occurred_at, line)

}  // namespace ecrm::partners
