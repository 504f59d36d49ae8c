// Staff users, sessions, API keys and audit records as plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"

namespace ecrm::auth {

enum class Role { kAdmin, kMarketing, kSales, kService, kAnalyst };
std::string_view to_string(Role role);
std::optional<Role> parse_role(std::string_view text);
const std::vector<Role>& all_roles();

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

struct Session {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::string csrf_token;
  UnixMs expires_at = 0;
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

struct AuditRecord {
  std::int64_t id = 0;
  UnixMs at = 0;
  std::string actor_type;
  std::optional<std::int64_t> actor_id;
  std::string actor;
  std::string action;
  std::string entity;
  std::string entity_id;
  int status = 0;
  std::string ip;
  std::string details;  // JSON object text
};

}  // namespace ecrm::auth
