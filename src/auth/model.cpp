#include "auth/model.hpp"

#include <algorithm>

namespace ecrm::auth {

std::string_view to_string(Role role) {
  switch (role) {
    case Role::kAdmin: return "admin";
    case Role::kMarketing: return "marketing";
    case Role::kSales: return "sales";
    case Role::kService: return "service";
    case Role::kAnalyst: return "analyst";
  }
  return "analyst";
}

std::optional<Role> parse_role(std::string_view text) {
  for (Role role : all_roles()) {
    if (to_string(role) == text) return role;
  }
  return std::nullopt;
}

const std::vector<Role>& all_roles() {
  static const std::vector<Role> roles = {Role::kAdmin, Role::kMarketing, Role::kSales,
                                          Role::kService, Role::kAnalyst};
  return roles;
}

}  // namespace ecrm::auth
