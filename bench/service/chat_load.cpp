// Live chat load: holds many idle visitor WebSockets open and measures the server's memory per
// connection, then runs active visitor/agent pairs and measures message delivery latency.
//
//   chat_load --base http://127.0.0.1:PORT --admin-email E --admin-password P --server-pid PID
//             [--idle 10000] [--pairs 200] [--agents 20] [--interval-ms 200] [--seconds 20]
//
// It creates a write key and `agents` service users through the API, signs them in, opens the
// idle visitors (each a distinct visitor id; each gets the welcome frame), reads the server's
// VmRSS before and after, then opens `pairs` visitors that each start a conversation, and for
// `seconds` every visitor sends a message every `interval-ms` (random phase); each agent answers
// every message at once. A message carries its send time (steady clock, same process), so both
// directions' delivery latency is measured: visitor -> agent and agent -> visitor. Runs on one
// thread (Asio, Beast's WebSocket). Prints key=value lines.
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace json = boost::json;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
  std::string base;
  std::string host = "127.0.0.1";
  std::string port;
  std::string admin_email;
  std::string admin_password;
  int server_pid = 0;
  int idle = 10000;
  int pairs = 200;
  int agents = 20;
  int interval_ms = 200;
  int seconds = 20;
  int settle_ms = 3000;
};

std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now().time_since_epoch()).count();
}

long rss_kib(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  }
  return -1;
}

// One synchronous HTTP request; returns status, body and the Set-Cookie header.
struct HttpAnswer {
  int status = 0;
  std::string body;
  std::string cookie;
};
HttpAnswer request(const Options& o, http::verb verb, const std::string& target, const std::string& body,
                   const std::string& cookie = {}, const std::string& csrf = {}) {
  asio::io_context ioc;
  tcp::resolver resolver(ioc);
  beast::tcp_stream stream(ioc);
  stream.connect(resolver.resolve(o.host, o.port));
  http::request<http::string_body> req{verb, target, 11};
  req.set(http::field::host, o.host + ":" + o.port);
  req.set(http::field::content_type, "application/json");
  if (!cookie.empty()) req.set(http::field::cookie, cookie);
  if (!csrf.empty()) req.set("X-CSRF-Token", csrf);
  req.body() = body;
  req.prepare_payload();
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res);
  HttpAnswer answer{static_cast<int>(res.result_int()), res.body(), ""};
  if (auto it = res.find(http::field::set_cookie); it != res.end()) {
    std::string c(it->value());
    answer.cookie = c.substr(0, c.find(';'));
  }
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  return answer;
}

struct Session {
  std::string cookie;
  std::string csrf;
};
Session login(const Options& o, const std::string& email, const std::string& password) {
  auto r = request(o, http::verb::post, "/api/v1/auth/login",
                   json::serialize(json::object{{"email", email}, {"password", password}}));
  if (r.status != 200) throw std::runtime_error("login of " + email + " failed: " + r.body);
  return Session{r.cookie, std::string(json::parse(r.body).at("csrf_token").as_string())};
}

// A WebSocket client connection, all on the one io_context thread.
class Conn : public std::enable_shared_from_this<Conn> {
 public:
  using FrameHandler = std::function<void(Conn&, const json::object&)>;
  explicit Conn(asio::io_context& ioc) : ws_(ioc) {}

  void open(const tcp::endpoint& endpoint, const std::string& host, const std::string& target,
            std::vector<std::pair<std::string, std::string>> headers, FrameHandler on_frame,
            std::function<void(bool)> on_open) {
    on_frame_ = std::move(on_frame);
    ws_.set_option(websocket::stream_base::decorator([headers](websocket::request_type& req) {
      for (const auto& [name, value] : headers) req.set(name, value);
    }));
    ws_.next_layer().async_connect(endpoint, [self = shared_from_this(), host, target, on_open](beast::error_code ec) {
      if (ec) return on_open(false);
      self->ws_.async_handshake(host, target, [self, on_open](beast::error_code ec2) {
        if (ec2) return on_open(false);
        self->open_ = true;
        on_open(true);
        self->read();
      });
    });
  }

  void send(std::string text) {
    out_.push_back(std::move(text));
    if (!writing_) write_next();
  }
  bool is_open() const { return open_; }
  std::int64_t conversation = 0;
  int index = 0;

 private:
  void read() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) {
        self->open_ = false;
        return;
      }
      auto text = beast::buffers_to_string(self->buffer_.data());
      self->buffer_.consume(self->buffer_.size());
      boost::system::error_code pec;
      auto v = json::parse(text, pec);
      if (!pec && v.is_object() && self->on_frame_) self->on_frame_(*self, v.as_object());
      self->read();
    });
  }
  void write_next() {
    if (out_.empty()) {
      writing_ = false;
      return;
    }
    writing_ = true;
    ws_.async_write(asio::buffer(out_.front()), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      self->out_.pop_front();
      if (ec) {
        self->out_.clear();
        self->writing_ = false;
        return;
      }
      self->write_next();
    });
  }

  websocket::stream<tcp::socket> ws_;
  beast::flat_buffer buffer_;
  std::deque<std::string> out_;
  bool writing_ = false;
  bool open_ = false;
  FrameHandler on_frame_;
};

struct Percentiles {
  std::size_t n = 0;
  double p50 = 0, p90 = 0, p99 = 0, max = 0;
};
Percentiles percentiles(std::vector<std::int64_t> v) {
  Percentiles p;
  p.n = v.size();
  if (v.empty()) return p;
  std::sort(v.begin(), v.end());
  auto at = [&](double q) { return v[std::min(v.size() - 1, static_cast<std::size_t>(q * (v.size() - 1)))] / 1000.0; };
  p.p50 = at(0.50);
  p.p90 = at(0.90);
  p.p99 = at(0.99);
  p.max = v.back() / 1000.0;
  return p;
}

// Opens `count` connections, at most `in_flight` handshakes at a time; runs the context until all
// are done. Returns how many opened.
int open_many(asio::io_context& ioc, int count, int in_flight,
              const std::function<std::shared_ptr<Conn>(int)>& make,
              const std::function<void(std::shared_ptr<Conn>, std::function<void(bool)>)>& start) {
  int next = 0, done = 0, ok = 0, running = 0;
  std::function<void()> pump = [&] {
    while (running < in_flight && next < count) {
      auto c = make(next++);
      ++running;
      start(c, [&](bool opened) {
        --running;
        ++done;
        if (opened) ++ok;
        pump();
      });
    }
  };
  pump();
  while (done < count) ioc.run_one();
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--base") o.base = v;
    else if (k == "--admin-email") o.admin_email = v;
    else if (k == "--admin-password") o.admin_password = v;
    else if (k == "--server-pid") o.server_pid = std::atoi(v.c_str());
    else if (k == "--idle") o.idle = std::atoi(v.c_str());
    else if (k == "--pairs") o.pairs = std::atoi(v.c_str());
    else if (k == "--agents") o.agents = std::atoi(v.c_str());
    else if (k == "--interval-ms") o.interval_ms = std::atoi(v.c_str());
    else if (k == "--seconds") o.seconds = std::atoi(v.c_str());
    else if (k == "--settle-ms") o.settle_ms = std::atoi(v.c_str());
    else {
      std::cerr << "unknown option " << k << "\n";
      return 2;
    }
  }
  std::string hostport = o.base.substr(o.base.find("://") + 3);
  o.host = hostport.substr(0, hostport.rfind(':'));
  o.port = hostport.substr(hostport.rfind(':') + 1);

  Session admin = login(o, o.admin_email, o.admin_password);
  auto key_answer = request(o, http::verb::post, "/api/v1/write-keys",
                            json::serialize(json::object{{"name", "chat-bench"}}), admin.cookie, admin.csrf);
  if (key_answer.status != 201) {
    std::cerr << "write key: " << key_answer.body << "\n";
    return 1;
  }
  const std::string key(json::parse(key_answer.body).at("key").as_string());

  // Agents' accounts and sessions first: signing in hashes a password (slow on purpose), and while
  // this thread does it the idle sockets below would not answer the server's pings.
  std::string stamp = std::to_string(now_us());
  std::vector<std::string> cookies;
  for (int a = 0; a < (o.pairs > 0 ? o.agents : 0); ++a) {
    std::string email = "agent" + std::to_string(a) + "-" + stamp + "@bench.example";
    auto created = request(o, http::verb::post, "/api/v1/users",
                           json::serialize(json::object{{"email", email}, {"role", "service"},
                                                        {"password", "Agent-pass-1234"}, {"name", "Agent " + std::to_string(a)}}),
                           admin.cookie, admin.csrf);
    if (created.status != 201) {
      std::cerr << "creating an agent failed: " << created.body << "\n";
      return 1;
    }
    cookies.push_back(login(o, email, "Agent-pass-1234").cookie);
  }
  asio::io_context ioc(1);
  tcp::endpoint endpoint(asio::ip::make_address(o.host), static_cast<unsigned short>(std::stoi(o.port)));
  const std::string origin = "http://" + hostport;
  auto visitor_target = [&](const std::string& aid) { return "/api/v1/chat/visitor?key=" + key + "&aid=" + aid; };

  // Idle visitors: each opens, gets its welcome, and stays silent.
  long rss_before = rss_kib(o.server_pid);
  int welcomed = 0;
  std::vector<std::shared_ptr<Conn>> idle;
  idle.reserve(o.idle);
  auto idle_started = Clock::now();
  int idle_open = open_many(
      ioc, o.idle, 256,
      [&](int i) {
        auto c = std::make_shared<Conn>(ioc);
        c->index = i;
        idle.push_back(c);
        return c;
      },
      [&](std::shared_ptr<Conn> c, std::function<void(bool)> done) {
        c->open(endpoint, hostport, visitor_target("idle-" + std::to_string(c->index)),
                {{"Origin", "https://shop.example"}},
                [&](Conn&, const json::object& f) {
                  if (f.at("type").as_string() == "welcome") ++welcomed;
                },
                std::move(done));
      });
  double idle_open_s = std::chrono::duration<double>(Clock::now() - idle_started).count();
  auto settle_until = Clock::now() + std::chrono::milliseconds(o.settle_ms);
  while (Clock::now() < settle_until) ioc.run_for(std::chrono::milliseconds(50));
  long rss_idle = rss_kib(o.server_pid);
  std::printf("idle_connections=%d\nidle_welcomed=%d\nidle_open_seconds=%.2f\n", idle_open, welcomed, idle_open_s);
  std::printf("server_rss_before_kib=%ld\nserver_rss_idle_kib=%ld\n", rss_before, rss_idle);
  if (idle_open > 0) {
    std::printf("rss_per_connection_bytes=%.0f\n", (rss_idle - rss_before) * 1024.0 / idle_open);
  }
  std::fflush(stdout);

  if (o.pairs <= 0) return idle_open == o.idle && welcomed == o.idle ? 0 : 1;

  // Agents: service users, signed in, available.
  std::vector<std::int64_t> to_agent_us, to_visitor_us;
  std::vector<std::shared_ptr<Conn>> agents;
  int agents_ready = 0;
  open_many(
      ioc, o.agents, 64,
      [&](int i) {
        auto c = std::make_shared<Conn>(ioc);
        c->index = i;
        agents.push_back(c);
        return c;
      },
      [&](std::shared_ptr<Conn> c, std::function<void(bool)> done) {
        c->open(endpoint, hostport, "/api/v1/chat/agent",
                {{"Cookie", cookies[c->index]}, {"Origin", origin}},
                [&](Conn& self, const json::object& f) {
                  auto type = f.at("type").as_string();
                  if (type == "welcome") {
                    self.send(R"({"type":"status","status":"available"})");
                  } else if (type == "status") {
                    ++agents_ready;
                  } else if (type == "message") {
                    const auto& m = f.at("message").as_object();
                    if (m.at("from").as_string() != "visitor") return;
                    std::string_view text = m.at("text").as_string();
                    if (text.rfind("t:", 0) != 0) return;
                    to_agent_us.push_back(now_us() - std::stoll(std::string(text.substr(2))));
                    self.send(json::serialize(json::object{{"type", "message"},
                                                           {"conversation", f.at("conversation")},
                                                           {"text", "t:" + std::to_string(now_us())}}));
                  }
                },
                std::move(done));
      });
  while (agents_ready < o.agents) ioc.run_for(std::chrono::milliseconds(50));

  // Active visitors: each starts a conversation and waits to be assigned.
  std::vector<std::shared_ptr<Conn>> visitors;
  int assigned = 0;
  bool measuring = false;
  open_many(
      ioc, o.pairs, 64,
      [&](int i) {
        auto c = std::make_shared<Conn>(ioc);
        c->index = i;
        visitors.push_back(c);
        return c;
      },
      [&](std::shared_ptr<Conn> c, std::function<void(bool)> done) {
        c->open(endpoint, hostport, visitor_target("pair-" + stamp + "-" + std::to_string(c->index)),
                {{"Origin", "https://shop.example"}},
                [&](Conn& self, const json::object& f) {
                  auto type = f.at("type").as_string();
                  if (type == "welcome") {
                    self.send(R"({"type":"message","text":"hello"})");
                  } else if (type == "assigned") {
                    self.conversation = f.at("conversation").as_int64();
                    ++assigned;
                  } else if (type == "message" && measuring) {
                    const auto& m = f.at("message").as_object();
                    if (m.at("from").as_string() != "agent") return;
                    std::string_view text = m.at("text").as_string();
                    if (text.rfind("t:", 0) == 0) to_visitor_us.push_back(now_us() - std::stoll(std::string(text.substr(2))));
                  }
                },
                std::move(done));
      });
  auto assign_deadline = Clock::now() + std::chrono::seconds(30);
  while (assigned < o.pairs && Clock::now() < assign_deadline) ioc.run_for(std::chrono::milliseconds(50));
  std::printf("pairs=%d\nagents=%d\nassigned=%d\n", o.pairs, o.agents, assigned);

  // The load: every visitor sends every interval, phases spread at random.
  measuring = true;
  to_agent_us.clear();
  std::mt19937 rng(42);
  std::vector<std::unique_ptr<asio::steady_timer>> timers;
  std::function<void(std::size_t)> tick = [&](std::size_t i) {
    if (!measuring) return;
    visitors[i]->send("{\"type\":\"message\",\"text\":\"t:" + std::to_string(now_us()) + "\"}");
    timers[i]->expires_after(std::chrono::milliseconds(o.interval_ms));
    timers[i]->async_wait([&, i](beast::error_code ec) {
      if (!ec) tick(i);
    });
  };
  for (std::size_t i = 0; i < visitors.size(); ++i) {
    timers.push_back(std::make_unique<asio::steady_timer>(ioc));
    timers[i]->expires_after(std::chrono::milliseconds(std::uniform_int_distribution<int>(0, o.interval_ms)(rng)));
    timers[i]->async_wait([&, i](beast::error_code ec) {
      if (!ec) tick(i);
    });
  }
  auto load_started = Clock::now();
  ioc.run_for(std::chrono::seconds(o.seconds));
  measuring = false;
  for (auto& t : timers) t->cancel();
  double elapsed = std::chrono::duration<double>(Clock::now() - load_started).count();
  ioc.run_for(std::chrono::milliseconds(500));

  auto a = percentiles(to_agent_us), v = percentiles(to_visitor_us);
  std::printf("load_seconds=%.1f\nmessages_per_second=%.0f\n", elapsed, (a.n + v.n) / elapsed);
  std::printf("visitor_to_agent_n=%zu\nvisitor_to_agent_p50_ms=%.2f\nvisitor_to_agent_p90_ms=%.2f\n"
              "visitor_to_agent_p99_ms=%.2f\nvisitor_to_agent_max_ms=%.2f\n",
              a.n, a.p50, a.p90, a.p99, a.max);
  std::printf("agent_to_visitor_n=%zu\nagent_to_visitor_p50_ms=%.2f\nagent_to_visitor_p90_ms=%.2f\n"
              "agent_to_visitor_p99_ms=%.2f\nagent_to_visitor_max_ms=%.2f\n",
              v.n, v.p50, v.p90, v.p99, v.max);
  long idle_still = 0;
  for (auto& c : idle) idle_still += c->is_open() ? 1 : 0;
  std::printf("idle_still_open=%ld\nserver_rss_end_kib=%ld\n", idle_still, rss_kib(o.server_pid));
  return 0;
}
