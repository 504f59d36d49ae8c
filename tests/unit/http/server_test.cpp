// The server over real sockets on 127.0.0.1: keep-alive, and the deadlines that close idle or
// stalled connections (short timeouts, so each case takes a second or two).
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <chrono>
#include <optional>
#include <string>
#include <thread>

#include "core/metrics.hpp"
#include "http/context.hpp"
#include "http/dispatcher.hpp"
#include "http/router.hpp"
#include "http/server.hpp"

namespace ecrm::http {
namespace {

using Clock = std::chrono::steady_clock;

class NoAuthenticator : public Authenticator {
 public:
  Result<Principal> authenticate(const Request&) override { return Principal{}; }
  std::optional<Result<Principal>> authenticate_cached(const Request&) override {
    return Result<Principal>(Principal{});
  }
};

// A server with GET /ping (answered on the I/O thread) and POST /echo (on a worker), running on
// its own thread for the test's lifetime.
class ServerTest : public ::testing::Test {
 protected:
  void start(int idle_timeout_s, int io_timeout_s) {
    router_.add(Route{.method = Method::kGet,
                      .pattern = "/ping",
                      .access = Access::public_route(),
                      .doc = {.summary = "ping"},
                      .handler = [](RequestContext&) {
                        return Response{200, "text/plain", "pong", {}, {}};
                      },
                      .blocking = false});
    router_.add(Route{.method = Method::kPost,
                      .pattern = "/echo",
                      .access = Access::public_route(),
                      .doc = {.summary = "echo"},
                      .handler = [](RequestContext& ctx) {
                        return Response{200, "text/plain", ctx.request().body, {}, {}};
                      }});
    dispatcher_.emplace(router_, authenticator_, nullptr, nullptr, metrics_,
                        DispatcherOptions{1 << 20, false});
    ServerOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.io_threads = 1;
    options.worker_threads = 1;
    options.idle_timeout_s = idle_timeout_s;
    options.io_timeout_s = io_timeout_s;
    options.shutdown_grace_s = 2;
    server_.emplace(options, *dispatcher_);
    port_ = server_->bind();
    thread_ = std::thread([this] { server_->run(); });
  }

  void TearDown() override {
    if (server_) {
      server_->stop();
      thread_.join();
    }
  }

  int connect_client() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    EXPECT_GE(fd, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port_);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0)
        << std::strerror(errno);
    timeval limit{10, 0};  // no case waits this long unless the server fails to close
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    return fd;
  }

  static void send_all(int fd, const std::string& data) {
    ASSERT_EQ(::send(fd, data.data(), data.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(data.size()));
  }

  // Reads one response (headers and a Content-Length body); nullopt when the connection closed.
  static std::optional<std::string> read_response(int fd) {
    std::string data;
    char buffer[4096];
    while (true) {
      auto end = data.find("\r\n\r\n");
      if (end != std::string::npos) {
        auto at = data.find("Content-Length: ");
        std::size_t length = at == std::string::npos ? 0 : std::stoul(data.substr(at + 16));
        if (data.size() >= end + 4 + length) return data.substr(0, end + 4 + length);
      }
      ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0) return std::nullopt;
      data.append(buffer, static_cast<std::size_t>(n));
    }
  }

  // Waits for the server to close `fd`; returns the seconds it took, or -1 on data or timeout.
  static double seconds_until_closed(int fd) {
    auto started = Clock::now();
    char buffer[256];
    ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n != 0) return -1;
    return std::chrono::duration<double>(Clock::now() - started).count();
  }

  Router router_;
  NoAuthenticator authenticator_;
  MetricsRegistry metrics_;
  std::optional<Dispatcher> dispatcher_;
  std::optional<Server> server_;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

TEST_F(ServerTest, AKeepAliveConnectionServesRequestsOneAfterAnother) {
  start(60, 30);
  int fd = connect_client();
  for (int i = 0; i < 3; ++i) {
    send_all(fd, "GET /ping HTTP/1.1\r\nHost: x\r\n\r\n");
    auto response = read_response(fd);
    ASSERT_TRUE(response) << "request " << i;
    EXPECT_EQ(response->rfind("HTTP/1.1 200", 0), 0u) << *response;
    EXPECT_NE(response->find("\r\n\r\npong"), std::string::npos) << *response;
  }
  send_all(fd, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
  auto echoed = read_response(fd);
  ASSERT_TRUE(echoed);
  EXPECT_NE(echoed->find("\r\n\r\nhello"), std::string::npos) << *echoed;
  ::close(fd);
}

TEST_F(ServerTest, AnIdleConnectionIsClosedAfterTheIdleTimeout) {
  start(1, 30);
  int fd = connect_client();
  double waited = seconds_until_closed(fd);
  EXPECT_GE(waited, 0.9);  // -1: data or no close within 10 s
  EXPECT_LE(waited, 3.0);
  ::close(fd);
}

TEST_F(ServerTest, RequestsKeepAConnectionOpenPastItsFirstDeadline) {
  start(1, 30);
  int fd = connect_client();
  // Six requests 0.4 s apart: 2.4 s in all, past the first request's 1 s idle deadline.
  for (int i = 0; i < 6; ++i) {
    send_all(fd, "GET /ping HTTP/1.1\r\nHost: x\r\n\r\n");
    auto response = read_response(fd);
    ASSERT_TRUE(response) << "the connection closed before request " << i;
    EXPECT_EQ(response->rfind("HTTP/1.1 200", 0), 0u);
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
  }
  double waited = seconds_until_closed(fd);
  EXPECT_GE(waited, 0.5);  // the last request moved the deadline to 1 s after it
  EXPECT_LE(waited, 3.0);
  ::close(fd);
}

TEST_F(ServerTest, HeadersThatStopHalfWayCloseTheConnectionAtTheIdleTimeout) {
  start(1, 30);
  int fd = connect_client();
  send_all(fd, "GET /ping HTTP/1.1\r\nHo");
  double waited = seconds_until_closed(fd);
  EXPECT_GE(waited, 0.9);
  EXPECT_LE(waited, 3.0);
  ::close(fd);
}

TEST_F(ServerTest, ABodyThatStopsHalfWayClosesTheConnectionAtTheIoTimeout) {
  start(60, 1);
  int fd = connect_client();
  send_all(fd, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly ten b");
  double waited = seconds_until_closed(fd);
  EXPECT_GE(waited, 0.9);
  EXPECT_LE(waited, 3.0);  // not the 60 s idle timeout of the read before it
  ::close(fd);
}

}  // namespace
}  // namespace ecrm::http
