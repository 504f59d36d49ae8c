// Two-factor sign-in for staff: TOTP enrolment, the second step of a sign-in, recovery codes and
// the roles that must use it (the AuthService methods declared under "Two-factor sign-in").
#include <sodium.h>

#include <algorithm>
#include <cctype>

#include "auth/service.hpp"
#include "auth/totp.hpp"
#include "core/crypto.hpp"
#include "storage/invalidation.hpp"

namespace ecrm::auth {

using storage::Connection;
using storage::TxMode;
using storage::with_transaction;

namespace {

constexpr std::size_t kRecoveryCodeLength = 10;  // base32 characters: 50 bits

std::string code_failure_key(std::int64_t user_id) {
  return "two_factor:" + std::to_string(user_id);
}

// Upper-case base32 characters only, so "abcde-fghij" and "ABCDEFGHIJ" are the same code.
std::string normalize_recovery_code(std::string_view code) {
  std::string out;
  for (char c : code) {
    if (c == '-' || c == ' ') continue;
    out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string recovery_code_hash(std::int64_t user_id, std::string_view normalized) {
  return sha256_hex("recovery:" + std::to_string(user_id) + ":" + std::string(normalized));
}

bool looks_like_totp(std::string_view code) {
  return code.size() == static_cast<std::size_t>(totp::kDigits) &&
         std::all_of(code.begin(), code.end(),
                     [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; });
}

std::string trimmed(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c != ' ' && c != '\t') out += c;
  }
  return out;
}

Error wrong_code() {
  return Error::invalid("the code is wrong or was used already", "code", "invalid_code");
}

}  // namespace

Status AuthService::check_failures(const std::string& user_key, const std::string& ip) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  UnixMs since = now_ms() - config_.failure_window_ms;
  ECRM_ASSIGN_OR_RETURN(auto by_user, repo_.count_login_failures(*lease, user_key, since));
  ECRM_ASSIGN_OR_RETURN(auto by_ip, repo_.count_login_failures(*lease, "ip:" + ip, since));
  if (by_user >= config_.max_failures_per_email || by_ip >= config_.max_failures_per_ip) {
    return Error::rate_limited("too many wrong codes; try again in a few minutes");
  }
  return {};
}

Status AuthService::record_failure(const std::string& user_key, const std::string& ip) {
  UnixMs now = now_ms();
  return with_transaction(db_, TxMode::kWrite, [&](Connection& c) -> Status {
    ECRM_RETURN_IF_ERROR(repo_.insert_login_failure(c, user_key, now));
    return repo_.insert_login_failure(c, "ip:" + ip, now);
  });
}

Status AuthService::clear_failures(const std::string& user_key) {
  return with_transaction(db_, TxMode::kWrite,
                          [&](Connection& c) { return repo_.clear_login_failures(c, user_key); });
}

Result<bool> AuthService::accept_code(Connection& c, std::int64_t user_id, const std::string& code,
                                      bool confirmed_only) {
  ECRM_ASSIGN_OR_RETURN(auto record, repo_.find_totp(c, user_id));
  if (!record || (confirmed_only && !record->confirmed_at)) return false;
  auto key = totp::base32_decode(record->secret);
  if (!key) return Error::internal("stored two-factor secret is not base32");
  auto step = totp::matching_step(*key, code, now_ms() / 1000);
  if (!step || *step <= record->last_step) return false;
  // The conditional update decides between two requests racing with the same code.
  return repo_.use_totp_step(c, user_id, *step);
}

Result<RecoveryCodes> AuthService::new_recovery_codes(Connection& c, std::int64_t user_id) {
  RecoveryCodes codes;
  std::vector<std::string> hashes;
  for (int i = 0; i < kRecoveryCodeCount; ++i) {
    std::string bytes(7, '\0');
    randombytes_buf(bytes.data(), bytes.size());
    std::string code = totp::base32_encode(bytes).substr(0, kRecoveryCodeLength);
    hashes.push_back(recovery_code_hash(user_id, code));
    codes.recovery_codes.push_back(code.substr(0, 5) + "-" + code.substr(5));
  }
  ECRM_RETURN_IF_ERROR(repo_.replace_recovery_codes(c, user_id, hashes, now_ms()));
  return codes;
}

Result<LoginResult> AuthService::login_second_factor(const TwoFactorLogin& request,
                                                     const std::string& ip,
                                                     const std::string& user_agent) {
  if (request.token.empty()) return Error::invalid("token is required", "token", "required");
  const std::string code = trimmed(request.code);
  if (code.empty()) return Error::invalid("code is required", "code", "required");
  const std::string token_hash = sha256_hex(request.token);
  std::optional<User> user;
  {
    ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
    ECRM_ASSIGN_OR_RETURN(auto user_id, repo_.find_challenge(*lease, token_hash, now_ms()));
    if (user_id) {
      ECRM_ASSIGN_OR_RETURN(user, repo_.find_user(*lease, *user_id));
    }
  }
  if (!user || user->disabled) {
    return Error::unauthenticated("the sign-in expired; enter your password again",
                                  "invalid_two_factor_token");
  }
  const std::string failure_key = code_failure_key(user->id);
  ECRM_RETURN_IF_ERROR(check_failures(failure_key, ip));
  auto accepted = with_transaction<bool>(db_, TxMode::kWrite, [&](Connection& c) -> Result<bool> {
    bool ok = false;
    if (looks_like_totp(code)) {
      ECRM_ASSIGN_OR_RETURN(ok, accept_code(c, user->id, code, true));
    } else {
      const std::string normalized = normalize_recovery_code(code);
      ECRM_ASSIGN_OR_RETURN(
          ok,
          repo_.use_recovery_code(c, user->id, recovery_code_hash(user->id, normalized), now_ms()));
    }
    if (ok) ECRM_RETURN_IF_ERROR(repo_.delete_challenge(c, token_hash));
    return ok;
  });
  if (!accepted.ok()) return std::move(accepted).error();
  if (!*accepted) {
    ECRM_RETURN_IF_ERROR(record_failure(failure_key, ip));
    return wrong_code();
  }
  ECRM_ASSIGN_OR_RETURN(auto result, open_session(*user, "email:" + user->email, ip, user_agent));
  ECRM_RETURN_IF_ERROR(clear_failures(failure_key));
  return result;
}

Result<TwoFactorStatus> AuthService::two_factor_status(const Actor& actor) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  TwoFactorStatus status;
  ECRM_ASSIGN_OR_RETURN(auto record, repo_.find_totp(*lease, actor.user_id));
  status.enabled = record && record->confirmed_at;
  status.enrolment_started = record && !record->confirmed_at;
  ECRM_ASSIGN_OR_RETURN(status.required, repo_.role_requires_two_factor(*lease, actor.role));
  if (status.enabled) {
    ECRM_ASSIGN_OR_RETURN(status.recovery_codes_left,
                          repo_.count_recovery_codes_left(*lease, actor.user_id));
  }
  return status;
}

Result<TwoFactorEnrolment> AuthService::start_two_factor(const Actor& actor,
                                                         const std::string& account) {
  const std::string secret = totp::base32_encode(totp::new_secret());
  auto stored = with_transaction(db_, TxMode::kWrite, [&](Connection& c) -> Status {
    ECRM_ASSIGN_OR_RETURN(auto record, repo_.find_totp(c, actor.user_id));
    if (record && record->confirmed_at) {
      return Error::conflict("two-factor sign-in is on already; turn it off first", "",
                             "two_factor_enabled");
    }
    return repo_.upsert_totp(c, actor.user_id, secret, now_ms());
  });
  if (!stored.ok()) return std::move(stored).error();
  return TwoFactorEnrolment{secret, totp::otpauth_uri(config_.two_factor_issuer, account, secret)};
}

Result<RecoveryCodes> AuthService::confirm_two_factor(const Actor& actor,
                                                      const TwoFactorCode& request,
                                                      const std::string& ip) {
  const std::string code = trimmed(request.code);
  if (code.empty()) return Error::invalid("code is required", "code", "required");
  if (!looks_like_totp(code)) {
    return Error::invalid("code must be the 6 digits the app shows", "code", "invalid_code");
  }
  const std::string failure_key = code_failure_key(actor.user_id);
  ECRM_RETURN_IF_ERROR(check_failures(failure_key, ip));
  struct Outcome {
    bool accepted = false;
    RecoveryCodes codes;
  };
  auto outcome =
      with_transaction<Outcome>(db_, TxMode::kWrite, [&](Connection& c) -> Result<Outcome> {
        ECRM_ASSIGN_OR_RETURN(auto record, repo_.find_totp(c, actor.user_id));
        if (!record) {
          return Error::conflict("start the enrolment first", "", "no_enrolment");
        }
        if (record->confirmed_at) {
          return Error::conflict("two-factor sign-in is on already", "", "two_factor_enabled");
        }
        Outcome out;
        ECRM_ASSIGN_OR_RETURN(out.accepted, accept_code(c, actor.user_id, code, false));
        if (!out.accepted) return out;
        ECRM_RETURN_IF_ERROR(repo_.confirm_totp(c, actor.user_id, now_ms()));
        // Other processes drop the user's sessions: one waiting for the enrolment is a full one
        // now.
        ECRM_RETURN_IF_ERROR(storage::publish_invalidation(c, storage::topics::kUser,
                                                           std::to_string(actor.user_id)));
        ECRM_ASSIGN_OR_RETURN(out.codes, new_recovery_codes(c, actor.user_id));
        return out;
      });
  if (!outcome.ok()) return std::move(outcome).error();
  if (!outcome->accepted) {
    ECRM_RETURN_IF_ERROR(record_failure(failure_key, ip));
    return wrong_code();
  }
  ECRM_RETURN_IF_ERROR(clear_failures(failure_key));
  return std::move(outcome->codes);
}

Status AuthService::check_proof(const Actor& actor, const TwoFactorProof& proof,
                                const std::string& ip) {
  const std::string code = trimmed(proof.code.value_or(""));
  const std::string password = proof.password.value_or("");
  if (code.empty() && password.empty()) {
    return Error::invalid("a current code or your password is required", "code", "required");
  }
  const std::string failure_key = code_failure_key(actor.user_id);
  ECRM_RETURN_IF_ERROR(check_failures(failure_key, ip));
  bool ok = false;
  if (!code.empty()) {
    auto accepted = with_transaction<bool>(db_, TxMode::kWrite, [&](Connection& c) {
      return accept_code(c, actor.user_id, code, true);
    });
    if (!accepted.ok()) return std::move(accepted).error();
    ok = *accepted;
  } else {
    std::optional<User> user;
    std::optional<UserWithHash> with_hash;
    {
      ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
      ECRM_ASSIGN_OR_RETURN(user, repo_.find_user(*lease, actor.user_id));
      if (user) {
        ECRM_ASSIGN_OR_RETURN(with_hash, repo_.find_user_by_email(*lease, user->email));
      }
    }
    ok = with_hash && verify_password(with_hash->password_hash, password);
  }
  if (!ok) {
    ECRM_RETURN_IF_ERROR(record_failure(failure_key, ip));
    if (!code.empty()) return wrong_code();
    return Error::invalid("the password is wrong", "password", "invalid_password");
  }
  return clear_failures(failure_key);
}

Status AuthService::disable_two_factor(const Actor& actor, const TwoFactorProof& proof,
                                       const std::string& ip) {
  {
    ECRM_ASSIGN_OR_RETURN(auto status, two_factor_status(actor));
    if (!status.enabled && !status.enrolment_started) {
      return Error::conflict("two-factor sign-in is off", "", "two_factor_disabled");
    }
  }
  ECRM_RETURN_IF_ERROR(check_proof(actor, proof, ip));
  return with_transaction(db_, TxMode::kWrite, [&](Connection& c) -> Status {
    ECRM_RETURN_IF_ERROR(repo_.delete_totp(c, actor.user_id));
    // A role that requires it limits the user's sessions again, in every process.
    return storage::publish_invalidation(c, storage::topics::kUser, std::to_string(actor.user_id));
  });
}

Result<RecoveryCodes> AuthService::regenerate_recovery_codes(const Actor& actor,
                                                             const TwoFactorProof& proof,
                                                             const std::string& ip) {
  {
    ECRM_ASSIGN_OR_RETURN(auto status, two_factor_status(actor));
    if (!status.enabled) {
      return Error::conflict("two-factor sign-in is off", "", "two_factor_disabled");
    }
  }
  ECRM_RETURN_IF_ERROR(check_proof(actor, proof, ip));
  return with_transaction<RecoveryCodes>(
      db_, TxMode::kWrite, [&](Connection& c) { return new_recovery_codes(c, actor.user_id); });
}

Status AuthService::reset_two_factor(std::int64_t user_id) {
  return with_transaction(db_, TxMode::kWrite, [&](Connection& c) -> Status {
    ECRM_ASSIGN_OR_RETURN(auto user, repo_.find_user(c, user_id));
    if (!user) return Error::not_found("no such user: " + std::to_string(user_id));
    ECRM_RETURN_IF_ERROR(repo_.delete_totp(c, user_id));
    return storage::publish_invalidation(c, storage::topics::kUser, std::to_string(user_id));
  });
}

Result<TwoFactorRoles> AuthService::two_factor_roles() {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto roles, repo_.list_two_factor_roles(*lease));
  return TwoFactorRoles{std::move(roles)};
}

Status AuthService::set_two_factor_roles(const TwoFactorRoles& request) {
  std::vector<Role> roles;
  for (Role role : request.roles) {
    if (std::find(roles.begin(), roles.end(), role) == roles.end()) roles.push_back(role);
  }
  return with_transaction(db_, TxMode::kWrite, [&](Connection& c) -> Status {
    ECRM_RETURN_IF_ERROR(repo_.replace_two_factor_roles(c, roles, now_ms()));
    // Every user's sessions may be limited or freed: every process drops every principal.
    return storage::publish_invalidation(c, storage::topics::kUser);
  });
}

}  // namespace ecrm::auth
