// The SMTP transport: one connection to the relay, reused for the messages sent through it, and
// each send's outcome as a value the outbox can store and act on. libcurl's SMTP speaks to the
// relay, except when it is reached as smtp:// without AUTH and offers PIPELINING and not
// STARTTLS: then a transaction's commands are pipelined (pipelined_smtp.hpp), two round trips
// per message instead of libcurl's four.
#pragma once

#include <memory>
#include <optional>
#include <string>

namespace ecrm::messaging::detail {
class PipelinedSmtp;
}

namespace ecrm::messaging {

struct SmtpConfig {
  std::string url;   // smtp://host:port (STARTTLS when the relay offers it) or smtps://host:port
  std::string user;  // AUTH when not empty (and the relay offers AUTH)
  std::string password;
  long timeout_ms = 30000;  // for one whole send, connecting included; <= 0 means 30000
};

struct SmtpOutcome {
  enum class Kind {
    kAccepted,   // the relay took the message (2xx at the end of its data)
    kTemporary,  // a 4xx, or no reply at all (connection refused or lost, timeout, TLS failure)
    kPermanent,  // a 5xx at any step (a refused recipient included), or an unusable address
  };
  Kind kind = Kind::kTemporary;
  int code = 0;       // the relay's reply code; 0 when the failure was not a 4xx/5xx reply
  std::string reply;  // the relay's last reply, else libcurl's error; printable ASCII, <= 500 bytes
};

// One SMTP connection to the relay, opened by the first send and kept for the next ones (closed
// after a failed transaction and opened again by the next send). Not thread-safe: one thread at
// a time; a delivery worker with several connections holds one session per connection.
//
// Which client speaks is decided by the relay's EHLO reply on the session's first connection:
// with PIPELINING and without STARTTLS (and no AUTH configured, scheme smtp), the session's own
// pipelining client, for as long as the session lasts; otherwise libcurl (STARTTLS when offered,
// AUTH when configured), also for as long as the session lasts.
class SmtpSession {
 public:
  // Keeps `config`; connects on the first send. Only the schemes smtp and smtps are used (a
  // misconfigured URL of another scheme fails every send as kTemporary).
  explicit SmtpSession(SmtpConfig config);
  ~SmtpSession();
  SmtpSession(const SmtpSession&) = delete;
  SmtpSession& operator=(const SmtpSession&) = delete;

  // Sends `message` (complete RFC 5322 text with CRLF line ends; a bare LF or CR is sent as
  // CRLF, and lines starting with "." are dot-stuffed on the wire) from `envelope_from` to one
  // recipient, and answers how the relay took it. Addresses may be bare (a@example.com) or
  // written as "Name <a@example.com>", whose part between the angle brackets is used; an empty
  // `envelope_from` is the null sender <>. An address holding control characters or angle
  // brackets, or an empty recipient, is kPermanent with code 0 and nothing is sent.
  //
  // A reused connection that turns out to be closed by the relay before the message's data was
  // sent is retried once on a new connection; no other send is repeated, so a message is
  // handed over at most once by one call. Never throws.
  SmtpOutcome send(const std::string& envelope_from, const std::string& recipient,
                   const std::string& message);

 private:
  struct Handle;
  // The pipelined path's outcome, or nothing when this relay is libcurl's (decided now).
  std::optional<SmtpOutcome> send_pipelined(const std::string& from, const std::string& to,
                                            const std::string& message);

  SmtpConfig config_;
  std::unique_ptr<Handle> handle_;
  // Set while the pipelined path may be used: until the relay's first EHLO reply says otherwise.
  std::unique_ptr<detail::PipelinedSmtp> pipelined_;
};

}  // namespace ecrm::messaging
