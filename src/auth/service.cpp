#include "auth/service.hpp"

#include <algorithm>
#include <cctype>

#include "auth/access.hpp"
#include "core/crypto.hpp"
#include "storage/invalidation.hpp"

namespace ecrm::auth {

using storage::Connection;
using storage::TxMode;
using storage::with_transaction;

namespace {
constexpr std::string_view kKeyPrefix = "ek_";
constexpr std::size_t kShownPrefixLength = 7;

}  // namespace

Result<std::string> normalize_email(const std::string& email) {
  std::string out;
  out.reserve(email.size());
  for (char c : email) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  while (!out.empty() && out.back() == ' ') out.pop_back();
  while (!out.empty() && out.front() == ' ') out.erase(out.begin());
  auto at = out.find('@');
  if (out.empty() || out.size() > 254 || at == std::string::npos || at == 0 ||
      at == out.size() - 1 || out.find('@', at + 1) != std::string::npos ||
      out.find_first_of(" \t\r\n,;<>\"") != std::string::npos) {
    return Error::invalid("email must be a valid e-mail address", "email");
  }
  return out;
}

AuthService::AuthService(storage::Database& db, AuthConfig config)
    : db_(db), config_(config), dummy_hash_(hash_password(random_token(16))) {}

Status AuthService::validate_password(const std::string& password) const {
  if (password.size() < config_.min_password_length || password.size() > 256) {
    return Error::invalid("password must be " + std::to_string(config_.min_password_length) +
                              " to 256 characters long",
                          "password", "weak_password");
  }
  return {};
}

Result<CreatedUser> AuthService::create_user(const UserInput& request) {
  ECRM_ASSIGN_OR_RETURN(std::string email, normalize_email(request.email));
  std::string name = request.name.value_or("");
  if (name.size() > kMaxUserName) return Error::invalid("name is too long", "name");
  CreatedUser created;
  std::string password;
  if (request.password) {
    ECRM_RETURN_IF_ERROR(validate_password(*request.password));
    password = *request.password;
  } else {
    password = random_token(12);
    created.password = password;
  }
  std::string hash = hash_password(password);  // slow on purpose: outside the transaction
  User user;
  user.email = email;
  user.name = std::move(name);
  user.role = request.role;
  user.created_at = now_ms();
  auto inserted = with_transaction<User>(db_, TxMode::kWrite, [&](Connection& c) {
    return repo_.insert_user(c, user, hash);
  });
  if (!inserted.ok()) return std::move(inserted).error();
  created.user = std::move(inserted).value();
  return created;
}

Result<std::optional<CreatedUser>> AuthService::ensure_first_admin(
    const std::string& email, const std::optional<std::string>& password) {
  {
    ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
    ECRM_ASSIGN_OR_RETURN(auto users, repo_.count_users(*lease));
    if (users > 0) return std::optional<CreatedUser>{};
  }
  UserInput request{email, "Administrator", Role::kAdmin, password};
  auto created = create_user(request);
  if (!created.ok()) {
    // Another process may have created the first user meanwhile.
    if (created.error().kind == ErrorKind::kConflict) return std::optional<CreatedUser>{};
    return std::move(created).error();
  }
  return std::optional<CreatedUser>(std::move(created).value());
}

Result<LoginResult> AuthService::login(const LoginRequest& request, const std::string& ip,
                                       const std::string& user_agent) {
  if (request.email.empty()) return Error::invalid("email is required", "email", "required");
  if (request.password.empty()) {
    return Error::invalid("password is required", "password", "required");
  }
  const std::string& password = request.password;
  auto email = normalize_email(request.email);
  if (!email.ok()) return Error::unauthenticated("wrong e-mail or password", "invalid_credentials");
  const std::string email_key = "email:" + *email;
  const std::string ip_key = "ip:" + ip;
  UnixMs now = now_ms();

  std::optional<UserWithHash> found;
  {
    ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
    UnixMs since = now - config_.failure_window_ms;
    ECRM_ASSIGN_OR_RETURN(auto by_email, repo_.count_login_failures(*lease, email_key, since));
    ECRM_ASSIGN_OR_RETURN(auto by_ip, repo_.count_login_failures(*lease, ip_key, since));
    if (by_email >= config_.max_failures_per_email || by_ip >= config_.max_failures_per_ip) {
      return Error::rate_limited("too many failed sign-in attempts; try again in a few minutes");
    }
    ECRM_ASSIGN_OR_RETURN(found, repo_.find_user_by_email(*lease, *email));
  }

  bool valid = found ? verify_password(found->password_hash, password)
                     : (verify_password(dummy_hash_, password), false);
  if (!valid || found->user.disabled) {
    auto recorded = with_transaction(db_, TxMode::kWrite, [&](Connection& c) -> Status {
      ECRM_RETURN_IF_ERROR(repo_.insert_login_failure(c, email_key, now));
      return repo_.insert_login_failure(c, ip_key, now);
    });
    if (!recorded.ok()) return std::move(recorded).error();
    return Error::unauthenticated("wrong e-mail or password", "invalid_credentials");
  }

  // A confirmed second factor: the password alone opens no session.
  std::optional<TotpRecord> totp;
  bool must_enrol = false;
  {
    ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
    ECRM_ASSIGN_OR_RETURN(totp, repo_.find_totp(*lease, found->user.id));
    if (!totp || !totp->confirmed_at) {
      ECRM_ASSIGN_OR_RETURN(must_enrol, repo_.role_requires_two_factor(*lease, found->user.role));
    }
  }
  if (totp && totp->confirmed_at) {
    LoginResult pending;
    pending.user = found->user;
    pending.two_factor_required = true;
    pending.two_factor_token = random_token(32);
    pending.expires_at = now + config_.two_factor_challenge_ttl_ms;
    auto stored = with_transaction(db_, TxMode::kWrite, [&](Connection& c) -> Status {
      return repo_.insert_challenge(c, sha256_hex(*pending.two_factor_token), found->user.id, now,
                                    pending.expires_at);
    });
    if (!stored.ok()) return std::move(stored).error();
    return pending;
  }
  ECRM_ASSIGN_OR_RETURN(auto result, open_session(found->user, email_key, ip, user_agent));
  result.two_factor_enrolment_required = must_enrol;
  return result;
}

Result<LoginResult> AuthService::open_session(const User& user, const std::string& email_key,
                                              const std::string& ip,
                                              const std::string& user_agent) {
  UnixMs now = now_ms();
  LoginResult result;
  result.user = user;
  result.user.last_login_at = now;
  result.session_token = random_token(32);
  result.csrf_token = random_token(24);
  result.expires_at = now + config_.session_ttl_ms;
  Session session{0, user.id, result.csrf_token, result.expires_at};
  auto opened = with_transaction(db_, TxMode::kWrite, [&](Connection& c) -> Status {
    ECRM_RETURN_IF_ERROR(
        repo_.insert_session(c, sha256_hex(result.session_token), session, now, ip, user_agent));
    ECRM_RETURN_IF_ERROR(repo_.set_last_login(c, user.id, now));
    return repo_.clear_login_failures(c, email_key);
  });
  if (!opened.ok()) return std::move(opened).error();
  return result;
}

Status AuthService::logout(const std::string& session_token) {
  std::string token_hash = sha256_hex(session_token);
  return with_transaction(db_, TxMode::kWrite, [&](Connection& c) -> Status {
    ECRM_RETURN_IF_ERROR(repo_.delete_session(c, token_hash));
    return storage::publish_invalidation(c, storage::topics::kSession, token_hash);
  });
}

Result<std::pair<Session, User>> AuthService::resolve_session(const std::string& session_token) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto found, repo_.find_session(*lease, sha256_hex(session_token), now_ms()));
  if (!found || found->second.disabled) {
    return Error::unauthenticated("session expired or signed out; sign in again",
                                  "invalid_session");
  }
  return std::move(*found);
}

Result<std::pair<ApiKey, User>> AuthService::resolve_api_key(const std::string& key) {
  if (key.rfind(kKeyPrefix, 0) != 0) {
    return Error::unauthenticated("malformed API key", "invalid_api_key");
  }
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto found, repo_.find_api_key(*lease, sha256_hex(key)));
  if (!found || found->first.revoked_at || found->second.disabled) {
    return Error::unauthenticated("unknown or revoked API key", "invalid_api_key");
  }
  return std::move(*found);
}

Result<std::vector<User>> AuthService::list_users(std::optional<std::int64_t> after, int limit) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return repo_.list_users(*lease, after, limit);
}

Result<User> AuthService::get_user(std::int64_t id) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto user, repo_.find_user(*lease, id));
  if (!user) return Error::not_found("no such user: " + std::to_string(id));
  return *user;
}

Result<User> AuthService::update_user(const Actor& actor, std::int64_t id,
                                      const UserChanges& changes) {
  if (changes.name && changes.name->size() > kMaxUserName) {
    return Error::invalid("name is too long", "name");
  }
  std::optional<std::string> new_hash;
  if (changes.password) {
    ECRM_RETURN_IF_ERROR(validate_password(*changes.password));
    new_hash = hash_password(*changes.password);
  }
  return with_transaction<User>(db_, TxMode::kWrite, [&](Connection& c) -> Result<User> {
    ECRM_ASSIGN_OR_RETURN(auto current, repo_.find_user(c, id));
    if (!current) return Error::not_found("no such user: " + std::to_string(id));
    User user = *current;
    if (changes.name) user.name = *changes.name;
    if (changes.role) user.role = *changes.role;
    if (changes.disabled) user.disabled = *changes.disabled;
    bool was_active_admin = current->role == Role::kAdmin && !current->disabled;
    bool is_active_admin = user.role == Role::kAdmin && !user.disabled;
    if (was_active_admin && !is_active_admin) {
      ECRM_ASSIGN_OR_RETURN(auto admins, repo_.count_admins(c));
      if (admins <= 1) {
        return Error::conflict("the last enabled admin cannot be disabled or demoted",
                               changes.disabled ? "disabled" : "role", "last_admin");
      }
    }
    if (actor.user_id == id && changes.disabled.value_or(false)) {
      return Error::conflict("you cannot disable yourself", "disabled", "self_disable");
    }
    user.updated_at = now_ms();
    ECRM_RETURN_IF_ERROR(repo_.update_user(c, user));
    if (new_hash) ECRM_RETURN_IF_ERROR(repo_.update_password(c, id, *new_hash, user.updated_at));
    if (user.disabled || new_hash) ECRM_RETURN_IF_ERROR(repo_.delete_user_sessions(c, id));
    // Other processes keep this user's sessions and keys with the old role and state.
    ECRM_RETURN_IF_ERROR(
        storage::publish_invalidation(c, storage::topics::kUser, std::to_string(id)));
    return user;
  });
}

Result<CreatedApiKey> AuthService::create_api_key(const Actor& actor, const ApiKeyInput& input) {
  if (input.name.empty() || input.name.size() > kMaxKeyName) {
    return Error::invalid("name must be 1 to 100 characters", "name");
  }
  if (input.scopes.empty()) return Error::invalid("scopes must name at least one scope", "scopes");
  std::vector<std::string> unique;
  for (const auto& scope : input.scopes) {
    if (!is_known_scope(scope)) return Error::invalid("unknown scope '" + scope + "'", "scopes");
    // A key never grants more than its owner's role holds ("*" is everything: admins only).
    bool allowed = scope == kAllScopes ? actor.role == Role::kAdmin : role_has_scope(actor.role, scope);
    if (!allowed) {
      return Error::forbidden("your role does not hold scope '" + scope + "'", "scope_not_allowed");
    }
    if (std::find(unique.begin(), unique.end(), scope) == unique.end()) unique.push_back(scope);
  }
  std::string secret = std::string(kKeyPrefix) + random_token(30);
  ApiKey key;
  key.user_id = actor.user_id;
  key.name = input.name;
  key.prefix = secret.substr(0, kShownPrefixLength);
  key.scopes = std::move(unique);
  key.created_at = now_ms();
  auto inserted = with_transaction<ApiKey>(db_, TxMode::kWrite, [&](Connection& c) {
    return repo_.insert_api_key(c, key, sha256_hex(secret));
  });
  if (!inserted.ok()) return std::move(inserted).error();
  return CreatedApiKey{std::move(inserted).value(), std::move(secret)};
}

Result<std::vector<ApiKey>> AuthService::list_api_keys(const Actor& actor,
                                                       std::optional<std::int64_t> after,
                                                       int limit) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  std::optional<std::int64_t> owner;
  if (actor.role != Role::kAdmin) owner = actor.user_id;
  return repo_.list_api_keys(*lease, owner, after, limit);
}

Status AuthService::revoke_api_key(const Actor& actor, std::int64_t id) {
  return with_transaction(db_, TxMode::kWrite, [&](Connection& c) -> Status {
    ECRM_ASSIGN_OR_RETURN(auto key, repo_.find_api_key_by_id(c, id));
    if (!key || (actor.role != Role::kAdmin && key->user_id != actor.user_id)) {
      return Error::not_found("no such API key: " + std::to_string(id));
    }
    ECRM_RETURN_IF_ERROR(repo_.revoke_api_key(c, id, now_ms()));
    return storage::publish_invalidation(c, storage::topics::kApiKey, std::to_string(id));
  });
}

Status AuthService::touch_api_key(std::int64_t id) {
  return with_transaction(db_, TxMode::kWrite,
                          [&](Connection& c) { return repo_.touch_api_key(c, id, now_ms()); });
}

Status AuthService::record_audit(const AuditRecord& record) {
  return with_transaction(db_, TxMode::kWrite,
                          [&](Connection& c) { return repo_.insert_audit(c, record); });
}

Result<std::vector<AuditRecord>> AuthService::list_audit(std::optional<std::int64_t> before,
                                                         int limit) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return repo_.list_audit(*lease, before, limit);
}

Result<AuthService::Stats> AuthService::stats() {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  Stats stats;
  ECRM_ASSIGN_OR_RETURN(stats.users, repo_.count_users(*lease));
  ECRM_ASSIGN_OR_RETURN(stats.api_keys, repo_.count_active_api_keys(*lease));
  return stats;
}

Status AuthService::prune(UnixMs now) {
  return with_transaction(db_, TxMode::kWrite, [&](Connection& c) -> Status {
    ECRM_RETURN_IF_ERROR(repo_.delete_expired_sessions(c, now));
    ECRM_RETURN_IF_ERROR(repo_.delete_expired_challenges(c, now));
    return repo_.prune_login_failures(c, now - config_.failure_window_ms);
  });
}

}  // namespace ecrm::auth
