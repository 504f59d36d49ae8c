// Signed webhook calls made by flows' webhook steps. A step queues a call (a row of
// webhook_calls, in the enrolment's transaction); the flow worker POSTs the due ones with
// http/webhook_client.hpp, JSON body, headers
//   X-Ecrm-Timestamp: unix seconds
//   X-Ecrm-Signature: v1=<hex HMAC-SHA-256 of "<timestamp>.<body>" under the shop's webhook secret>
// A 2xx answer is success; anything else (or no answer in 10 s) is tried again after 30 s,
// doubling up to an hour, at most 8 times, then the call is failed with the last answer.
#pragma once

#include <cstdint>
#include <string>

#include "core/result.hpp"
#include "storage/database.hpp"

namespace ecrm::automation {

inline constexpr int kWebhookAttempts = 8;

class WebhookSender {
 public:
  explicit WebhookSender(storage::Database& db, std::int64_t first_retry_ms = 30'000)
      : db_(db), first_retry_ms_(first_retry_ms) {}
  // The secret receivers check signatures with (made on first use).
  Result<std::string> secret();
  // Sends the calls due at `now`; returns how many were tried.
  Result<int> send_due(std::int64_t now);

 private:
  storage::Database& db_;
  std::int64_t first_retry_ms_;
};

// "v1=<hex>" for `body` sent at `timestamp` (unix seconds) under `secret`.
std::string webhook_signature(const std::string& secret, std::int64_t timestamp,
                              const std::string& body);

}  // namespace ecrm::automation
