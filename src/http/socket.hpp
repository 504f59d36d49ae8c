// WebSockets without Beast: what a capability sees of a connection it accepted. A route answers
// a WebSocket upgrade with `accept_socket(ctx, handler)`; the dispatcher has already checked the
// caller's credentials and the route's scope, so a socket is only opened for a caller the route
// admits. The server (websocket_session.cpp) then completes the handshake and feeds the handler.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "http/request.hpp"

namespace ecrm::http {

// The sending side of one open WebSocket. Thread-safe; never blocks: sends are queued on the
// connection's own I/O thread and written in order. Calls after the connection closed do
// nothing.
class SocketPeer {
 public:
  virtual ~SocketPeer() = default;
  // Queues one text message. A peer that stops reading has at most `kMaxQueuedBytes` queued;
  // beyond that the connection is closed (a slow consumer must not hold the server's memory).
  virtual void send(std::string text) = 0;
  // Closes the connection with a normal closure after the messages already queued.
  virtual void close() = 0;

  static constexpr std::size_t kMaxQueuedBytes = 1 << 20;
};

// What a capability does with a WebSocket it accepted. Calls for one connection are made one at
// a time, in order, on the server's worker threads (so they may touch the database); the next
// message is read only after on_message returned. on_close is called exactly once, after
// on_open, whatever ended the connection (either side closing, an idle timeout, shutdown).
class SocketHandler {
 public:
  virtual ~SocketHandler() = default;
  virtual void on_open(std::shared_ptr<SocketPeer> peer) = 0;
  virtual void on_message(std::string_view text) = 0;
  virtual void on_close() = 0;
};

// True when `request` asks to be upgraded to a WebSocket (Upgrade: websocket, GET).
bool is_socket_upgrade(const Request& request);

// True when the request's Origin header names the server itself (its scheme-less host and port
// equal the Host header). Browsers send Origin on every WebSocket handshake and cookies go with
// it, so a route authenticated by cookie must check it (cross-site WebSocket hijacking).
bool same_origin(const Request& request);

// The response that hands the connection to `handler`: 101 once the server completed the
// handshake. kInvalidArgument (400 upgrade_required) when the request is not an upgrade.
Result<Response> accept_socket(const Request& request, std::shared_ptr<SocketHandler> handler);

}  // namespace ecrm::http
