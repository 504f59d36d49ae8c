// Sign-in for the self-service portals: e-mailed links and the sessions they open, for a portal
// principal (http::PortalSubject: a customer now, a partner later). Whose address an e-mail is,
// and sending the link, belong to the portal itself (src/portal); this part keeps the secrets.
//
// A link's token and a session's cookie value are random (256 bits) and stored only as SHA-256
// digests. A link is exchanged once (one conditional UPDATE, so two exchanges racing cannot
// both win) before it expires; the session it opens carries a CSRF token sent back with every
// write, like a staff session, under its own cookie name.
#pragma once

#include <cstdint>
#include <string>

#include "core/result.hpp"
#include "core/time.hpp"
#include "http/principal.hpp"
#include "storage/database.hpp"

namespace ecrm::auth {

inline constexpr const char* kPortalCookie = "ecrm_portal";

struct PortalAuthConfig {
  UnixMs link_ttl_ms = 15 * 60 * 1000;
  UnixMs session_ttl_ms = 7 * kMsPerDay;
  int max_requests_per_address = 5;  // sign-in requests within request_window_ms, then 429
  int max_requests_per_ip = 50;
  UnixMs request_window_ms = 15 * 60 * 1000;
};

// A portal principal: whom a link or a session speaks for.
struct PortalSubjectRef {
  http::PortalSubject kind = http::PortalSubject::kCustomer;
  std::int64_t id = 0;
};

// A session opened by a link.
struct PortalSessionOpened {
  PortalSubjectRef subject;
  std::string session_token;  // the cookie value; never stored
  std::string csrf_token;
  UnixMs expires_at = 0;
};

// The principal a session just opened speaks for: what resolve_session gives for its cookie
// (without the stored session id).
http::Principal portal_principal(const PortalSessionOpened& opened);

// The Set-Cookie value carrying a portal session for `max_age_s` seconds; an empty value and 0
// clear it (sign-out).
std::string portal_cookie(const std::string& value, std::int64_t max_age_s, bool secure);

// A portal party's API keys: bearer keys with a prefix of their own that a party's programs
// call the party's portal routes with (a partner's keys, /api/v1/portal/partner/…). The party's
// capability implements it and the composition root registers it with HttpAuthenticator; auth
// knows only the prefix. Such a key is no credential on any other route.
class PortalKeyResolver {
 public:
  virtual ~PortalKeyResolver() = default;
  // The prefix every key of this resolver starts with (e.g. "ecrm_pk_").
  virtual std::string_view key_prefix() const = 0;
  // The live key's principal: kind kPortal with api_key_id set. kUnauthenticated
  // `invalid_api_key` for an unknown or revoked key or a closed party. Answers from the database
  // every time, so a revocation takes effect at once.
  virtual Result<http::Principal> resolve_key(const std::string& key) = 0;
};

class PortalAuth {
 public:
  PortalAuth(storage::Database& db, PortalAuthConfig config = {});

  const PortalAuthConfig& config() const { return config_; }

  // Counts a sign-in request for `address` (lower-case) from `ip`; kRateLimited when either
  // has asked too often within the window (the request is then not counted). The same answer
  // whether or not the address belongs to anybody.
  Status note_sign_in_request(const std::string& address, const std::string& ip);

  // Stores a new link for `subject` on `c` (the caller's transaction, which also queues the
  // mail) and returns its token, valid for config().link_ttl_ms.
  Result<std::string> issue_link(storage::Connection& c, const PortalSubjectRef& subject,
                                 const std::string& ip);

  // Uses the link `token`: its subject. kInvalidArgument (field "token") with code
  // `invalid_link` for a token that was never issued, `link_expired` past its time; kConflict
  // `link_used` for one already exchanged.
  Result<PortalSubjectRef> redeem_link(const std::string& token);

  // Opens a session for `subject`.
  Result<PortalSessionOpened> open_session(const PortalSubjectRef& subject, const std::string& ip,
                                           const std::string& user_agent);

  // The live session for a cookie value, as a principal of kind kPortal; kUnauthenticated
  // `invalid_portal_session` when unknown, expired or ended.
  Result<http::Principal> resolve_session(const std::string& session_token);

  // Ends one session (sign-out), or every session of `subject` (after an erasure).
  Status end_session(const std::string& session_token);
  Status end_sessions_of(const PortalSubjectRef& subject);

  // Removes expired links and sessions and old sign-in requests.
  Status prune(UnixMs now);

 private:
  storage::Database& db_;
  PortalAuthConfig config_;
};

}  // namespace ecrm::auth
