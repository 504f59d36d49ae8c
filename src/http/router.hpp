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

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include "http/context.hpp"
#include "http/request.hpp"
#include "http/wire.hpp"

namespace ecrm::http {

using Handler = std::function<Response(RequestContext&)>;
// Wraps a handler that returns Result<Response>: an error becomes error_response(error), so a
// handler reads straight down with ECRM_ASSIGN_OR_RETURN.
inline Handler handle(std::function<Result<Response>(RequestContext&)> body) {
  return [body = std::move(body)](RequestContext& ctx) -> Response {
    auto result = body(ctx);
    if (!result.ok()) return error_response(result.error());
    return std::move(result).value();
  };
}

// Answers a request without blocking when it can (e.g. from memory), else nullopt.
using FastHandler = std::function<std::optional<Response>(RequestContext&)>;

// Who may call a route: public, or a caller holding `scope`. Sessions hold their role's scopes
// and API keys theirs, both from the one access table in auth/access.hpp; no route names a role.
// A portal route (under /api/v1/portal/) is reached only by a portal session of its subject kind,
// resolved from the portal cookie alone; every other route refuses portal sessions. The router
// refuses a route that mixes the two.
struct Access {
  bool is_public = false;     // no credentials needed
  std::string scope;          // the scope the caller must hold (empty: any signed-in caller)
  bool allow_api_key = true;  // API keys may call it at all
  std::optional<PortalSubject> portal;  // a portal route: only portal sessions of this subject

  static Access public_route() { return Access{true, {}, true}; }
  // Any signed-in staff member or any API key.
  static Access authenticated() { return Access{}; }
  // A caller (session or API key) holding `scope`.
  static Access needs(std::string scope) { return Access{false, std::move(scope), true}; }
  // A signed-in staff member (no API key), holding `scope` when one is given.
  static Access session_only(std::string scope = {}) {
    return Access{false, std::move(scope), false};
  }
  // A portal session speaking for a `subject` (its own records only: the handler reads the
  // subject's id from the principal, never from the request).
  static Access portal_of(PortalSubject subject) { return Access{false, {}, false, subject}; }
};

// Where portal routes live: every route under it is a portal route or public, and no portal
// route lives elsewhere.
inline constexpr std::string_view kPortalApiPrefix = "/api/v1/portal/";

// The schema of a request or response body, derived from a described type (http/wire.hpp),
// or text of a media type other than JSON (CSV, JavaScript).
struct BodyDoc {
  std::function<boost::json::value(wire::Schemas&, wire::Direction)> schema;
  std::string media_type = "application/json";

  explicit operator bool() const { return static_cast<bool>(schema); }
};

// The body is the JSON form of T.
template <typename T>
BodyDoc json_body() {
  return BodyDoc{[](wire::Schemas& schemas, wire::Direction direction) {
    return schemas.of<T>(direction);
  }};
}

// The body is text of `media_type` (e.g. "text/csv").
inline BodyDoc text_body(std::string media_type) {
  return BodyDoc{[](wire::Schemas&, wire::Direction) {
                   return boost::json::value(boost::json::object{{"type", "string"}});
                 },
                 std::move(media_type)};
}

// The query parameters of a route, from a described struct read with wire::read_query.
using QueryDoc = std::function<boost::json::array(wire::Schemas&)>;
template <typename Q>
QueryDoc query_of() {
  return [](wire::Schemas& schemas) { return schemas.query_parameters<Q>(); };
}

// The route's entry in the OpenAPI document.
struct RouteDoc {
  std::string summary;                    // required
  std::string tag;                        // grouping in the document, e.g. "auth"
  BodyDoc request;                        // the body it reads, if any
  BodyDoc response;                       // the success body (none only for 204 and redirects)
  int success_status = 200;
  std::vector<int> error_statuses;        // besides the defaults derived from Access
  QueryDoc query;                         // typed query parameters
  std::vector<std::string> query_params;  // names of further (string) query parameters
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
  // Adds a route. Throws std::logic_error on a duplicate method+pattern, a missing summary, or a
  // portal route outside kPortalApiPrefix (or a staff route inside it): programmer errors
  // caught by the first test run.
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
