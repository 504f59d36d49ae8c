#include "http/context.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <charconv>

#include "core/crypto.hpp"

namespace ecrm::http {

namespace json = boost::json;

std::string encode_cursor(std::int64_t last_id) {
  return base64url_encode("id:" + std::to_string(last_id));
}

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

Result<PageRequest> RequestContext::page(int default_limit, int max_limit) const {
  PageRequest page;
  page.limit = default_limit;
  if (auto text = request_.query_param("limit")) {
    int limit = 0;
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), limit);
    if (ec != std::errc{} || end != text->data() + text->size() || limit < 1 ||
        limit > max_limit) {
      return Error::invalid("limit must be an integer from 1 to " + std::to_string(max_limit),
                            "limit");
    }
    page.limit = limit;
  }
  if (auto cursor = request_.query_param("cursor"); cursor && !cursor->empty()) {
    auto decoded = base64url_decode(*cursor);
    std::int64_t after = 0;
    bool valid = decoded && decoded->rfind("id:", 0) == 0;
    if (valid) {
      const char* end = decoded->data() + decoded->size();
      auto [stop, ec] = std::from_chars(decoded->data() + 3, end, after);
      valid = ec == std::errc{} && stop == end;
    }
    if (!valid) return Error::invalid("cursor is not one this API returned", "cursor");
    page.after = after;
  }
  return page;
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

Result<std::string> require_string(const json::object& body, std::string_view field,
                                   std::size_t max_length) {
  ECRM_ASSIGN_OR_RETURN(auto value, optional_string(body, field, max_length));
  if (!value || value->empty()) {
    return Error::invalid(std::string(field) + " is required", std::string(field), "required");
  }
  return *value;
}

Result<std::optional<std::string>> optional_string(const json::object& body,
                                                   std::string_view field,
                                                   std::size_t max_length) {
  const json::value* value = find(body, field);
  if (!value) return std::optional<std::string>{};
  if (!value->is_string()) {
    return Error::invalid(std::string(field) + " must be a string", std::string(field));
  }
  const auto& text = value->get_string();
  if (text.size() > max_length) {
    return Error::invalid(std::string(field) + " is longer than " + std::to_string(max_length) +
                              " bytes",
                          std::string(field));
  }
  return std::optional<std::string>(std::string(text));
}

Result<std::optional<std::int64_t>> optional_int(const json::object& body,
                                                 std::string_view field) {
  const json::value* value = find(body, field);
  if (!value) return std::optional<std::int64_t>{};
  if (value->is_int64()) return std::optional<std::int64_t>(value->get_int64());
  if (value->is_uint64() && value->get_uint64() <= uint64_t(INT64_MAX)) {
    return std::optional<std::int64_t>(static_cast<std::int64_t>(value->get_uint64()));
  }
  return Error::invalid(std::string(field) + " must be an integer", std::string(field));
}

Result<std::optional<bool>> optional_bool(const json::object& body, std::string_view field) {
  const json::value* value = find(body, field);
  if (!value) return std::optional<bool>{};
  if (!value->is_bool()) {
    return Error::invalid(std::string(field) + " must be true or false", std::string(field));
  }
  return std::optional<bool>(value->get_bool());
}

Result<std::vector<std::string>> string_array(const json::object& body, std::string_view field,
                                              bool required, std::size_t max_items) {
  const json::value* value = find(body, field);
  std::vector<std::string> out;
  if (!value) {
    if (required) {
      return Error::invalid(std::string(field) + " is required", std::string(field), "required");
    }
    return out;
  }
  if (!value->is_array() || value->get_array().size() > max_items) {
    return Error::invalid(std::string(field) + " must be an array of at most " +
                              std::to_string(max_items) + " strings",
                          std::string(field));
  }
  for (const auto& item : value->get_array()) {
    if (!item.is_string()) {
      return Error::invalid(std::string(field) + " must contain only strings", std::string(field));
    }
    out.emplace_back(item.get_string());
  }
  return out;
}

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
  response.body = json::serialize(body);
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
