// Plain request/response values passed between the network layer (server.cpp, the only place
// that knows Beast) and everything else: dispatcher, routes, handlers and tests.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"

namespace ecrm::http {

class SocketHandler;  // http/socket.hpp

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

// A request body the server wrote to a temporary file instead of memory (routes with
// `spool_body`). The file is removed when the last reference goes, so a handler that hands the
// upload to background work keeps it alive by keeping the shared_ptr.
class SpooledFile {
 public:
  SpooledFile(std::string path, std::uint64_t size) : path_(std::move(path)), size_(size) {}
  ~SpooledFile();
  SpooledFile(const SpooledFile&) = delete;
  SpooledFile& operator=(const SpooledFile&) = delete;
  const std::string& path() const { return path_; }
  std::uint64_t size() const { return size_; }

 private:
  std::string path_;
  std::uint64_t size_;
};

struct Request {
  Method method = Method::kGet;
  std::string target;  // as received: path plus query
  std::string path;    // percent-decoded path, without the query
  std::multimap<std::string, std::string> query;  // decoded query parameters
  Headers headers;
  std::string body;                               // empty when spooled
  std::shared_ptr<const SpooledFile> body_file;   // set for routes with `spool_body`
  std::string remote_ip;

  // Parses `target` into `path` and `query`. Returns false for a malformed target.
  bool parse_target();
  std::optional<std::string_view> query_param(std::string_view name) const;
  // Value of cookie `name` from the Cookie header.
  std::optional<std::string> cookie(std::string_view name) const;
};

// Where a streamed response body goes (see Response::stream). write() blocks until the data is
// handed to the network layer and returns false once the client has gone; the producer should
// then stop.
class BodyWriter {
 public:
  virtual ~BodyWriter() = default;
  virtual bool write(std::string_view data) = 0;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  // When set, the body is produced by this function on a worker thread and sent with chunked
  // transfer encoding as it is written (large exports in constant memory); `body` is ignored.
  // An error returned after data was sent cannot change the status: the connection is closed
  // without the final chunk, so the client sees a truncated transfer.
  std::function<Status(BodyWriter&)> stream;
  // HEAD responses keep the body length but send no body; the server handles that.
  // When set (by accept_socket), the server answers a WebSocket handshake and hands the
  // connection to this handler; status and body are not sent.
  std::shared_ptr<SocketHandler> socket;

  Response& header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

}  // namespace ecrm::http
