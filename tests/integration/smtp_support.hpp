// A real SMTP server for API tests: tests/scripts/smtp_server.py (python3-aiosmtpd) as a child
// process that records every message it accepts as a JSON line, and a small reader of what it
// received (headers, RFC 2047 encoded words, base64 MIME parts).
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "harness.hpp"

extern char** environ;

namespace ecrm::testing {

// smtp_server.py listening on 127.0.0.1 once constructed; stopped (and its files removed) with
// the object.
class SmtpServer {
 public:
  // `options`: the script's own (--fail-first N, --reject SUBSTRING, …). `script`: another test
  // server of tests/scripts with the same --port-file/--out contract (webhook_server.py).
  explicit SmtpServer(const std::vector<std::string>& options = {},
                      const std::string& script = "smtp_server.py") {
    std::random_device rd;
    dir_ = std::filesystem::temp_directory_path() /
           ("ecrm-it-smtp-" + std::to_string(getpid()) + "-" + std::to_string(rd()));
    std::filesystem::create_directories(dir_);
    port_file_ = dir_ / "port";
    out_file_ = dir_ / "received.jsonl";
    log_file_ = dir_ / "server.log";
    // The system interpreter: it has aiosmtpd, which a python3 earlier on PATH may lack.
    std::vector<std::string> args = {"/usr/bin/python3",
                                     source_dir() + "/tests/scripts/" + script,
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
    const int error = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (error != 0) {
      pid_ = -1;
      throw std::runtime_error("cannot start smtp_server.py: " + std::string(std::strerror(error)));
    }
    // The port file is written whole (renamed into place) once the server listens.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!std::filesystem::exists(port_file_)) {
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
    port_ = std::stoi(read(port_file_));
  }

  ~SmtpServer() {
    stop();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  SmtpServer(const SmtpServer&) = delete;
  SmtpServer& operator=(const SmtpServer&) = delete;

  // SIGTERM, then SIGKILL after 30 s.
  void stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
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
  }

  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }

  // Every message accepted so far, in order: {mail_from, rcpt_tos, data, message_id, …}.
  std::vector<boost::json::object> received() const {
    std::vector<boost::json::object> out;
    std::istringstream lines(read(out_file_));
    for (std::string line; std::getline(lines, line);) {
      boost::system::error_code ec;
      auto value = boost::json::parse(line, ec);
      // A line being written is not yet whole: it is read on the next call.
      if (!ec && value.is_object()) out.push_back(value.as_object());
    }
    return out;
  }

  // How many messages were accepted so far (the whole lines of the record), without reading
  // them.
  std::size_t received_count() const {
    std::ifstream in(out_file_, std::ios::binary);
    std::size_t lines = 0;
    char buffer[1 << 16];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
      lines += static_cast<std::size_t>(std::count(buffer, buffer + in.gcount(), '\n'));
    }
    return lines;
  }

  std::string log() const { return read(log_file_); }

 private:
  static std::string read(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }

  std::filesystem::path dir_;
  std::filesystem::path port_file_;
  std::filesystem::path out_file_;
  std::filesystem::path log_file_;
  pid_t pid_ = -1;
  int port_ = 0;
};

// Standard base64 (RFC 4648), skipping line breaks and other characters outside the alphabet.
inline std::string base64_decode(std::string_view text) {
  auto value = [](char ch) -> int {
    if (ch >= 'A' && ch <= 'Z') return ch - 'A';
    if (ch >= 'a' && ch <= 'z') return ch - 'a' + 26;
    if (ch >= '0' && ch <= '9') return ch - '0' + 52;
    if (ch == '+') return 62;
    if (ch == '/') return 63;
    return -1;
  };
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char ch : text) {
    if (ch == '=') break;
    const int v = value(ch);
    if (v < 0) continue;
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  return out;
}

// A header value with its RFC 2047 encoded words (=?UTF-8?B?…?= and =?UTF-8?Q?…?=) decoded;
// the whitespace between two adjacent encoded words is dropped, as the RFC says.
inline std::string decode_rfc2047(const std::string& value) {
  std::string out;
  std::size_t at = 0;
  bool last_was_word = false;
  while (at < value.size()) {
    const std::size_t start = value.find("=?", at);
    if (start == std::string::npos) {
      out += value.substr(at);
      break;
    }
    const std::size_t charset_end = value.find('?', start + 2);
    const std::size_t encoding_end =
        charset_end == std::string::npos ? std::string::npos : value.find('?', charset_end + 1);
    const std::size_t end =
        encoding_end == std::string::npos ? std::string::npos : value.find("?=", encoding_end + 1);
    if (end == std::string::npos || encoding_end != charset_end + 2) {
      out += value.substr(at);
      break;
    }
    std::string between = value.substr(at, start - at);
    const bool blank = between.find_first_not_of(" \t\r\n") == std::string::npos;
    if (!(last_was_word && blank)) out += between;
    const char encoding = static_cast<char>(std::toupper(value[charset_end + 1]));
    const std::string payload = value.substr(encoding_end + 1, end - encoding_end - 1);
    if (encoding == 'B') {
      out += base64_decode(payload);
    } else {
      for (std::size_t i = 0; i < payload.size(); ++i) {
        if (payload[i] == '_') {
          out += ' ';
        } else if (payload[i] == '=' && i + 2 < payload.size()) {
          out += static_cast<char>(std::stoi(payload.substr(i + 1, 2), nullptr, 16));
          i += 2;
        } else {
          out += payload[i];
        }
      }
    }
    at = end + 2;
    last_was_word = true;
  }
  return out;
}

// One received message, taken apart.
struct Mail {
  std::multimap<std::string, std::string> headers;  // lower-case names, unfolded raw values
  std::map<std::string, std::string> parts;         // content type ("text/html") -> decoded body
  std::vector<std::string> header_lines;  // each header as sent (folded lines joined by \n)

  // The header's raw value ("" when absent).
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
  std::size_t count(const std::string& name) const { return headers.count(name); }
  std::string part(const std::string& type) const {
    auto it = parts.find(type);
    return it == parts.end() ? "" : it->second;
  }
};

namespace mail_detail {

inline std::string lower(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

inline std::string trim(std::string s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

// Splits `text` into lines without their CR LF (or LF).
inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at <= text.size()) {
    std::size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(at, end - at);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    out.push_back(std::move(line));
    at = end + 1;
  }
  return out;
}

// Reads a header block from lines[at…] up to the empty line; returns the index after it.
inline std::size_t read_headers(const std::vector<std::string>& lines, std::size_t at,
                                std::multimap<std::string, std::string>& headers,
                                std::vector<std::string>* raw) {
  std::string name;
  std::string value;
  std::string raw_header;
  auto flush = [&] {
    if (!name.empty()) headers.emplace(lower(name), trim(value));
    if (raw && !raw_header.empty()) raw->push_back(raw_header);
    name.clear();
    value.clear();
    raw_header.clear();
  };
  for (; at < lines.size(); ++at) {
    const std::string& line = lines[at];
    if (line.empty()) {
      ++at;
      break;
    }
    if (line[0] == ' ' || line[0] == '\t') {  // a folded continuation
      value += line;
      raw_header += "\n" + line;
      continue;
    }
    flush();
    const auto colon = line.find(':');
    name = colon == std::string::npos ? line : line.substr(0, colon);
    value = colon == std::string::npos ? "" : line.substr(colon + 1);
    raw_header = line;
  }
  flush();
  return at;
}

// The value of a parameter of a header value: boundary="…".
inline std::string parameter(const std::string& value, const std::string& name) {
  const std::string lowered = lower(value);
  const auto at = lowered.find(lower(name) + "=");
  if (at == std::string::npos) return "";
  std::string rest = value.substr(at + name.size() + 1);
  if (!rest.empty() && rest[0] == '"') {
    const auto close = rest.find('"', 1);
    return rest.substr(1, close == std::string::npos ? std::string::npos : close - 1);
  }
  const auto end = rest.find_first_of("; \t");
  return rest.substr(0, end);
}

inline std::string media_type(const std::string& content_type) {
  return lower(trim(content_type.substr(0, content_type.find(';'))));
}

inline std::string decode_body(const std::string& transfer_encoding, const std::string& body) {
  if (lower(trim(transfer_encoding)) == "base64") return base64_decode(body);
  return body;
}

inline std::string join(const std::vector<std::string>& lines, std::size_t from, std::size_t to) {
  std::string out;
  for (std::size_t i = from; i < to && i < lines.size(); ++i) {
    out += lines[i];
    out += "\r\n";
  }
  return out;
}

}  // namespace mail_detail

// Takes apart the RFC 5322 text of a message: its headers and its text parts (a single part,
// or the parts of a multipart body), each decoded from its transfer encoding.
inline Mail parse_mail(const std::string& data) {
  using namespace mail_detail;
  Mail mail;
  const auto lines = lines_of(data);
  const std::size_t body_at = read_headers(lines, 0, mail.headers, &mail.header_lines);
  const std::string content_type = mail.header("content-type");
  const std::string type = media_type(content_type);
  if (type.rfind("multipart/", 0) != 0) {
    mail.parts[type.empty() ? "text/plain" : type] =
        decode_body(mail.header("content-transfer-encoding"), join(lines, body_at, lines.size()));
    return mail;
  }
  const std::string boundary = parameter(content_type, "boundary");
  const std::string delimiter = "--" + boundary;
  std::size_t at = body_at;
  while (at < lines.size() && lines[at] != delimiter) ++at;
  while (at < lines.size() && lines[at] == delimiter) {
    std::multimap<std::string, std::string> part_headers;
    std::size_t body = read_headers(lines, at + 1, part_headers, nullptr);
    std::size_t end = body;
    while (end < lines.size() && lines[end] != delimiter && lines[end] != delimiter + "--") ++end;
    auto header = [&](const std::string& name) {
      auto it = part_headers.find(name);
      return it == part_headers.end() ? std::string() : it->second;
    };
    mail.parts[media_type(header("content-type"))] =
        decode_body(header("content-transfer-encoding"), join(lines, body, end));
    at = end;
  }
  return mail;
}

// Polls `done` every 50 ms until it holds or `seconds` have passed; returns its last answer.
template <typename F>
bool eventually(F done, int seconds = 60) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  for (;;) {
    if (done()) return true;
    if (std::chrono::steady_clock::now() > deadline) return done();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace ecrm::testing
