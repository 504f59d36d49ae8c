// What a handler sees: the request, who sent it, the path parameters, and helpers that turn
// malformed input into the API's error format (400 naming the field) instead of exceptions.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "http/principal.hpp"
#include "http/request.hpp"
#include "http/wire.hpp"

namespace ecrm::http {

// A page of a list ordered by id (http::id_page): `limit`, and the id of the last item of the
// previous page. A list in ascending order continues with greater ids, a newest-first list with
// smaller ones: repositories name the parameter `after` or `before` accordingly.
struct PageRequest {
  int limit = 50;
  std::optional<std::int64_t> last_id;
};

class RequestContext {
 public:
  RequestContext(const Request& request, Principal principal,
                 std::map<std::string, std::string> params)
      : request_(request), principal_(std::move(principal)), params_(std::move(params)) {}

  const Request& request() const { return request_; }
  const Principal& principal() const { return principal_; }

  // Path parameter by name ("" when absent).
  std::string_view param(std::string_view name) const;
  // Path parameter as a positive integer id; kNotFound when it is not one (a path that cannot
  // name anything).
  Result<std::int64_t> id_param(std::string_view name) const;

  // The body parsed as a JSON object: 400 `invalid_json` (with the parser's reason) or
  // `expected_object`.
  // `storage` holds the parsed values (e.g. a boost::json::monotonic_resource for a large body
  // that is read once; it must outlive the result).
  Result<boost::json::object> json_object(boost::json::storage_ptr storage = {}) const;

  // Audit details for this request (written by the dispatcher after a successful write).
  void set_audit(std::string entity_id, std::string details_json = "{}");
  const std::string& audit_entity_id() const { return audit_entity_id_; }
  const std::string& audit_details() const { return audit_details_; }

 private:
  const Request& request_;
  Principal principal_;
  std::map<std::string, std::string> params_;
  std::string audit_entity_id_;
  std::string audit_details_ = "{}";
};

// The JSON body read as the described type T: 400 naming the failing field ("consent.email.at").
template <typename T>
Result<T> read_body(const RequestContext& ctx) {
  ECRM_ASSIGN_OR_RETURN(auto body, ctx.json_object());
  return wire::read<T>(boost::json::value(std::move(body)));
}

// Query parameters read as the described type T (scalar members): 400 naming the parameter.
template <typename T>
Result<T> read_query(const RequestContext& ctx) {
  return wire::read_query<T>([&](std::string_view name) -> std::optional<std::string_view> {
    auto value = ctx.request().query_param(name);
    if (!value || value->empty()) return std::nullopt;
    return value;
  });
}

// Audit details of a create or a change: {"fields": the optional members `input` set}.
template <typename T>
std::string audit_fields(const T& input) {
  boost::json::array fields;
  for (auto& name : wire::present_members(input)) fields.push_back(boost::json::value(name));
  return boost::json::serialize(boost::json::object{{"fields", std::move(fields)}});
}

// Responses.
Response json_response(int status, const boost::json::value& body);
// `value` in its JSON form (http/wire.hpp).
template <typename T>
Response reply(int status, const T& value) {
  return json_response(status, wire::to_json(value));
}
Response no_content();
Response error_response(const Error& error);
int status_for(ErrorKind kind);

}  // namespace ecrm::http
