#include "ws_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace ecrm::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace json = boost::json;
using tcp = asio::ip::tcp;

struct WsClient::Impl {
  asio::io_context ioc;
  websocket::stream<tcp::socket> ws{ioc};
  beast::flat_buffer buffer;
  std::thread io;
  bool connected = false;
  int status = 0;
  std::string body;

  std::mutex mutex;
  std::condition_variable arrived;
  std::deque<std::string> frames;
  bool ended = false;
  std::deque<std::string> outgoing;
  bool writing = false;

  void read() {
    ws.async_read(buffer, [this](beast::error_code ec, std::size_t) {
      std::lock_guard lock(mutex);
      if (ec) {
        ended = true;
        arrived.notify_all();
        return;
      }
      frames.push_back(beast::buffers_to_string(buffer.data()));
      buffer.consume(buffer.size());
      arrived.notify_all();
      read();
    });
  }
  void write_next() {
    if (outgoing.empty()) {
      writing = false;
      return;
    }
    writing = true;
    ws.async_write(asio::buffer(outgoing.front()), [this](beast::error_code ec, std::size_t) {
      outgoing.pop_front();
      if (ec) {
        outgoing.clear();
        writing = false;
        return;
      }
      write_next();
    });
  }
};

WsClient::WsClient(const std::string& base_url, const std::string& target,
                   std::vector<std::string> headers)
    : impl_(std::make_unique<Impl>()) {
  std::string rest = base_url.substr(base_url.find("://") + 3);
  std::string hostport = rest.substr(0, rest.find('/'));
  std::string host = hostport.substr(0, hostport.rfind(':'));
  std::string port = hostport.substr(hostport.rfind(':') + 1);
  tcp::resolver resolver(impl_->ioc);
  asio::connect(impl_->ws.next_layer(), resolver.resolve(host, port));
  impl_->ws.set_option(websocket::stream_base::decorator([headers](websocket::request_type& req) {
    for (const auto& h : headers) {
      auto colon = h.find(':');
      std::string value = h.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      req.set(h.substr(0, colon), value);
    }
  }));
  websocket::response_type response;
  beast::error_code ec;
  impl_->ws.handshake(response, hostport, target, ec);
  impl_->status = static_cast<int>(response.result_int());
  impl_->body = response.body();
  if (ec) return;
  impl_->connected = true;
  impl_->read();
  impl_->io = std::thread([this] { impl_->ioc.run(); });
}

WsClient::~WsClient() {
  if (impl_->connected) {
    asio::post(impl_->ioc, [this] {
      beast::error_code ignored;
      impl_->ws.next_layer().shutdown(tcp::socket::shutdown_both, ignored);
      impl_->ws.next_layer().close(ignored);
    });
    impl_->io.join();
  }
}

bool WsClient::connected() const { return impl_->connected; }
int WsClient::status() const { return impl_->status; }
const std::string& WsClient::body() const { return impl_->body; }

void WsClient::send(const std::string& text) {
  asio::post(impl_->ioc, [this, text] {
    impl_->outgoing.push_back(text);
    if (!impl_->writing) impl_->write_next();
  });
}

std::optional<json::object> WsClient::next(std::chrono::milliseconds timeout) {
  std::unique_lock lock(impl_->mutex);
  impl_->arrived.wait_for(lock, timeout, [this] { return !impl_->frames.empty() || impl_->ended; });
  if (impl_->frames.empty()) return std::nullopt;
  std::string text = std::move(impl_->frames.front());
  impl_->frames.pop_front();
  lock.unlock();
  json::value v = json::parse(text);
  return v.as_object();
}

std::optional<json::object> WsClient::next_of(const std::string& type,
                                              std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline -
                                                                     std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    auto frame = next(left);
    if (!frame) return std::nullopt;
    if (frame->at("type").as_string() == type) return frame;
  }
}

bool WsClient::closed(std::chrono::milliseconds timeout) {
  std::unique_lock lock(impl_->mutex);
  return impl_->arrived.wait_for(lock, timeout, [this] { return impl_->ended; });
}

void WsClient::close() {
  asio::post(impl_->ioc, [this] {
    impl_->ws.async_close(websocket::close_code::normal, [](beast::error_code) {});
  });
}

}  // namespace ecrm::testing
