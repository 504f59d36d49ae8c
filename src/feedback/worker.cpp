#include "feedback/worker.hpp"

#include <spdlog/fmt/fmt.h>

namespace ecrm::feedback {
namespace {

ModelJob job_for(FeedbackMining& mining, std::shared_ptr<std::atomic<bool>> full_run) {
  ModelJob job;
  job.log_name = "feedback";
  job.noun = "mining run";
  job.nothing_built_reason = "never mined";
  job.claim_holder = [&mining]() { return mining.claim_holder(now_ms()); };
  job.last_built_at = [&mining]() { return mining.last_run(); };
  job.build = [&mining, full_run](const std::string& owner) -> Result<std::string> {
    const bool full = full_run->exchange(false);
    ECRM_ASSIGN_OR_RETURN(auto outcome, mining.run(owner, full, now_ms()));
    return fmt::format("{}{} products, {} texts mined, {} dropped, {} alerts in {} ms",
                       outcome.full ? "full: " : "", outcome.products, outcome.texts_mined,
                       outcome.texts_removed, outcome.alerts, outcome.duration_ms);
  };
  job.refresh = [](std::span<const std::int64_t>) -> Status { return {}; };
  return job;
}

}  // namespace

FeedbackWorker::FeedbackWorker(FeedbackMining& mining, ModelWorkerOptions options)
    : ModelWorker(job_for(mining, full_run), std::move(options)) {}

Status FeedbackWorker::request_mining(bool full) {
  if (full) full_run->store(true);
  Status asked = request_build();
  if (!asked.ok() && full) full_run->store(false);
  return asked;
}

}  // namespace ecrm::feedback
