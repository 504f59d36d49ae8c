// Routes: method + path pattern ("/api/v1/users/{id}") + who may call it + its OpenAPI
// description + the handler. Every route must carry a summary; /api/v1/openapi.json is generated
// from this table, so an undocumented route cannot exist.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/request.hpp"

namespace ecrm::http {

class RequestContext;
using Handler = std::function<Response(RequestContext&)>;
// Answers a request without blocking when it can (e.g. from memory), else nullopt.
using FastHandler = std::function<std::optional<Response>(RequestContext&)>;

// Who may call a route.
struct Access {
  bool is_public = false;          // no credentials needed
  std::vector<std::string> roles;  // staff roles allowed (empty: any staff role)
  std::string scope;               // API-key scope required (empty: any valid key)
  bool allow_api_key = true;       // API keys may call it at all

  static Access public_route() { return Access{true, {}, {}, true}; }
  // Any signed-in staff member or any API key.
  static Access authenticated() { return Access{}; }
  static Access staff(std::vector<std::string> roles, std::string scope) {
    return Access{false, std::move(roles), std::move(scope), true};
  }
};

// OpenAPI fragments, as JSON text, kept small and explicit.
struct RouteDoc {
  std::string summary;                   // required
  std::string tag;                       // grouping in the document, e.g. "auth"
  std::string request_schema;            // JSON Schema of the body, if any
  std::string response_schema;           // JSON Schema of the success body, if any
  int success_status = 200;
  std::vector<int> error_statuses;       // besides the defaults derived from Access
  std::vector<std::string> query_params; // names of accepted query parameters
};

struct Route {
  Method method = Method::kGet;
  std::string pattern;
  Access access;
  RouteDoc doc;
  Handler handler;
  bool blocking = true;            // may touch the database: runs on a worker thread
  // For a blocking route: tried first on the connection's I/O thread (when the caller's
  // credentials are cached); when it answers nullopt, `handler` runs on a worker as usual.
  FastHandler fast;
  std::size_t max_body = 0;        // 0: the server's default limit
  bool spool_body = false;         // write the body to a temporary file (Request::body_file)
  std::string audit_entity;        // entity name written to the audit log for writes
  bool audited = true;             // false: high-volume telemetry writes (tracking events)
};

struct RouteMatch {
  const Route* route = nullptr;
  std::map<std::string, std::string> params;
  bool method_not_allowed = false;  // the path exists for another method
};

class Router {
 public:
  // Adds a route. Throws std::logic_error on a duplicate method+pattern or a missing summary:
  // both are programmer errors caught by the first test run.
  void add(Route route);

  // Finds the route for `method` and decoded `path`. HEAD matches GET routes.
  RouteMatch match(Method method, std::string_view path) const;

  const std::vector<std::unique_ptr<Route>>& routes() const { return routes_; }

 private:
  struct Segment {
    std::string text;
    bool is_param = false;
  };
  struct Compiled {
    const Route* route;
    std::vector<Segment> segments;
  };
  std::vector<std::unique_ptr<Route>> routes_;
  std::vector<Compiled> compiled_;
};

// Splits "/a/b/c" into {"a","b","c"}.
std::vector<std::string_view> split_path(std::string_view path);

}  // namespace ecrm::http
