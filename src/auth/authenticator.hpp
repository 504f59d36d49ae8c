// Adapts AuthService to the HTTP layer: resolves session cookies and bearer keys into
// principals (with a short-lived in-memory cache so hot requests skip the database), and writes
// the audit log for every successful write.
#pragma once

#include <chrono>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "auth/portal.hpp"
#include "auth/service.hpp"
#include "http/principal.hpp"
#include "storage/invalidation.hpp"

namespace ecrm::auth {

inline constexpr const char* kSessionCookie = "ecrm_session";

class HttpAuthenticator final : public http::Authenticator, public http::AuditSink {
 public:
  // Entries are trusted from memory for `cache_ttl`; a change made through this process
  // (logout, revoke, disable) clears the cache at once, and other processes drop the entry when
  // its invalidation message arrives (follow()), or at the latest after the TTL.
  // `portal` resolves the portal cookie for portal routes (null: there is no portal).
  HttpAuthenticator(AuthService& service, std::chrono::milliseconds cache_ttl,
                    PortalAuth* portal = nullptr);

  Result<http::Principal> authenticate(const http::Request& request) override;
  std::optional<Result<http::Principal>> authenticate_cached(const http::Request& request) override;
  // The portal cookie only; never cached, so a sign-out or an erasure ends the session at once.
  Result<http::Principal> authenticate_portal(const http::Request& request) override;
  void record(const http::Principal& principal, const http::AuditEntry& entry) override;

  // Resolves bearer keys of `resolver`'s prefix on portal routes (and refuses them with 403
  // `portal_key_not_allowed` everywhere else). Called before serving; not thread-safe.
  void add_portal_keys(PortalKeyResolver& resolver);

  // Forgets every cached principal (after logout, key revocation, user changes); lookups that
  // started before it do not cache their answer.
  void invalidate();

  // Whether the session `session_id` belongs to a user who must still set up two-factor sign-in,
  // as the last resolution of it found (GET /me tells the UI).
  bool two_factor_pending(std::int64_t session_id);

  // Drops the entries named by messages of `bus`: topics::kSession (the token's hash),
  // topics::kApiKey (the key's id) and topics::kUser (every entry of that user). Call once,
  // before the bus delivers; the bus must not outlive this.
  void follow(storage::InvalidationBus& bus);

 private:
  struct Credential {
    enum class Kind { kNone, kSession, kApiKey } kind = Kind::kNone;
    std::string secret;
  };
  static Credential credential_of(const http::Request& request);
  // Drops the entries for which `matches(digest, principal)` holds (all when it is null) and
  // stops lookups in flight from caching their answer.
  void forget(const std::function<bool(const std::string&, const http::Principal&)>& matches);
  // The resolver whose prefix `key` has, or null.
  PortalKeyResolver* portal_keys_of(std::string_view key) const;

  struct CacheEntry {
    http::Principal principal;
    std::chrono::steady_clock::time_point expires;
    bool two_factor_pending = false;
  };
  // `principal` as `request` may use it: a session pending two-factor enrolment reaches only
  // auth/access.hpp's reachable_before_two_factor paths.
  static Result<http::Principal> gate(http::Principal principal, bool two_factor_pending,
                                      const http::Request& request);

  AuthService& service_;
  std::chrono::milliseconds cache_ttl_;
  PortalAuth* portal_;
  std::vector<PortalKeyResolver*> portal_keys_;
  std::shared_mutex mutex_;  // readers (every request) share it
  std::unordered_map<std::string, CacheEntry> cache_;           // secret digest -> principal
  // Counts invalidate() calls: a principal read from the database before the latest one is not
  // cached, so a change of role or a disabled user is never undone by a lookup in flight.
  std::uint64_t generation_ = 0;
  std::unordered_map<std::int64_t, UnixMs> key_last_touched_;   // API key id -> last write
  std::unordered_set<std::int64_t> two_factor_pending_;           // session ids
};

}  // namespace ecrm::auth
