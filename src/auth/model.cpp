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

const std::vector<ScopeInfo>& all_scopes() {
  static const std::vector<ScopeInfo> scopes = {
      {"*", "Everything, as an administrator"},
      {"customers:read", "Read customers, their 360° view and timeline"},
      {"customers:write", "Create, update, merge and erase customers"},
      {"catalog:read", "Read products and categories"},
      {"catalog:write", "Create and update products and categories"},
      {"orders:read", "Read orders, shipments and returns"},
      {"orders:write", "Create orders and change their status"},
      {"events:write", "Send tracking events"},
      {"analytics:read", "Read segments, tiers, lifetime values and reports"},
      {"analytics:write", "Start recomputations of scores and models"},
      {"recommendations:read", "Read recommendations, related products, bundles and rules"},
      {"marketing:read", "Read campaigns, flows and messages"},
      {"marketing:write", "Manage campaigns, flows and templates"},
      {"service:read", "Read tickets and interactions"},
      {"service:write", "Create and update tickets and interactions"},
      {"import:write", "Import CSV files"},
      {"export:read", "Export CSV files"},
      {"users:admin", "Manage staff users and API keys"},
      {"audit:read", "Read the audit log"},
  };
  return scopes;
}

bool is_known_scope(std::string_view scope) {
  const auto& scopes = all_scopes();
  return std::any_of(scopes.begin(), scopes.end(),
                     [&](const ScopeInfo& info) { return info.scope == scope; });
}

}  // namespace ecrm::auth
