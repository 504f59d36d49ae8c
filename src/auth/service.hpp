// Staff authentication and administration: users with roles, password log-in with rate limiting,
// sessions (cookie + CSRF token), API keys with scopes, and the audit log. Secrets (passwords,
// session tokens, API keys) are never stored: passwords as argon2id hashes, tokens and keys as
// SHA-256 digests. No HTTP here; see http_routes.cpp and authenticator.cpp.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "auth/model.hpp"
#include "auth/repo.hpp"
#include "storage/database.hpp"

namespace ecrm::auth {

struct AuthConfig {
  UnixMs session_ttl_ms = 14 * kMsPerDay;
  int max_failures_per_email = 5;   // within failure_window_ms, then 429
  int max_failures_per_ip = 30;
  UnixMs failure_window_ms = 15 * 60 * 1000;
  std::size_t min_password_length = 8;
};

struct UserInput {
  std::string email;
  std::optional<std::string> name;
  Role role = Role::kAnalyst;
  std::optional<std::string> password;  // generated when absent
};
ECRM_DESCRIBE(UserInput, email, name, role, password)
ECRM_WIRE_RULES(UserInput, rule(&UserInput::email, {.max_length = kMaxEmail}),
                rule(&UserInput::name, {.max_length = kMaxUserName}),
                rule(&UserInput::password, {.max_length = kMaxPassword}))

struct CreatedUser {
  User user;
  std::optional<std::string> password;  // the generated password, shown once
};
ECRM_DESCRIBE(CreatedUser, user, password)

struct LoginRequest {
  std::string email;
  std::string password;
};
ECRM_DESCRIBE(LoginRequest, email, password)
ECRM_WIRE_RULES(LoginRequest, rule(&LoginRequest::email, {.max_length = kMaxEmail}),
                rule(&LoginRequest::password, {.max_length = 1024}))

struct LoginResult {
  User user;
  std::string session_token;  // the cookie value; shown once (in the cookie only)
  std::string csrf_token;
  UnixMs expires_at = 0;
};
ECRM_DESCRIBE(LoginResult, user, csrf_token, expires_at)

struct UserChanges {
  std::optional<std::string> name;
  std::optional<Role> role;
  std::optional<bool> disabled;
  std::optional<std::string> password;
};
ECRM_DESCRIBE(UserChanges, name, role, disabled, password)
ECRM_WIRE_RULES(UserChanges, rule(&UserChanges::name, {.max_length = kMaxUserName}),
                rule(&UserChanges::password, {.max_length = kMaxPassword}))

// A user as changed.
struct UpdatedUser {
  User user;
};
ECRM_DESCRIBE(UpdatedUser, user)

inline constexpr std::size_t kMaxKeyName = 100;
inline constexpr std::size_t kMaxKeyScopes = 50;

struct ApiKeyInput {
  std::string name;
  std::vector<std::string> scopes;  // known scopes the creator's role holds; "*" for admins
};
ECRM_DESCRIBE(ApiKeyInput, name, scopes)
ECRM_WIRE_RULES(ApiKeyInput, rule(&ApiKeyInput::name, {.max_length = kMaxKeyName}),
                rule(&ApiKeyInput::scopes, {.max_length = kMaxKeyScopes}))

// A new key with its secret.
struct CreatedApiKey : ApiKey {
  std::string key;  // the whole key; shown once
};
ECRM_DESCRIBE_DERIVED(CreatedApiKey, ApiKey, key)

// The caller of an administrative operation, for permission checks.
struct Actor {
  std::int64_t user_id = 0;
  Role role = Role::kAnalyst;
};

class AuthService {
 public:
  AuthService(storage::Database& db, AuthConfig config = {});

  // Validates and creates a staff user. Errors: kInvalidArgument (email/password/name, naming
  // the field), kConflict `email_taken`.
  Result<CreatedUser> create_user(const UserInput& request);

  // Creates an admin when there are no users at all; returns it (with the generated password
  // when `password` is empty) or nullopt when users already exist.
  Result<std::optional<CreatedUser>> ensure_first_admin(const std::string& email,
                                                        const std::optional<std::string>& password);

  // Checks the password and opens a session. kUnauthenticated `invalid_credentials` for an
  // unknown e-mail, a wrong password or a disabled user (indistinguishable on purpose);
  // kRateLimited after too many recent failures for the e-mail or the IP address;
  // kInvalidArgument `required` for an empty e-mail or password.
  Result<LoginResult> login(const LoginRequest& request, const std::string& ip,
                            const std::string& user_agent);
  Status logout(const std::string& session_token);

  // The live session for a cookie value with its (enabled) user; kUnauthenticated otherwise.
  Result<std::pair<Session, User>> resolve_session(const std::string& session_token);
  // The live key with its (enabled) owner; kUnauthenticated for unknown or revoked keys.
  Result<std::pair<ApiKey, User>> resolve_api_key(const std::string& key);

  Result<std::vector<User>> list_users(std::optional<std::int64_t> after, int limit);
  Result<User> get_user(std::int64_t id);
  // Applies changes; refuses (kConflict) to leave the system without an enabled admin. A
  // disabled user or a new password ends the user's sessions.
  Result<User> update_user(const Actor& actor, std::int64_t id, const UserChanges& changes);

  // Creates a key for `actor` with `input.scopes`: kInvalidArgument (field scopes) for none or
  // an unknown one; kPermissionDenied `scope_not_allowed` for a scope the actor's role does not
  // hold ("*": admins only).
  Result<CreatedApiKey> create_api_key(const Actor& actor, const ApiKeyInput& input);
  // Admins see every key; others their own.
  Result<std::vector<ApiKey>> list_api_keys(const Actor& actor, std::optional<std::int64_t> after,
                                            int limit);
  // kNotFound when the key does not exist or (for non-admins) is not theirs.
  Status revoke_api_key(const Actor& actor, std::int64_t id);
  // Records use of a key (at most once a minute per key is worth writing).
  Status touch_api_key(std::int64_t id);

  Status record_audit(const AuditRecord& record);
  Result<std::vector<AuditRecord>> list_audit(std::optional<std::int64_t> before, int limit);

  struct Stats {
    std::int64_t users = 0;
    std::int64_t api_keys = 0;
  };
  Result<Stats> stats();

  // Removes expired sessions and old login failures.
  Status prune(UnixMs now);

 private:
  Status validate_password(const std::string& password) const;

  storage::Database& db_;
  AuthConfig config_;
  AuthRepo repo_;
  std::string dummy_hash_;  // verified against when the e-mail is unknown, to even out timing
};

// Lower-cases and checks an e-mail address; kInvalidArgument naming field "email".
Result<std::string> normalize_email(const std::string& email);

}  // namespace ecrm::auth
