#include "messaging/smtp.hpp"

#include <curl/curl.h>

#include <chrono>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <mutex>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "messaging/pipelined_smtp.hpp"

namespace ecrm::messaging {
namespace {

constexpr long kDefaultTimeoutMs = 30000;
constexpr std::size_t kMaxReplyBytes = 500;
constexpr std::size_t kMaxAddressBytes = 254;  // RFC 5321: a path is at most 256 octets with <>
constexpr int kServiceClosing = 421;

void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// The address to put between the angle brackets of MAIL FROM / RCPT TO: the part inside <...>
// when there is one, else the whole text, without surrounding blanks. Nothing when the text
// holds control characters, when the address would break the command line (angle brackets) or
// when it is longer than SMTP allows.
std::optional<std::string> envelope_address(std::string_view text) {
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if ((byte < 0x20 && c != '\t') || byte == 0x7f) return std::nullopt;
  }
  auto blank = [](char c) { return c == ' ' || c == '\t'; };
  auto trim = [&](std::string_view s) {
    while (!s.empty() && blank(s.front())) s.remove_prefix(1);
    while (!s.empty() && blank(s.back())) s.remove_suffix(1);
    return s;
  };
  std::string_view address = trim(text);
  if (auto open = address.rfind('<'); open != std::string_view::npos) {
    auto close = address.find('>', open);
    if (close == std::string_view::npos || !trim(address.substr(close + 1)).empty()) {
      return std::nullopt;
    }
    address = trim(address.substr(open + 1, close - open - 1));
  }
  if (address.size() > kMaxAddressBytes) return std::nullopt;
  for (char c : address) {
    if (c == '<' || c == '>' || c == '\t') return std::nullopt;
  }
  return std::string(address);
}

// `message` with every line ending CRLF (a bare LF or CR becomes CRLF): SMTP has no other line
// end, and relays refuse or rewrite bare ones.
std::string with_crlf(const std::string& message) {
  std::string out;
  out.reserve(message.size() + message.size() / 64 + 2);
  std::size_t i = 0;
  while (i < message.size()) {
    // The text up to the next line end is copied as it is.
    std::size_t end = i;
    while (end < message.size() && message[end] != '\r' && message[end] != '\n') ++end;
    out.append(message, i, end - i);
    if (end == message.size()) break;
    out += "\r\n";
    const bool crlf = message[end] == '\r' && end + 1 < message.size() && message[end + 1] == '\n';
    i = end + (crlf ? 2 : 1);
  }
  return out;
}

// Text fit for the outbox row: printable ASCII (anything else becomes '?'), runs of blanks and
// line ends folded to one space, at most kMaxReplyBytes.
std::string printable(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (out.size() >= kMaxReplyBytes) break;
    auto byte = static_cast<unsigned char>(c);
    if (byte == ' ' || byte == '\t' || byte == '\r' || byte == '\n') {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += (byte > 0x20 && byte < 0x7f) ? c : '?';
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

SmtpOutcome failure(SmtpOutcome::Kind kind, std::string_view reply) {
  return SmtpOutcome{.kind = kind, .code = 0, .reply = printable(reply)};
}

}  // namespace

struct SmtpSession::Handle {
  CURL* easy = nullptr;
  char error[CURL_ERROR_SIZE] = {};

  // The message being uploaded and how much of it libcurl has read.
  std::string body;
  std::size_t offset = 0;

  // The relay's replies during one send, each a whole (possibly multi-line) reply.
  std::vector<std::string> replies;
  std::string partial_reply;

  // Sockets libcurl opened during one send: none, after a send that succeeded (libcurl keeps the
  // connection only then), means the send used the kept connection.
  int sockets_opened = 0;
  bool connection_kept = false;

  ~Handle() {
    if (easy != nullptr) curl_easy_cleanup(easy);
  }

  static size_t read_body(char* buffer, size_t size, size_t count, void* self_ptr) {
    auto* self = static_cast<Handle*>(self_ptr);
    std::size_t n = std::min(size * count, self->body.size() - self->offset);
    std::memcpy(buffer, self->body.data() + self->offset, n);
    self->offset += n;
    return n;
  }

  // libcurl hands each line of the relay's replies to the header callback. A reply's last line
  // has a space (or nothing) after its code; "250-..." lines continue it.
  static size_t read_reply_line(char* line, size_t size, size_t count, void* self_ptr) {
    auto* self = static_cast<Handle*>(self_ptr);
    std::string_view text(line, size * count);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
    if (self->partial_reply.size() < 4 * kMaxReplyBytes) {
      if (!self->partial_reply.empty()) self->partial_reply += ' ';
      self->partial_reply.append(text.substr(0, 4 * kMaxReplyBytes));
    }
    if (text.size() < 4 || text[3] != '-') {
      self->replies.push_back(std::move(self->partial_reply));
      self->partial_reply.clear();
    }
    return size * count;
  }

  static int count_socket(void* self_ptr, curl_socket_t, curlsocktype) {
    ++static_cast<Handle*>(self_ptr)->sockets_opened;
    return CURL_SOCKOPT_OK;
  }

  // The text of the last reply with `code`, or nothing.
  std::string reply_with_code(long code) const {
    std::string prefix = std::to_string(code);
    for (auto it = replies.rbegin(); it != replies.rend(); ++it) {
      if (it->compare(0, prefix.size(), prefix) == 0) return *it;
    }
    return {};
  }
};

namespace {

// The pipelined client for `config`, or nothing when its relay must be libcurl's: a scheme other
// than smtp, AUTH configured, or a URL libcurl would read differently from us (the EHLO domain is
// the URL's path, as libcurl takes it, else "localhost").
std::unique_ptr<detail::PipelinedSmtp> pipelined_for(const SmtpConfig& config) {
  if (!config.user.empty()) return nullptr;
  init_curl_once();
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> url(curl_url(), &curl_url_cleanup);
  if (!url || curl_url_set(url.get(), CURLUPART_URL, config.url.c_str(), 0) != CURLUE_OK) {
    return nullptr;
  }
  auto part = [&](CURLUPart which, unsigned flags) -> std::optional<std::string> {
    char* value = nullptr;
    if (curl_url_get(url.get(), which, &value, flags) != CURLUE_OK) return std::nullopt;
    std::string text(value);
    curl_free(value);
    return text;
  };
  auto scheme = part(CURLUPART_SCHEME, 0);
  auto host = part(CURLUPART_HOST, 0);
  auto port = part(CURLUPART_PORT, CURLU_DEFAULT_PORT);
  auto path = part(CURLUPART_PATH, CURLU_URLDECODE);
  if (!scheme || *scheme != "smtp" || !host || host->empty() || !port || !path) return nullptr;
  if (part(CURLUPART_USER, 0) || part(CURLUPART_QUERY, 0)) return nullptr;
  if (host->size() > 2 && host->front() == '[' && host->back() == ']') {
    *host = host->substr(1, host->size() - 2);
  }
  std::string helo = path->size() > 1 ? path->substr(1) : "localhost";
  for (char c : helo) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_' &&
        c != '[' && c != ']' && c != ':') {
      return nullptr;
    }
  }
  long timeout_ms = config.timeout_ms > 0 ? config.timeout_ms : kDefaultTimeoutMs;
  return std::make_unique<detail::PipelinedSmtp>(*host, *port, helo, timeout_ms);
}

}  // namespace

SmtpSession::SmtpSession(SmtpConfig config)
    : config_(std::move(config)), pipelined_(pipelined_for(config_)) {}

SmtpSession::~SmtpSession() = default;

std::optional<SmtpOutcome> SmtpSession::send_pipelined(const std::string& from,
                                                       const std::string& to,
                                                       const std::string& message) {
  using Opened = detail::PipelinedSmtp::Opened;
  const long timeout_ms = config_.timeout_ms > 0 ? config_.timeout_ms : kDefaultTimeoutMs;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  const std::string data = detail::smtp_data(message);
  for (int attempt = 0; attempt < 2; ++attempt) {
    const bool reused = pipelined_->is_open();
    SmtpOutcome not_open;
    switch (pipelined_->open(deadline, &not_open)) {
      case Opened::kReady:
        break;
      case Opened::kUnsuitable:
        pipelined_.reset();
        return std::nullopt;
      case Opened::kFailed:
        not_open.reply = printable(not_open.reply);
        return not_open;
    }
    auto sent = pipelined_->transact(from, to, data, deadline);
    sent.outcome.reply = printable(sent.outcome.reply);
    // As with libcurl: a kept connection the relay has closed, or is closing (421), is tried
    // again once on a new one, but only when none of the message's data was sent.
    const bool connection_gone = sent.lost || sent.outcome.code == kServiceClosing;
    if (sent.outcome.kind == SmtpOutcome::Kind::kAccepted || !reused || sent.data_sent ||
        !connection_gone || std::chrono::steady_clock::now() >= deadline) {
      return sent.outcome;
    }
  }
  return failure(SmtpOutcome::Kind::kTemporary, "the relay closed the connection");
}

SmtpOutcome SmtpSession::send(const std::string& envelope_from, const std::string& recipient,
                              const std::string& message) {
  try {
    auto from = envelope_address(envelope_from);
    if (!from) return failure(SmtpOutcome::Kind::kPermanent, "invalid envelope sender address");
    auto to = envelope_address(recipient);
    if (!to || to->empty()) {
      return failure(SmtpOutcome::Kind::kPermanent, "invalid recipient address");
    }
    if (pipelined_ != nullptr) {
      if (auto sent = send_pipelined(*from, *to, message)) return *std::move(sent);
    }

    if (handle_ == nullptr) {
      init_curl_once();
      auto handle = std::make_unique<Handle>();
      handle->easy = curl_easy_init();
      if (handle->easy == nullptr) {
        return failure(SmtpOutcome::Kind::kTemporary, "libcurl could not be initialised");
      }
      CURL* easy = handle->easy;
      long timeout_ms = config_.timeout_ms > 0 ? config_.timeout_ms : kDefaultTimeoutMs;
      curl_easy_setopt(easy, CURLOPT_URL, config_.url.c_str());
      curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
      curl_easy_setopt(easy, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_TRY));
      if (!config_.user.empty()) {
        curl_easy_setopt(easy, CURLOPT_USERNAME, config_.user.c_str());
        curl_easy_setopt(easy, CURLOPT_PASSWORD, config_.password.c_str());
      }
      curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, timeout_ms);
      curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
      curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
      curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
      curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, handle->error);
      curl_easy_setopt(easy, CURLOPT_UPLOAD, 1L);
      curl_easy_setopt(easy, CURLOPT_READFUNCTION, &Handle::read_body);
      curl_easy_setopt(easy, CURLOPT_READDATA, handle.get());
      curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &Handle::read_reply_line);
      curl_easy_setopt(easy, CURLOPT_HEADERDATA, handle.get());
      curl_easy_setopt(easy, CURLOPT_SOCKOPTFUNCTION, &Handle::count_socket);
      curl_easy_setopt(easy, CURLOPT_SOCKOPTDATA, handle.get());
      handle_ = std::move(handle);
    }
    Handle& h = *handle_;
    CURL* easy = h.easy;

    std::string mail_from = "<" + *from + ">";
    std::string rcpt_to = "<" + *to + ">";
    curl_slist* recipients = curl_slist_append(nullptr, rcpt_to.c_str());
    if (recipients == nullptr) return failure(SmtpOutcome::Kind::kTemporary, "out of memory");
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> recipients_owner(
        recipients, &curl_slist_free_all);
    h.body = with_crlf(message);
    curl_easy_setopt(easy, CURLOPT_MAIL_FROM, mail_from.c_str());
    curl_easy_setopt(easy, CURLOPT_MAIL_RCPT, recipients);
    curl_easy_setopt(easy, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(h.body.size()));

    CURLcode result = CURLE_OK;
    long code = 0;
    for (int attempt = 0; attempt < 2; ++attempt) {
      h.offset = 0;
      h.replies.clear();
      h.partial_reply.clear();
      h.sockets_opened = 0;
      h.error[0] = '\0';
      curl_easy_setopt(easy, CURLOPT_FRESH_CONNECT, attempt == 0 ? 0L : 1L);
      result = curl_easy_perform(easy);
      code = 0;
      curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &code);
      if (result == CURLE_OK) break;
      // A kept connection the relay has closed, or is closing (421, e.g. after its limit of
      // messages per connection), is retried once on a new connection, but only when the
      // message's data was not all sent: then the relay cannot have taken it.
      bool reused = h.connection_kept && h.sockets_opened == 0;
      bool data_unsent = h.offset < h.body.size();
      bool connection_gone = (code < 400 || code >= 600 || code == kServiceClosing) &&
                             result != CURLE_OPERATION_TIMEDOUT &&
                             result != CURLE_COULDNT_RESOLVE_HOST &&
                             result != CURLE_COULDNT_CONNECT;
      h.connection_kept = false;
      if (!(reused && data_unsent && connection_gone)) break;
    }
    h.connection_kept = result == CURLE_OK;
    curl_easy_setopt(easy, CURLOPT_MAIL_RCPT, static_cast<curl_slist*>(nullptr));
    h.body.clear();
    h.body.shrink_to_fit();

    if (result == CURLE_OK) {
      std::string reply = h.reply_with_code(code);
      return SmtpOutcome{.kind = SmtpOutcome::Kind::kAccepted,
                         .code = static_cast<int>(code),
                         .reply = printable(reply.empty() ? std::to_string(code) : reply)};
    }
    if (code >= 400 && code < 600) {
      std::string reply = h.reply_with_code(code);
      if (reply.empty()) reply = h.error[0] != '\0' ? h.error : curl_easy_strerror(result);
      return SmtpOutcome{
          .kind = code >= 500 ? SmtpOutcome::Kind::kPermanent : SmtpOutcome::Kind::kTemporary,
          .code = static_cast<int>(code),
          .reply = printable(reply)};
    }
    return failure(SmtpOutcome::Kind::kTemporary,
                   h.error[0] != '\0' ? h.error : curl_easy_strerror(result));
  } catch (...) {
    return failure(SmtpOutcome::Kind::kTemporary, "the message could not be sent (out of memory)");
  }
}

}  // namespace ecrm::messaging
