#include "auth/access.hpp"

#include <algorithm>
#include <array>

namespace ecrm::auth {

namespace {

// One row per scope: its description and the roles that hold it. Admins hold every scope.
struct Row {
  ScopeInfo info;
  std::vector<Role> roles;  // besides admin
};

const std::vector<Row>& table() {
  using enum Role;
  static const std::vector<Row> rows = {
      {{"customers:read", "Read customers, their 360° view and timeline"},
       {kMarketing, kSales, kService, kAnalyst}},
      {{"customers:write", "Create, update and merge customers"}, {kMarketing, kSales, kService}},
      {{"customers:privacy", "Export everything held on a customer (privacy export)"},
       {kService}},
      {{"customers:erase", "Erase a customer's personal data"}, {}},
      {{"catalog:read", "Read products and categories"},
       {kMarketing, kSales, kService, kAnalyst}},
      {{"catalog:write", "Create and update products and categories"}, {kMarketing, kSales}},
      {{"orders:read", "Read orders, shipments and returns"},
       {kMarketing, kSales, kService, kAnalyst}},
      {{"orders:write", "Create orders, change their status, handle returns"}, {kSales, kService}},
      {{"events:write", "Send tracking events naming customers"}, {}},
      {{"visitors:read", "Read visitor tracking: traffic, funnels, carts, live events"},
       {kMarketing, kSales, kService, kAnalyst}},
      {{"tracking:read", "Read the tracking snippet's write keys"}, {kMarketing}},
      {{"tracking:admin", "Create and revoke the tracking snippet's write keys"}, {}},
      {{"analytics:read", "Read segments, tiers, lifetime values and reports"},
       {kMarketing, kSales, kAnalyst}},
      {{"analytics:write", "Start recomputations of scores and models; enter and import costs"},
       {kAnalyst}},
      {{"recommendations:read", "Read recommendations, related products, bundles and rules"},
       {kMarketing, kSales, kService, kAnalyst}},
      {{"recommendations:write", "Start a rebuild of the recommendations"},
       {kMarketing, kAnalyst}},
      {{"marketing:read", "Read campaigns, flows and messages"}, {kMarketing}},
      {{"marketing:write", "Manage campaigns, flows and templates"}, {kMarketing}},
      {{"service:read", "Read tickets and interactions"}, {kService}},
      {{"service:write", "Create and update tickets and interactions"}, {kService}},
      {{"service:admin", "Set business hours and SLA policies"}, {}},
      {{"social:read", "Read social mentions and the reputation dashboard"}, {kMarketing, kService}},
      {{"social:write", "Reply to, escalate, handle and import social mentions"},
       {kMarketing, kService}},
      {{"social:admin", "Set the social webhooks' secret and outgoing URL"}, {}},
      {{"feedback:read", "Read products' improvement reports (complaints, praise, defects, returns)"},
       {kMarketing, kSales, kService, kAnalyst}},
      {{"feedback:write", "Start a feedback mining run and acknowledge feedback alerts"},
       {kMarketing, kSales, kService, kAnalyst}},
      {{"community:read", "Read the community's moderation queue and members' profiles"},
       {kMarketing, kSales, kService, kAnalyst}},
      {{"community:write",
        "Answer in the community as staff, reply to reviews, make answers articles"},
       {kMarketing, kService}},
      {{"community:moderate",
        "Moderate the community: hide and restore posts, bans, pins and locks, boards, "
        "defect reports to tickets"},
       {kService}},
      {{"partners:read", "Read partners, their products, routing and scorecards"},
       {kSales, kAnalyst}},
      {{"partners:write",
        "Manage partners: contacts, users and their sign-in links, products, order routing"},
       {kSales}},
      {{"leads:read", "Read partner leads, their routing and the partners' lead rules"},
       {kSales, kAnalyst}},
      {{"leads:write", "Take, change, route and expire partner leads; manage lead rules"},
       {kSales}},
      {{"referrals:read", "Read referral codes, referred customers, rewards and the leaderboard"},
       {kMarketing, kSales, kAnalyst}},
      {{"referrals:write", "Attribute sign-ups to referral codes and credit referral rewards"},
       {kMarketing, kSales}},
      {{"advisor:read",
        "Read advisor questionnaires, customers' answers and the conversion report"},
       {kMarketing, kSales, kService, kAnalyst}},
      {{"advisor:write", "Define advisor questionnaires and take them for customers"},
       {kMarketing, kSales}},
      {{"import:write", "Import CSV files"}, {kMarketing, kSales}},
      {{"export:read", "Export CSV files"}, {kMarketing, kSales, kAnalyst}},
      {{"users:admin", "Manage staff users and everybody's API keys"}, {}},
      {{"audit:read", "Read the audit log"}, {}},
  };
  return rows;
}

}  // namespace

const std::vector<ScopeInfo>& all_scopes() {
  static const std::vector<ScopeInfo> scopes = [] {
    std::vector<ScopeInfo> out;
    for (const auto& row : table()) out.push_back(row.info);
    return out;
  }();
  return scopes;
}

bool is_known_scope(std::string_view scope) {
  if (scope == kAllScopes) return true;
  const auto& rows = table();
  return std::any_of(rows.begin(), rows.end(),
                     [&](const Row& row) { return row.info.scope == scope; });
}

const std::vector<std::string>& scopes_of(Role role) {
  static const auto by_role = [] {
    std::array<std::vector<std::string>, 5> out;
    for (Role r : all_roles()) {
      for (const auto& row : table()) {
        if (r == Role::kAdmin ||
            std::find(row.roles.begin(), row.roles.end(), r) != row.roles.end()) {
          out[static_cast<std::size_t>(r)].emplace_back(row.info.scope);
        }
      }
    }
    return out;
  }();
  return by_role[static_cast<std::size_t>(role)];
}

bool role_has_scope(Role role, std::string_view scope) {
  const auto& scopes = scopes_of(role);
  return std::find(scopes.begin(), scopes.end(), scope) != scopes.end();
}

std::vector<std::string> effective_key_scopes(const std::vector<std::string>& key_scopes,
                                              Role owner_role) {
  if (std::find(key_scopes.begin(), key_scopes.end(), kAllScopes) != key_scopes.end()) {
    return scopes_of(owner_role);
  }
  std::vector<std::string> out;
  for (const auto& scope : key_scopes) {
    if (role_has_scope(owner_role, scope)) out.push_back(scope);
  }
  return out;
}

bool reachable_before_two_factor(std::string_view path) {
  static constexpr std::string_view kPaths[] = {
      "/api/v1/me",
      "/api/v1/auth/logout",
      "/api/v1/system/info",
      "/api/v1/auth/two-factor",
      "/api/v1/auth/two-factor/enrol",
      "/api/v1/auth/two-factor/confirm",
  };
  return std::find(std::begin(kPaths), std::end(kPaths), path) != std::end(kPaths);
}

}  // namespace ecrm::auth
