// A WebSocket client for the API tests (Beast): connects to the test server, sends text frames
// and receives them on its own I/O thread into a queue the test reads with a timeout.
#pragma once

#include <boost/json.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ecrm::testing {

class WsClient {
 public:
  // Opens `target` on the server at `base_url` (http://host:port) with extra request headers
  // ("Name: value"). When the server refuses the handshake, connected() is false and status()
  // and body() hold its HTTP answer.
  WsClient(const std::string& base_url, const std::string& target,
           std::vector<std::string> headers = {});
  ~WsClient();
  WsClient(const WsClient&) = delete;
  WsClient& operator=(const WsClient&) = delete;

  bool connected() const;
  int status() const;
  const std::string& body() const;

  void send(const std::string& text);
  void send(const boost::json::object& frame) { send(boost::json::serialize(frame)); }
  // The next frame, or nullopt when none arrived within `timeout` (or the socket closed).
  std::optional<boost::json::object> next(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Skips frames until one of `type` arrives; nullopt after `timeout`.
  std::optional<boost::json::object> next_of(const std::string& type,
                                             std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // True once the server closed the connection (waits up to `timeout`).
  bool closed(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ecrm::testing
