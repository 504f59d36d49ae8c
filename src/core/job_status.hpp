// A background job that one process runs at a time (the analytics recomputation, the
// recommendation rebuild), as callers see it: running while a process holds its claim, queued
// when asked for in this process, else idle; with the outcome of its last run.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/describe.hpp"
#include "core/time.hpp"

namespace ecrm {

enum class JobPhase { kIdle, kQueued, kRunning };
ECRM_DESCRIBE_ENUM(JobPhase, kIdle, kQueued, kRunning)

struct JobStatus {
  JobPhase state = JobPhase::kIdle;
  std::string claimed_by;  // '' unless running
  std::optional<UnixMs> started_at;
  std::optional<UnixMs> finished_at;
  std::string last_status;  // '' before the first run, ok or failed
  std::string last_error;
};
ECRM_DESCRIBE(JobStatus, state, claimed_by, started_at, finished_at, last_status, last_error)

// The status of a job row (claimed_by, claimed_until, started_at, finished_at, last_status,
// last_error) at `now`.
template <typename Row>
JobStatus job_status(const Row& job, bool queued, UnixMs now) {
  const bool running = job.claimed_until && *job.claimed_until >= now;
  return JobStatus{running  ? JobPhase::kRunning
                   : queued ? JobPhase::kQueued
                            : JobPhase::kIdle,
                   running ? job.claimed_by : std::string(),
                   job.started_at,
                   job.finished_at,
                   job.last_status,
                   job.last_error};
}

}  // namespace ecrm
