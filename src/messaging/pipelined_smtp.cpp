#include "messaging/pipelined_smtp.hpp"

#include <poll.h>

#include <boost/asio/connect.hpp>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <utility>

namespace ecrm::messaging::detail {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using Kind = SmtpOutcome::Kind;

constexpr std::size_t kMaxReplyLine = 4096;  // RFC 5321 allows 512 octets
constexpr std::size_t kReadChunk = 4096;

SmtpOutcome failed(std::string text) {
  return SmtpOutcome{.kind = Kind::kTemporary, .code = 0, .reply = std::move(text)};
}

Kind kind_of(int code) { return code >= 500 && code < 600 ? Kind::kPermanent : Kind::kTemporary; }

// The EHLO reply offers `keyword` when one of its lines (after the code) starts with it.
bool offers(const std::string& lines, std::string_view keyword) {
  // Lines are joined by spaces after their "250-" / "250 " prefix: "250-host 250-PIPELINING …".
  std::size_t pos = 0;
  while ((pos = lines.find("250", pos)) != std::string::npos) {
    const bool at_line = pos == 0 || lines[pos - 1] == ' ';
    pos += 3;
    if (!at_line || pos >= lines.size() || (lines[pos] != '-' && lines[pos] != ' ')) continue;
    ++pos;
    std::size_t end = lines.find(' ', pos);
    std::string_view word(lines.data() + pos,
                          (end == std::string::npos ? lines.size() : end) - pos);
    if (word.size() == keyword.size() &&
        std::equal(word.begin(), word.end(), keyword.begin(), [](char a, char b) {
          return std::toupper(static_cast<unsigned char>(a)) == b;
        })) {
      return true;
    }
  }
  return false;
}

}  // namespace

PipelinedSmtp::PipelinedSmtp(std::string host, std::string port, std::string helo, long timeout_ms)
    : host_(std::move(host)),
      port_(std::move(port)),
      helo_(std::move(helo)),
      timeout_ms_(timeout_ms),
      socket_(io_) {}

PipelinedSmtp::~PipelinedSmtp() { close(true); }

std::string PipelinedSmtp::timed_out() const {
  return "Operation timed out after " + std::to_string(timeout_ms_) + " milliseconds";
}

void PipelinedSmtp::close(bool quit) {
  if (!socket_.is_open()) return;
  boost::system::error_code ignored;
  if (quit) socket_.write_some(asio::buffer("QUIT\r\n", 6), ignored);
  socket_.close(ignored);
  in_.clear();
}

bool PipelinedSmtp::wait(short events, Deadline deadline, std::string* error) {
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      *error = timed_out();
      return false;
    }
    pollfd fd{.fd = socket_.native_handle(), .events = events, .revents = 0};
    const int ready = ::poll(&fd, 1, static_cast<int>(std::min<long long>(left, 60'000)));
    if (ready > 0) return true;  // readable, writable, or an error the next read or write reports
    if (ready < 0 && errno != EINTR) {
      *error = std::string("poll failed: ") + std::strerror(errno);
      return false;
    }
  }
}

PipelinedSmtp::Opened PipelinedSmtp::open(Deadline deadline, SmtpOutcome* failure) {
  if (socket_.is_open()) return Opened::kReady;
  in_.clear();
  boost::system::error_code ec;
  tcp::resolver resolver(io_);
  auto endpoints = resolver.resolve(host_, port_, ec);
  if (ec) {
    *failure = failed("Could not resolve host: " + host_);
    return Opened::kFailed;
  }
  // The connect is asynchronous only to bound it by the deadline.
  bool done = false;
  asio::async_connect(socket_, endpoints,
                      [&](const boost::system::error_code& e, const tcp::endpoint&) {
                        ec = e;
                        done = true;
                      });
  io_.restart();
  io_.run_until(deadline);
  if (!done) {
    boost::system::error_code ignored;
    socket_.close(ignored);
    io_.restart();
    io_.run();  // the cancelled handler
    *failure =
        failed("Connection timed out after " + std::to_string(timeout_ms_) + " milliseconds");
    return Opened::kFailed;
  }
  if (ec) {
    boost::system::error_code ignored;
    socket_.close(ignored);
    *failure = failed("Failed to connect to " + host_ + " port " + port_ + ": " + ec.message());
    return Opened::kFailed;
  }
  socket_.set_option(tcp::no_delay(true), ec);
  socket_.non_blocking(true, ec);

  std::string error;
  bool lost = false;
  auto greeting = read_reply(deadline, &error, &lost);
  if (!greeting) {
    close(false);
    *failure = failed(error);
    return Opened::kFailed;
  }
  if (greeting->code != 220) {
    // A relay refusing service at the greeting (421, 554): about the connection, not a message.
    close(true);
    *failure =
        SmtpOutcome{.kind = Kind::kTemporary, .code = greeting->code, .reply = greeting->text};
    return Opened::kFailed;
  }
  if (!write_all("EHLO " + helo_ + "\r\n", deadline, &error, &lost)) {
    close(false);
    *failure = failed(error);
    return Opened::kFailed;
  }
  auto ehlo = read_reply(deadline, &error, &lost);
  if (!ehlo) {
    close(false);
    *failure = failed(error);
    return Opened::kFailed;
  }
  if (ehlo->code != 250 || !offers(ehlo->text, "PIPELINING") || offers(ehlo->text, "STARTTLS")) {
    close(true);
    return Opened::kUnsuitable;
  }
  return Opened::kReady;
}

bool PipelinedSmtp::write_all(const std::string& text, Deadline deadline, std::string* error,
                              bool* lost) {
  std::size_t written = 0;
  while (written < text.size()) {
    boost::system::error_code ec;
    written += socket_.write_some(asio::buffer(text.data() + written, text.size() - written), ec);
    if (!ec) continue;
    if (ec != asio::error::would_block && ec != asio::error::try_again) {
      *error = "Send failure: " + ec.message();
      *lost = true;
      return false;
    }
    if (!wait(POLLOUT, deadline, error)) return false;
  }
  return true;
}

std::optional<PipelinedSmtp::Reply> PipelinedSmtp::read_reply(Deadline deadline, std::string* error,
                                                              bool* lost) {
  Reply reply;
  std::size_t start = 0;  // of the current line in in_
  for (;;) {
    const std::size_t end = in_.find('\n', start);
    if (end == std::string::npos) {
      if (in_.size() - start > kMaxReplyLine) {
        *error = "the relay's reply is not SMTP (a line too long)";
        *lost = true;
        return std::nullopt;
      }
      // More is needed: waits, then reads what has come.
      if (!wait(POLLIN, deadline, error)) return std::nullopt;
      const std::size_t had = in_.size();
      in_.resize(had + kReadChunk);
      boost::system::error_code ec;
      const std::size_t n = socket_.read_some(asio::buffer(in_.data() + had, kReadChunk), ec);
      in_.resize(had + n);
      if (ec == asio::error::would_block || ec == asio::error::try_again) continue;
      if (ec) {
        *error = ec == asio::error::eof ? "the relay closed the connection"
                                        : "Recv failure: " + ec.message();
        *lost = true;
        return std::nullopt;
      }
      continue;
    }
    std::string_view line(in_.data() + start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    start = end + 1;
    const bool digits = line.size() >= 3 && std::isdigit(static_cast<unsigned char>(line[0])) &&
                        std::isdigit(static_cast<unsigned char>(line[1])) &&
                        std::isdigit(static_cast<unsigned char>(line[2]));
    if (!digits || (line.size() > 3 && line[3] != ' ' && line[3] != '-')) {
      *error = "the relay's reply is not SMTP";
      *lost = true;
      return std::nullopt;
    }
    const int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
    if (reply.text.size() < kMaxReplyLine) {
      if (!reply.text.empty()) reply.text += ' ';
      reply.text.append(line.substr(0, kMaxReplyLine));
    }
    if (line.size() > 3 && line[3] == '-') continue;
    reply.code = code;
    in_.erase(0, start);
    return reply;
  }
}

PipelinedSmtp::Sent PipelinedSmtp::transact(const std::string& from, const std::string& to,
                                            const std::string& data, Deadline deadline) {
  Sent sent;
  std::string error;
  auto fail = [&](bool quit) {
    close(quit);
    if (sent.outcome.reply.empty()) sent.outcome = failed(error);
    return sent;
  };
  auto refused = [&](const Reply& reply) {
    sent.outcome =
        SmtpOutcome{.kind = kind_of(reply.code), .code = reply.code, .reply = reply.text};
    return fail(reply.code != 421);
  };

  // The commands up to DATA in one write (RFC 2920: DATA ends a group), then their replies.
  if (!write_all("MAIL FROM:<" + from + ">\r\nRCPT TO:<" + to + ">\r\nDATA\r\n", deadline, &error,
                 &sent.lost)) {
    return fail(false);
  }
  for (int expected : {250, 250, 354}) {
    auto reply = read_reply(deadline, &error, &sent.lost);
    if (!reply) return fail(false);
    const bool ok = expected == 354 ? reply->code == 354 : reply->code / 100 == 2;
    if (!ok) {
      // A refused MAIL or RCPT makes the relay refuse DATA too (RFC 2920); the connection is
      // closed without reading those replies.
      if (reply->code >= 400 && reply->code < 600) return refused(*reply);
      error = "unexpected reply: " + reply->text;
      return fail(true);
    }
  }
  sent.data_sent = true;
  if (!write_all(data, deadline, &error, &sent.lost)) return fail(false);
  auto reply = read_reply(deadline, &error, &sent.lost);
  if (!reply) return fail(false);
  if (reply->code / 100 == 2) {
    sent.outcome = SmtpOutcome{.kind = Kind::kAccepted, .code = reply->code, .reply = reply->text};
    return sent;
  }
  if (reply->code >= 400 && reply->code < 600) return refused(*reply);
  error = "unexpected reply: " + reply->text;
  return fail(true);
}

std::string smtp_data(const std::string& message) {
  std::string out;
  out.reserve(message.size() + message.size() / 32 + 8);
  std::size_t i = 0;
  while (i < message.size()) {
    if (message[i] == '.') out += '.';  // at the start of a line
    // The line's end: its first CR or LF (memchr, not a loop over the characters).
    const char* base = message.data();
    const void* lf = std::memchr(base + i, '\n', message.size() - i);
    const std::size_t lf_at = lf ? static_cast<const char*>(lf) - base : message.size();
    const void* cr = std::memchr(base + i, '\r', lf_at - i);
    const std::size_t end = cr ? static_cast<const char*>(cr) - base : lf_at;
    out.append(message, i, end - i);
    if (end == message.size()) {
      out += "\r\n";
      break;
    }
    out += "\r\n";
    const bool crlf = message[end] == '\r' && end + 1 < message.size() && message[end + 1] == '\n';
    i = end + (crlf ? 2 : 1);
  }
  out += ".\r\n";
  return out;
}

}  // namespace ecrm::messaging::detail
