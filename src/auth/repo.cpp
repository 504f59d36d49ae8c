#include "auth/repo.hpp"

#include <sstream>

#include "core/secret_box.hpp"

namespace ecrm::auth {

using storage::done;

using storage::kNull;
using storage::RowView;
using storage::Value;

namespace {

constexpr std::string_view kUserColumns =
    "id, email, name, role, disabled, created_at, updated_at, last_login_at";

constexpr std::string_view kCountUsers = "SELECT COUNT(*) FROM users";
constexpr std::string_view kCountAdmins =
    "SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = 0";
constexpr std::string_view kInsertUser =
    "INSERT INTO users (email, name, role, password_hash, disabled, created_at, updated_at) "
    "VALUES ($1, $2, $3, $4, 0, $5, $5) RETURNING id";
constexpr std::string_view kFindUserByEmail =
    "SELECT id, email, name, role, disabled, created_at, updated_at, last_login_at, password_hash "
    "FROM users WHERE email = $1";
constexpr std::string_view kFindUser =
    "SELECT id, email, name, role, disabled, created_at, updated_at, last_login_at "
    "FROM users WHERE id = $1";
constexpr std::string_view kListUsers =
    "SELECT id, email, name, role, disabled, created_at, updated_at, last_login_at "
    "FROM users WHERE id > $1 ORDER BY id LIMIT $2";
constexpr std::string_view kUpdateUser =
    "UPDATE users SET name = $2, role = $3, disabled = $4, updated_at = $5 WHERE id = $1";
constexpr std::string_view kUpdatePassword =
    "UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1";
constexpr std::string_view kSetLastLogin = "UPDATE users SET last_login_at = $2 WHERE id = $1";

constexpr std::string_view kInsertSession =
    "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at, ip, user_agent) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7)";
// The last column: whether the user's role asks for two-factor sign-in and they have not set it up.
constexpr std::string_view kFindSession =
    "SELECT s.id, s.user_id, s.csrf_token, s.expires_at, "
    "u.id, u.email, u.name, u.role, u.disabled, u.created_at, u.updated_at, u.last_login_at, "
    "CASE WHEN EXISTS (SELECT 1 FROM two_factor_roles r WHERE r.role = u.role) "
    "AND NOT EXISTS (SELECT 1 FROM user_totp t WHERE t.user_id = u.id "
    "AND t.confirmed_at IS NOT NULL) THEN 1 ELSE 0 END "
    "FROM sessions s JOIN users u ON u.id = s.user_id "
    "WHERE s.token_hash = $1 AND s.expires_at > $2";
constexpr std::string_view kDeleteSession = "DELETE FROM sessions WHERE token_hash = $1";
constexpr std::string_view kDeleteUserSessions = "DELETE FROM sessions WHERE user_id = $1";
constexpr std::string_view kDeleteExpiredSessions = "DELETE FROM sessions WHERE expires_at <= $1";

constexpr std::string_view kInsertApiKey =
    "INSERT INTO api_keys (user_id, name, prefix, key_hash, scopes, created_at) "
    "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
constexpr std::string_view kFindApiKey =
    "SELECT k.id, k.user_id, k.name, k.prefix, k.scopes, k.created_at, k.last_used_at, "
    "k.revoked_at, u.id, u.email, u.name, u.role, u.disabled, u.created_at, u.updated_at, "
    "u.last_login_at FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.key_hash = $1";
constexpr std::string_view kFindApiKeyById =
    "SELECT id, user_id, name, prefix, scopes, created_at, last_used_at, revoked_at "
    "FROM api_keys WHERE id = $1";
constexpr std::string_view kListApiKeys =
    "SELECT id, user_id, name, prefix, scopes, created_at, last_used_at, revoked_at "
    "FROM api_keys WHERE id > $1 AND ($2 = 0 OR user_id = $2) ORDER BY id LIMIT $3";
constexpr std::string_view kCountActiveApiKeys =
    "SELECT COUNT(*) FROM api_keys WHERE revoked_at IS NULL";
constexpr std::string_view kRevokeApiKey =
    "UPDATE api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL";
constexpr std::string_view kTouchApiKey = "UPDATE api_keys SET last_used_at = $2 WHERE id = $1";

constexpr std::string_view kInsertLoginFailure =
    "INSERT INTO login_failures (key, at) VALUES ($1, $2)";
constexpr std::string_view kCountLoginFailures =
    "SELECT COUNT(*) FROM login_failures WHERE key = $1 AND at > $2";
constexpr std::string_view kClearLoginFailures = "DELETE FROM login_failures WHERE key = $1";
constexpr std::string_view kPruneLoginFailures = "DELETE FROM login_failures WHERE at <= $1";

constexpr std::string_view kFindTotp =
    "SELECT secret, confirmed_at, last_step FROM user_totp WHERE user_id = $1";
constexpr std::string_view kUpsertTotp =
    "INSERT INTO user_totp (user_id, secret, created_at) VALUES ($1, $2, $3) "
    "ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, "
    "created_at = excluded.created_at, confirmed_at = NULL, last_step = 0";
constexpr std::string_view kConfirmTotp =
    "UPDATE user_totp SET confirmed_at = $2 WHERE user_id = $1";
constexpr std::string_view kUseTotpStep =
    "UPDATE user_totp SET last_step = $2 WHERE user_id = $1 AND last_step < $2";
constexpr std::string_view kDeleteTotp = "DELETE FROM user_totp WHERE user_id = $1";
constexpr std::string_view kDeleteRecoveryCodes =
    "DELETE FROM user_recovery_codes WHERE user_id = $1";
constexpr std::string_view kInsertRecoveryCode =
    "INSERT INTO user_recovery_codes (user_id, code_hash, created_at) VALUES ($1, $2, $3)";
constexpr std::string_view kUseRecoveryCode =
    "UPDATE user_recovery_codes SET used_at = $3 "
    "WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL";
constexpr std::string_view kCountRecoveryCodesLeft =
    "SELECT COUNT(*) FROM user_recovery_codes WHERE user_id = $1 AND used_at IS NULL";
constexpr std::string_view kListTwoFactorRoles = "SELECT role FROM two_factor_roles ORDER BY role";
constexpr std::string_view kDeleteTwoFactorRoles = "DELETE FROM two_factor_roles";
constexpr std::string_view kInsertTwoFactorRole =
    "INSERT INTO two_factor_roles (role, updated_at) VALUES ($1, $2)";
constexpr std::string_view kRoleRequiresTwoFactor =
    "SELECT COUNT(*) FROM two_factor_roles WHERE role = $1";
constexpr std::string_view kInsertChallenge =
    "INSERT INTO two_factor_challenges (token_hash, user_id, created_at, expires_at) "
    "VALUES ($1, $2, $3, $4)";
constexpr std::string_view kFindChallenge =
    "SELECT user_id FROM two_factor_challenges WHERE token_hash = $1 AND expires_at > $2";
constexpr std::string_view kDeleteChallenge =
    "DELETE FROM two_factor_challenges WHERE token_hash = $1";
constexpr std::string_view kDeleteExpiredChallenges =
    "DELETE FROM two_factor_challenges WHERE expires_at <= $1";

constexpr std::string_view kInsertAudit =
    "INSERT INTO audit_log (at, actor_type, actor_id, actor, action, entity, entity_id, status, "
    "ip, details) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
constexpr std::string_view kListAudit =
    "SELECT id, at, actor_type, actor_id, actor, action, entity, entity_id, status, ip, details "
    "FROM audit_log WHERE id < $1 ORDER BY id DESC LIMIT $2";

User read_user(const RowView& row, int first) {
  User user;
  user.id = row.get_int(first);
  user.email = row.get_string(first + 1);
  user.name = row.get_string(first + 2);
  user.role = wire::parse_enum<Role>(row.get_text(first + 3)).value_or(Role::kAnalyst);
  user.disabled = row.get_int(first + 4) != 0;
  user.created_at = row.get_int(first + 5);
  user.updated_at = row.get_int(first + 6);
  user.last_login_at = row.get_optional_int(first + 7);
  return user;
}

std::vector<std::string> split_scopes(std::string_view text) {
  std::vector<std::string> out;
  std::istringstream in{std::string(text)};
  std::string scope;
  while (in >> scope) out.push_back(scope);
  return out;
}

std::string join_scopes(const std::vector<std::string>& scopes) {
  std::string out;
  for (const auto& s : scopes) {
    if (!out.empty()) out += ' ';
    out += s;
  }
  return out;
}

ApiKey read_api_key(const RowView& row) {
  ApiKey key;
  key.id = row.get_int(0);
  key.user_id = row.get_int(1);
  key.name = row.get_string(2);
  key.prefix = row.get_string(3);
  key.scopes = split_scopes(row.get_text(4));
  key.created_at = row.get_int(5);
  key.last_used_at = row.get_optional_int(6);
  key.revoked_at = row.get_optional_int(7);
  return key;
}


Value optional_value(const std::optional<std::int64_t>& v) { return v ? Value(*v) : kNull; }

}  // namespace

Result<std::int64_t> AuthRepo::count_users(Connection& c) {
  ECRM_ASSIGN_OR_RETURN(auto n, c.query_int(kCountUsers));
  return n.value_or(0);
}

Result<std::int64_t> AuthRepo::count_admins(Connection& c) {
  ECRM_ASSIGN_OR_RETURN(auto n, c.query_int(kCountAdmins));
  return n.value_or(0);
}

Result<User> AuthRepo::insert_user(Connection& c, const User& user,
                                   const std::string& password_hash) {
  auto id = c.query_int(kInsertUser,
                        {user.email, user.name, std::string(wire::enum_name(user.role)),
                         password_hash, user.created_at});
  if (!id.ok()) {
    if (id.error().kind == ErrorKind::kConflict) {
      return Error::conflict("a user with e-mail " + user.email + " already exists", "email",
                             "email_taken");
    }
    return std::move(id).error();
  }
  User created = user;
  created.id = id->value_or(0);
  created.updated_at = user.created_at;
  return created;
}

Result<std::optional<UserWithHash>> AuthRepo::find_user_by_email(Connection& c,
                                                                  const std::string& email) {
  std::optional<UserWithHash> found;
  ECRM_RETURN_IF_ERROR(c.query(kFindUserByEmail, {email}, [&](const RowView& row) {
    found = UserWithHash{read_user(row, 0), row.get_string(8)};
  }));
  return found;
}

Result<std::optional<User>> AuthRepo::find_user(Connection& c, std::int64_t id) {
  std::optional<User> found;
  ECRM_RETURN_IF_ERROR(
      c.query(kFindUser, {id}, [&](const RowView& row) { found = read_user(row, 0); }));
  return found;
}

Result<std::vector<User>> AuthRepo::list_users(Connection& c, std::optional<std::int64_t> after,
                                               int limit) {
  std::vector<User> users;
  ECRM_RETURN_IF_ERROR(c.query(kListUsers, {after.value_or(0), std::int64_t{limit}},
                               [&](const RowView& row) { users.push_back(read_user(row, 0)); }));
  return users;
}

Status AuthRepo::update_user(Connection& c, const User& user) {
  return done(c.execute(kUpdateUser, {user.id, user.name, std::string(wire::enum_name(user.role)),
                                      std::int64_t{user.disabled ? 1 : 0}, user.updated_at}));
}

Status AuthRepo::update_password(Connection& c, std::int64_t user_id, const std::string& hash,
                                 UnixMs now) {
  return done(c.execute(kUpdatePassword, {user_id, hash, now}));
}

Status AuthRepo::set_last_login(Connection& c, std::int64_t user_id, UnixMs at) {
  return done(c.execute(kSetLastLogin, {user_id, at}));
}

Status AuthRepo::insert_session(Connection& c, const std::string& token_hash,
                                const Session& session, UnixMs now, const std::string& ip,
                                const std::string& user_agent) {
  return done(c.execute(kInsertSession, {token_hash, session.user_id, session.csrf_token, now,
                                         session.expires_at, ip, user_agent}));
}

Result<std::optional<std::pair<Session, User>>> AuthRepo::find_session(
    Connection& c, const std::string& token_hash, UnixMs now) {
  std::optional<std::pair<Session, User>> found;
  ECRM_RETURN_IF_ERROR(c.query(kFindSession, {token_hash, now}, [&](const RowView& row) {
    Session session;
    session.id = row.get_int(0);
    session.user_id = row.get_int(1);
    session.csrf_token = row.get_string(2);
    session.expires_at = row.get_int(3);
    session.two_factor_pending = row.get_int(12) != 0;
    found.emplace(std::move(session), read_user(row, 4));
  }));
  return found;
}

Status AuthRepo::delete_session(Connection& c, const std::string& token_hash) {
  return done(c.execute(kDeleteSession, {token_hash}));
}

Status AuthRepo::delete_user_sessions(Connection& c, std::int64_t user_id) {
  return done(c.execute(kDeleteUserSessions, {user_id}));
}

Status AuthRepo::delete_expired_sessions(Connection& c, UnixMs now) {
  return done(c.execute(kDeleteExpiredSessions, {now}));
}

Result<ApiKey> AuthRepo::insert_api_key(Connection& c, const ApiKey& key,
                                        const std::string& key_hash) {
  ECRM_ASSIGN_OR_RETURN(auto id, c.query_int(kInsertApiKey, {key.user_id, key.name, key.prefix,
                                                             key_hash, join_scopes(key.scopes),
                                                             key.created_at}));
  ApiKey created = key;
  created.id = id.value_or(0);
  return created;
}

Result<std::optional<std::pair<ApiKey, User>>> AuthRepo::find_api_key(
    Connection& c, const std::string& key_hash) {
  std::optional<std::pair<ApiKey, User>> found;
  ECRM_RETURN_IF_ERROR(c.query(kFindApiKey, {key_hash}, [&](const RowView& row) {
    found.emplace(read_api_key(row), read_user(row, 8));
  }));
  return found;
}

Result<std::optional<ApiKey>> AuthRepo::find_api_key_by_id(Connection& c, std::int64_t id) {
  std::optional<ApiKey> found;
  ECRM_RETURN_IF_ERROR(
      c.query(kFindApiKeyById, {id}, [&](const RowView& row) { found = read_api_key(row); }));
  return found;
}

Result<std::vector<ApiKey>> AuthRepo::list_api_keys(Connection& c,
                                                    std::optional<std::int64_t> user_id,
                                                    std::optional<std::int64_t> after, int limit) {
  std::vector<ApiKey> keys;
  ECRM_RETURN_IF_ERROR(
      c.query(kListApiKeys, {after.value_or(0), user_id.value_or(0), std::int64_t{limit}},
              [&](const RowView& row) { keys.push_back(read_api_key(row)); }));
  return keys;
}

Result<std::int64_t> AuthRepo::count_active_api_keys(Connection& c) {
  ECRM_ASSIGN_OR_RETURN(auto n, c.query_int(kCountActiveApiKeys));
  return n.value_or(0);
}

Status AuthRepo::revoke_api_key(Connection& c, std::int64_t id, UnixMs now) {
  return done(c.execute(kRevokeApiKey, {id, now}));
}

Status AuthRepo::touch_api_key(Connection& c, std::int64_t id, UnixMs now) {
  return done(c.execute(kTouchApiKey, {id, now}));
}

Status AuthRepo::insert_login_failure(Connection& c, const std::string& key, UnixMs at) {
  return done(c.execute(kInsertLoginFailure, {key, at}));
}

Result<std::int64_t> AuthRepo::count_login_failures(Connection& c, const std::string& key,
                                                    UnixMs since) {
  ECRM_ASSIGN_OR_RETURN(auto n, c.query_int(kCountLoginFailures, {key, since}));
  return n.value_or(0);
}

Status AuthRepo::clear_login_failures(Connection& c, const std::string& key) {
  return done(c.execute(kClearLoginFailures, {key}));
}

Status AuthRepo::prune_login_failures(Connection& c, UnixMs before) {
  return done(c.execute(kPruneLoginFailures, {before}));
}

Result<std::optional<TotpRecord>> AuthRepo::find_totp(Connection& c, std::int64_t user_id) {
  std::optional<TotpRecord> found;
  ECRM_RETURN_IF_ERROR(c.query(kFindTotp, {user_id}, [&](const RowView& row) {
    found = TotpRecord{row.get_string(0), row.get_optional_int(1), row.get_int(2)};
  }));
  if (found) {
    ECRM_ASSIGN_OR_RETURN(found->secret, open_secret(found->secret));
  }
  return found;
}

Status AuthRepo::upsert_totp(Connection& c, std::int64_t user_id, const std::string& secret,
                             UnixMs now) {
  return done(c.execute(kUpsertTotp, {user_id, seal_secret(secret), now}));
}

Status AuthRepo::confirm_totp(Connection& c, std::int64_t user_id, UnixMs now) {
  return done(c.execute(kConfirmTotp, {user_id, now}));
}

Result<bool> AuthRepo::use_totp_step(Connection& c, std::int64_t user_id, std::int64_t step) {
  ECRM_ASSIGN_OR_RETURN(auto changed, c.execute(kUseTotpStep, {user_id, step}));
  return changed == 1;
}

Status AuthRepo::delete_totp(Connection& c, std::int64_t user_id) {
  ECRM_RETURN_IF_ERROR(done(c.execute(kDeleteRecoveryCodes, {user_id})));
  return done(c.execute(kDeleteTotp, {user_id}));
}

Status AuthRepo::replace_recovery_codes(Connection& c, std::int64_t user_id,
                                        const std::vector<std::string>& code_hashes, UnixMs now) {
  ECRM_RETURN_IF_ERROR(done(c.execute(kDeleteRecoveryCodes, {user_id})));
  for (const auto& hash : code_hashes) {
    ECRM_RETURN_IF_ERROR(done(c.execute(kInsertRecoveryCode, {user_id, hash, now})));
  }
  return {};
}

Result<bool> AuthRepo::use_recovery_code(Connection& c, std::int64_t user_id,
                                         const std::string& code_hash, UnixMs now) {
  ECRM_ASSIGN_OR_RETURN(auto changed, c.execute(kUseRecoveryCode, {user_id, code_hash, now}));
  return changed == 1;
}

Result<std::int64_t> AuthRepo::count_recovery_codes_left(Connection& c, std::int64_t user_id) {
  ECRM_ASSIGN_OR_RETURN(auto n, c.query_int(kCountRecoveryCodesLeft, {user_id}));
  return n.value_or(0);
}

Result<std::vector<Role>> AuthRepo::list_two_factor_roles(Connection& c) {
  std::vector<Role> roles;
  ECRM_RETURN_IF_ERROR(c.query(kListTwoFactorRoles, {}, [&](const RowView& row) {
    if (auto role = wire::parse_enum<Role>(row.get_text(0))) roles.push_back(*role);
  }));
  return roles;
}

Status AuthRepo::replace_two_factor_roles(Connection& c, const std::vector<Role>& roles,
                                          UnixMs now) {
  ECRM_RETURN_IF_ERROR(done(c.execute(kDeleteTwoFactorRoles)));
  for (Role role : roles) {
    ECRM_RETURN_IF_ERROR(
        done(c.execute(kInsertTwoFactorRole, {std::string(wire::enum_name(role)), now})));
  }
  return {};
}

Result<bool> AuthRepo::role_requires_two_factor(Connection& c, Role role) {
  ECRM_ASSIGN_OR_RETURN(auto n,
                        c.query_int(kRoleRequiresTwoFactor, {std::string(wire::enum_name(role))}));
  return n.value_or(0) > 0;
}

Status AuthRepo::insert_challenge(Connection& c, const std::string& token_hash,
                                  std::int64_t user_id, UnixMs now, UnixMs expires_at) {
  return done(c.execute(kInsertChallenge, {token_hash, user_id, now, expires_at}));
}

Result<std::optional<std::int64_t>> AuthRepo::find_challenge(Connection& c,
                                                             const std::string& token_hash,
                                                             UnixMs now) {
  return c.query_int(kFindChallenge, {token_hash, now});
}

Status AuthRepo::delete_challenge(Connection& c, const std::string& token_hash) {
  return done(c.execute(kDeleteChallenge, {token_hash}));
}

Status AuthRepo::delete_expired_challenges(Connection& c, UnixMs now) {
  return done(c.execute(kDeleteExpiredChallenges, {now}));
}

Status AuthRepo::insert_audit(Connection& c, const AuditRecord& r) {
  return done(c.execute(kInsertAudit,
                        {r.at, r.actor_type, optional_value(r.actor_id), r.actor.value_or(""),
                         r.action, r.entity, r.entity_id, std::int64_t{r.status}, r.ip,
                         std::string(r.details)}));
}

Result<std::vector<AuditRecord>> AuthRepo::list_audit(Connection& c,
                                                      std::optional<std::int64_t> before,
                                                      int limit) {
  std::vector<AuditRecord> records;
  ECRM_RETURN_IF_ERROR(c.query(
      kListAudit, {before.value_or(INT64_MAX), std::int64_t{limit}}, [&](const RowView& row) {
        AuditRecord r;
        r.id = row.get_int(0);
        r.at = row.get_int(1);
        r.actor_type = row.get_string(2);
        r.actor_id = row.get_optional_int(3);
        if (auto actor = row.get_string(4); !actor.empty()) r.actor = std::move(actor);
        r.action = row.get_string(5);
        r.entity = row.get_string(6);
        r.entity_id = row.get_string(7);
        r.status = static_cast<int>(row.get_int(8));
        r.ip = row.get_string(9);
        r.details = row.get_string(10);
        records.push_back(std::move(r));
      }));
  return records;
}

}  // namespace ecrm::auth
