// Who is making a request, and the seams through which the HTTP layer asks the auth capability
// about it. The HTTP layer knows nothing of passwords or tables; src/auth implements these.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "http/request.hpp"

namespace ecrm::http {

struct Principal {
  enum class Kind { kAnonymous, kSession, kApiKey };
  Kind kind = Kind::kAnonymous;
  std::int64_t user_id = 0;
  std::string email;
  std::string name;
  std::string role;                 // the staff role (shown; access is decided by scopes)
  std::int64_t session_id = 0;      // kSession
  std::string csrf_token;           // kSession
  std::int64_t api_key_id = 0;      // kApiKey
  std::string api_key_name;         // kApiKey
  std::vector<std::string> scopes;  // what the caller may do (auth/access.hpp)

  bool authenticated() const { return kind != Kind::kAnonymous; }
  bool has_scope(const std::string& scope) const;
  // The name the audit log shows: the user's e-mail, or "key:<name>" for an API key.
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
