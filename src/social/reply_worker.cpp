#include "social/reply_worker.hpp"
#include "core/thread_name.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

namespace ecrm::social {

ReplyWorker::ReplyWorker(SocialService& social, int every_ms) : social_(social), every_ms_(every_ms) {}

ReplyWorker::~ReplyWorker() { stop(); }

void ReplyWorker::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] {
    name_this_thread("social-replies");
    run();
  });
}

void ReplyWorker::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ReplyWorker::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    auto pass = social_.send_due(now_ms());
    if (!pass.ok()) {
      spdlog::warn("social: posting replies failed: {}", pass.error().message);
    } else if (*pass > 0) {
      spdlog::info("social: posted {} replies", *pass);
    }
    lock.lock();
    wake_.wait_for(lock, std::chrono::milliseconds(every_ms_), [this] { return stopping_; });
  }
}

}  // namespace ecrm::social
