#include "core/model_worker.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <vector>

namespace ecrm {

namespace {

std::string default_owner() {
  char host[256] = {0};
  if (::gethostname(host, sizeof host - 1) != 0) host[0] = 0;
  return std::string(host[0] ? host : "localhost") + ":" + std::to_string(::getpid());
}

}  // namespace

ModelWorker::ModelWorker(ModelJob job, ModelWorkerOptions options)
    : job_(std::move(job)), options_(std::move(options)) {
  if (options_.owner.empty()) options_.owner = default_owner();
}

ModelWorker::~ModelWorker() { stop(); }

void ModelWorker::start() {
  std::lock_guard lock(mutex_);
  if (job_thread_.joinable()) return;
  stopping_ = false;
  job_thread_ = std::thread([this] { job_loop(); });
  refresh_thread_ = std::thread([this] { refresh_loop(); });
}

void ModelWorker::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  job_wake_.notify_all();
  refresh_wake_.notify_all();
  if (job_thread_.joinable()) job_thread_.join();
  if (refresh_thread_.joinable()) refresh_thread_.join();
}

Error ModelWorker::already_running(const std::string& holder) const {
  std::string message = "a " + job_.noun + " is already running";
  if (!holder.empty()) message += " (" + holder + ")";
  return Error::conflict(message, {}, "already_running");
}

Status ModelWorker::request_build() {
  {
    std::lock_guard lock(mutex_);
    if (running_ || requested_) return already_running();
  }
  ECRM_ASSIGN_OR_RETURN(auto holder, job_.claim_holder());
  if (holder) return already_running(*holder);
  {
    std::lock_guard lock(mutex_);
    if (running_ || requested_) return already_running();
    requested_ = true;
  }
  job_wake_.notify_all();
  return {};
}

bool ModelWorker::busy() const {
  std::lock_guard lock(mutex_);
  return running_ || requested_;
}

void ModelWorker::customer_changed(std::int64_t customer_id) {
  {
    std::lock_guard lock(mutex_);
    pending_.insert(customer_id);
    if (running_) during_run_.insert(customer_id);
  }
  refresh_wake_.notify_one();
}

void ModelWorker::run_build(const char* why) {
  spdlog::info("{}: {} started ({})", job_.log_name, job_.noun, why);
  auto outcome = job_.build(options_.owner);
  if (outcome.ok()) {
    spdlog::info("{}: {} done: {}", job_.log_name, job_.noun, *outcome);
  } else if (outcome.error().code == "already_running") {
    spdlog::info("{}: {} skipped: another process is running it", job_.log_name, job_.noun);
  } else {
    spdlog::error("{}: {} failed: {}", job_.log_name, job_.noun, outcome.error().message);
  }
}

void ModelWorker::job_loop() {
  bool first = true;
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (!requested_) {
      if (!first || !options_.schedule) {
        job_wake_.wait_for(lock, options_.check_every, [&] { return stopping_ || requested_; });
      }
      if (stopping_) break;
    }
    first = false;
    const char* why = nullptr;
    if (requested_) {
      why = "requested";
    } else if (options_.schedule) {
      lock.unlock();
      auto built = job_.last_built_at();
      lock.lock();
      if (!built.ok()) {
        spdlog::warn("{}: cannot read the latest {}: {}", job_.log_name, job_.noun,
                     built.error().message);
      } else if (!*built) {
        why = job_.nothing_built_reason.c_str();
      } else if (now_ms() - **built >= options_.interval.count()) {
        why = "scheduled";
      }
    }
    if (why == nullptr) continue;
    running_ = true;
    requested_ = false;
    lock.unlock();
    run_build(why);
    lock.lock();
    running_ = false;
    // Customers that changed during the run: refresh them against the new model.
    pending_.insert(during_run_.begin(), during_run_.end());
    const bool wake = !during_run_.empty();
    during_run_.clear();
    if (wake) refresh_wake_.notify_one();
  }
}

void ModelWorker::refresh_loop() {
  std::unique_lock lock(mutex_);
  while (true) {
    refresh_wake_.wait(lock, [&] { return stopping_ || !pending_.empty(); });
    if (stopping_) break;
    std::vector<std::int64_t> batch(pending_.begin(), pending_.end());
    pending_.clear();
    lock.unlock();
    for (std::int64_t customer_id : batch) {
      auto status = job_.refresh(customer_id);
      if (!status.ok()) {
        spdlog::warn("{}: refreshing customer {} failed: {}", job_.log_name, customer_id,
                     status.error().message);
      }
    }
    lock.lock();
  }
}

}  // namespace ecrm
