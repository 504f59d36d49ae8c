// Idempotency-Key on POST: a client that retries a request with the same key gets the first
// answer again (status, body, headers such as Location) and nothing is written twice. The
// dispatcher applies it to every POST route; a key belongs to its caller (the staff user, the API
// key, the portal party, or on a public route the credential sent: an API key or a write key), so
// two callers never see each other's answers.
//
// How a request with a key runs: claim() inserts the key as "running" before the handler (the
// insert decides which of two simultaneous requests runs; the other waits briefly for the answer
// and else gets 409), the handler runs and commits its own writes, then complete() stores the
// answer. Answers a retry could change are not kept (5xx, 401, 403, 429, and any that sets a
// cookie or is streamed): release() deletes the key so that the retry runs. Crash window: a
// process that dies after the handler's commit and before complete() leaves the key "running";
// once that is older than kIdempotencyAbandonedAfterMs a retry gets 409
// `idempotency_key_abandoned` (the outcome of the first request is unknown: the client checks and
// uses a new key) rather than running the request a second time. Keys expire after 24 hours.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "core/time.hpp"
#include "http/principal.hpp"
#include "http/request.hpp"

namespace ecrm::storage {
class Database;
}

namespace ecrm::http {

struct Route;

inline constexpr std::string_view kIdempotencyHeader = "Idempotency-Key";
inline constexpr std::size_t kIdempotencyKeyMaxLength = 255;
inline constexpr UnixMs kIdempotencyKeyLifetimeMs = 24LL * 3600 * 1000;
inline constexpr UnixMs kIdempotencyAbandonedAfterMs = 5LL * 60 * 1000;

// An answer as stored for a key.
struct StoredAnswer {
  int status = 0;
  std::string content_type;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// Where keys and their answers are kept. Implementations are thread-safe.
class IdempotencyStore {
 public:
  enum class ClaimState {
    kClaimed,    // the key is new (or expired): the caller runs the request
    kDone,       // answered before: `answer` holds the first answer
    kRunning,    // the first request with the key has not answered yet
    kAbandoned,  // running for longer than kIdempotencyAbandonedAfterMs: its process died
    kMismatch,   // the key was used for another request (method, target or body)
  };
  struct Claim {
    ClaimState state = ClaimState::kClaimed;
    StoredAnswer answer;  // kDone
  };

  virtual ~IdempotencyStore() = default;
  // Claims `key` of `caller` for the request with `fingerprint` (see request_fingerprint), or
  // says why not. `method` and `target` are kept for inspection only. Errors: kUnavailable when
  // the database cannot be reached.
  virtual Result<Claim> claim(const std::string& caller, const std::string& key,
                              const std::string& fingerprint, std::string_view method,
                              std::string_view target, UnixMs now) = 0;
  // Stores the answer of a claimed key.
  virtual Status complete(const std::string& caller, const std::string& key,
                          const StoredAnswer& answer) = 0;
  // Forgets a claimed key that was not answered with a kept answer, so that a retry runs.
  virtual Status release(const std::string& caller, const std::string& key) = 0;
};

// The store on the application's database (table idempotency_keys, migration 0051). Keys older
// than kIdempotencyKeyLifetimeMs count as absent and are deleted by the claims themselves, at
// most once a minute per process.
class SqlIdempotencyStore : public IdempotencyStore {
 public:
  explicit SqlIdempotencyStore(storage::Database& db) : db_(db) {}
  Result<Claim> claim(const std::string& caller, const std::string& key,
                      const std::string& fingerprint, std::string_view method,
                      std::string_view target, UnixMs now) override;
  Status complete(const std::string& caller, const std::string& key,
                  const StoredAnswer& answer) override;
  Status release(const std::string& caller, const std::string& key) override;
  // Deletes keys created before `now` - kIdempotencyKeyLifetimeMs; returns how many.
  Result<std::int64_t> prune(UnixMs now);

 private:
  storage::Database& db_;
  std::atomic<UnixMs> last_prune_{0};
};

// True for the routes that accept the header (every POST route).
bool accepts_idempotency_key(const Route& route);

// The header's value: nullopt when absent; 400 `invalid_idempotency_key` naming the header when
// it is empty, longer than kIdempotencyKeyMaxLength or holds other characters than letters,
// digits and - _ . : ~ + / =.
Result<std::optional<std::string>> idempotency_key_of(const Request& request);

// Whom a key belongs to: the signed-in user, API key or portal party; on a public route the
// credential the request carries (Authorization, X-Ecrm-Key or ?key=), as a digest. nullopt
// for an anonymous request to a public route: the header is then ignored.
std::optional<std::string> idempotency_caller(const Route& route, const Request& request,
                                              const Principal& principal);

// SHA-256 (hex) of the request's method, target and body (a spooled body read from its file).
std::string request_fingerprint(const Request& request);

// Whether `response` is kept as the answer to its key (2xx, and 4xx but 401, 403 and 429; not
// one that sets a cookie, is streamed or opens a socket).
bool keeps_answer(const Response& response);

// The response for a key's stored answer, marked with `Idempotent-Replayed: true`.
Response replay(const StoredAnswer& answer);

// The error for a claim that may not run (kRunning, kAbandoned, kMismatch), naming the header.
Error claim_error(IdempotencyStore::ClaimState state);

}  // namespace ecrm::http
