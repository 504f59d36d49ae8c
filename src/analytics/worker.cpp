#include "analytics/worker.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <vector>

namespace ecrm::analytics {

namespace {

std::string default_owner() {
  char host[256] = {0};
  if (::gethostname(host, sizeof host - 1) != 0) host[0] = 0;
  return std::string(host[0] ? host : "localhost") + ":" + std::to_string(::getpid());
}

}  // namespace

AnalyticsWorker::AnalyticsWorker(AnalyticsService& service, WorkerOptions options)
    : service_(service), options_(std::move(options)) {
  if (options_.owner.empty()) options_.owner = default_owner();
}

AnalyticsWorker::~AnalyticsWorker() { stop(); }

void AnalyticsWorker::start() {
  std::lock_guard lock(mutex_);
  if (job_thread_.joinable()) return;
  stopping_ = false;
  job_thread_ = std::thread([this] { job_loop(); });
  update_thread_ = std::thread([this] { update_loop(); });
}

void AnalyticsWorker::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  job_wake_.notify_all();
  update_wake_.notify_all();
  if (job_thread_.joinable()) job_thread_.join();
  if (update_thread_.joinable()) update_thread_.join();
}

Status AnalyticsWorker::request_recompute() {
  {
    std::lock_guard lock(mutex_);
    if (running_ || requested_) {
      return Error::conflict("a recomputation is already running", {}, "already_running");
    }
  }
  ECRM_ASSIGN_OR_RETURN(auto job, service_.job());
  if (job.claimed_until && *job.claimed_until >= now_ms()) {
    return Error::conflict("a recomputation is already running (" + job.claimed_by + ")", {},
                           "already_running");
  }
  {
    std::lock_guard lock(mutex_);
    if (running_ || requested_) {
      return Error::conflict("a recomputation is already running", {}, "already_running");
    }
    requested_ = true;
  }
  job_wake_.notify_all();
  return {};
}

bool AnalyticsWorker::busy() const {
  std::lock_guard lock(mutex_);
  return running_ || requested_;
}

void AnalyticsWorker::customer_changed(std::int64_t customer_id) {
  {
    std::lock_guard lock(mutex_);
    pending_.insert(customer_id);
    if (running_) during_run_.insert(customer_id);
  }
  update_wake_.notify_one();
}

void AnalyticsWorker::run_recompute(const char* why) {
  spdlog::info("analytics: recomputation started ({})", why);
  auto outcome = service_.recompute(options_.owner);
  if (outcome.ok()) {
    spdlog::info(
        "analytics: recomputation done: {} customers, {} orders in {:.0f} ms (snapshot {:.0f}, "
        "fit {:.0f}, write {:.0f})",
        outcome->customers, outcome->orders, outcome->timings.total_ms,
        outcome->timings.snapshot_ms, outcome->timings.engines.fit_ms, outcome->timings.write_ms);
  } else if (outcome.error().code == "already_running") {
    spdlog::info("analytics: recomputation skipped: another process is running it");
  } else {
    spdlog::error("analytics: recomputation failed: {}", outcome.error().message);
  }
}

void AnalyticsWorker::job_loop() {
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
      auto fitted = service_.latest_fitted_at();
      lock.lock();
      if (!fitted.ok()) {
        spdlog::warn("analytics: cannot read the latest model: {}", fitted.error().message);
      } else if (!*fitted) {
        why = "no model yet";
      } else if (now_ms() - **fitted >= options_.interval.count()) {
        why = "scheduled";
      }
    }
    if (why == nullptr) continue;
    running_ = true;
    requested_ = false;
    lock.unlock();
    run_recompute(why);
    lock.lock();
    running_ = false;
    // Customers whose orders changed during the run: rescore them against the new model.
    pending_.insert(during_run_.begin(), during_run_.end());
    const bool wake = !during_run_.empty();
    during_run_.clear();
    if (wake) update_wake_.notify_one();
  }
}

void AnalyticsWorker::update_loop() {
  std::unique_lock lock(mutex_);
  while (true) {
    update_wake_.wait(lock, [&] { return stopping_ || !pending_.empty(); });
    if (stopping_) break;
    std::vector<std::int64_t> batch(pending_.begin(), pending_.end());
    pending_.clear();
    lock.unlock();
    for (std::int64_t customer_id : batch) {
      auto result = service_.rescore_customer(customer_id);
      if (!result.ok()) {
        spdlog::warn("analytics: rescoring customer {} failed: {}", customer_id,
                     result.error().message);
      }
    }
    lock.lock();
  }
}

void OrderScoreListener::on_order_placed(const orders::Order& order) {
  worker_.customer_changed(order.customer_id);
}

void OrderScoreListener::on_order_status_changed(const orders::Order& order,
                                                 orders::OrderStatus) {
  worker_.customer_changed(order.customer_id);
}

void OrderScoreListener::on_return_changed(const orders::Return& ret,
                                           std::optional<orders::ReturnStatus>) {
  worker_.customer_changed(ret.customer_id);
}

}  // namespace ecrm::analytics
