#include "http/server.hpp"

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/spdlog.h>

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <future>
#include <latch>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <unistd.h>
#include <unordered_map>
#include <vector>

#include "http/context.hpp"
#include "http/security.hpp"
#include "http/websocket_session.hpp"
#include "core/thread_name.hpp"

namespace ecrm::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

namespace {
constexpr std::size_t kHeaderLimit = 16 * 1024;
constexpr std::size_t kStreamChunk = 64 * 1024;

// A fresh path for a spooled upload in the system's temporary directory.
std::string upload_path() {
  static std::atomic<std::uint64_t> counter{0};
  std::error_code ec;
  auto dir = std::filesystem::temp_directory_path(ec);
  if (ec) dir = "/tmp";
  auto ticks = std::chrono::steady_clock::now().time_since_epoch().count();
  return (dir / ("ecrm-upload-" + std::to_string(::getpid()) + "-" + std::to_string(ticks) + "-" +
                 std::to_string(counter.fetch_add(1))))
      .string();
}
}  // namespace

class Server::Impl {
 public:
  Impl(ServerOptions options, Dispatcher& dispatcher)
      : options_(std::move(options)), dispatcher_(dispatcher) {
    unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    int io = options_.io_threads > 0 ? options_.io_threads : static_cast<int>(cores);
    int workers = options_.worker_threads > 0 ? options_.worker_threads : 4 * static_cast<int>(cores);
    socket_options_.idle_timeout_s = options_.socket_idle_timeout_s;
    for (int i = 0; i < io; ++i) contexts_.push_back(std::make_unique<asio::io_context>(1));
    workers_.emplace(static_cast<std::size_t>(workers));
    // Each worker names itself: the tasks wait for each other, so each thread takes one. The
    // latch is shared: a task may still be leaving its wait when this constructor returns.
    auto named = std::make_shared<std::latch>(workers);
    for (int i = 0; i < workers; ++i) {
      asio::post(*workers_, [named] {
        name_this_thread("http-worker");
        named->arrive_and_wait();
      });
    }
    named->wait();
    acceptor_.emplace(*contexts_[0]);
  }

  ~Impl() {
    if (workers_) workers_->join();
    // Destroying a context destroys its pending handlers and with them the sessions, which
    // unregister themselves: do it while the registry's mutex is still alive.
    acceptor_.reset();
    contexts_.clear();
  }

  std::uint16_t bind() {
    tcp::endpoint endpoint(asio::ip::make_address(options_.host), options_.port);
    acceptor_->open(endpoint.protocol());
    acceptor_->set_option(asio::socket_base::reuse_address(true));
    acceptor_->bind(endpoint);
    acceptor_->listen(asio::socket_base::max_listen_connections);
    bound_ = true;
    return acceptor_->local_endpoint().port();
  }

  void run(const std::function<void()>& on_ready);
  void stop();

  class Session;

  Dispatcher& dispatcher() { return dispatcher_; }
  asio::thread_pool& workers() { return *workers_; }
  bool stopping() const { return stopping_.load(); }
  const ServerOptions& options() const { return options_; }
  const SocketOptions& socket_options() const { return socket_options_; }
  SocketSessions& sockets() { return sockets_; }

  void session_started(Session* s, std::weak_ptr<Session> weak) {
    std::lock_guard lock(sessions_mutex_);
    sessions_.emplace(s, std::move(weak));
  }
  void session_ended(Session* s) {
    std::lock_guard lock(sessions_mutex_);
    sessions_.erase(s);
    sessions_changed_.notify_all();
  }
  void request_started() { in_flight_.fetch_add(1); }
  void request_finished() {
    // Only a shutdown waits for in-flight requests: waking it on every request would cost a
    // lock and a wake-up each time.
    if (in_flight_.fetch_sub(1) == 1 && stopping_.load()) {
      std::lock_guard lock(sessions_mutex_);
      sessions_changed_.notify_all();
    }
  }

 private:
  void accept();

  ServerOptions options_;
  Dispatcher& dispatcher_;
  std::vector<std::unique_ptr<asio::io_context>> contexts_;
  std::optional<asio::thread_pool> workers_;
  std::optional<tcp::acceptor> acceptor_;
  std::size_t next_context_ = 0;
  bool bound_ = false;
  std::atomic<bool> stopping_{false};
  std::atomic<int> in_flight_{0};
  std::mutex sessions_mutex_;
  std::condition_variable sessions_changed_;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions_;
  SocketOptions socket_options_;
  SocketSessions sockets_;
};

// One connection: read a request, dispatch it (inline or on a worker), write the response,
// repeat while keep-alive holds. All socket work runs on the connection's own io_context
// thread, so no strand is needed.
class Server::Impl::Session : public std::enable_shared_from_this<Session> {
 public:
  Session(Impl& server, tcp::socket socket)
      : server_(server), stream_(std::move(socket)), timer_(stream_.get_executor()) {}

  ~Session() {
    discard_spool();
    server_.session_ended(this);
  }

  void start() {
    server_.session_started(this, weak_from_this());
    beast::error_code ec;
    auto endpoint = stream_.remote_endpoint(ec);
    if (!ec) remote_ip_ = endpoint.address().to_string();
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read_header(); });
  }

  // Called on shutdown: closes the connection now if it is between requests.
  void shutdown_if_idle() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      if (!self->busy_) {
        self->close();
      }
    });
  }

 private:
  void read_header() {
    busy_ = false;
    if (server_.stopping()) return close();
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    parser_->body_limit(boost::none);
    set_deadline(server_.options().idle_timeout_s);
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             [self = shared_from_this()](beast::error_code ec, std::size_t) {
                               self->on_header(ec);
                             });
  }

  void on_header(beast::error_code ec) {
    if (ec) {
      if (ec == bhttp::error::end_of_stream || timed_out_ ||
          ec == asio::error::operation_aborted || ec == asio::error::eof ||
          ec == asio::error::connection_reset) {
        return close();
      }
      // Malformed request line or headers, or headers over the limit.
      Request request = basic_request();
      Error error = ec == bhttp::error::header_limit
                        ? Error{ErrorKind::kPayloadTooLarge, "headers_too_large",
                                "request headers exceed " + std::to_string(kHeaderLimit) + " bytes", ""}
                        : Error::invalid("malformed HTTP request: " + ec.message(), "", "bad_request");
      Response response = server_.dispatcher().reject(request, error);
      if (error.kind == ErrorKind::kPayloadTooLarge) response.status = 431;
      return write(std::move(response), false);
    }
    busy_ = true;
    auto& header = parser_->get();
    keep_alive_ = header.keep_alive();
    auto policy = server_.dispatcher().body_policy(
        parse_method(std::string_view(header.method_string().data(), header.method_string().size())),
        std::string_view(header.target().data(), header.target().size()));
    std::size_t limit = policy.limit;
    if (auto length = parser_->content_length(); length && *length > limit) {
      return reject_too_large(limit);
    }
    parser_->body_limit(limit);
    body_limit_ = limit;
    spool_wanted_ = policy.spool;
    if (policy.authenticate_first && !parser_->is_done()) return check_before_body();
    prepare_body();
  }

  // A large upload is read (and spooled to disk) only once its sender's credentials, in the
  // headers, are good: they are checked on a worker (the check may read the database), and a
  // refusal is sent without reading the body.
  void check_before_body() {
    auto request = std::make_shared<Request>(basic_request());
    for (const auto& field : parser_->get()) {
      request->headers.add(std::string(field.name_string()), std::string(field.value()));
    }
    server_.request_started();
    clear_deadline();  // no I/O is pending while a worker checks
    asio::post(server_.workers(), [self = shared_from_this(), request] {
      std::optional<Response> refused = self->server_.dispatcher().refuse_before_body(*request);
      asio::post(self->stream_.get_executor(),
                 [self, refused = std::move(refused)]() mutable {
                   self->server_.request_finished();
                   if (!refused) return self->prepare_body();
                   self->keep_alive_ = false;
                   self->write(std::move(*refused), false);
                 });
    });
  }

  // Opens the upload file for a spooled body, answers Expect: 100-continue, and reads the body.
  void prepare_body() {
    auto& header = parser_->get();
    if (spool_wanted_ && !parser_->is_done()) {
      spool_parser_.emplace(std::move(*parser_));
      spool_parser_->body_limit(body_limit_);
      spool_path_ = upload_path();
      beast::error_code open_ec;
      spool_parser_->get().body().open(spool_path_.c_str(), beast::file_mode::write_new, open_ec);
      if (open_ec) {
        spdlog::error("cannot create the upload file {}: {}", spool_path_, open_ec.message());
        keep_alive_ = false;
        Request request = basic_request();
        spool_parser_.reset();
        return write(server_.dispatcher().reject(
                         request, Error::unavailable("cannot store the upload: " + open_ec.message())),
                     false);
      }
    }
    auto expect = header[bhttp::field::expect];
    if (!parser_->is_done() && beast::iequals(expect, "100-continue")) {
      auto cont = std::make_shared<bhttp::response<bhttp::empty_body>>(bhttp::status::continue_, 11);
      bhttp::async_write(stream_, *cont,
                         [self = shared_from_this(), cont](beast::error_code ec, std::size_t) {
                           if (ec) return self->close();
                           self->read_body();
                         });
      return;
    }
    read_body();
  }

  void read_body() {
    // No body (a GET, or Content-Length: 0): nothing to wait for, no deadline to set.
    if (!spool_parser_ && parser_->is_done()) return on_body(beast::error_code{});
    set_deadline(server_.options().io_timeout_s);
    auto on_read = [self = shared_from_this()](beast::error_code ec, std::size_t) {
      self->on_body(ec);
    };
    if (spool_parser_) {
      // A large upload: keep extending the deadline while data arrives.
      read_spooled_body();
      return;
    }
    bhttp::async_read(stream_, buffer_, *parser_, std::move(on_read));
  }

  void read_spooled_body() {
    set_deadline(server_.options().io_timeout_s);
    bhttp::async_read_some(stream_, buffer_, *spool_parser_,
                           [self = shared_from_this()](beast::error_code ec, std::size_t) {
                             if (!ec && !self->spool_parser_->is_done()) {
                               return self->read_spooled_body();
                             }
                             self->on_body(ec);
                           });
  }

  // Drops a half-written upload.
  void discard_spool() {
    if (!spool_parser_) return;
    spool_parser_->get().body().close();
    spool_parser_.reset();
    std::error_code remove_ec;
    std::filesystem::remove(spool_path_, remove_ec);
  }

  void reject_too_large(std::size_t limit) {
    keep_alive_ = false;
    Request request = basic_request();
    Response response = server_.dispatcher().reject(
        request, Error{ErrorKind::kPayloadTooLarge, "payload_too_large",
                       "request body exceeds the limit of " + std::to_string(limit) + " bytes", ""});
    write(std::move(response), false);
  }

  Request basic_request() {
    Request request;
    request.remote_ip = remote_ip_;
    if (spool_parser_) {
      auto& header = spool_parser_->get();
      request.method = parse_method(std::string_view(header.method_string().data(),
                                                     header.method_string().size()));
      request.target = std::string(header.target());
    } else if (parser_) {
      auto& header = parser_->get();
      request.method = parse_method(std::string_view(header.method_string().data(),
                                                     header.method_string().size()));
      request.target = std::string(header.target());
    }
    return request;
  }

  void on_body(beast::error_code ec) {
    if (ec == bhttp::error::body_limit) {
      Request basic = basic_request();
      discard_spool();
      return reject_too_large(server_.dispatcher().body_limit(basic.method, basic.target));
    }
    if (ec) {
      Request basic = basic_request();
      discard_spool();
      if (timed_out_ || ec == asio::error::operation_aborted ||
          ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
          ec == asio::error::connection_reset) {
        return close();
      }
      keep_alive_ = false;
      return write(server_.dispatcher().reject(
                       basic, Error::invalid("malformed HTTP request body: " + ec.message(), "",
                                             "bad_request")),
                   false);
    }
    auto request = std::make_shared<Request>(basic_request());
    if (spool_parser_) {
      auto message = spool_parser_->release();
      spool_parser_.reset();
      for (const auto& field : message) {
        request->headers.add(std::string(field.name_string()), std::string(field.value()));
      }
      message.body().close();
      std::error_code size_ec;
      std::uint64_t size = std::filesystem::file_size(spool_path_, size_ec);
      request->body_file = std::make_shared<SpooledFile>(spool_path_, size_ec ? 0 : size);
    } else {
      auto message = parser_->release();
      for (const auto& field : message) {
        request->headers.add(std::string(field.name_string()), std::string(field.value()));
      }
      request->body = std::move(message.body());
      if (is_socket_upgrade(*request)) upgrade_message_.emplace(std::move(message));
      if (spool_wanted_ && !request->body.empty()) {
        // The whole (small) body came with the headers: spool it all the same, so that routes
        // taking files always get one.
        std::string path = upload_path();
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(request->body.data(), static_cast<std::streamsize>(request->body.size()));
        out.close();
        if (out) {
          request->body_file = std::make_shared<SpooledFile>(path, request->body.size());
          request->body.clear();
        } else {
          std::error_code remove_ec;
          std::filesystem::remove(path, remove_ec);
        }
      }
    }
    bool head = request->method == Method::kHead;
    server_.request_started();
    if (!request->parse_target()) {
      request->path = "/";  // keep the dispatcher from re-parsing
      Response response = server_.dispatcher().reject(
          *request, Error::invalid("malformed request target", "target"));
      server_.request_finished();
      return write(std::move(response), keep_alive_, head);
    }
    if (auto inline_response = server_.dispatcher().try_handle_inline(*request)) {
      server_.request_finished();
      return write(std::move(*inline_response), keep_alive_, head);
    }
    clear_deadline();  // no I/O is pending while a worker handles the request
    asio::post(server_.workers(), [self = shared_from_this(), request, head] {
      Response response = self->server_.dispatcher().handle(*request);
      request->body_file.reset();
      if (response.stream && !head) return self->stream_response(std::move(response));
      asio::post(self->stream_.get_executor(),
                 [self, head, response = std::move(response)]() mutable {
                   self->server_.request_finished();
                   self->write(std::move(response), self->keep_alive_, head);
                 });
    });
  }

  void write(Response response, bool keep_alive, bool head = false) {
    if (response.socket) return upgrade(std::move(response));
    auto message = std::make_shared<bhttp::response<bhttp::string_body>>();
    message->version(11);
    message->result(static_cast<unsigned>(response.status));
    message->set(bhttp::field::server, "ecrm");
    if (!response.content_type.empty()) {
      message->set(bhttp::field::content_type, response.content_type);
    }
    add_security_headers(response);
    for (auto& [name, value] : response.headers) message->insert(name, value);
    bool keep = keep_alive && !server_.stopping();
    message->keep_alive(keep);
    std::size_t length = response.body.size();
    message->body() = std::move(response.body);
    message->prepare_payload();
    if (head) {
      message->body().clear();
      message->content_length(length);
    }
    set_deadline(server_.options().io_timeout_s);
    if (head) {
      auto serializer = std::make_shared<bhttp::response_serializer<bhttp::string_body>>(*message);
      bhttp::async_write_header(stream_, *serializer,
                                [self = shared_from_this(), message, serializer, keep](
                                    beast::error_code ec, std::size_t) {
                                  self->after_write(ec, keep);
                                });
      return;
    }
    bhttp::async_write(stream_, *message,
                       [self = shared_from_this(), message, keep](beast::error_code ec,
                                                                  std::size_t) {
                         self->after_write(ec, keep);
                       });
  }

  // Hands the connection to the WebSocket layer: the route accepted the upgrade.
  void upgrade(Response response) {
    if (!upgrade_message_ || server_.stopping()) {
      response = server_.dispatcher().reject(
          basic_request(), server_.stopping()
                               ? Error::unavailable("the server is shutting down")
                               : Error::invalid("not a WebSocket handshake", "", "upgrade_required"));
      return write(std::move(response), false);
    }
    clear_deadline();
    timer_.cancel();
    busy_ = false;
    start_socket(std::move(stream_), std::move(*upgrade_message_), std::move(response.socket),
                 server_.workers(), server_.socket_options(), server_.sockets());
    upgrade_message_.reset();
  }

  // Sends a response whose body is produced by `response.stream`, chunk by chunk. Runs on a
  // worker thread; every socket operation is posted to the connection's own thread and waited
  // for, so a slow client slows the producer down instead of filling memory.
  void stream_response(Response response) {
    bool keep = keep_alive_ && !server_.stopping();
    auto header = std::make_shared<bhttp::response<bhttp::empty_body>>();
    header->version(11);
    header->result(static_cast<unsigned>(response.status));
    header->set(bhttp::field::server, "ecrm");
    if (!response.content_type.empty()) {
      header->set(bhttp::field::content_type, response.content_type);
    }
    add_security_headers(response);
    for (auto& [name, value] : response.headers) header->insert(name, value);
    header->keep_alive(keep);
    header->chunked(true);
    auto serializer = std::make_shared<bhttp::response_serializer<bhttp::empty_body>>(*header);
    beast::error_code ec = on_io([self = shared_from_this(), header, serializer](auto done) {
      self->set_deadline(self->server_.options().io_timeout_s);
      bhttp::async_write_header(self->stream_, *serializer,
                                [done](beast::error_code e, std::size_t) { done(e); });
    });

    class ChunkWriter : public BodyWriter {
     public:
      explicit ChunkWriter(Session& session) : session_(session) { buffer_.reserve(kStreamChunk); }
      bool write(std::string_view data) override {
        if (failed_) return false;
        buffer_.append(data);
        if (buffer_.size() >= kStreamChunk) return flush();
        return true;
      }
      bool flush() {
        if (failed_ || buffer_.empty()) return !failed_;
        auto chunk = std::make_shared<std::string>(std::move(buffer_));
        buffer_.clear();
        buffer_.reserve(kStreamChunk);
        beast::error_code e = session_.on_io([s = session_.shared_from_this(), chunk](auto done) {
          s->set_deadline(s->server_.options().io_timeout_s);
          asio::async_write(s->stream_, bhttp::make_chunk(asio::buffer(*chunk)),
                            [done, chunk](beast::error_code e2, std::size_t) { done(e2); });
        });
        if (e) failed_ = true;
        return !failed_;
      }
      bool failed() const { return failed_; }
      void fail() { failed_ = true; }

     private:
      Session& session_;
      std::string buffer_;
      bool failed_ = false;
    };

    ChunkWriter writer(*this);
    if (ec) writer.fail();
    Status produced;
    if (!writer.failed()) {
      try {
        produced = response.stream(writer);
      } catch (const std::exception& e) {
        produced = Error::internal(e.what());
      }
    }
    bool complete = produced.ok() && writer.flush();
    if (!produced.ok()) {
      spdlog::error("streamed response aborted: {}", produced.error().message);
    }
    if (complete) {
      ec = on_io([self = shared_from_this()](auto done) {
        self->set_deadline(self->server_.options().io_timeout_s);
        asio::async_write(self->stream_, bhttp::make_chunk_last(),
                          [done](beast::error_code e, std::size_t) { done(e); });
      });
      complete = !ec;
    }
    asio::post(stream_.get_executor(), [self = shared_from_this(), keep, complete] {
      self->server_.request_finished();
      if (!complete) return self->close();
      self->after_write({}, keep);
    });
  }

  // Runs `start(done)` on the connection's thread and waits (on the calling worker thread) until
  // it calls done(error_code).
  template <typename Start>
  beast::error_code on_io(Start start) {
    auto promise = std::make_shared<std::promise<beast::error_code>>();
    auto future = promise->get_future();
    asio::post(stream_.get_executor(), [start = std::move(start), promise]() mutable {
      start([promise](beast::error_code e) { promise->set_value(e); });
    });
    return future.get();
  }

  void after_write(beast::error_code ec, bool keep) {
    if (ec) return close();
    if (!keep) return linger_close();
    read_header();
  }

  // Closing right after a response while the client is still sending (a rejected upload) would
  // reset the connection and the client might never read the response. Stop sending, then read
  // and discard what the client still sends, for a bounded time and size, before closing.
  void linger_close() {
    busy_ = false;
    beast::error_code ec;
    stream_.shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return close();
    set_deadline(5);
    drain(0);
  }

  void drain(std::size_t discarded) {
    constexpr std::size_t kMaxDiscard = 64 * 1024 * 1024;
    auto scratch = std::make_shared<std::array<char, 16384>>();
    stream_.async_read_some(asio::buffer(*scratch),
                            [self = shared_from_this(), scratch, discarded](beast::error_code ec,
                                                                            std::size_t n) {
                              if (ec || discarded + n > kMaxDiscard) return self->close();
                              self->drain(discarded + n);
                            });
  }

  void close() {
    busy_ = false;
    clear_deadline();
    beast::error_code ec;
    stream_.shutdown(tcp::socket::shutdown_send, ec);
    stream_.close(ec);
    timer_.cancel();
  }

  // Deadlines. Reads and writes run under a deadline (idle keep-alive, a slow body, a client
  // that stops reading); when it passes, the socket is closed and the pending operation fails.
  // Setting a deadline mostly just stores it: the timer stays armed for an earlier deadline and,
  // when it fires, is re-armed for the current one if that is still ahead. It is re-armed at
  // once only for a deadline that would otherwise be enforced more than its own length late, so
  // a deadline of d seconds closes the connection after d to 2d seconds, and a keep-alive
  // connection costs about one timer operation per idle period instead of two per request.
  void set_deadline(int seconds) {
    const auto length = std::chrono::seconds(seconds);
    deadline_ = std::chrono::steady_clock::now() + length;
    if (!timer_pending_ || timer_expiry_ - deadline_ > length) arm_timer();
  }
  void clear_deadline() { deadline_ = std::chrono::steady_clock::time_point::max(); }

  void arm_timer() {
    timer_pending_ = true;
    timer_expiry_ = deadline_;
    const std::uint64_t generation = ++timer_generation_;
    timer_.expires_at(deadline_);  // cancels a pending wait, whose handler then does nothing
    timer_.async_wait([weak = weak_from_this(), generation](beast::error_code ec) {
      auto self = weak.lock();
      if (!self || generation != self->timer_generation_) return;
      self->timer_pending_ = false;
      if (ec || !self->stream_.is_open()) return;  // cancelled: the connection closed
      if (self->deadline_ == std::chrono::steady_clock::time_point::max()) return;
      if (std::chrono::steady_clock::now() < self->deadline_) return self->arm_timer();
      self->timed_out_ = true;
      beast::error_code ignored;
      self->stream_.close(ignored);  // the pending read or write completes with an error
    });
  }

  Impl& server_;
  tcp::socket stream_;
  asio::steady_timer timer_;
  std::chrono::steady_clock::time_point deadline_ = std::chrono::steady_clock::time_point::max();
  std::chrono::steady_clock::time_point timer_expiry_;
  std::uint64_t timer_generation_ = 0;
  bool timer_pending_ = false;
  bool timed_out_ = false;
  std::string remote_ip_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::optional<bhttp::request_parser<bhttp::file_body>> spool_parser_;
  std::optional<bhttp::request<bhttp::string_body>> upgrade_message_;  // a WebSocket handshake
  std::string spool_path_;
  std::size_t body_limit_ = 0;
  bool spool_wanted_ = false;
  bool keep_alive_ = true;
  bool busy_ = false;
};

void Server::Impl::accept() {
  auto& context = *contexts_[next_context_];
  next_context_ = (next_context_ + 1) % contexts_.size();
  acceptor_->async_accept(context, [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor_->is_open()) return;
      spdlog::warn("accept failed: {}", ec.message());
    } else {
      socket.set_option(tcp::no_delay(true));
      std::make_shared<Session>(*this, std::move(socket))->start();
    }
    if (!stopping_) accept();
  });
}

void Server::Impl::run(const std::function<void()>& on_ready) {
  if (!bound_) bind();
  asio::signal_set signals(*contexts_[0], SIGINT, SIGTERM);
  signals.async_wait([this](beast::error_code ec, int signal) {
    if (!ec) {
      spdlog::info("signal {} received: shutting down gracefully", signal);
      stop();
    }
  });
  accept();
  std::vector<std::thread> threads;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  for (auto& context : contexts_) guards.emplace_back(context->get_executor());
  for (std::size_t i = 1; i < contexts_.size(); ++i) {
    threads.emplace_back([ctx = contexts_[i].get()] {
      name_this_thread("http-io");
      ctx->run();
    });
  }
  if (on_ready) on_ready();

  // The coordinator waits for stop(), then for sessions to drain, then releases the contexts.
  std::thread coordinator([this, &guards, &signals] {
    std::unique_lock lock(sessions_mutex_);
    sessions_changed_.wait(lock, [this] { return stopping_.load(); });
    auto deadline = std::chrono::steady_clock::now() +
                    std::chrono::seconds(options_.shutdown_grace_s);
    sessions_changed_.wait_until(lock, deadline,
                                 [this] { return sessions_.empty() && in_flight_.load() == 0; });
    if (!sessions_.empty()) {
      spdlog::warn("{} connections still open after the grace period; closing them",
                   sessions_.size());
    }
    lock.unlock();
    asio::post(*contexts_[0], [&signals] { signals.cancel(); });
    for (auto& guard : guards) guard.reset();
    for (auto& context : contexts_) context->stop();
  });
  contexts_[0]->run();
  for (auto& t : threads) t.join();
  coordinator.join();
  workers_->join();
  spdlog::info("server stopped");
}

void Server::Impl::stop() {
  if (stopping_.exchange(true)) return;
  asio::post(*contexts_[0], [this] {
    beast::error_code ec;
    acceptor_->close(ec);
  });
  std::vector<std::shared_ptr<Session>> open;
  {
    std::lock_guard lock(sessions_mutex_);
    for (auto& [raw, weak] : sessions_) {
      if (auto s = weak.lock()) open.push_back(std::move(s));
    }
    sessions_changed_.notify_all();
  }
  for (auto& s : open) s->shutdown_if_idle();
  sockets_.close_all();
}

Server::Server(ServerOptions options, Dispatcher& dispatcher)
    : impl_(std::make_unique<Impl>(std::move(options), dispatcher)) {}
Server::~Server() = default;
std::uint16_t Server::bind() { return impl_->bind(); }
void Server::run(const std::function<void()>& on_ready) { impl_->run(on_ready); }
void Server::stop() { impl_->stop(); }

}  // namespace ecrm::http
