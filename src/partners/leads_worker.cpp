#include "partners/leads_worker.hpp"
#include "core/thread_name.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

namespace ecrm::partners {

LeadExpiryWorker::LeadExpiryWorker(LeadService& leads, int every_ms)
    : leads_(leads), every_ms_(every_ms) {}

LeadExpiryWorker::~LeadExpiryWorker() { stop(); }

void LeadExpiryWorker::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] {
    name_this_thread("partner-leads");
    run();
  });
}

void LeadExpiryWorker::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void LeadExpiryWorker::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    auto pass = leads_.expire_overdue();
    if (!pass.ok()) {
      spdlog::warn("partners: the lead expiry failed: {}", pass.error().message);
    } else if (pass->expired > 0) {
      spdlog::info("partners: {} leads not accepted within {} days expired", pass->expired,
                   pass->accept_within_days);
    }
    lock.lock();
    wake_.wait_for(lock, std::chrono::milliseconds(every_ms_), [this] { return stopping_; });
  }
}

}  // namespace ecrm::partners
