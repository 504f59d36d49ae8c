// /api/v1/auth/*, /api/v1/me, /api/v1/users, /api/v1/api-keys, /api/v1/audit.
#pragma once

#include "auth/authenticator.hpp"
#include "auth/service.hpp"
#include "http/router.hpp"

namespace ecrm::auth {

struct AuthRoutesConfig {
  bool secure_cookies = false;  // add `Secure` to the session cookie (behind HTTPS)
};

void add_auth_routes(http::Router& router, AuthService& service, HttpAuthenticator& authenticator,
                     AuthRoutesConfig config);

}  // namespace ecrm::auth
