// The reply worker, owned by `ecrm serve`: every few seconds it posts the replies whose next
// attempt has come (SocialService::send_due). Several processes may run it on one database: a
// reply is claimed by one conditional UPDATE before it is posted.
#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>

#include "social/service.hpp"

namespace ecrm::social {

class ReplyWorker {
 public:
  ReplyWorker(SocialService& social, int every_ms);
  ~ReplyWorker();
  ReplyWorker(const ReplyWorker&) = delete;
  ReplyWorker& operator=(const ReplyWorker&) = delete;

  void start();
  // Idempotent; waits for a pass under way.
  void stop();

 private:
  void run();

  SocialService& social_;
  int every_ms_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace ecrm::social
