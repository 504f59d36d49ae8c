// The server's WebSocket connections (Beast), kept out of server.cpp so that only this file
// parses Beast's WebSocket headers. Internal to src/http/.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <cstddef>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "http/socket.hpp"

namespace ecrm::http {

struct SocketOptions {
  int handshake_timeout_s = 30;
  // A connection from which nothing (not even a pong) arrived for this long is closed; the
  // server pings an idle peer at half of it.
  int idle_timeout_s = 60;
  std::size_t max_message_bytes = 64 * 1024;
};

class SocketSession;

// The open WebSockets, so that a shutdown can close them.
class SocketSessions {
 public:
  void add(const SocketSession* key, std::weak_ptr<SocketSession> session);
  void remove(const SocketSession* key);
  // Closes every open connection (going away).
  void close_all();
  std::size_t size();

 private:
  std::mutex mutex_;
  std::unordered_map<const SocketSession*, std::weak_ptr<SocketSession>> sessions_;
};

// Completes the handshake of `request` on `socket` and serves the connection with `handler`,
// whose calls run on `workers`.
void start_socket(boost::asio::ip::tcp::socket socket,
                  boost::beast::http::request<boost::beast::http::string_body> request,
                  std::shared_ptr<SocketHandler> handler, boost::asio::thread_pool& workers,
                  const SocketOptions& options, SocketSessions& sessions);

}  // namespace ecrm::http
