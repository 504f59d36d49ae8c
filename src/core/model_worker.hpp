// The background threads behind a model that is rebuilt in full now and then and refreshed per
// customer in between (analytics scores, recommendation lists), owned by `ecrm serve`:
// - the job thread runs the full build when asked and, when scheduling is on, at start-up if
//   nothing was built yet and whenever the latest build is older than `interval`. With several
//   processes on one database, the job's claim (read through `claim_holder`) lets only one of
//   them run it at a time; the others skip.
// - the refresh thread refreshes customers queued by customer_changed(), so that a change (a new
//   order) reaches its customer within a second without a full build and without holding up the
//   request that caused it. The customers queued meanwhile are refreshed together, up to
//   kRefreshBatch at a time, so that a busy shop costs one write per batch, not per order.
//   Customers queued while a build runs are refreshed again after it, against the new model.
// Where the full build runs depends on `mode` (core/job_queue.hpp): on the job thread when asked
// (kInProcess); queued in the jobs table for a worker, with no job thread (kEnqueue); or claimed
// from the jobs table by the job thread (kWorker), which queues its scheduled runs there too and
// renews the job's lease while the build runs.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <thread>

#include "core/job_queue.hpp"
#include "core/result.hpp"
#include "core/time.hpp"

namespace ecrm {

struct ModelWorkerOptions {
  bool schedule = true;  // start-up and periodic runs
  std::chrono::milliseconds interval = std::chrono::hours(24);
  std::chrono::milliseconds check_every = std::chrono::minutes(1);
  std::string owner;  // the claim's owner name; default host:pid
  JobMode mode = JobMode::kInProcess;
  JobQueue* queue = nullptr;  // required unless kInProcess
  std::chrono::milliseconds lease = std::chrono::seconds(60);      // renewed every third of it
  std::chrono::milliseconds poll_every = std::chrono::seconds(1);  // kWorker: looks for jobs
  // For tests only (`ecrm worker --test-job-delay`): a claimed job waits this long, its lease
  // renewed, before its build starts, so that a test can kill the worker mid-job.
  std::chrono::milliseconds test_delay{0};
};

// What a ModelWorker drives. Every function is called on the worker's own threads.
struct ModelJob {
  std::string kind;                  // in the jobs table, e.g. "analytics_recompute"
  std::string log_name;              // log prefix, e.g. "analytics"
  std::string noun;                  // the full build in messages, e.g. "recomputation"
  std::string nothing_built_reason;  // e.g. "no model yet"
  // Who holds the job's claim now (nullopt: nobody).
  std::function<Result<std::optional<std::string>>()> claim_holder;
  // When the latest full build finished (nullopt: never).
  std::function<Result<std::optional<UnixMs>>()> last_built_at;
  // Runs the full build as `owner`; returns a line for the log. An error with code
  // `already_running` means another process has the claim.
  std::function<Result<std::string>(const std::string& owner)> build;
  // Drops the build's claim held by `owner`, a worker whose job lease ran out (it died), so that
  // the worker taking the job over can claim the build at once. Optional.
  std::function<Status(const std::string& owner)> release_claim;
  // Refreshes customers against the current model, writing them together (one transaction).
  std::function<Status(std::span<const std::int64_t> customer_ids)> refresh;
};

class ModelWorker {
 public:
  static constexpr std::size_t kRefreshBatch = 64;

  ModelWorker(ModelJob job, ModelWorkerOptions options);
  ~ModelWorker();  // stops the threads
  ModelWorker(const ModelWorker&) = delete;
  ModelWorker& operator=(const ModelWorker&) = delete;

  void start();
  // Stops the threads after the current unit of work (a running build finishes first).
  void stop();

  // Asks for a full build now. kConflict `already_running` when one is running or queued in
  // this process or claimed by another; otherwise the job thread starts it shortly (kEnqueue:
  // a job is queued in the jobs table for a worker, recording `requested_by`).
  Status request_build(const std::string& requested_by = {});
  // True while this process runs or has queued a build (kEnqueue, kWorker: while a job is
  // queued or running in the jobs table).
  bool busy() const;

  // Queues customer `customer_id` for a refresh. Cheap; never blocks on the database.
  void customer_changed(std::int64_t customer_id);

 private:
  void job_loop();
  void refresh_loop();
  bool stop_requested();
  void run_build(const char* why);
  void worker_loop();
  void schedule_job();
  void run_claimed(const ClaimedJob& claimed);
  Error already_running(const std::string& holder = {}) const;

  ModelJob job_;
  ModelWorkerOptions options_;

  mutable std::mutex mutex_;
  std::condition_variable job_wake_;
  std::condition_variable refresh_wake_;
  bool stopping_ = false;
  bool requested_ = false;
  bool running_ = false;
  std::set<std::int64_t> pending_;     // customers waiting for a refresh
  std::set<std::int64_t> during_run_;  // customers refreshed while a build ran
  std::thread job_thread_;
  std::thread refresh_thread_;
};

}  // namespace ecrm
