#include "service/imap.hpp"
#include "core/thread_name.hpp"

#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <sstream>

namespace ecrm::service {

namespace {

size_t append(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

// The mailbox URL without a trailing slash ("imaps://host/INBOX").
std::string mailbox(const std::string& url) {
  std::string out = url;
  while (!out.empty() && out.back() == '/') out.pop_back();
  return out;
}

}  // namespace

std::vector<std::int64_t> parse_search(const std::string& response) {
  std::vector<std::int64_t> out;
  std::istringstream lines(response);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("* SEARCH", 0) != 0) continue;
    std::istringstream words(line.substr(8));
    std::string word;
    while (words >> word) {
      std::int64_t uid = 0;
      auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), uid);
      if (ec == std::errc() && end == word.data() + word.size() && uid > 0) out.push_back(uid);
    }
  }
  return out;
}

ImapPoller::ImapPoller(MailIn& mail_in, ImapOptions options)
    : mail_in_(mail_in), options_(std::move(options)) {}

ImapPoller::~ImapPoller() { stop(); }

Result<std::string> ImapPoller::command(const std::string& url, const std::string& request) {
  CURL* curl = curl_easy_init();
  if (!curl) return Error::internal("libcurl could not start");
  std::string body;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_USERNAME, options_.user.c_str());
  curl_easy_setopt(curl, CURLOPT_PASSWORD, options_.password.c_str());
  if (!request.empty()) curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, static_cast<long>(options_.timeout_seconds));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  const CURLcode code = curl_easy_perform(curl);
  curl_easy_cleanup(curl);
  if (code != CURLE_OK) {
    return Error::unavailable(std::string("IMAP ") + (request.empty() ? "FETCH" : request) + ": " +
                              curl_easy_strerror(code));
  }
  return body;
}

Result<ImapPass> ImapPoller::poll_once() {
  const std::string box = mailbox(options_.url);
  ECRM_ASSIGN_OR_RETURN(auto found, command(box, "UID SEARCH UNSEEN"));
  std::vector<std::int64_t> uids = parse_search(found);
  if (uids.size() > options_.max_per_pass) uids.resize(options_.max_per_pass);
  ImapPass pass;
  for (std::int64_t uid : uids) {
    // Fetching BODY[] sets \Seen on the server.
    auto raw = command(box + "/;UID=" + std::to_string(uid), "");
    if (!raw.ok()) return std::move(raw).error();
    ++pass.fetched;
    auto taken = mail_in_.receive(*raw);
    if (taken.ok()) {
      (taken->kind == "ticket_opened" || taken->kind == "ticket_reply") ? ++pass.tickets : ++pass.other;
      continue;
    }
    if (taken.error().kind == ErrorKind::kInvalidArgument) {
      ++pass.rejected;
      spdlog::warn("imap: message UID {} is not an e-mail and stays seen: {}", uid, taken.error().message);
      continue;
    }
    ++pass.failed;
    spdlog::warn("imap: message UID {} could not be taken in ({}); it is left unseen", uid,
                 taken.error().message);
    if (auto unseen = command(box, "UID STORE " + std::to_string(uid) + " -FLAGS (\\Seen)"); !unseen.ok()) {
      spdlog::warn("imap: {}", unseen.error().message);
    }
  }
  return pass;
}

void ImapPoller::start() {
  if (thread_.joinable() || options_.url.empty()) return;
  stopping_ = false;
  thread_ = std::thread([this] {
    name_this_thread("mail-in");
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      lock.unlock();
      auto pass = poll_once();
      if (!pass.ok()) {
        spdlog::warn("imap: {}", pass.error().message);
      } else if (pass->fetched > 0) {
        spdlog::info("imap: {} messages: {} on tickets, {} other, {} rejected, {} failed", pass->fetched,
                     pass->tickets, pass->other, pass->rejected, pass->failed);
      }
      lock.lock();
      wake_.wait_for(lock, std::chrono::duration<double>(options_.poll_seconds), [this] { return stopping_; });
    }
  });
}

void ImapPoller::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace ecrm::service
