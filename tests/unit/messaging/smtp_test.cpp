// SmtpSession against a real SMTP server: tests/scripts/smtp_server.py (python3-aiosmtpd), run as
// a child process per test, which records every message it accepts as a JSON line. Each test of
// SmtpTest runs twice: with the relay offering PIPELINING (the session's pipelining client) and
// without (libcurl). A relay scripted in the test shows the commands really go out together.
#include "messaging/smtp.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace ecrm::messaging {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using Kind = SmtpOutcome::Kind;

std::string source_dir() {
  const char* dir = std::getenv("ECRM_SOURCE_DIR");
  return dir != nullptr && *dir != '\0' ? dir : ECRM_TEST_SOURCE_DIR;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A fresh directory under the temporary directory, removed with the object.
class TempDir {
 public:
  TempDir() {
    static int counter = 0;
    path_ = fs::temp_directory_path() /
            ("ecrm-smtp-test-" + std::to_string(getpid()) + "-" + std::to_string(++counter));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// smtp_server.py as a child process, listening once constructed.
class SmtpServer {
 public:
  SmtpServer(const fs::path& dir, const std::vector<std::string>& options)
      : port_file_(dir / "port"), out_file_(dir / "received.jsonl"), log_file_(dir / "server.log") {
    std::vector<std::string> args = {"/usr/bin/python3",
                                     source_dir() + "/tests/scripts/smtp_server.py",
                                     "--port-file",
                                     port_file_.string(),
                                     "--out",
                                     out_file_.string()};
    args.insert(args.end(), options.begin(), options.end());
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_file_.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    int error = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (error != 0) {
      pid_ = -1;
      throw std::runtime_error("could not start " + args[1] + ": " + std::strerror(error));
    }

    // The server writes its port file whole (renamed into place) once it listens.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!fs::exists(port_file_)) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        throw std::runtime_error("smtp_server.py exited during start-up:\n" + log());
      }
      if (std::chrono::steady_clock::now() > deadline) {
        throw std::runtime_error("smtp_server.py did not listen within 60 s:\n" + log());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    port_ = std::stoi(read_file(port_file_));
  }

  ~SmtpServer() { stop(); }

  // Stops the server with SIGTERM (SIGKILL if it has not exited within 30 s) and answers its
  // exit status (128 + signal when killed by one); -1 when already stopped.
  int stop() {
    if (pid_ <= 0) return -1;
    kill(pid_, SIGTERM);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    int status = 0;
    while (waitpid(pid_, &status, WNOHANG) != pid_) {
      if (std::chrono::steady_clock::now() > deadline) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }

  // The messages accepted so far, one JSON object each, in order.
  std::vector<json::object> received() const {
    std::vector<json::object> messages;
    std::istringstream lines(read_file(out_file_));
    for (std::string line; std::getline(lines, line);) {
      if (!line.empty()) messages.push_back(json::parse(line).as_object());
    }
    return messages;
  }

  std::string log() const { return read_file(log_file_); }

 private:
  fs::path port_file_;
  fs::path out_file_;
  fs::path log_file_;
  pid_t pid_ = -1;
  int port_ = 0;
};

std::string text(const json::object& message, std::string_view key) {
  return std::string(message.at(key).as_string());
}

std::vector<std::string> recipients(const json::object& message) {
  std::vector<std::string> out;
  for (const auto& rcpt : message.at("rcpt_tos").as_array()) out.emplace_back(rcpt.as_string());
  return out;
}

std::string simple_message(const std::string& message_id, const std::string& body = "Hello.") {
  return "From: Shop <shop@example.com>\r\n"
         "To: <ann@example.com>\r\n"
         "Subject: Test\r\n"
         "Message-ID: <" +
         message_id +
         "@shop.example.com>\r\n"
         "\r\n" +
         body + "\r\n";
}

// The parameter: whether the relay offers PIPELINING.
class SmtpTest : public ::testing::TestWithParam<bool> {
 protected:
  void start(std::vector<std::string> options = {}) {
    if (!GetParam()) options.push_back("--no-pipelining");
    server_ = std::make_unique<SmtpServer>(dir_.path(), options);
  }

  SmtpConfig config() const { return SmtpConfig{.url = server_->url(), .timeout_ms = 30000}; }

  void TearDown() override {
    if (server_ != nullptr) {
      EXPECT_EQ(server_->stop(), 0) << "the SMTP server did not exit cleanly:\n" << server_->log();
    }
  }

  TempDir dir_;
  std::unique_ptr<SmtpServer> server_;
};

INSTANTIATE_TEST_SUITE_P(Relays, SmtpTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? "Pipelining" : "OneReplyAtATime";
                         });

TEST_P(SmtpTest, MessageArrivesIntact) {
  start();
  const std::string message =
      "From: =?UTF-8?B?5ZWG5bqX?= <shop@example.com>\r\n"
      "To: Ann <ann@example.com>\r\n"
      "Subject: =?UTF-8?B?55Sf5pel5b+r5LmQ?=\r\n"
      "Message-ID: <m1@shop.example.com>\r\n"
      "X-Ecrm-Message: 1\r\n"
      "MIME-Version: 1.0\r\n"
      "Content-Type: text/plain; charset=utf-8\r\n"
      "Content-Transfer-Encoding: 8bit\r\n"
      "\r\n"
      "亲爱的顾客，生日快乐！ Grüße.\r\n"
      ".a line starting with a dot\r\n"
      ".\r\n"
      "..two dots\r\n"
      "last line\r\n";
  SmtpSession session(config());
  SmtpOutcome outcome = session.send("shop@example.com", "ann@example.com", message);

  EXPECT_EQ(outcome.kind, Kind::kAccepted) << outcome.reply;
  EXPECT_EQ(outcome.code, 250);
  EXPECT_EQ(outcome.reply, "250 OK queued");
  auto received = server_->received();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(text(received[0], "data"), message);
  EXPECT_EQ(text(received[0], "message_id"), "<m1@shop.example.com>");
  EXPECT_EQ(text(received[0], "mail_from"), "shop@example.com");
  EXPECT_EQ(recipients(received[0]), std::vector<std::string>{"ann@example.com"});
}

TEST_P(SmtpTest, BareLineEndsAreSentAsCrlf) {
  start();
  SmtpSession session(config());
  SmtpOutcome outcome = session.send("shop@example.com", "ann@example.com",
                                     "Subject: a\nMessage-ID: <m2@x>\r\n\nline\rlast");
  EXPECT_EQ(outcome.kind, Kind::kAccepted) << outcome.reply;
  auto received = server_->received();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(text(received[0], "data"), "Subject: a\r\nMessage-ID: <m2@x>\r\n\r\nline\r\nlast\r\n");
}

TEST_P(SmtpTest, LargeMessageArrivesIntact) {
  start();
  std::string body;
  for (int i = 0; body.size() < 2'000'000; ++i) {
    body += (i % 7 == 0 ? "." : "") + std::to_string(i) + " 顾客 line of a long message body\r\n";
  }
  std::string message = simple_message("big", body);
  SmtpSession session(config());
  SmtpOutcome outcome = session.send("shop@example.com", "ann@example.com", message);
  EXPECT_EQ(outcome.kind, Kind::kAccepted) << outcome.reply;
  auto received = server_->received();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(text(received[0], "data"), message);
}

TEST_P(SmtpTest, SendsOnOneSessionShareTheConnection) {
  start();
  SmtpSession session(config());
  SmtpOutcome first = session.send("shop@example.com", "ann@example.com", simple_message("a"));
  SmtpOutcome second = session.send("shop@example.com", "bob@example.com", simple_message("b"));
  EXPECT_EQ(first.kind, Kind::kAccepted) << first.reply;
  EXPECT_EQ(second.kind, Kind::kAccepted) << second.reply;

  auto received = server_->received();
  ASSERT_EQ(received.size(), 2u);
  EXPECT_EQ(text(received[0], "message_id"), "<a@shop.example.com>");
  EXPECT_EQ(text(received[1], "message_id"), "<b@shop.example.com>");
  EXPECT_EQ(recipients(received[1]), std::vector<std::string>{"bob@example.com"});
  EXPECT_EQ(text(received[0], "peer"), text(received[1], "peer"));
}

TEST_P(SmtpTest, TemporaryRefusalThenAccepted) {
  start({"--fail-first", "1"});
  SmtpSession session(config());
  SmtpOutcome refused = session.send("shop@example.com", "ann@example.com", simple_message("r"));
  EXPECT_EQ(refused.kind, Kind::kTemporary);
  EXPECT_EQ(refused.code, 451);
  EXPECT_EQ(refused.reply, "451 try again later");
  EXPECT_TRUE(server_->received().empty());

  SmtpOutcome retried = session.send("shop@example.com", "ann@example.com", simple_message("r"));
  EXPECT_EQ(retried.kind, Kind::kAccepted) << retried.reply;
  EXPECT_EQ(retried.code, 250);
  auto received = server_->received();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(text(received[0], "message_id"), "<r@shop.example.com>");
}

TEST_P(SmtpTest, PermanentRefusalOfTheData) {
  start({"--fail-first", "1", "--fail-code", "554"});
  SmtpSession session(config());
  SmtpOutcome refused = session.send("shop@example.com", "ann@example.com", simple_message("p"));
  EXPECT_EQ(refused.kind, Kind::kPermanent);
  EXPECT_EQ(refused.code, 554);
  EXPECT_TRUE(server_->received().empty());
}

TEST_P(SmtpTest, RejectedRecipientIsPermanent) {
  start({"--reject", "nobody"});
  SmtpSession session(config());
  SmtpOutcome rejected =
      session.send("shop@example.com", "nobody@example.com", simple_message("n"));
  EXPECT_EQ(rejected.kind, Kind::kPermanent);
  EXPECT_EQ(rejected.code, 550);
  EXPECT_EQ(rejected.reply, "550 no such user");

  // The session goes on with the next message.
  SmtpOutcome next = session.send("shop@example.com", "ann@example.com", simple_message("m"));
  EXPECT_EQ(next.kind, Kind::kAccepted) << next.reply;
  auto received = server_->received();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(recipients(received[0]), std::vector<std::string>{"ann@example.com"});
}

// A port nobody listens on: bound, then closed.
int closed_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

TEST(SmtpConnection, ClosedPortIsTemporaryWithoutCode) {
  SmtpSession session(
      SmtpConfig{.url = "smtp://127.0.0.1:" + std::to_string(closed_port()), .timeout_ms = 30000});
  SmtpOutcome outcome = session.send("shop@example.com", "ann@example.com", simple_message("c"));
  EXPECT_EQ(outcome.kind, Kind::kTemporary);
  EXPECT_EQ(outcome.code, 0);
  EXPECT_NE(outcome.reply.find("Failed to connect"), std::string::npos) << outcome.reply;
}

TEST(SmtpConnection, SilentServerTimesOut) {
  // Connections complete in the listen backlog, but no greeting ever comes.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(listen(fd, 8), 0);
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);

  SmtpSession session(SmtpConfig{
      .url = "smtp://127.0.0.1:" + std::to_string(ntohs(address.sin_port)), .timeout_ms = 300});
  SmtpOutcome outcome = session.send("shop@example.com", "ann@example.com", simple_message("t"));
  close(fd);
  EXPECT_EQ(outcome.kind, Kind::kTemporary);
  EXPECT_EQ(outcome.code, 0);
  EXPECT_NE(outcome.reply.find("timed out"), std::string::npos) << outcome.reply;
}

TEST(SmtpConnection, OnlySmtpSchemesAreUsed) {
  TempDir dir;
  fs::path target = dir.path() / "written";
  SmtpSession session(SmtpConfig{.url = "file://" + target.string()});
  SmtpOutcome outcome = session.send("shop@example.com", "ann@example.com", simple_message("f"));
  EXPECT_EQ(outcome.kind, Kind::kTemporary);
  EXPECT_EQ(outcome.code, 0);
  EXPECT_FALSE(fs::exists(target));
}

TEST_P(SmtpTest, AuthOnlyWhenConfigured) {
  start({"--auth", "shop:s3cret"});
  SmtpConfig anonymous = config();
  SmtpOutcome refused =
      SmtpSession(anonymous).send("shop@example.com", "ann@example.com", simple_message("x"));
  EXPECT_EQ(refused.kind, Kind::kPermanent);
  EXPECT_EQ(refused.code, 530);

  SmtpConfig wrong = config();
  wrong.user = "shop";
  wrong.password = "guess";
  SmtpOutcome denied =
      SmtpSession(wrong).send("shop@example.com", "ann@example.com", simple_message("y"));
  EXPECT_EQ(denied.kind, Kind::kPermanent);
  EXPECT_EQ(denied.code, 535);

  SmtpConfig right = config();
  right.user = "shop";
  right.password = "s3cret";
  SmtpSession session(right);
  for (const char* id : {"z1", "z2"}) {
    SmtpOutcome accepted = session.send("shop@example.com", "ann@example.com", simple_message(id));
    EXPECT_EQ(accepted.kind, Kind::kAccepted) << accepted.reply;
  }
  auto received = server_->received();
  ASSERT_EQ(received.size(), 2u);
  EXPECT_EQ(text(received[0], "message_id"), "<z1@shop.example.com>");
}

TEST_P(SmtpTest, StartTlsIsUsedWhenOffered) {
  // The relay offers STARTTLS with a self-signed certificate: the session takes the offer and
  // refuses the certificate, rather than sending in the clear.
  fs::path cert = dir_.path() / "cert.pem";
  fs::path key = dir_.path() / "key.pem";
  std::string command =
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 "
      "-nodes -days 1 -subj /CN=localhost -keyout '" +
      key.string() + "' -out '" + cert.string() + "' >/dev/null 2>&1";
  if (std::system(command.c_str()) != 0) GTEST_SKIP() << "openssl could not make a certificate";
  start({"--tls-cert", cert.string(), "--tls-key", key.string()});

  SmtpOutcome outcome =
      SmtpSession(config()).send("shop@example.com", "ann@example.com", simple_message("s"));
  EXPECT_EQ(outcome.kind, Kind::kTemporary);
  EXPECT_EQ(outcome.code, 0);
  EXPECT_NE(outcome.reply.find("certificate"), std::string::npos) << outcome.reply;
  EXPECT_TRUE(server_->received().empty());
}

TEST_P(SmtpTest, RelayEndingTheConnectionAfterItsLimit) {
  // After one message the relay answers MAIL with 421 and closes: the session sends the next
  // message over a new connection.
  start({"--max-per-connection", "1"});
  SmtpSession session(config());
  for (const char* id : {"l1", "l2", "l3"}) {
    SmtpOutcome outcome = session.send("shop@example.com", "ann@example.com", simple_message(id));
    EXPECT_EQ(outcome.kind, Kind::kAccepted) << outcome.reply;
  }
  auto received = server_->received();
  ASSERT_EQ(received.size(), 3u);
  EXPECT_NE(text(received[0], "peer"), text(received[1], "peer"));
  EXPECT_NE(text(received[1], "peer"), text(received[2], "peer"));
}

TEST_P(SmtpTest, RelayClosingAnIdleConnection) {
  start({"--idle-timeout", "0.2"});
  SmtpSession session(config());
  SmtpOutcome first = session.send("shop@example.com", "ann@example.com", simple_message("i1"));
  EXPECT_EQ(first.kind, Kind::kAccepted) << first.reply;
  std::this_thread::sleep_for(std::chrono::seconds(1));  // the relay closes the connection
  SmtpOutcome second = session.send("shop@example.com", "ann@example.com", simple_message("i2"));
  EXPECT_EQ(second.kind, Kind::kAccepted) << second.reply;
  EXPECT_EQ(server_->received().size(), 2u);
}

TEST_P(SmtpTest, EnvelopeAddresses) {
  start();
  SmtpSession session(config());
  SmtpOutcome named =
      session.send("Shop <shop@example.com>", " Ann Lee <ann@example.com> ", simple_message("e1"));
  EXPECT_EQ(named.kind, Kind::kAccepted) << named.reply;
  SmtpOutcome null_sender = session.send("", "ann@example.com", simple_message("e2"));
  EXPECT_EQ(null_sender.kind, Kind::kAccepted) << null_sender.reply;

  auto received = server_->received();
  ASSERT_EQ(received.size(), 2u);
  EXPECT_EQ(text(received[0], "mail_from"), "shop@example.com");
  EXPECT_EQ(recipients(received[0]), std::vector<std::string>{"ann@example.com"});
  EXPECT_EQ(text(received[1], "mail_from"), "<>");
}

TEST_P(SmtpTest, UnusableAddressesSendNothing) {
  start();
  SmtpSession session(config());
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"shop@example.com", ""},
      {"shop@example.com", "<>"},
      {"shop@example.com", "ann@example.com>\r\nRCPT TO:<eve@example.com"},
      {"shop@example.com", "ann@example.com\nDATA"},
      {"shop@example.com", "Ann <ann@example.com"},
      {"shop@example.com", "<ann@example.com> trailing"},
      {"shop@example.com", std::string("ann\0@example.com", 16)},
      {"shop@example.com", std::string(300, 'a') + "@example.com"},
      {"shop@example.com\r\nRCPT TO:<eve@example.com>", "ann@example.com"},
  };
  for (const auto& [from, to] : cases) {
    SmtpOutcome outcome = session.send(from, to, simple_message("u"));
    EXPECT_EQ(outcome.kind, Kind::kPermanent) << from << " -> " << to;
    EXPECT_EQ(outcome.code, 0);
    EXPECT_NE(outcome.reply.find("invalid"), std::string::npos) << outcome.reply;
  }
  EXPECT_TRUE(server_->received().empty());

  SmtpOutcome valid = session.send("shop@example.com", "ann@example.com", simple_message("v"));
  EXPECT_EQ(valid.kind, Kind::kAccepted) << valid.reply;
  EXPECT_EQ(server_->received().size(), 1u);
}

TEST_P(SmtpTest, OddMessagesDoNotBreakTheSession) {
  start();
  SmtpSession session(config());
  constexpr char kBinary[] = "Subject: b\r\n\r\nNUL \0, SOH \x01, \xc3\xa9.\r\n";
  const std::string binary(kBinary, sizeof kBinary - 1);
  // Each message and what the relay receives of it (a final line end is added when missing).
  const std::vector<std::pair<std::string, std::string>> accepted = {
      {"", ""},         {".", ".\r\n"}, {"\r\n.\r\n", "\r\n.\r\n"}, {".\r\n.", ".\r\n.\r\n"},
      {binary, binary},
  };
  for (const auto& [message, arrives] : accepted) {
    SmtpOutcome outcome = session.send("shop@example.com", "ann@example.com", message);
    EXPECT_EQ(outcome.kind, Kind::kAccepted) << outcome.reply;
  }
  // A line longer than SMTP allows is the relay's to refuse.
  SmtpOutcome too_long = session.send("shop@example.com", "ann@example.com",
                                      "Subject: x\r\n\r\n" + std::string(2000, 'x'));
  EXPECT_EQ(too_long.kind, Kind::kPermanent);
  EXPECT_EQ(too_long.code, 500);

  SmtpOutcome valid = session.send("shop@example.com", "ann@example.com", simple_message("o"));
  EXPECT_EQ(valid.kind, Kind::kAccepted) << valid.reply;
  auto received = server_->received();
  ASSERT_EQ(received.size(), accepted.size() + 1);
  for (std::size_t i = 0; i < accepted.size(); ++i) {
    EXPECT_EQ(text(received[i], "data"), accepted[i].second) << "message " << i;
  }
  EXPECT_EQ(text(received.back(), "message_id"), "<o@shop.example.com>");
}

// A relay played by the test on a socket of its own: `script` gets the accepted connection.
class ScriptedRelay {
 public:
  explicit ScriptedRelay(std::function<void(int)> script) {
    listener_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address);
    listen(listener_, 8);
    socklen_t length = sizeof address;
    getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this, script = std::move(script)] {
      const int fd = accept(listener_, nullptr, nullptr);
      if (fd < 0) return;
      script(fd);
      close(fd);
    });
  }
  ~ScriptedRelay() {
    join();
    close(listener_);
  }
  // Waits for the script to end (a connection not yet accepted is not waited for).
  void join() {
    shutdown(listener_, SHUT_RDWR);
    if (thread_.joinable()) thread_.join();
  }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }

  // Reads from `fd` until `end` has arrived (5 s at most) and answers the text up to and with
  // it; the rest stays in `buffer`. Empty when it did not come.
  static std::string read_until(int fd, std::string& buffer, std::string_view end) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    for (;;) {
      if (auto at = buffer.find(end); at != std::string::npos) {
        std::string text = buffer.substr(0, at + end.size());
        buffer.erase(0, at + end.size());
        return text;
      }
      pollfd ready{.fd = fd, .events = POLLIN, .revents = 0};
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0 || poll(&ready, 1, static_cast<int>(left.count())) <= 0) return {};
      char chunk[4096];
      const ssize_t n = recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) return {};
      buffer.append(chunk, static_cast<std::size_t>(n));
    }
  }
  static void say(int fd, std::string_view text) {
    send(fd, text.data(), text.size(), MSG_NOSIGNAL);
  }

 private:
  int listener_ = -1;
  int port_ = 0;
  std::thread thread_;
};

TEST(SmtpPipelining, CommandsGoOutTogetherWhenTheRelayOffersIt) {
  // The relay answers nothing of a transaction until MAIL, RCPT and DATA have all arrived: a
  // client waiting for MAIL's reply before sending RCPT would time out.
  std::vector<std::string> commands;
  std::vector<std::string> data;
  std::string ehlo;
  ScriptedRelay relay([&](int fd) {
    std::string buffer;
    ScriptedRelay::say(fd, "220 relay.example ESMTP\r\n");
    ehlo = ScriptedRelay::read_until(fd, buffer, "\r\n");
    ScriptedRelay::say(fd,
                       "250-relay.example\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n"
                       "250 8BITMIME\r\n");
    for (int i = 0; i < 2; ++i) {
      std::string got = ScriptedRelay::read_until(fd, buffer, "DATA\r\n");
      commands.push_back(got);
      if (got.empty()) return;
      ScriptedRelay::say(fd,
                         "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 End data with <CR><LF>.<CR><LF>\r\n");
      data.push_back(ScriptedRelay::read_until(fd, buffer, "\r\n.\r\n"));
      ScriptedRelay::say(fd, "250 2.0.0 Ok: queued as " + std::to_string(i + 1) + "\r\n");
    }
    ScriptedRelay::read_until(fd, buffer, "QUIT\r\n");
  });

  {
    SmtpSession session(SmtpConfig{.url = relay.url(), .timeout_ms = 10000});
    SmtpOutcome first =
        session.send("Shop <shop@example.com>", "ann@example.com", "Subject: a\n\n.dot\nend");
    EXPECT_EQ(first.kind, Kind::kAccepted) << first.reply;
    EXPECT_EQ(first.code, 250);
    EXPECT_EQ(first.reply, "250 2.0.0 Ok: queued as 1");
    SmtpOutcome second = session.send("", "bob@example.com", "Subject: b\r\n\r\nhi\r\n");
    EXPECT_EQ(second.kind, Kind::kAccepted) << second.reply;
    EXPECT_EQ(second.reply, "250 2.0.0 Ok: queued as 2");
  }
  relay.join();
  EXPECT_EQ(ehlo, "EHLO localhost\r\n");
  ASSERT_EQ(commands.size(), 2u);
  EXPECT_EQ(commands[0], "MAIL FROM:<shop@example.com>\r\nRCPT TO:<ann@example.com>\r\nDATA\r\n");
  EXPECT_EQ(commands[1], "MAIL FROM:<>\r\nRCPT TO:<bob@example.com>\r\nDATA\r\n");
  ASSERT_EQ(data.size(), 2u);
  EXPECT_EQ(data[0], "Subject: a\r\n\r\n..dot\r\nend\r\n.\r\n");
  EXPECT_EQ(data[1], "Subject: b\r\n\r\nhi\r\n.\r\n");
}

TEST(SmtpPipelining, RefusedRecipientEndsTheTransactionWithoutData) {
  // RFC 2920: the relay refuses RCPT, then DATA ("no valid recipients"); the refusal of the
  // recipient is the outcome, and the client sends no data: it quits and closes the connection.
  std::string after_refusal;
  ScriptedRelay relay([&](int fd) {
    std::string buffer;
    ScriptedRelay::say(fd, "220 relay.example ESMTP\r\n");
    ScriptedRelay::read_until(fd, buffer, "\r\n");
    ScriptedRelay::say(fd, "250-relay.example\r\n250 PIPELINING\r\n");
    ScriptedRelay::read_until(fd, buffer, "DATA\r\n");
    ScriptedRelay::say(fd,
                       "250 2.1.0 Ok\r\n550 5.1.1 <nobody@example.com>: unknown\r\n"
                       "554 5.5.1 Error: no valid recipients\r\n");
    // What the client sends next, until it closes the connection.
    for (std::string more; !(more = ScriptedRelay::read_until(fd, buffer, "\r\n")).empty();) {
      after_refusal += more;
    }
    after_refusal += buffer;
  });
  SmtpSession session(SmtpConfig{.url = relay.url(), .timeout_ms = 10000});
  SmtpOutcome refused =
      session.send("shop@example.com", "nobody@example.com", "Subject: x\r\n\r\n");
  EXPECT_EQ(refused.kind, Kind::kPermanent);
  EXPECT_EQ(refused.code, 550);
  EXPECT_EQ(refused.reply, "550 5.1.1 <nobody@example.com>: unknown");
  relay.join();
  EXPECT_EQ(after_refusal, "QUIT\r\n");
}

}  // namespace
}  // namespace ecrm::messaging
