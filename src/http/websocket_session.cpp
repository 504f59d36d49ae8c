#include "http/websocket_session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>
#include <spdlog/spdlog.h>

#include <chrono>
#include <list>
#include <exception>
#include <string>
#include <utility>
#include <vector>

namespace ecrm::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

// One WebSocket. Socket work runs on the connection's io_context thread; the handler's calls
// are posted to the worker pool one at a time. Idle, a connection holds the Beast stream (its
// small fixed read buffer, no write buffer without compression) and nothing else: the message
// buffer is released after each message and the send queue is empty.
class SocketSession : public std::enable_shared_from_this<SocketSession> {
 public:
  SocketSession(tcp::socket socket, std::shared_ptr<SocketHandler> handler,
                asio::thread_pool& workers, SocketSessions& sessions)
      : ws_(std::move(socket)), handler_(std::move(handler)), workers_(workers), sessions_(sessions) {}

  ~SocketSession() { sessions_.remove(this); }

  void start(beast::http::request<beast::http::string_body> request, const SocketOptions& options) {
    sessions_.add(this, weak_from_this());
    websocket::stream_base::timeout timeout{};
    timeout.handshake_timeout = std::chrono::seconds(options.handshake_timeout_s);
    timeout.idle_timeout = std::chrono::seconds(options.idle_timeout_s);
    timeout.keep_alive_pings = true;
    ws_.set_option(timeout);
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& response) { response.set(beast::http::field::server, "ecrm"); }));
    ws_.read_message_max(options.max_message_bytes);
    ws_.auto_fragment(false);
    auto shared_request =
        std::make_shared<beast::http::request<beast::http::string_body>>(std::move(request));
    ws_.async_accept(*shared_request,
                     [self = shared_from_this(), shared_request](beast::error_code ec) {
                       if (ec) return;  // the handler never opened: no on_close either
                       self->open();
                     });
  }

  // Thread-safe entry points for the peer.
  void send(std::string text) {
    asio::post(ws_.get_executor(), [self = shared_from_this(), text = std::move(text)]() mutable {
      self->enqueue(std::move(text));
    });
  }
  void close(websocket::close_code code) {
    asio::post(ws_.get_executor(), [self = shared_from_this(), code] {
      self->close_code_ = code;
      self->closing_ = true;
      if (!self->writing_) self->do_close();
    });
  }

 private:
  class Peer : public SocketPeer {
   public:
    explicit Peer(std::weak_ptr<SocketSession> session) : session_(std::move(session)) {}
    void send(std::string text) override {
      if (auto s = session_.lock()) s->send(std::move(text));
    }
    void close() override {
      if (auto s = session_.lock()) s->close(websocket::close_code::normal);
    }

   private:
    std::weak_ptr<SocketSession> session_;
  };

  void open() {
    opened_ = true;
    ws_.text(true);
    auto peer = std::make_shared<Peer>(weak_from_this());
    asio::post(workers_, [self = shared_from_this(), peer] {
      self->call([&] { self->handler_->on_open(peer); });
      asio::post(self->ws_.get_executor(), [self] { self->read(); });
    });
  }

  void read() {
    if (ended_) return;
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      self->on_read(ec);
    });
  }

  void on_read(beast::error_code ec) {
    if (ec) return end();
    std::string text = beast::buffers_to_string(buffer_.data());
    buffer_.consume(buffer_.size());
    buffer_.shrink_to_fit();  // idle connections hold no message buffer
    if (!ws_.got_text()) {
      closing_ = true;
      close_code_ = websocket::close_code::bad_payload;
      if (!writing_) do_close();
      return read();  // the close handshake completes the read with an error
    }
    asio::post(workers_, [self = shared_from_this(), text = std::move(text)] {
      self->call([&] { self->handler_->on_message(text); });
      asio::post(self->ws_.get_executor(), [self] { self->read(); });
    });
  }

  void end() {
    if (ended_) return;
    ended_ = true;
    queue_.clear();
    queued_bytes_ = 0;
    if (!opened_) return;
    asio::post(workers_, [self = shared_from_this()] {
      self->call([&] { self->handler_->on_close(); });
    });
  }

  template <typename F>
  void call(F&& f) {
    try {
      f();
    } catch (const std::exception& e) {
      spdlog::error("WebSocket handler threw: {}", e.what());
    } catch (...) {
      spdlog::error("WebSocket handler threw a non-standard exception");
    }
  }

  void enqueue(std::string text) {
    if (ended_ || closing_) return;
    queued_bytes_ += text.size();
    if (queued_bytes_ > SocketPeer::kMaxQueuedBytes) {
      spdlog::warn("WebSocket peer is not reading: closing it");
      queue_.clear();
      queued_bytes_ = 0;
      beast::error_code ignored;
      beast::get_lowest_layer(ws_).close(ignored);
      return;
    }
    queue_.push_back(std::move(text));
    if (!writing_) write_next();
  }

  void write_next() {
    if (queue_.empty()) {
      writing_ = false;
      if (closing_) do_close();
      return;
    }
    writing_ = true;
    ws_.async_write(asio::buffer(queue_.front()),
                    [self = shared_from_this()](beast::error_code ec, std::size_t) {
                      if (ec) {
                        self->writing_ = false;
                        self->queue_.clear();
                        self->queued_bytes_ = 0;
                        return;  // the pending read fails too and ends the connection
                      }
                      self->queued_bytes_ -= self->queue_.front().size();
                      self->queue_.pop_front();
                      if (self->queue_.empty()) self->queue_ = {};  // idle: no node kept
                      self->write_next();
                    });
  }

  void do_close() {
    if (close_sent_ || ended_) return;
    close_sent_ = true;
    ws_.async_close(close_code_, [self = shared_from_this()](beast::error_code) {});
  }

  websocket::stream<tcp::socket> ws_;
  std::shared_ptr<SocketHandler> handler_;
  asio::thread_pool& workers_;
  SocketSessions& sessions_;
  beast::flat_buffer buffer_;
  std::list<std::string> queue_;  // unlike a deque, an empty list holds no memory
  std::size_t queued_bytes_ = 0;
  websocket::close_code close_code_ = websocket::close_code::normal;
  bool writing_ = false;
  bool closing_ = false;
  bool close_sent_ = false;
  bool opened_ = false;
  bool ended_ = false;

  friend class SocketSessions;
};

void SocketSessions::add(const SocketSession* key, std::weak_ptr<SocketSession> session) {
  std::lock_guard lock(mutex_);
  sessions_.emplace(key, std::move(session));
}

void SocketSessions::remove(const SocketSession* key) {
  std::lock_guard lock(mutex_);
  sessions_.erase(key);
}

std::size_t SocketSessions::size() {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

void SocketSessions::close_all() {
  std::vector<std::shared_ptr<SocketSession>> open;
  {
    std::lock_guard lock(mutex_);
    for (auto& [key, weak] : sessions_) {
      if (auto s = weak.lock()) open.push_back(std::move(s));
    }
  }
  for (auto& s : open) s->close(websocket::close_code::going_away);
}

void start_socket(tcp::socket socket, beast::http::request<beast::http::string_body> request,
                  std::shared_ptr<SocketHandler> handler, asio::thread_pool& workers,
                  const SocketOptions& options, SocketSessions& sessions) {
  auto session =
      std::make_shared<SocketSession>(std::move(socket), std::move(handler), workers, sessions);
  session->start(std::move(request), options);
}

}  // namespace ecrm::http
