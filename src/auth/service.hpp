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
  UnixMs two_factor_challenge_ttl_ms = 5 * 60 * 1000;  // from the password to the code
  std::string two_factor_issuer = "ecrm";               // the name authenticator apps show
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

// A signed-in session, or (two_factor_required) the password was right and the sign-in waits for
// a code: no session yet, csrf_token empty, and two_factor_token is sent with the code to
// POST /api/v1/auth/login/two-factor before expires_at.
struct LoginResult {
  User user;
  std::string session_token;  // the cookie value; shown once (in the cookie only)
  std::string csrf_token;
  UnixMs expires_at = 0;
  bool two_factor_required = false;
  std::optional<std::string> two_factor_token;
  // The session is open but the user's role asks for two-factor sign-in they have not set up:
  // only its enrolment (and /me, sign-out) is reachable until they do.
  bool two_factor_enrolment_required = false;
};
ECRM_DESCRIBE(LoginResult, user, csrf_token, expires_at, two_factor_required, two_factor_token,
              two_factor_enrolment_required)

inline constexpr std::size_t kMaxTwoFactorCode = 64;
inline constexpr int kRecoveryCodeCount = 10;

// The second step of a sign-in: the token from the first and a code of the authenticator app
// or an unused recovery code.
struct TwoFactorLogin {
  std::string token;
  std::string code;
};
ECRM_DESCRIBE(TwoFactorLogin, token, code)
ECRM_WIRE_RULES(TwoFactorLogin, rule(&TwoFactorLogin::token, {.max_length = 200}),
                rule(&TwoFactorLogin::code, {.max_length = kMaxTwoFactorCode}))

// The signed-in user's two-factor state.
struct TwoFactorStatus {
  bool enabled = false;             // a confirmed secret: sign-in asks for a code
  bool enrolment_started = false;   // a secret waits for its first code
  bool required = false;            // the user's role asks for it
  std::int64_t recovery_codes_left = 0;
};
ECRM_DESCRIBE(TwoFactorStatus, enabled, enrolment_started, required, recovery_codes_left)

// A new secret, for the authenticator app: as text and as the URI its QR code carries.
struct TwoFactorEnrolment {
  std::string secret;  // base32
  std::string otpauth_uri;
};
ECRM_DESCRIBE(TwoFactorEnrolment, secret, otpauth_uri)

// A code of the authenticator app.
struct TwoFactorCode {
  std::string code;
};
ECRM_DESCRIBE(TwoFactorCode, code)
ECRM_WIRE_RULES(TwoFactorCode, rule(&TwoFactorCode::code, {.max_length = kMaxTwoFactorCode}))

// Proof that the signed-in user is present: a current code or their password.
struct TwoFactorProof {
  std::optional<std::string> code;
  std::optional<std::string> password;
};
ECRM_DESCRIBE(TwoFactorProof, code, password)
ECRM_WIRE_RULES(TwoFactorProof, rule(&TwoFactorProof::code, {.max_length = kMaxTwoFactorCode}),
                rule(&TwoFactorProof::password, {.max_length = 1024}))

// Single-use recovery codes, shown once (stored as digests).
struct RecoveryCodes {
  std::vector<std::string> recovery_codes;
};
ECRM_DESCRIBE(RecoveryCodes, recovery_codes)

// The roles whose users must sign in with a second factor.
struct TwoFactorRoles {
  std::vector<Role> roles;
};
ECRM_DESCRIBE(TwoFactorRoles, roles)

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

  // Two-factor sign-in (two_factor.cpp). Wrong codes and passwords count as sign-in failures
  // of the user and the IP address: kRateLimited after as many as a password allows.
  //
  // The second step of a sign-in whose password was right: opens the session for a current,
  // not yet used code or an unused recovery code (used up). kUnauthenticated
  // `invalid_two_factor_token` for an unknown or expired token; kInvalidArgument (field code,
  // `invalid_code`) for a wrong code, (field token or code, `required`) for an empty one.
  Result<LoginResult> login_second_factor(const TwoFactorLogin& request, const std::string& ip,
                                          const std::string& user_agent);
  Result<TwoFactorStatus> two_factor_status(const Actor& actor);
  // A new secret for `actor` (replacing one not yet confirmed). kConflict `two_factor_enabled`
  // when one is confirmed already.
  Result<TwoFactorEnrolment> start_two_factor(const Actor& actor, const std::string& account);
  // Confirms the secret with its first code and returns new recovery codes. kConflict
  // `no_enrolment` without a started enrolment; kInvalidArgument (field code) for a wrong one.
  Result<RecoveryCodes> confirm_two_factor(const Actor& actor, const TwoFactorCode& request,
                                           const std::string& ip);
  // Removes the secret and recovery codes, given a current code or the password.
  // kInvalidArgument naming code or password when neither is right; kConflict
  // `two_factor_disabled` when it was not on.
  Status disable_two_factor(const Actor& actor, const TwoFactorProof& proof, const std::string& ip);
  // New recovery codes replacing the old ones, given a current code or the password.
  Result<RecoveryCodes> regenerate_recovery_codes(const Actor& actor, const TwoFactorProof& proof,
                                                  const std::string& ip);
  // An admin turns a user's two-factor sign-in off (a lost phone and lost recovery codes);
  // kNotFound for an unknown user.
  Status reset_two_factor(std::int64_t user_id);
  Result<TwoFactorRoles> two_factor_roles();
  Status set_two_factor_roles(const TwoFactorRoles& roles);

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
  // Opens a session for `user` (after every factor was checked).
  Result<LoginResult> open_session(const User& user, const std::string& email_key,
                                   const std::string& ip, const std::string& user_agent);
  // kRateLimited when `user_key` or the IP address failed too often lately.
  Status check_failures(const std::string& user_key, const std::string& ip);
  Status record_failure(const std::string& user_key, const std::string& ip);
  Status clear_failures(const std::string& user_key);
  // Accepts a current, unused code of the user's secret (confirmed or not, as asked); false for
  // a wrong or replayed one.
  Result<bool> accept_code(Connection& c, std::int64_t user_id, const std::string& code,
                           bool confirmed_only);
  // Checks a proof of presence (code or password) for `actor`, counting failures.
  Status check_proof(const Actor& actor, const TwoFactorProof& proof, const std::string& ip);
  // New recovery codes for `user_id`, stored as digests in `c`.
  Result<RecoveryCodes> new_recovery_codes(Connection& c, std::int64_t user_id);

  storage::Database& db_;
  AuthConfig config_;
  AuthRepo repo_;
  std::string dummy_hash_;  // verified against when the e-mail is unknown, to even out timing
};

// Lower-cases and checks an e-mail address; kInvalidArgument naming field "email".
Result<std::string> normalize_email(const std::string& email);

}  // namespace ecrm::auth
