// SMTP with the commands of a transaction pipelined (RFC 2920), over one plain TCP connection:
// MAIL FROM, RCPT TO and DATA go out in one write and their three replies are read together,
// then the message: two round trips per message, where libcurl takes four (it waits for each
// command's reply before it sends the next). Used by SmtpSession (smtp.hpp) only for a relay
// reached as smtp:// without AUTH configured whose EHLO reply offers PIPELINING and does not
// offer STARTTLS; every other relay is libcurl's, which does STARTTLS and AUTH.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <optional>
#include <string>

#include "messaging/smtp.hpp"

namespace ecrm::messaging::detail {

class PipelinedSmtp {
 public:
  using Deadline = std::chrono::steady_clock::time_point;

  // `host` and `port` of the relay; `helo` the domain given with EHLO. `timeout_ms` is only named
  // in the text of a timeout.
  PipelinedSmtp(std::string host, std::string port, std::string helo, long timeout_ms);
  ~PipelinedSmtp();
  PipelinedSmtp(const PipelinedSmtp&) = delete;
  PipelinedSmtp& operator=(const PipelinedSmtp&) = delete;

  enum class Opened {
    kReady,       // connected and greeted; the relay offers PIPELINING and not STARTTLS
    kUnsuitable,  // the relay answered EHLO without PIPELINING, with STARTTLS, or not at all
                  // with 250: the connection is closed, and this relay is libcurl's
    kFailed,      // no connection, no greeting, or a greeting refusing service: *failure says
                  // how (always kTemporary)
  };
  // Connects and greets by `deadline` (nothing when already open).
  Opened open(Deadline deadline, SmtpOutcome* failure);
  bool is_open() const { return socket_.is_open(); }
  // Closes the connection (after a QUIT when `quit`, not waiting for its reply).
  void close(bool quit);

  struct Sent {
    SmtpOutcome outcome;
    bool data_sent = false;  // some of the message's data was written: the relay may have it
    bool lost = false;       // the connection failed (closed, reset) rather than a reply refusing
  };
  // One transaction on the open connection: MAIL FROM:<from>, RCPT TO:<to>, DATA, then `data`
  // (the message with CRLF line ends, dot-stuffed and ending with the end-of-data line: see
  // smtp_data()). On anything but the relay's acceptance the connection is closed, as libcurl
  // does after a failed transaction. `from` and `to` are bare addresses checked by the caller.
  Sent transact(const std::string& from, const std::string& to, const std::string& data,
                Deadline deadline);

 private:
  struct Reply {
    int code = 0;
    std::string text;  // the reply's lines joined by a space
  };
  // Writes all of `text`; false (and *error) when the connection failed or the deadline passed.
  bool write_all(const std::string& text, Deadline deadline, std::string* error, bool* lost);
  // The next whole (possibly multi-line) reply; nothing (and *error) on a closed connection, a
  // reply that is not SMTP or the deadline.
  std::optional<Reply> read_reply(Deadline deadline, std::string* error, bool* lost);
  // Waits until the socket is readable (POLLIN) or writable (POLLOUT), at most until `deadline`.
  bool wait(short events, Deadline deadline, std::string* error);
  std::string timed_out() const;

  std::string host_;
  std::string port_;
  std::string helo_;
  long timeout_ms_;
  boost::asio::io_context io_;
  boost::asio::ip::tcp::socket socket_;
  std::string in_;  // received and not yet parsed
};

// `message` as the data of an SMTP transaction: every line end CRLF (a bare LF or CR too), a
// line starting with "." given another one, and the end-of-data line (".\r\n", after a CRLF
// when the message does not end with one; an empty message is just the end-of-data line).
std::string smtp_data(const std::string& message);

}  // namespace ecrm::messaging::detail
