#include "core/model_worker.hpp"
#include "core/thread_name.hpp"

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
  if (options_.mode == JobMode::kWorker) {
    job_thread_ = std::thread([this] {
      name_this_thread(job_.log_name + "-jobs");
      worker_loop();
    });
  } else if (options_.mode == JobMode::kInProcess) {
    job_thread_ = std::thread([this] {
      name_this_thread(job_.log_name + "-jobs");
      job_loop();
    });
  }
  refresh_thread_ = std::thread([this] {
    name_this_thread(job_.log_name + "-refresh");
    refresh_loop();
  });
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

Status ModelWorker::request_build(const std::string& requested_by) {
  {
    std::lock_guard lock(mutex_);
    if (running_ || requested_) return already_running();
  }
  ECRM_ASSIGN_OR_RETURN(auto holder, job_.claim_holder());
  if (holder) return already_running(*holder);
  if (options_.mode != JobMode::kInProcess) {
    ECRM_ASSIGN_OR_RETURN(
        bool queued, options_.queue->enqueue(job_.kind, requested_by.empty() ? "api" : requested_by,
                                             std::nullopt, now_ms()));
    if (!queued) {
      auto active = options_.queue->active(job_.kind);
      return already_running(active.ok() && *active ? (*active)->lease_owner : std::string());
    }
    job_wake_.notify_all();
    return {};
  }
  {
    std::lock_guard lock(mutex_);
    if (running_ || requested_) return already_running();
    requested_ = true;
  }
  job_wake_.notify_all();
  return {};
}

bool ModelWorker::busy() const {
  {
    std::lock_guard lock(mutex_);
    if (running_ || requested_) return true;
  }
  if (options_.mode == JobMode::kInProcess) return false;
  auto active = options_.queue->active(job_.kind);
  return active.ok() && active->has_value();
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

void ModelWorker::worker_loop() {
  using Clock = std::chrono::steady_clock;
  auto next_schedule = Clock::now();
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    requested_ = false;
    lock.unlock();
    if (options_.schedule && Clock::now() >= next_schedule) {
      schedule_job();
      next_schedule = Clock::now() + options_.check_every;
    }
    const UnixMs now = now_ms();
    auto claimed =
        options_.queue->claim(job_.kind, options_.owner, now, now + options_.lease.count());
    if (!claimed.ok()) {
      spdlog::warn("{}: cannot look for jobs: {}", job_.log_name, claimed.error().message);
    } else if (*claimed) {
      run_claimed(**claimed);
    }
    lock.lock();
    if (claimed.ok() && *claimed) continue;  // there may be more
    job_wake_.wait_for(lock, options_.poll_every, [&] { return stopping_ || requested_; });
  }
}

void ModelWorker::schedule_job() {
  auto built = job_.last_built_at();
  if (!built.ok()) {
    spdlog::warn("{}: cannot read the latest {}: {}", job_.log_name, job_.noun,
                 built.error().message);
    return;
  }
  const UnixMs now = now_ms();
  if (*built && now - **built < options_.interval.count()) return;
  // The run that follows the latest build: queued once however many workers see it due.
  const std::string key = *built ? "after " + std::to_string(**built) : "first";
  auto queued = options_.queue->enqueue(job_.kind, "schedule", key, now);
  if (!queued.ok()) {
    spdlog::warn("{}: cannot queue a scheduled {}: {}", job_.log_name, job_.noun,
                 queued.error().message);
  } else if (*queued) {
    spdlog::info("{}: queued a {} ({})", job_.log_name, job_.noun,
                 *built ? "scheduled" : job_.nothing_built_reason);
  } else {
    // A scheduled run that failed is tried again after `check_every`, as in-process runs are.
    auto retried = options_.queue->retry_failed(job_.kind, key, now - options_.check_every.count());
    if (retried.ok() && *retried) {
      spdlog::info("{}: queued the failed scheduled {} again", job_.log_name, job_.noun);
    }
  }
}

void ModelWorker::run_claimed(const ClaimedJob& claimed) {
  const std::string& owner = options_.owner;
  spdlog::info("{}: job {} claimed (attempt {})", job_.log_name, claimed.id, claimed.attempts);
  if (!claimed.previous_owner.empty() && claimed.previous_owner != owner) {
    spdlog::warn("{}: job {} taken over from {}, whose lease ran out", job_.log_name, claimed.id,
                 claimed.previous_owner);
    if (job_.release_claim) {
      if (auto released = job_.release_claim(claimed.previous_owner); !released.ok()) {
        spdlog::warn("{}: cannot release the {} claim of {}: {}", job_.log_name, job_.noun,
                     claimed.previous_owner, released.error().message);
      }
    }
  }
  // The lease is renewed every third of it while the job waits and runs.
  std::mutex beat_mutex;
  std::condition_variable beat_wake;
  bool beat_stop = false;
  std::thread heartbeat([&] {
    std::unique_lock beat_lock(beat_mutex);
    while (!beat_wake.wait_for(beat_lock, options_.lease / 3, [&] { return beat_stop; })) {
      beat_lock.unlock();
      const UnixMs now = now_ms();
      auto renewed = options_.queue->renew(claimed.id, owner, now, now + options_.lease.count());
      if (!renewed.ok()) {
        spdlog::warn("{}: cannot renew the lease of job {}: {}", job_.log_name, claimed.id,
                     renewed.error().message);
      } else if (!*renewed) {
        spdlog::warn("{}: job {} is no longer this worker's", job_.log_name, claimed.id);
      }
      beat_lock.lock();
    }
  });
  auto stop_heartbeat = [&] {
    {
      std::lock_guard beat_lock(beat_mutex);
      beat_stop = true;
    }
    beat_wake.notify_all();
    heartbeat.join();
  };
  if (options_.test_delay.count() > 0) {
    std::unique_lock lock(mutex_);
    job_wake_.wait_for(lock, options_.test_delay, [&] { return stopping_; });
    if (stopping_) {
      lock.unlock();
      stop_heartbeat();  // the lease runs out and another worker takes the job over
      return;
    }
  }
  {
    std::lock_guard lock(mutex_);
    running_ = true;
  }
  spdlog::info("{}: {} started (job {})", job_.log_name, job_.noun, claimed.id);
  auto outcome = job_.build(owner);
  stop_heartbeat();
  Status finished;
  if (outcome.ok()) {
    spdlog::info("{}: {} done: {}", job_.log_name, job_.noun, *outcome);
    finished = options_.queue->finish(claimed.id, owner, true, *outcome, {}, now_ms());
  } else if (outcome.error().code == "already_running") {
    spdlog::info("{}: {} claimed by another process; job {} is tried again after its lease",
                 job_.log_name, job_.noun, claimed.id);
  } else {
    spdlog::error("{}: {} failed: {}", job_.log_name, job_.noun, outcome.error().message);
    finished =
        options_.queue->finish(claimed.id, owner, false, {}, outcome.error().message, now_ms());
  }
  if (!finished.ok()) {
    spdlog::warn("{}: cannot record the end of job {}: {}", job_.log_name, claimed.id,
                 finished.error().message);
  }
  std::lock_guard lock(mutex_);
  running_ = false;
  pending_.insert(during_run_.begin(), during_run_.end());
  const bool wake = !during_run_.empty();
  during_run_.clear();
  if (wake) refresh_wake_.notify_one();
}

bool ModelWorker::stop_requested() {
  std::lock_guard lock(mutex_);
  return stopping_;
}

void ModelWorker::refresh_loop() {
  std::unique_lock lock(mutex_);
  while (true) {
    refresh_wake_.wait(lock, [&] { return stopping_ || !pending_.empty(); });
    if (stopping_) break;
    std::vector<std::int64_t> batch(pending_.begin(), pending_.end());
    pending_.clear();
    lock.unlock();
    for (std::size_t at = 0; at < batch.size(); at += kRefreshBatch) {
      if (stop_requested()) {
        // Shutting down: a refresh is derived data, which the next full build rewrites; a
        // backlog of thousands of customers would otherwise hold the stop for minutes.
        spdlog::info("{}: stopping; {} queued customer refreshes left to the next build",
                     job_.log_name, batch.size() - at);
        break;
      }
      const std::span<const std::int64_t> part(
          batch.data() + at, std::min(kRefreshBatch, batch.size() - at));
      auto status = job_.refresh(part);
      if (!status.ok()) {
        spdlog::warn("{}: refreshing {} customers (from {}) failed: {}", job_.log_name,
                     part.size(), part.front(), status.error().message);
      }
    }
    lock.lock();
  }
}

}  // namespace ecrm
