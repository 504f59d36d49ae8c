// The network side: an HTTP/1.1 server on Boost.Beast/Asio with one io_context (and thread) per
// core, keep-alive, a header and body size limit enforced before the body is read, and graceful
// shutdown. Requests that may block (database work) run on a separate worker pool so the I/O
// threads never wait on SQL. Beast stays inside server.cpp.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "http/dispatcher.hpp"

namespace ecrm::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  int io_threads = 0;           // 0: one per core
  int worker_threads = 0;       // 0: 4 per core
  int idle_timeout_s = 60;      // keep-alive connections idle this long are closed
  int io_timeout_s = 30;        // a body read or a response write stalled this long closes
  int shutdown_grace_s = 20;    // in-flight requests get this long to finish on SIGTERM
  int socket_idle_timeout_s = 60;  // a silent WebSocket is pinged at half of this, closed after
};

class Server {
 public:
  Server(ServerOptions options, Dispatcher& dispatcher);
  ~Server();

  // Binds the listening socket; throws std::runtime_error when the address is unusable.
  // Returns the bound port (useful with port 0).
  std::uint16_t bind();

  // Serves until SIGINT/SIGTERM or stop(), then stops accepting, lets in-flight requests finish
  // (up to shutdown_grace_s), and returns. `on_ready` runs once the server accepts connections.
  void run(const std::function<void()>& on_ready = {});

  // Starts a graceful shutdown from any thread.
  void stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ecrm::http
