// Outgoing webhook calls, the one HTTP client ecrm posts with (libcurl): social's replies,
// automation's webhook steps and partners' order-line events. A call POSTs a JSON body, signed
// when a secret is given:
//   X-Ecrm-Timestamp: unix seconds
//   X-Ecrm-Signature: v1=<hex HMAC-SHA-256 of "<timestamp>.<body>" under the secret>
// Redirects are not followed and only http and https are spoken; a call waits at most
// `timeout_ms` for its answer. Queues, retries and back-off belong to the callers.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ecrm::http {

struct WebhookPost {
  std::string user_agent = "ecrm-webhook";
  long timeout_ms = 10'000;
  std::size_t max_answer = 300;  // bytes of the answer's body kept in `summary`
};

struct WebhookAnswer {
  long status = 0;      // the HTTP status; 0 when no answer came
  std::string summary;  // "<status> <first bytes of the answer>", or what went wrong

  bool ok() const { return status >= 200 && status <= 299; }
};

// "v1=<hex>" for `body` sent at `timestamp` (unix seconds) under `secret`.
std::string webhook_signature(std::string_view secret, std::int64_t timestamp,
                              std::string_view body);

// POSTs `body` (JSON) to `url`, signed at the current time when `secret` is not empty. Never
// throws; any failure is an answer with status 0.
WebhookAnswer post_webhook(const std::string& url, const std::string& body,
                           const std::string& secret, const WebhookPost& options = {});

// Whether a URL may receive webhooks: https:// with a host, or http:// on this machine
// (127.0.0.1 or localhost), as automation's webhook steps have always required.
bool is_webhook_url(std::string_view url);

}  // namespace ecrm::http
