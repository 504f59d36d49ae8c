#include "automation/webhooks.hpp"

#include <algorithm>
#include <memory>
#include <vector>

#include "core/crypto.hpp"
#include "core/secret_box.hpp"
#include "core/time.hpp"
#include "http/webhook_client.hpp"

namespace ecrm::automation {

using storage::Connection;
using storage::RowView;

namespace {

constexpr std::string_view kSecret = "SELECT secret FROM automation_keys WHERE name = 'webhook'";
constexpr std::string_view kAddSecret =
    "INSERT INTO automation_keys (name, secret, created_at) VALUES ('webhook', $1, $2) "
    "ON CONFLICT (name) DO NOTHING";
// Claimed by moving the next attempt past the lease: another worker skips it meanwhile.
constexpr std::string_view kDue =
    "SELECT id, url, body, attempts FROM webhook_calls WHERE status = 'queued' "
    "AND next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT 20";
constexpr std::string_view kClaim =
    "UPDATE webhook_calls SET next_attempt_at = $2, attempts = attempts + 1, updated_at = $3 "
    "WHERE id = $1 AND status = 'queued' AND next_attempt_at <= $3";
constexpr std::string_view kFinish =
    "UPDATE webhook_calls SET status = $2, next_attempt_at = $3, response = $4, updated_at = $5 "
    "WHERE id = $1";
constexpr std::int64_t kLeaseMs = 60'000;
constexpr std::int64_t kMaxRetryMs = 3'600'000;

}  // namespace

std::string webhook_signature(const std::string& secret, std::int64_t timestamp,
                              const std::string& body) {
  return http::webhook_signature(secret, timestamp, body);
}

Result<std::string> WebhookSender::secret() {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  std::optional<std::string> found;
  ECRM_RETURN_IF_ERROR(lease->query(kSecret, {}, [&](const RowView& row) { found = row.get_string(0); }));
  if (found) return open_secret(*found);
  ECRM_RETURN_IF_ERROR(storage::done(
      lease->execute(kAddSecret, {seal_secret("whsec_" + random_token(24)), now_ms()})));
  ECRM_RETURN_IF_ERROR(lease->query(kSecret, {}, [&](const RowView& row) { found = row.get_string(0); }));
  if (!found) return Error::internal("no webhook secret");
  return open_secret(*found);
}

Result<int> WebhookSender::send_due(std::int64_t now) {
  struct Call {
    std::int64_t id;
    std::string url, body;
    std::int64_t attempts;
  };
  std::vector<Call> due;
  {
    ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
    ECRM_RETURN_IF_ERROR(lease->query(kDue, {now}, [&](const RowView& row) {
      due.push_back({row.get_int(0), row.get_string(1), row.get_string(2), row.get_int(3)});
    }));
  }
  if (due.empty()) return 0;
  ECRM_ASSIGN_OR_RETURN(auto key, secret());
  int tried = 0;
  for (const auto& call : due) {
    {
      ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
      ECRM_ASSIGN_OR_RETURN(auto claimed, lease->execute(kClaim, {call.id, now + kLeaseMs, now}));
      if (claimed == 0) continue;  // another worker has it
    }
    const http::WebhookAnswer answered =
        http::post_webhook(call.url, call.body, key, http::WebhookPost{.max_answer = 500});
    const long status = answered.status;
    const std::string& answer = answered.summary;
    ++tried;
    const std::int64_t attempts = call.attempts + 1;
    std::string next_status = "sent";
    std::int64_t next_at = now_ms();
    if (status < 200 || status > 299) {
      if (attempts >= kWebhookAttempts) {
        next_status = "failed";
      } else {
        next_status = "queued";
        next_at += std::min(kMaxRetryMs, first_retry_ms_ << std::min<std::int64_t>(attempts - 1, 20));
      }
    }
    ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
    ECRM_RETURN_IF_ERROR(storage::done(
        lease->execute(kFinish, {call.id, next_status, next_at, answer, now_ms()})));
  }
  return tried;
}

}  // namespace ecrm::automation
