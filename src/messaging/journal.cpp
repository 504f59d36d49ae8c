#include "messaging/journal.hpp"

#include <boost/json.hpp>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "http/wire.hpp"

namespace ecrm::messaging {

namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

Error io_error(const std::string& what, const std::string& path) {
  return Error::unavailable("outcome journal: cannot " + what + " '" + path +
                            "': " + std::strerror(errno));
}

// The segments of the journal at `path`: path.N for any N.
std::vector<fs::path> segments_of(const std::string& path) {
  std::vector<fs::path> out;
  const fs::path base(path);
  const fs::path dir = base.has_parent_path() ? base.parent_path() : fs::path(".");
  const std::string prefix = base.filename().string() + ".";
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!name.starts_with(prefix) || name.size() == prefix.size()) continue;
    const std::string index = name.substr(prefix.size());
    if (index.find_first_not_of("0123456789") != std::string::npos) continue;
    out.push_back(it->path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::int64_t int_of(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v) throw std::invalid_argument("missing");
  return v->as_int64();
}

std::string text_of(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v) throw std::invalid_argument("missing");
  return std::string(v->as_string());
}

}  // namespace

std::string journal_line(const JournalRecord& r) {
  // The JSON object written field by field (the text json::serialize gives for the same object,
  // without building one for every message sent).
  const Outcome& o = r.outcome;
  std::string out;
  out.reserve(192 + o.reason.size() + o.smtp_reply.size() + o.to.size() + o.subject.size() +
              o.digest.size() + r.detail.size());
  auto key = [&](std::string_view name) {
    out += out.empty() ? "{\"" : ",\"";
    out += name;
    out += "\":";
  };
  auto text = [&](std::string_view name, std::string_view value) {
    key(name);
    out += json::serialize(json::string_view(value.data(), value.size()));
  };
  auto number = [&](std::string_view name, std::int64_t value) {
    key(name);
    out += std::to_string(value);
  };
  number("id", r.message_id);
  number("customer", r.customer_id);
  number("attempts", r.attempts);
  text("status", wire::enum_name(o.status));
  text("reason", o.reason);
  text("reply", o.smtp_reply);
  number("next", o.next_attempt_at);
  text("language", o.language);
  text("to", o.to);
  text("subject", o.subject);
  text("digest", o.digest);
  key("attempted");
  out += o.attempted ? "true" : "false";
  text("event", r.event);
  text("detail", r.detail);
  number("at", r.at);
  out += '}';
  return out;
}

std::optional<JournalRecord> parse_journal_line(std::string_view line) {
  boost::system::error_code ec;
  const json::value v = json::parse(line, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const json::object& o = v.get_object();
  try {
    JournalRecord r;
    r.message_id = int_of(o, "id");
    r.customer_id = int_of(o, "customer");
    r.attempts = static_cast<int>(int_of(o, "attempts"));
    const auto status = wire::parse_enum<MessageStatus>(text_of(o, "status"));
    if (!status) return std::nullopt;
    r.outcome.status = *status;
    r.outcome.reason = text_of(o, "reason");
    r.outcome.smtp_reply = text_of(o, "reply");
    r.outcome.next_attempt_at = int_of(o, "next");
    r.outcome.language = text_of(o, "language");
    r.outcome.to = text_of(o, "to");
    r.outcome.subject = text_of(o, "subject");
    r.outcome.digest = text_of(o, "digest");
    const auto* attempted = o.if_contains("attempted");
    if (!attempted) return std::nullopt;
    r.outcome.attempted = attempted->as_bool();
    r.event = text_of(o, "event");
    r.detail = text_of(o, "detail");
    r.at = int_of(o, "at");
    return r;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

Result<std::unique_ptr<OutcomeJournal>> OutcomeJournal::open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return io_error("open", path);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK) return std::unique_ptr<OutcomeJournal>();
    errno = err;
    return io_error("lock", path);
  }
  return std::unique_ptr<OutcomeJournal>(new OutcomeJournal(path, fd));
}

OutcomeJournal::~OutcomeJournal() {
  if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the lock
}

Result<std::vector<JournalRecord>> OutcomeJournal::read_segments() const {
  std::vector<JournalRecord> out;
  for (const fs::path& segment : segments_of(path_)) {
    std::ifstream in(segment, std::ios::binary);
    if (!in) return io_error("read", segment.string());
    std::string line;
    while (std::getline(in, line)) {
      if (auto record = parse_journal_line(line)) out.push_back(std::move(*record));
    }
  }
  return out;
}

Status OutcomeJournal::remove_segments() const {
  for (const fs::path& segment : segments_of(path_)) {
    std::error_code ec;
    fs::remove(segment, ec);
    if (ec) {
      return Error::unavailable("outcome journal: cannot remove '" + segment.string() +
                                "': " + ec.message());
    }
  }
  return {};
}

Result<std::unique_ptr<OutcomeJournal::Writer>> OutcomeJournal::writer(int index) {
  const std::string segment = path_ + "." + std::to_string(index);
  const int fd = ::open(segment.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return io_error("open", segment);
  return std::unique_ptr<Writer>(new Writer(segment, fd));
}

OutcomeJournal::Writer::~Writer() {
  if (fd_ >= 0) ::close(fd_);
}

Status OutcomeJournal::Writer::append(const JournalRecord& record) {
  line_ = journal_line(record);
  line_ += '\n';
  const ssize_t n = ::write(fd_, line_.data(), line_.size());
  if (n == static_cast<ssize_t>(line_.size())) return {};
  if (n >= 0) errno = ENOSPC;
  return io_error("write to", path_);
}

Status OutcomeJournal::Writer::clear() {
  if (::ftruncate(fd_, 0) != 0) return io_error("empty", path_);
  return {};
}

void OutcomeJournal::Writer::remove() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  std::error_code ec;
  fs::remove(path_, ec);
}

}  // namespace ecrm::messaging
