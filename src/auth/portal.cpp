#include "auth/portal.hpp"

#include "core/crypto.hpp"

namespace ecrm::auth {

using storage::Connection;
using storage::done;
using storage::RowView;
using storage::TxMode;
using storage::with_transaction;

namespace {

constexpr std::string_view kCountAttempts =
    "SELECT COUNT(*) FROM portal_sign_in_attempts WHERE key = $1 AND at > $2";
constexpr std::string_view kInsertAttempt =
    "INSERT INTO portal_sign_in_attempts (key, at) VALUES ($1, $2)";
constexpr std::string_view kPruneAttempts = "DELETE FROM portal_sign_in_attempts WHERE at <= $1";

constexpr std::string_view kInsertLink =
    "INSERT INTO portal_links (token_hash, subject_kind, subject_id, created_at, expires_at, ip) "
    "VALUES ($1, $2, $3, $4, $5, $6)";
constexpr std::string_view kUseLink =
    "UPDATE portal_links SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL "
    "AND expires_at > $2 RETURNING subject_kind, subject_id";
constexpr std::string_view kFindLink =
    "SELECT used_at, expires_at FROM portal_links WHERE token_hash = $1";
constexpr std::string_view kPruneLinks = "DELETE FROM portal_links WHERE expires_at <= $1";

constexpr std::string_view kInsertSession =
    "INSERT INTO portal_sessions (token_hash, subject_kind, subject_id, csrf_token, created_at, "
    "expires_at, ip, user_agent) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
constexpr std::string_view kFindSession =
    "SELECT id, subject_kind, subject_id, csrf_token FROM portal_sessions "
    "WHERE token_hash = $1 AND expires_at > $2";
constexpr std::string_view kDeleteSession = "DELETE FROM portal_sessions WHERE token_hash = $1";
constexpr std::string_view kDeleteSubjectSessions =
    "DELETE FROM portal_sessions WHERE subject_kind = $1 AND subject_id = $2";
constexpr std::string_view kPruneSessions = "DELETE FROM portal_sessions WHERE expires_at <= $1";

Result<std::int64_t> count(Connection& c, const std::string& key, UnixMs since) {
  std::int64_t n = 0;
  ECRM_RETURN_IF_ERROR(
      c.query(kCountAttempts, {key, since}, [&](const RowView& row) { n = row.get_int(0); }));
  return n;
}

std::string kind_text(const PortalSubjectRef& subject) {
  return std::string(http::to_string(subject.kind));
}

}  // namespace

PortalAuth::PortalAuth(storage::Database& db, PortalAuthConfig config)
    : db_(db), config_(config) {}

Status PortalAuth::note_sign_in_request(const std::string& address, const std::string& ip) {
  const std::string address_key = "email:" + address;
  const std::string ip_key = "ip:" + ip;
  const UnixMs now = now_ms();
  return with_transaction(db_, TxMode::kWrite, [&](Connection& c) -> Status {
    const UnixMs since = now - config_.request_window_ms;
    ECRM_ASSIGN_OR_RETURN(auto by_address, count(c, address_key, since));
    ECRM_ASSIGN_OR_RETURN(auto by_ip, count(c, ip_key, since));
    if (by_address >= config_.max_requests_per_address || by_ip >= config_.max_requests_per_ip) {
      return Error::rate_limited("too many sign-in requests; try again in a few minutes");
    }
    ECRM_RETURN_IF_ERROR(done(c.execute(kInsertAttempt, {address_key, now})));
    return done(c.execute(kInsertAttempt, {ip_key, now}));
  });
}

Result<std::string> PortalAuth::issue_link(Connection& c, const PortalSubjectRef& subject,
                                           const std::string& ip) {
  std::string token = random_token(32);
  const UnixMs now = now_ms();
  ECRM_RETURN_IF_ERROR(done(c.execute(kInsertLink, {sha256_hex(token), kind_text(subject),
                                                    subject.id, now, now + config_.link_ttl_ms,
                                                    ip})));
  return token;
}

Result<PortalSubjectRef> PortalAuth::redeem_link(const std::string& token) {
  const Error forged = Error::invalid("this sign-in link is not valid; ask for a new one",
                                      "token", "invalid_link");
  if (token.empty() || token.size() > 200) return forged;
  const std::string digest = sha256_hex(token);
  const UnixMs now = now_ms();
  return with_transaction<PortalSubjectRef>(
      db_, TxMode::kWrite, [&](Connection& c) -> Result<PortalSubjectRef> {
        std::optional<PortalSubjectRef> used;
        std::string kind;
        ECRM_RETURN_IF_ERROR(c.query(kUseLink, {digest, now}, [&](const RowView& row) {
          kind = row.get_string(0);
          used = PortalSubjectRef{http::PortalSubject::kCustomer, row.get_int(1)};
        }));
        if (used) {
          auto parsed = http::parse_portal_subject(kind);
          if (!parsed) return forged;
          used->kind = *parsed;
          return *used;
        }
        bool known = false;
        bool was_used = false;
        ECRM_RETURN_IF_ERROR(c.query(kFindLink, {digest}, [&](const RowView& row) {
          known = true;
          was_used = !row.is_null(0);
        }));
        if (!known) return forged;
        if (was_used) {
          return Error::conflict("this sign-in link was used already; ask for a new one", "token",
                                 "link_used");
        }
        return Error::invalid("this sign-in link has expired; ask for a new one", "token",
                              "link_expired");
      });
}

Result<PortalSessionOpened> PortalAuth::open_session(const PortalSubjectRef& subject,
                                                     const std::string& ip,
                                                     const std::string& user_agent) {
  PortalSessionOpened opened;
  opened.subject = subject;
  opened.session_token = random_token(32);
  opened.csrf_token = random_token(24);
  const UnixMs now = now_ms();
  opened.expires_at = now + config_.session_ttl_ms;
  ECRM_RETURN_IF_ERROR(with_transaction(db_, TxMode::kWrite, [&](Connection& c) -> Status {
    return done(c.execute(kInsertSession,
                          {sha256_hex(opened.session_token), kind_text(subject), subject.id,
                           opened.csrf_token, now, opened.expires_at, ip, user_agent}));
  }));
  return opened;
}

http::Principal portal_principal(const PortalSessionOpened& opened) {
  http::Principal who;
  who.kind = http::Principal::Kind::kPortal;
  who.subject = opened.subject.kind;
  who.subject_id = opened.subject.id;
  who.csrf_token = opened.csrf_token;
  return who;
}

std::string portal_cookie(const std::string& value, std::int64_t max_age_s, bool secure) {
  std::string out = std::string(kPortalCookie) + "=" + value +
                    "; Path=/; HttpOnly; SameSite=Lax; Max-Age=" + std::to_string(max_age_s);
  if (secure) out += "; Secure";
  return out;
}

Result<http::Principal> PortalAuth::resolve_session(const std::string& session_token) {
  const Error ended = Error::unauthenticated(
      "portal session expired or signed out; sign in again", "invalid_portal_session");
  if (session_token.empty() || session_token.size() > 200) return ended;
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  std::optional<http::Principal> found;
  std::string kind;
  ECRM_RETURN_IF_ERROR(lease->query(kFindSession, {sha256_hex(session_token), now_ms()},
                                    [&](const RowView& row) {
                                      http::Principal p;
                                      p.kind = http::Principal::Kind::kPortal;
                                      p.session_id = row.get_int(0);
                                      kind = row.get_string(1);
                                      p.subject_id = row.get_int(2);
                                      p.csrf_token = row.get_string(3);
                                      found = std::move(p);
                                    }));
  if (!found) return ended;
  auto parsed = http::parse_portal_subject(kind);
  if (!parsed) return ended;
  found->subject = *parsed;
  return std::move(*found);
}

Status PortalAuth::end_session(const std::string& session_token) {
  return with_transaction(db_, TxMode::kWrite, [&](Connection& c) {
    return done(c.execute(kDeleteSession, {sha256_hex(session_token)}));
  });
}

Status PortalAuth::end_sessions_of(const PortalSubjectRef& subject) {
  return with_transaction(db_, TxMode::kWrite, [&](Connection& c) {
    return done(c.execute(kDeleteSubjectSessions, {kind_text(subject), subject.id}));
  });
}

Status PortalAuth::prune(UnixMs now) {
  return with_transaction(db_, TxMode::kWrite, [&](Connection& c) -> Status {
    ECRM_RETURN_IF_ERROR(done(c.execute(kPruneLinks, {now})));
    ECRM_RETURN_IF_ERROR(done(c.execute(kPruneSessions, {now})));
    return done(c.execute(kPruneAttempts, {now - config_.request_window_ms}));
  });
}

}  // namespace ecrm::auth
