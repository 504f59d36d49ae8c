// The access table (auth/access.cpp): what each role holds, and how an API key's scopes are
// capped by its owner's role.
#include "auth/access.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "http/wire.hpp"

namespace ecrm::auth {
namespace {

using Scopes = std::vector<std::string>;

bool holds(const Scopes& scopes, std::string_view scope) {
  return std::find(scopes.begin(), scopes.end(), scope) != scopes.end();
}

TEST(Access, EveryRolesScopesAreKnownScopes) {
  for (Role role : all_roles()) {
    const Scopes& scopes = scopes_of(role);
    EXPECT_FALSE(scopes.empty()) << wire::enum_name(role);
    for (const auto& scope : scopes) {
      EXPECT_TRUE(is_known_scope(scope)) << wire::enum_name(role) << ": " << scope;
      EXPECT_NE(scope, kAllScopes) << "roles hold scopes, not the wildcard";
      EXPECT_TRUE(role_has_scope(role, scope));
    }
  }
  EXPECT_FALSE(is_known_scope("customers:delete"));
  EXPECT_FALSE(is_known_scope(""));
  EXPECT_TRUE(is_known_scope(kAllScopes));
}

TEST(Access, AdminHoldsEveryScope) {
  const Scopes& admin = scopes_of(Role::kAdmin);
  ASSERT_EQ(admin.size(), all_scopes().size());
  for (const auto& info : all_scopes()) {
    EXPECT_TRUE(holds(admin, info.scope)) << info.scope;
    EXPECT_FALSE(info.description.empty()) << info.scope;
  }
  // Every other role holds less than an admin.
  for (Role role : all_roles()) {
    if (role != Role::kAdmin) EXPECT_LT(scopes_of(role).size(), admin.size());
  }
}

TEST(Access, RolesHoldWhatTheirWorkNeeds) {
  EXPECT_FALSE(role_has_scope(Role::kMarketing, "customers:erase"));
  EXPECT_TRUE(role_has_scope(Role::kMarketing, "customers:write"));
  EXPECT_FALSE(role_has_scope(Role::kAnalyst, "customers:write"));
  EXPECT_TRUE(role_has_scope(Role::kAnalyst, "customers:read"));
  EXPECT_TRUE(role_has_scope(Role::kSales, "customers:write"));
  for (Role role : all_roles()) {
    if (role == Role::kAdmin) continue;
    EXPECT_FALSE(role_has_scope(role, "users:admin")) << wire::enum_name(role);
    EXPECT_FALSE(role_has_scope(role, "audit:read")) << wire::enum_name(role);
  }
}

TEST(Access, KeyScopesAreCappedByTheOwnersRole) {
  // What the role holds stays; what it does not is dropped; order is the key's.
  EXPECT_EQ(effective_key_scopes({"customers:write", "customers:read"}, Role::kSales),
            (Scopes{"customers:write", "customers:read"}));
  EXPECT_EQ(effective_key_scopes({"customers:write", "customers:read"}, Role::kAnalyst),
            (Scopes{"customers:read"}));
  EXPECT_EQ(effective_key_scopes({"customers:erase", "customers:write"}, Role::kMarketing),
            (Scopes{"customers:write"}));
  EXPECT_TRUE(effective_key_scopes({"users:admin", "audit:read"}, Role::kService).empty());
  EXPECT_TRUE(effective_key_scopes({}, Role::kAdmin).empty());
  // Unknown scopes grant nothing.
  EXPECT_TRUE(effective_key_scopes({"root"}, Role::kAdmin).empty());
}

TEST(Access, WildcardExpandsToTheOwnersRoleScopes) {
  for (Role role : all_roles()) {
    EXPECT_EQ(effective_key_scopes({"*"}, role), scopes_of(role)) << wire::enum_name(role);
    EXPECT_EQ(effective_key_scopes({"customers:read", "*"}, role), scopes_of(role));
  }
  // A key made by an admin with "*" holds only an analyst's scopes once its owner is one.
  EXPECT_EQ(effective_key_scopes({"*"}, Role::kAnalyst), scopes_of(Role::kAnalyst));
  EXPECT_FALSE(holds(effective_key_scopes({"*"}, Role::kAnalyst), "customers:write"));
}

}  // namespace
}  // namespace ecrm::auth
