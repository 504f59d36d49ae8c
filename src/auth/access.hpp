// The one access table: which scopes each staff role holds. Routes declare only the scope
// they need (http::Access::scope); a session holds its role's scopes, an API key the scopes it
// was given that its owner's role still holds, checked when the key is created and again on
// every use, so a change of role takes effect on existing keys at once. The web UI reads the
// caller's scopes from GET /api/v1/me and asks can(scope); role names appear nowhere else.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "auth/model.hpp"

namespace ecrm::auth {

// A scope, with what it allows (shown when creating an API key).
struct ScopeInfo {
  std::string_view scope;
  std::string_view description;
};

// Every scope ecrm knows, in display order. The wildcard "*" stands for all of them.
const std::vector<ScopeInfo>& all_scopes();
bool is_known_scope(std::string_view scope);
inline constexpr std::string_view kAllScopes = "*";

// The scopes `role` holds, in the order of all_scopes().
const std::vector<std::string>& scopes_of(Role role);
bool role_has_scope(Role role, std::string_view scope);

// What an API key with `key_scopes` may do while its owner has `owner_role`: its scopes that
// the role holds ("*" expands to the role's scopes).
std::vector<std::string> effective_key_scopes(const std::vector<std::string>& key_scopes,
                                              Role owner_role);

// Whether a session whose user must still set up two-factor sign-in (their role asks for it)
// may call `path`: who they are, sign-out and the enrolment itself. Everything else answers 403
// `two_factor_enrolment_required` until they enrol.
bool reachable_before_two_factor(std::string_view path);

}  // namespace ecrm::auth
