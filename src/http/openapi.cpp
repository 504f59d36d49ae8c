#include "http/openapi.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <set>

#include "http/idempotency.hpp"

namespace ecrm::http {

namespace json = boost::json;

namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

const char* reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No content";
    case 400: return "Invalid input";
    case 401: return "Not authenticated";
    case 403: return "Not allowed";
    case 404: return "Not found";
    case 409: return "Conflict";
    case 413: return "Body too large";
    case 422: return "Unprocessable";
    case 429: return "Too many requests";
    case 503: return "Unavailable";
    default: return "Response";
  }
}

}  // namespace

std::string openapi_document(const Router& router, const std::string& version) {
  json::object paths;
  wire::Schemas schemas;
  json::object error_ref{{"$ref", "#/components/schemas/Error"}};
  for (const auto& route : router.routes()) {
    json::object operation;
    operation["summary"] = route->doc.summary;
    operation["operationId"] = lower(to_string(route->method)) + route->pattern;
    if (!route->doc.tag.empty()) operation["tags"] = json::array{json::value(route->doc.tag)};

    json::array parameters;
    for (auto part : split_path(route->pattern)) {
      if (part.size() > 2 && part.front() == '{') {
        parameters.push_back(json::object{
            {"name", std::string(part.substr(1, part.size() - 2))},
            {"in", "path"},
            {"required", true},
            {"schema", json::object{{"type", "string"}}}});
      }
    }
    if (route->doc.query) {
      for (auto& parameter : route->doc.query(schemas)) parameters.push_back(std::move(parameter));
    }
    for (const auto& name : route->doc.query_params) {
      parameters.push_back(json::object{
          {"name", name}, {"in", "query"}, {"required", false},
          {"schema", json::object{{"type", "string"}}}});
    }
    const bool idempotent = accepts_idempotency_key(*route);
    if (idempotent) {
      parameters.push_back(json::object{
          {"name", std::string(kIdempotencyHeader)},
          {"in", "header"},
          {"required", false},
          {"description",
           "A key of your choosing (e.g. a UUID) that makes a retry safe: a request repeated with "
           "the same key by the same caller within 24 hours gets the first answer again (marked "
           "Idempotent-Replayed: true) and writes nothing twice; the key with another request is "
           "422, while the first still runs 409. Answers 5xx, 401, 403 and 429 are not kept. "
           "Keyed by the signed-in user, the API key or the portal party; on a public route by "
           "the API key or write key sent, and ignored without one."},
          {"schema", json::object{{"type", "string"},
                                  {"minLength", 1},
                                  {"maxLength", kIdempotencyKeyMaxLength},
                                  {"pattern", "^[A-Za-z0-9_.:~+/=-]+$"}}}});
    }
    if (!parameters.empty()) operation["parameters"] = std::move(parameters);

    const bool has_request = static_cast<bool>(route->doc.request);
    if (route->doc.request) {
      operation["requestBody"] = json::object{
          {"required", true},
          {"content",
           json::object{{route->doc.request.media_type,
                         json::object{{"schema", route->doc.request.schema(
                                                     schemas, wire::Direction::kRequest)}}}}}};
    }

    json::object responses;
    json::object success{{"description", reason(route->doc.success_status)}};
    if (route->doc.response) {
      success["content"] = json::object{
          {route->doc.response.media_type,
           json::object{
               {"schema", route->doc.response.schema(schemas, wire::Direction::kResponse)}}}};
    }
    responses[std::to_string(route->doc.success_status)] = std::move(success);
    std::set<int> errors(route->doc.error_statuses.begin(), route->doc.error_statuses.end());
    if (!route->access.is_public) {
      errors.insert(401);
      errors.insert(403);
    }
    // Path parameters that name nothing answer 404; query parameters that do not parse, 400.
    if (route->pattern.find('{') != std::string::npos) errors.insert(404);
    if (route->doc.query || !route->doc.query_params.empty()) errors.insert(400);
    if (idempotent) {
      errors.insert(400);
      errors.insert(409);
      errors.insert(422);
    }
    if (has_request) {
      errors.insert(400);
      errors.insert(413);
    }
    for (int status : errors) {
      responses[std::to_string(status)] = json::object{
          {"description", reason(status)},
          {"content", json::object{{"application/json", json::object{{"schema", error_ref}}}}}};
    }
    operation["responses"] = std::move(responses);

    if (route->access.is_public) {
      operation["security"] = json::array{};
    } else if (route->access.portal) {
      operation["security"] = json::array{json::object{{"portalSession", json::array{}}}};
      operation["x-portal"] = to_string(*route->access.portal);
    } else {
      json::array security;
      security.push_back(json::object{{"session", json::array{}}});
      if (route->access.allow_api_key) {
        json::array scopes;
        if (!route->access.scope.empty()) scopes.push_back(json::value(route->access.scope));
        security.push_back(json::object{{"apiKey", scopes}});
      }
      operation["security"] = std::move(security);
      if (!route->access.scope.empty()) operation["x-scope"] = route->access.scope;
    }

    auto& path_item = paths[route->pattern];
    if (!path_item.is_object()) path_item = json::object{};
    path_item.as_object()[lower(to_string(route->method))] = std::move(operation);
  }

  json::object document{
      {"openapi", "3.1.0"},
      {"info", json::object{{"title", "ecrm API"},
                            {"version", version},
                            {"description",
                             "Customer relationship management for online shops. Times are unix "
                             "milliseconds (UTC); money is integer minor units with a currency "
                             "code; lists take limit and cursor and return items and next_cursor."}}},
      {"paths", std::move(paths)},
      {"components",
       json::object{
           {"securitySchemes",
            json::object{
                {"session", json::object{{"type", "apiKey"}, {"in", "cookie"}, {"name", "ecrm_session"}}},
                {"portalSession",
                 json::object{{"type", "apiKey"}, {"in", "cookie"}, {"name", "ecrm_portal"}}},
                {"apiKey", json::object{{"type", "http"}, {"scheme", "bearer"}}}}},
           {"schemas",
            json::object{
                {"Error",
                 json::object{
                     {"type", "object"},
                     {"required", json::array{"error"}},
                     {"properties",
                      json::object{
                          {"error",
                           json::object{
                               {"type", "object"},
                               {"required", json::array{"code", "message"}},
                               {"properties",
                                json::object{{"code", json::object{{"type", "string"}}},
                                             {"message", json::object{{"type", "string"}}},
                                             {"field", json::object{{"type", "string"}}}}}}}}}}}}}}}};
  auto& components = document["components"].as_object()["schemas"].as_object();
  for (const auto& [name, schema] : schemas.components()) components[name] = schema;
  return json::serialize(document);
}

}  // namespace ecrm::http
