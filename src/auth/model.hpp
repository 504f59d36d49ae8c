// Staff users, sessions, API keys and audit records as plain values. The types that cross the
// API are described here (core/describe.hpp); members left out of a description are internal.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/describe.hpp"
#include "core/time.hpp"

namespace ecrm::auth {

// A staff role; what each may do is the access table (auth/access.hpp).
enum class Role { kAdmin, kMarketing, kSales, kService, kAnalyst };
ECRM_DESCRIBE_ENUM(Role, kAdmin, kMarketing, kSales, kService, kAnalyst)
const std::vector<Role>& all_roles();

inline constexpr std::size_t kMaxEmail = 320;
inline constexpr std::size_t kMaxUserName = 200;
inline constexpr std::size_t kMaxPassword = 256;

struct User {
  std::int64_t id = 0;
  std::string email;  // lower-case
  std::string name;
  Role role = Role::kAnalyst;
  bool disabled = false;
  UnixMs created_at = 0;
  UnixMs updated_at = 0;
  std::optional<UnixMs> last_login_at;
};
ECRM_DESCRIBE(User, id, email, name, role, disabled, created_at, last_login_at)

struct Session {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::string csrf_token;
  UnixMs expires_at = 0;
  // The user's role asks for two-factor sign-in and they have not set it up: the session reaches
  // only the routes of auth/access.hpp's reachable_before_two_factor until they do.
  bool two_factor_pending = false;
};

struct ApiKey {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::string name;
  std::string prefix;
  std::vector<std::string> scopes;
  UnixMs created_at = 0;
  std::optional<UnixMs> last_used_at;
  std::optional<UnixMs> revoked_at;
};
ECRM_DESCRIBE(ApiKey, id, user_id, name, prefix, scopes, created_at, last_used_at, revoked_at)

struct AuditRecord {
  std::int64_t id = 0;
  UnixMs at = 0;
  std::string actor_type;
  std::optional<std::int64_t> actor_id;
  std::optional<std::string> actor;  // the user's e-mail or "key:<name>"
  std::string action;
  std::string entity;
  std::string entity_id;
  int status = 0;
  std::string ip;
  wire::JsonText details;
};
ECRM_DESCRIBE(AuditRecord, id, at, actor_type, actor_id, actor, action, entity, entity_id, status,
              ip, details)

// GET /api/v1/me: who is calling and what they may do.
enum class AuthKind { kSession, kApiKey };
ECRM_DESCRIBE_ENUM(AuthKind, kSession, kApiKey)

struct MeUser {
  std::int64_t id = 0;
  std::string email;
  std::string name;
  Role role = Role::kAnalyst;
};
ECRM_DESCRIBE(MeUser, id, email, name, role)

struct MeApiKey {
  std::int64_t id = 0;
  std::string name;
};
ECRM_DESCRIBE(MeApiKey, id, name)

struct Me {
  MeUser user;  // the signed-in user, or the API key's owner
  AuthKind auth = AuthKind::kSession;
  std::optional<std::string> csrf_token;  // sessions: sent back with every write
  std::vector<std::string> scopes;        // what the caller may do (auth/access.hpp)
  std::optional<MeApiKey> api_key;        // API keys: which one
  // Sessions: the role asks for two-factor sign-in and the user must set it up before anything
  // but that (and /me, sign-out) is reachable.
  bool two_factor_enrolment_required = false;
};
ECRM_DESCRIBE(Me, user, auth, csrf_token, scopes, api_key, two_factor_enrolment_required)

// GET /api/v1/roles: a role and the scopes it holds.
struct RoleScopes {
  Role role = Role::kAnalyst;
  std::vector<std::string> scopes;
};
ECRM_DESCRIBE(RoleScopes, role, scopes)

}  // namespace ecrm::auth
