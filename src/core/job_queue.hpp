// Durable background jobs shared by every process on one database (the `jobs` table, see
// storage/job_queue.hpp): a web node (`ecrm serve --no-worker`) queues the job a request asks
// for, and one `ecrm worker` claims it under a lease that it renews while the job runs. A job
// whose lease ran out (its worker died) is claimed again by the next worker that looks, so
// each job finishes once. Scheduled runs are queued under a key (the build they follow), so
// that with several workers each scheduled run is queued, and run, once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "core/time.hpp"

namespace ecrm {

// Where a process runs the jobs it is asked for.
enum class JobMode {
  kInProcess,  // on its own threads when asked (`ecrm serve`, the single-process default)
  kEnqueue,    // queued in the jobs table for a worker (`ecrm serve --no-worker`)
  kWorker,     // claimed from the jobs table (`ecrm worker`)
};

// A job this process claimed.
struct ClaimedJob {
  std::int64_t id = 0;
  std::int64_t attempts = 0;   // this claim included
  std::string previous_owner;  // the owner whose lease ran out ('' on a first claim)
};

// The queued or running job of a kind.
struct ActiveJob {
  std::int64_t id = 0;
  bool running = false;  // claimed under a lease (which may have run out)
  std::string lease_owner;
  std::string requested_by;
  std::int64_t attempts = 0;
};

class JobQueue {
 public:
  virtual ~JobQueue() = default;

  // Queues a job of `kind`. Returns false (and queues nothing) when a job of that kind is
  // already queued or running, or when `schedule_key` is set and a job of that kind and key
  // exists in any state.
  [[nodiscard]] virtual Result<bool> enqueue(std::string_view kind, std::string_view requested_by,
                                             const std::optional<std::string>& schedule_key,
                                             UnixMs now) = 0;
  // Queues again the failed job of `kind` and `schedule_key` when it failed before
  // `failed_before`. Returns whether it did.
  [[nodiscard]] virtual Result<bool> retry_failed(std::string_view kind,
                                                  const std::string& schedule_key,
                                                  UnixMs failed_before) = 0;
  // Claims the oldest job of `kind` that is queued or whose lease ran out before `now`, for
  // `owner` until `lease_until`. Several processes may call it at once: each job goes to one.
  [[nodiscard]] virtual Result<std::optional<ClaimedJob>> claim(std::string_view kind,
                                                                const std::string& owner,
                                                                UnixMs now, UnixMs lease_until) = 0;
  // Extends the lease of job `id` held by `owner`. False when `owner` no longer holds it.
  [[nodiscard]] virtual Result<bool> renew(std::int64_t id, const std::string& owner, UnixMs now,
                                           UnixMs lease_until) = 0;
  // Ends job `id` held by `owner` as done (ok) or failed, with a line of result or the error.
  virtual Status finish(std::int64_t id, const std::string& owner, bool ok,
                        const std::string& result, const std::string& error, UnixMs now) = 0;
  // The queued or running job of `kind`, if any.
  [[nodiscard]] virtual Result<std::optional<ActiveJob>> active(std::string_view kind) = 0;
};

}  // namespace ecrm
