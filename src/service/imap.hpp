// Polling an IMAP mailbox for service mail (libcurl): every pass searches the mailbox for UNSEEN
// messages, fetches each by UID, takes it in through the same path as `ecrm mail-in`
// (inbound.hpp) and leaves it \Seen. A message the database could not take (unavailable) is set
// back to unseen for the next pass; one that is not an e-mail stays seen (it would fail again),
// and is logged.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/result.hpp"
#include "service/inbound.hpp"

namespace ecrm::service {

struct ImapOptions {
  std::string url;       // imaps://mail.example.com/INBOX (imap:// for a local test server)
  std::string user;
  std::string password;
  double poll_seconds = 60;
  int timeout_seconds = 60;  // one IMAP command
  std::size_t max_per_pass = 200;
};

struct ImapPass {
  std::int64_t fetched = 0;   // messages read from the mailbox
  std::int64_t tickets = 0;   // opened or replied on tickets
  std::int64_t other = 0;     // messaging's, duplicates, ignored machines' mail
  std::int64_t rejected = 0;  // not e-mail: left seen
  std::int64_t failed = 0;    // the database failed: set unseen again
};

class ImapPoller {
 public:
  ImapPoller(MailIn& mail_in, ImapOptions options);
  ~ImapPoller();
  ImapPoller(const ImapPoller&) = delete;
  ImapPoller& operator=(const ImapPoller&) = delete;

  // One pass over the mailbox. kUnavailable when the server cannot be reached or refuses the
  // login (nothing is marked then).
  Result<ImapPass> poll_once();

  // Polls every poll_seconds on a thread of its own until stop() (also the destructor).
  void start();
  void stop();

 private:
  Result<std::string> command(const std::string& url, const std::string& request);

  MailIn& mail_in_;
  ImapOptions options_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

// The UIDs in an IMAP SEARCH answer ("* SEARCH 4 7 9").
std::vector<std::int64_t> parse_search(const std::string& response);

}  // namespace ecrm::service
