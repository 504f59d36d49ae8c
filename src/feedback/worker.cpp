#include "feedback/worker.hpp"

#include <spdlog/fmt/fmt.h>

namespace ecrm::feedback {
namespace {

ModelJob job_for(FeedbackMining& mining) {
  ModelJob job;
  job.kind = "feedback_mining";
  job.log_name = "feedback";
  job.noun = "mining run";
  job.nothing_built_reason = "never mined";
  job.claim_holder = [&mining]() { return mining.claim_holder(now_ms()); };
  job.last_built_at = [&mining]() { return mining.last_run(); };
  job.build = [&mining](const std::string& owner) -> Result<std::string> {
    ECRM_ASSIGN_OR_RETURN(auto outcome, mining.run(owner, now_ms()));
    return fmt::format("{}{} products, {} texts mined, {} dropped, {} alerts in {} ms",
                       outcome.full ? "full: " : "", outcome.products, outcome.texts_mined,
                       outcome.texts_removed, outcome.alerts, outcome.duration_ms);
  };
  job.refresh = [](std::span<const std::int64_t>) -> Status { return {}; };
  return job;
}

}  // namespace

FeedbackWorker::FeedbackWorker(FeedbackMining& mining, ModelWorkerOptions options)
    : ModelWorker(job_for(mining), std::move(options)), mining_(mining) {}

Status FeedbackWorker::request_mining(bool full, const std::string& requested_by) {
  if (full) ECRM_RETURN_IF_ERROR(mining_.request_full(true));
  Status asked = request_build(requested_by);
  if (!asked.ok() && full) {
    // Refused (a run is queued or running): the request is not recorded either.
    if (Status dropped = mining_.request_full(false); !dropped.ok()) return dropped;
  }
  return asked;
}

}  // namespace ecrm::feedback
