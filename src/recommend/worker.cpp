#include "recommend/worker.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <vector>

namespace ecrm::recommend {

namespace {

std::string default_owner() {
  char host[256] = {0};
  if (::gethostname(host, sizeof host - 1) != 0) host[0] = 0;
  return std::string(host[0] ? host : "localhost") + ":" + std::to_string(::getpid());
}

}  // namespace

RecommendWorker::RecommendWorker(RecommendService& service, WorkerOptions options)
    : service_(service), options_(std::move(options)) {
  if (options_.owner.empty()) options_.owner = default_owner();
}

RecommendWorker::~RecommendWorker() { stop(); }

void RecommendWorker::start() {
  std::lock_guard lock(mutex_);
  if (job_thread_.joinable()) return;
  stopping_ = false;
  job_thread_ = std::thread([this] { job_loop(); });
  update_thread_ = std::thread([this] { update_loop(); });
}

void RecommendWorker::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  job_wake_.notify_all();
  update_wake_.notify_all();
  if (job_thread_.joinable()) job_thread_.join();
  if (update_thread_.joinable()) update_thread_.join();
}

Status RecommendWorker::request_rebuild() {
  {
    std::lock_guard lock(mutex_);
    if (running_ || requested_) {
      return Error::conflict("a rebuild is already running", {}, "already_running");
    }
  }
  ECRM_ASSIGN_OR_RETURN(auto job, service_.job());
  if (job.claimed_until && *job.claimed_until >= now_ms()) {
    return Error::conflict("a rebuild is already running (" + job.claimed_by + ")", {},
                           "already_running");
  }
  {
    std::lock_guard lock(mutex_);
    if (running_ || requested_) {
      return Error::conflict("a rebuild is already running", {}, "already_running");
    }
    requested_ = true;
  }
  job_wake_.notify_all();
  return {};
}

bool RecommendWorker::busy() const {
  std::lock_guard lock(mutex_);
  return running_ || requested_;
}

void RecommendWorker::customer_changed(std::int64_t customer_id) {
  {
    std::lock_guard lock(mutex_);
    pending_.insert(customer_id);
    if (running_) during_run_.insert(customer_id);
  }
  update_wake_.notify_one();
}

void RecommendWorker::run_rebuild(const char* why) {
  spdlog::info("recommend: rebuild started ({})", why);
  auto outcome = service_.rebuild(options_.owner);
  if (outcome.ok()) {
    spdlog::info(
        "recommend: rebuild {} done: {} orders, {} customers, {} rules, {} neighbour pairs, {} "
        "lists in {:.0f} ms (snapshot {:.0f}, rules {:.0f}, similarity {:.0f}, lists {:.0f}, "
        "write {:.0f})",
        outcome->build_id, outcome->orders, outcome->customers, outcome->rules,
        outcome->neighbours, outcome->lists, outcome->timings.total_ms,
        outcome->timings.snapshot_ms, outcome->timings.rules_ms, outcome->timings.similarity_ms,
        outcome->timings.lists_ms, outcome->timings.write_ms);
  } else if (outcome.error().code == "already_running") {
    spdlog::info("recommend: rebuild skipped: another process is running it");
  } else {
    spdlog::error("recommend: rebuild failed: {}", outcome.error().message);
  }
}

void RecommendWorker::job_loop() {
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
      auto latest = service_.latest_build();
      lock.lock();
      if (!latest.ok()) {
        spdlog::warn("recommend: cannot read the latest build: {}", latest.error().message);
      } else if (!*latest) {
        why = "nothing built yet";
      } else if (now_ms() - (*latest)->built_at >= options_.interval.count()) {
        why = "scheduled";
      }
    }
    if (why == nullptr) continue;
    running_ = true;
    requested_ = false;
    lock.unlock();
    run_rebuild(why);
    lock.lock();
    running_ = false;
    // Customers whose orders changed during the run: refresh them against the new model.
    pending_.insert(during_run_.begin(), during_run_.end());
    const bool wake = !during_run_.empty();
    during_run_.clear();
    if (wake) update_wake_.notify_one();
  }
}

void RecommendWorker::update_loop() {
  std::unique_lock lock(mutex_);
  while (true) {
    update_wake_.wait(lock, [&] { return stopping_ || !pending_.empty(); });
    if (stopping_) break;
    std::vector<std::int64_t> batch(pending_.begin(), pending_.end());
    pending_.clear();
    lock.unlock();
    for (std::int64_t customer_id : batch) {
      auto result = service_.refresh_customer(customer_id);
      if (!result.ok()) {
        spdlog::warn("recommend: refreshing customer {} failed: {}", customer_id,
                     result.error().message);
      }
    }
    lock.lock();
  }
}

void OrderRecommendListener::on_order_placed(const orders::Order& order) {
  worker_.customer_changed(order.customer_id);
}

void OrderRecommendListener::on_order_status_changed(const orders::Order& order,
                                                 orders::OrderStatus) {
  worker_.customer_changed(order.customer_id);
}

void OrderRecommendListener::on_return_changed(const orders::Return& ret,
                                           std::optional<orders::ReturnStatus>) {
  worker_.customer_changed(ret.customer_id);
}

}  // namespace ecrm::recommend
