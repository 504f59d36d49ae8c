// SQL for users, sessions, API keys, login failures and the audit log. Every statement is a named
// constant in repo.cpp; every method takes the connection to run on, so callers choose the
// transaction.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "auth/model.hpp"
#include "core/result.hpp"
#include "storage/database.hpp"

namespace ecrm::auth {

using storage::Connection;

struct UserWithHash {
  User user;
  std::string password_hash;
};

// A user's TOTP secret (base32) and the last step a code of it was accepted for.
struct TotpRecord {
  std::string secret;
  std::optional<UnixMs> confirmed_at;
  std::int64_t last_step = 0;
};

class AuthRepo {
 public:
  Result<std::int64_t> count_users(Connection& c);
  Result<std::int64_t> count_admins(Connection& c);
  // kConflict (code email_taken) when the e-mail is in use.
  Result<User> insert_user(Connection& c, const User& user, const std::string& password_hash);
  Result<std::optional<UserWithHash>> find_user_by_email(Connection& c, const std::string& email);
  Result<std::optional<User>> find_user(Connection& c, std::int64_t id);
  // Users with id > after, ascending, at most `limit`.
  Result<std::vector<User>> list_users(Connection& c, std::optional<std::int64_t> after, int limit);
  Status update_user(Connection& c, const User& user);
  Status update_password(Connection& c, std::int64_t user_id, const std::string& hash, UnixMs now);
  Status set_last_login(Connection& c, std::int64_t user_id, UnixMs at);

  Status insert_session(Connection& c, const std::string& token_hash, const Session& session,
                        UnixMs now, const std::string& ip, const std::string& user_agent);
  // The live (unexpired) session for a token hash, with its user.
  Result<std::optional<std::pair<Session, User>>> find_session(Connection& c,
                                                                const std::string& token_hash,
                                                                UnixMs now);
  Status delete_session(Connection& c, const std::string& token_hash);
  Status delete_user_sessions(Connection& c, std::int64_t user_id);
  Status delete_expired_sessions(Connection& c, UnixMs now);

  Result<ApiKey> insert_api_key(Connection& c, const ApiKey& key, const std::string& key_hash);
  Result<std::optional<std::pair<ApiKey, User>>> find_api_key(Connection& c,
                                                               const std::string& key_hash);
  Result<std::optional<ApiKey>> find_api_key_by_id(Connection& c, std::int64_t id);
  // All keys (user_id == nullopt) or one user's, id > after, ascending.
  Result<std::vector<ApiKey>> list_api_keys(Connection& c, std::optional<std::int64_t> user_id,
                                            std::optional<std::int64_t> after, int limit);
  Result<std::int64_t> count_active_api_keys(Connection& c);
  Status revoke_api_key(Connection& c, std::int64_t id, UnixMs now);
  Status touch_api_key(Connection& c, std::int64_t id, UnixMs now);

  Status insert_login_failure(Connection& c, const std::string& key, UnixMs at);
  Result<std::int64_t> count_login_failures(Connection& c, const std::string& key, UnixMs since);
  Status clear_login_failures(Connection& c, const std::string& key);
  Status prune_login_failures(Connection& c, UnixMs before);

  // Two-factor sign-in. The secret replaces any unconfirmed one; confirming keeps `last_step`.
  Result<std::optional<TotpRecord>> find_totp(Connection& c, std::int64_t user_id);
  Status upsert_totp(Connection& c, std::int64_t user_id, const std::string& secret, UnixMs now);
  Status confirm_totp(Connection& c, std::int64_t user_id, UnixMs now);
  // Records `step` as used; false when a step at or after it was already used (a replay).
  Result<bool> use_totp_step(Connection& c, std::int64_t user_id, std::int64_t step);
  // Removes the secret and the recovery codes.
  Status delete_totp(Connection& c, std::int64_t user_id);
  // Replaces the user's recovery codes with `code_hashes`.
  Status replace_recovery_codes(Connection& c, std::int64_t user_id,
                                const std::vector<std::string>& code_hashes, UnixMs now);
  // Marks an unused code used; false when there is no such unused code.
  Result<bool> use_recovery_code(Connection& c, std::int64_t user_id,
                                 const std::string& code_hash, UnixMs now);
  Result<std::int64_t> count_recovery_codes_left(Connection& c, std::int64_t user_id);
  Result<std::vector<Role>> list_two_factor_roles(Connection& c);
  Status replace_two_factor_roles(Connection& c, const std::vector<Role>& roles, UnixMs now);
  Result<bool> role_requires_two_factor(Connection& c, Role role);
  Status insert_challenge(Connection& c, const std::string& token_hash, std::int64_t user_id,
                          UnixMs now, UnixMs expires_at);
  // The user of a live challenge, or nullopt.
  Result<std::optional<std::int64_t>> find_challenge(Connection& c, const std::string& token_hash,
                                                     UnixMs now);
  Status delete_challenge(Connection& c, const std::string& token_hash);
  Status delete_expired_challenges(Connection& c, UnixMs now);

  Status insert_audit(Connection& c, const AuditRecord& record);
  // Newest first: records with id < before (all when nullopt), at most `limit`.
  Result<std::vector<AuditRecord>> list_audit(Connection& c, std::optional<std::int64_t> before,
                                              int limit);
};

}  // namespace ecrm::auth
