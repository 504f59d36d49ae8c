#include "automation/webhooks.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "core/crypto.hpp"
#include "core/time.hpp"

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
constexpr long kTimeoutMs = 10'000;
constexpr std::int64_t kLeaseMs = 60'000;
constexpr std::int64_t kMaxRetryMs = 3'600'000;

std::size_t collect(char* data, std::size_t size, std::size_t n, void* out) {
  auto* s = static_cast<std::string*>(out);
  const std::size_t room = s->size() < 500 ? 500 - s->size() : 0;
  s->append(data, std::min(size * n, room));
  return size * n;
}

// POSTs `body`; the status (0 when no answer) and the answer's first bytes.
std::pair<long, std::string> post(const std::string& url, const std::string& body,
                                  const std::string& timestamp, const std::string& signature) {
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return {0, "could not start libcurl"};
  std::string answer;
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, "Content-Type: application/json");
  headers = curl_slist_append(headers, ("X-Ecrm-Timestamp: " + timestamp).c_str());
  headers = curl_slist_append(headers, ("X-Ecrm-Signature: " + signature).c_str());
  headers = curl_slist_append(headers, "User-Agent: ecrm-webhook");
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, kTimeoutMs);
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl.get(), CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &answer);
  const CURLcode rc = curl_easy_perform(curl.get());
  curl_slist_free_all(headers);
  if (rc != CURLE_OK) return {0, curl_easy_strerror(rc)};
  long status = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
  return {status, std::to_string(status) + " " + answer};
}

}  // namespace

std::string webhook_signature(const std::string& secret, std::int64_t timestamp,
                              const std::string& body) {
  return "v1=" + hmac_sha256_hex(secret, std::to_string(timestamp) + "." + body);
}

Result<std::string> WebhookSender::secret() {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  std::optional<std::string> found;
  ECRM_RETURN_IF_ERROR(lease->query(kSecret, {}, [&](const RowView& row) { found = row.get_string(0); }));
  if (found) return *found;
  ECRM_RETURN_IF_ERROR(storage::done(lease->execute(kAddSecret, {"whsec_" + random_token(24), now_ms()})));
  ECRM_RETURN_IF_ERROR(lease->query(kSecret, {}, [&](const RowView& row) { found = row.get_string(0); }));
  if (!found) return Error::internal("no webhook secret");
  return *found;
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
    const std::int64_t timestamp = now_ms() / 1000;
    const auto [status, answer] =
        post(call.url, call.body, std::to_string(timestamp), webhook_signature(key, timestamp, call.body));
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
