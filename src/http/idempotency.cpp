#include "http/idempotency.hpp"

#include <spdlog/spdlog.h>
#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <fstream>

#include "core/crypto.hpp"
#include "core/secret_box.hpp"
#include "http/router.hpp"
#include "storage/database.hpp"

namespace ecrm::http {

namespace json = boost::json;

namespace {

constexpr const char* kClaimKey =
    "INSERT INTO idempotency_keys (caller, idem_key, fingerprint, method, target, state, "
    "created_at) VALUES ($1, $2, $3, $4, $5, 'running', $6) "
    "ON CONFLICT (caller, idem_key) DO NOTHING";
constexpr const char* kSelectKey =
    "SELECT state, fingerprint, status, content_type, headers, body, body_base64, created_at "
    "FROM idempotency_keys WHERE caller = $1 AND idem_key = $2";
constexpr const char* kDeleteExpiredKey =
    "DELETE FROM idempotency_keys WHERE caller = $1 AND idem_key = $2 AND created_at < $3";
constexpr const char* kCompleteKey =
    "UPDATE idempotency_keys SET state = 'done', status = $3, content_type = $4, headers = $5, "
    "body = $6, body_base64 = $7 WHERE caller = $1 AND idem_key = $2 AND state = 'running'";
constexpr const char* kReleaseKey =
    "DELETE FROM idempotency_keys WHERE caller = $1 AND idem_key = $2 AND state = 'running'";
constexpr const char* kPruneKeys = "DELETE FROM idempotency_keys WHERE created_at < $1";

constexpr UnixMs kPruneEveryMs = 60 * 1000;
constexpr std::size_t kFileChunk = 1 << 20;

bool key_char(unsigned char c) {
  return std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == ':' || c == '~' || c == '+' ||
         c == '/' || c == '=';
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_json(std::string_view content_type) {
  return content_type.rfind("application/json", 0) == 0;
}

// A digest of a spooled body read in chunks: each chunk's digest chained onto the previous one,
// so that a large upload is never held in memory.
std::string file_digest(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string digest = sha256_hex("");
  std::string chunk(kFileChunk, '\0');
  while (in) {
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    std::streamsize got = in.gcount();
    if (got <= 0) break;
    digest.append(chunk.data(), static_cast<std::size_t>(got));
    digest = sha256_hex(digest);
  }
  return digest;
}

}  // namespace

Result<IdempotencyStore::Claim> SqlIdempotencyStore::claim(const std::string& caller,
                                                           const std::string& key,
                                                           const std::string& fingerprint,
                                                           std::string_view method,
                                                           std::string_view target, UnixMs now) {
  if (now - last_prune_.load() >= kPruneEveryMs) {
    last_prune_.store(now);
    if (auto pruned = prune(now); !pruned.ok()) {
      spdlog::warn("idempotency keys: prune failed: {}", pruned.error().message);
    }
  }
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  storage::Connection& connection = *lease;
  // A row deleted between the insert and the read (released, or expired and deleted here) is
  // claimed again; three rounds are more than two racing requests can need.
  for (int round = 0; round < 3; ++round) {
    ECRM_ASSIGN_OR_RETURN(
        auto inserted, connection.execute(kClaimKey, {caller, key, fingerprint, std::string(method),
                                                      std::string(target), now}));
    if (inserted == 1) return Claim{ClaimState::kClaimed, {}};
    bool found = false;
    std::string state, stored_fingerprint, headers_text;
    bool base64 = false;
    UnixMs created_at = 0;
    StoredAnswer answer;
    ECRM_RETURN_IF_ERROR(
        connection.query(kSelectKey, {caller, key}, [&](const storage::RowView& row) {
          found = true;
          state = row.get_string(0);
          stored_fingerprint = row.get_string(1);
          answer.status = static_cast<int>(row.get_int(2));
          answer.content_type = row.get_string(3);
          headers_text = row.get_string(4);
          answer.body = row.get_string(5);
          base64 = row.get_int(6) != 0;
          created_at = row.get_int(7);
        }));
    if (!found) continue;
    if (created_at < now - kIdempotencyKeyLifetimeMs) {
      ECRM_RETURN_IF_ERROR(
          storage::done(connection.execute(kDeleteExpiredKey, {caller, key, created_at + 1})));
      continue;
    }
    if (stored_fingerprint != fingerprint) return Claim{ClaimState::kMismatch, {}};
    if (state != "done") {
      return Claim{created_at < now - kIdempotencyAbandonedAfterMs ? ClaimState::kAbandoned
                                                                   : ClaimState::kRunning,
                   {}};
    }
    // Answers can hold secrets shown once (a new webhook's secret, a two-factor enrolment, an API
    // key): stored sealed like the other secrets (core/secret_box.hpp).
    ECRM_ASSIGN_OR_RETURN(answer.body, open_secret(answer.body));
    ECRM_ASSIGN_OR_RETURN(headers_text, open_secret(headers_text));
    if (base64) {
      auto decoded = base64url_decode(answer.body);
      if (!decoded) return Error::internal("stored idempotent answer is not base64url");
      answer.body = std::move(*decoded);
    }
    std::error_code ec;
    json::value headers = json::parse(headers_text, ec);
    if (!ec && headers.is_array()) {
      for (const auto& pair : headers.as_array()) {
        if (!pair.is_array() || pair.as_array().size() != 2) continue;
        const auto& name = pair.as_array()[0];
        const auto& value = pair.as_array()[1];
        if (!name.is_string() || !value.is_string()) continue;
        answer.headers.emplace_back(std::string(name.as_string()), std::string(value.as_string()));
      }
    }
    return Claim{ClaimState::kDone, std::move(answer)};
  }
  return Error::unavailable("the Idempotency-Key changed hands while it was claimed; retry");
}

Status SqlIdempotencyStore::complete(const std::string& caller, const std::string& key,
                                     const StoredAnswer& answer) {
  json::array headers;
  for (const auto& [name, value] : answer.headers) headers.push_back(json::array{name, value});
  const bool base64 = !is_json(answer.content_type);
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return storage::done(lease->execute(
      kCompleteKey,
      {caller, key, std::int64_t{answer.status}, answer.content_type,
       seal_secret(json::serialize(headers)),
       seal_secret(base64 ? base64url_encode(answer.body) : answer.body),
       std::int64_t{base64 ? 1 : 0}}));
}

Status SqlIdempotencyStore::release(const std::string& caller, const std::string& key) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return storage::done(lease->execute(kReleaseKey, {caller, key}));
}

Result<std::int64_t> SqlIdempotencyStore::prune(UnixMs now) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return lease->execute(kPruneKeys, {now - kIdempotencyKeyLifetimeMs});
}

bool accepts_idempotency_key(const Route& route) { return route.method == Method::kPost; }

Result<std::optional<std::string>> idempotency_key_of(const Request& request) {
  auto value = request.headers.get(kIdempotencyHeader);
  if (!value) return std::optional<std::string>{};
  const std::string field(kIdempotencyHeader);
  if (value->empty()) {
    return Error::invalid("the Idempotency-Key header is empty", field, "invalid_idempotency_key");
  }
  if (value->size() > kIdempotencyKeyMaxLength) {
    return Error::invalid("the Idempotency-Key header is longer than " +
                              std::to_string(kIdempotencyKeyMaxLength) + " characters",
                          field, "invalid_idempotency_key");
  }
  if (!std::all_of(value->begin(), value->end(),
                   [](char c) { return key_char(static_cast<unsigned char>(c)); })) {
    return Error::invalid(
        "the Idempotency-Key header may hold only letters, digits and - _ . : ~ + / =", field,
        "invalid_idempotency_key");
  }
  return std::optional<std::string>(std::string(*value));
}

std::optional<std::string> idempotency_caller(const Route& route, const Request& request,
                                              const Principal& principal) {
  if (route.access.is_public) {
    // Public routes check their own credentials in the handler (a write key, an API key): the
    // key belongs to whoever holds the credential the request carries.
    std::string credential;
    if (auto value = request.headers.get("authorization"); value && !value->empty()) {
      credential = "authorization:" + std::string(*value);
    } else if (auto value = request.headers.get("x-ecrm-key"); value && !value->empty()) {
      credential = "write-key:" + std::string(*value);
    } else if (auto value = request.query_param("key"); value && !value->empty()) {
      credential = "write-key:" + std::string(*value);
    } else {
      return std::nullopt;
    }
    return "credential:" + sha256_hex(credential);
  }
  switch (principal.kind) {
    case Principal::Kind::kSession:
      return "user:" + std::to_string(principal.user_id);
    case Principal::Kind::kApiKey:
      return "api-key:" + std::to_string(principal.api_key_id);
    case Principal::Kind::kPortal:
      if (principal.api_key_id != 0) {
        return std::string(to_string(principal.subject)) +
               "-key:" + std::to_string(principal.api_key_id);
      }
      return std::string(to_string(principal.subject)) + ":" + std::to_string(principal.subject_id);
    case Principal::Kind::kAnonymous:
      break;
  }
  return std::nullopt;
}

std::string request_fingerprint(const Request& request) {
  std::string text(to_string(request.method));
  text += ' ';
  text += request.target;
  text += '\n';
  text += request.body_file ? file_digest(request.body_file->path()) : sha256_hex(request.body);
  return sha256_hex(text);
}

bool keeps_answer(const Response& response) {
  if (response.stream || response.socket) return false;
  if (response.status >= 500 || response.status == 401 || response.status == 403 ||
      response.status == 429) {
    return false;
  }
  return std::none_of(response.headers.begin(), response.headers.end(),
                      [](const auto& header) { return lower(header.first) == "set-cookie"; });
}

Response replay(const StoredAnswer& answer) {
  Response response;
  response.status = answer.status;
  response.content_type = answer.content_type;
  response.body = answer.body;
  response.headers = answer.headers;
  response.header("Idempotent-Replayed", "true");
  return response;
}

Error claim_error(IdempotencyStore::ClaimState state) {
  const std::string field(kIdempotencyHeader);
  switch (state) {
    case IdempotencyStore::ClaimState::kMismatch:
      return Error::unprocessable(
          "this Idempotency-Key was used for a different request (method, path or body); use a "
          "new key for a new request",
          field, "idempotency_key_reused");
    case IdempotencyStore::ClaimState::kAbandoned:
      return Error::conflict(
          "the first request with this Idempotency-Key stopped without an answer; check whether "
          "it took effect and send a new key",
          field, "idempotency_key_abandoned");
    default:
      return Error::conflict(
          "a request with this Idempotency-Key is still being processed; retry shortly", field,
          "idempotency_key_in_progress");
  }
}

}  // namespace ecrm::http
