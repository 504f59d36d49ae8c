// Who is making a request, and the seams through which the HTTP layer asks the auth capability
// about it. The HTTP layer knows nothing of passwords or tables; src/auth implements these.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "http/request.hpp"

namespace ecrm::http {

// Whom a portal session speaks for: the self-service portals sign in parties outside the staff
// (a customer, or a partner organisation's user), each reaching only the routes of its own portal.
enum class PortalSubject { kCustomer, kPartner };
// "customer", "partner": how the subject kind is stored and shown.
std::string_view to_string(PortalSubject subject);
std::optional<PortalSubject> parse_portal_subject(std::string_view text);

struct Principal {
  enum class Kind { kAnonymous, kSession, kApiKey, kPortal };
  Kind kind = Kind::kAnonymous;
  std::int64_t user_id = 0;
  std::string email;
  std::string name;
  std::string role;                 // the staff role (shown; access is decided by scopes)
  std::int64_t session_id = 0;      // kSession, kPortal
  std::string csrf_token;           // kSession, kPortal
  std::int64_t api_key_id = 0;      // kApiKey; kPortal: a portal party's API key (no CSRF)
  std::string api_key_name;         // kApiKey, kPortal with api_key_id
  std::vector<std::string> scopes;  // what the caller may do (auth/access.hpp)
  PortalSubject subject = PortalSubject::kCustomer;  // kPortal: whom the session speaks for
  // kPortal: the customer's id, or the partner user's id (a session) or the partner's id (a
  // partner's API key, api_key_id set).
  std::int64_t subject_id = 0;

  bool authenticated() const { return kind != Kind::kAnonymous; }
  bool has_scope(const std::string& scope) const;
  // The name the audit log shows: the user's e-mail, "key:<name>" for an API key, or
  // "customer:<id>" or "partner:<user id>" for a portal session, "partner-key:<key id>" for a
  // partner's API key.
  std::string display() const;
};

class Authenticator {
 public:
  virtual ~Authenticator() = default;
  // Resolves the session cookie or `Authorization: Bearer` key of `request`. No credentials:
  // an anonymous principal. Credentials that are wrong, expired or revoked: kUnauthenticated.
  // May query the database (call it on a worker thread).
  virtual Result<Principal> authenticate(const Request& request) = 0;
  // The same answer from memory only; nullopt when answering would need the database.
  virtual std::optional<Result<Principal>> authenticate_cached(const Request& request) = 0;
  // Resolves only the portal session cookie of `request`, or a portal party's own API key
  // (never a staff cookie or a staff API key): how portal routes know their caller. No portal
  // credential: an anonymous principal; one that is wrong, expired, signed out or revoked:
  // kUnauthenticated. May query the database.
  virtual Result<Principal> authenticate_portal(const Request& request) {
    (void)request;
    return Principal{};
  }
};

struct AuditEntry {
  std::string action;     // "POST /api/v1/users/{id}"
  std::string entity;     // e.g. "user"
  std::string entity_id;
  int status = 0;
  std::string ip;
  std::string details;    // JSON object text
};

class AuditSink {
 public:
  virtual ~AuditSink() = default;
  // Records that `principal` did `entry`. Failures are logged, not returned: the action
  // already happened.
  virtual void record(const Principal& principal, const AuditEntry& entry) = 0;
};

}  // namespace ecrm::http
