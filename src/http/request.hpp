// Plain request/response values passed between the network layer (server.cpp, the only place
// that knows Beast) and everything else: dispatcher, routes, handlers and tests.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ecrm::http {

enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions, kOther };
std::string_view to_string(Method method);
Method parse_method(std::string_view text);
// True for methods that change state (POST, PUT, PATCH, DELETE).
bool is_write(Method method);

// Case-insensitive header lookup over the request's headers.
class Headers {
 public:
  void add(std::string name, std::string value);
  // First value of `name`, or nullopt.
  std::optional<std::string_view> get(std::string_view name) const;
  const std::vector<std::pair<std::string, std::string>>& all() const { return items_; }

 private:
  std::vector<std::pair<std::string, std::string>> items_;  // names lower-cased
};

struct Request {
  Method method = Method::kGet;
  std::string target;  // as received: path plus query
  std::string path;    // percent-decoded path, without the query
  std::multimap<std::string, std::string> query;  // decoded query parameters
  Headers headers;
  std::string body;
  std::string remote_ip;

  // Parses `target` into `path` and `query`. Returns false for a malformed target.
  bool parse_target();
  std::optional<std::string_view> query_param(std::string_view name) const;
  // Value of cookie `name` from the Cookie header.
  std::optional<std::string> cookie(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  // HEAD responses keep the body length but send no body; the server handles that.

  Response& header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

}  // namespace ecrm::http
