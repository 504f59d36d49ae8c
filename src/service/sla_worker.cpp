#include "service/sla_worker.hpp"
#include "core/thread_name.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

namespace ecrm::service {

SlaWorker::SlaWorker(ServiceDesk& desk, int every_ms) : desk_(desk), every_ms_(every_ms) {}

SlaWorker::~SlaWorker() { stop(); }

void SlaWorker::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] {
    name_this_thread("service-sla");
    run();
  });
}

void SlaWorker::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void SlaWorker::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    auto pass = desk_.check_breaches(now_ms());
    if (!pass.ok()) {
      spdlog::warn("service: the SLA check failed: {}", pass.error().message);
    } else if (pass->warnings > 0 || pass->breaches > 0) {
      spdlog::info("service: SLA warnings on {} tickets, breaches on {}", pass->warnings,
                   pass->breaches);
    }
    lock.lock();
    wake_.wait_for(lock, std::chrono::milliseconds(every_ms_), [this] { return stopping_; });
  }
}

}  // namespace ecrm::service
