// The OpenAPI 3.1 document of every route in a Router.
#pragma once

#include <string>

#include "http/router.hpp"

namespace ecrm::http {

// The document as JSON text. Path parameters, the error responses each route can give (from its
// Access and doc), security schemes (session cookie, bearer API key) and the shared Error schema
// are included.
std::string openapi_document(const Router& router, const std::string& version);

}  // namespace ecrm::http
