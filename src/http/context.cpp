#include "http/context.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <charconv>

#include "core/crypto.hpp"
#include "core/json_text.hpp"

namespace ecrm::http {

namespace json = boost::json;

std::string_view RequestContext::param(std::string_view name) const {
  auto it = params_.find(std::string(name));
  return it == params_.end() ? std::string_view{} : std::string_view(it->second);
}

Result<std::int64_t> RequestContext::id_param(std::string_view name) const {
  std::string_view text = param(name);
  std::int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc{} || end != text.data() + text.size() || id <= 0) {
    return Error::not_found("no such " + std::string(name) + ": '" + std::string(text) + "'");
  }
  return id;
}

Result<json::object> RequestContext::json_object(json::storage_ptr storage) const {
  if (request_.body.empty()) {
    return Error::invalid("request body must be a JSON object", "", "invalid_json");
  }
  json::error_code ec;
  json::value value = json::parse(request_.body, ec, std::move(storage));
  if (ec) {
    return Error::invalid("request body is not valid JSON: " + ec.message(), "", "invalid_json");
  }
  if (!value.is_object()) {
    return Error::invalid("request body must be a JSON object", "", "expected_object");
  }
  return std::move(value.as_object());
}

void RequestContext::set_audit(std::string entity_id, std::string details_json) {
  audit_entity_id_ = std::move(entity_id);
  audit_details_ = std::move(details_json);
}

namespace {
const json::value* find(const json::object& body, std::string_view field) {
  auto it = body.find(field);
  if (it == body.end() || it->value().is_null()) return nullptr;
  return &it->value();
}
}  // namespace

int status_for(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInvalidArgument: return 400;
    case ErrorKind::kUnauthenticated: return 401;
    case ErrorKind::kPermissionDenied: return 403;
    case ErrorKind::kNotFound: return 404;
    case ErrorKind::kConflict: return 409;
    case ErrorKind::kPayloadTooLarge: return 413;
    case ErrorKind::kUnprocessable: return 422;
    case ErrorKind::kRateLimited: return 429;
    case ErrorKind::kUnavailable: return 503;
    case ErrorKind::kInternal: return 500;
  }
  return 500;
}

Response json_response(int status, const json::value& body) {
  Response response;
  response.status = status;
  response.body = json_text(body);
  return response;
}

Response no_content() {
  Response response;
  response.status = 204;
  response.content_type.clear();
  return response;
}

Response error_response(const Error& error) {
  json::object detail;
  detail["code"] = error.code.empty() ? std::string(to_string(error.kind)) : error.code;
  // Internal details (driver messages, SQL) are logged, not sent.
  detail["message"] = error.kind == ErrorKind::kInternal ? "internal error" : error.message;
  if (!error.field.empty()) detail["field"] = error.field;
  Response response = json_response(status_for(error.kind), json::object{{"error", detail}});
  if (error.kind == ErrorKind::kUnauthenticated) {
    response.header("WWW-Authenticate", "Bearer realm=\"ecrm\"");
  }
  return response;
}

}  // namespace ecrm::http
