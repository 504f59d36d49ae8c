// The mining job, owned by `ecrm serve` and `ecrm worker` (core/model_worker.hpp): it mines when
// asked (POST /api/v1/feedback/mining) and, when scheduling is on, at start-up if the job never
// ran and whenever the last run is older than `interval` (ten minutes by default, `ecrm serve
// --feedback-every-minutes`). Like the recomputation, the run is a `feedback_mining` job: a web
// node (`ecrm serve --no-worker`) only queues it for a worker. The job row's claim also lets only
// one process mine at a time; the others skip.
#pragma once

#include <string>

#include "core/model_worker.hpp"
#include "feedback/mining.hpp"

namespace ecrm::feedback {

class FeedbackWorker : public ModelWorker {
 public:
  FeedbackWorker(FeedbackMining& mining, ModelWorkerOptions options);

  // Asks for a run now, of every product when `full` (recorded on the job row, so that the
  // process running it sees it: FeedbackMining::request_full), `requested_by` a staff user (see
  // ModelWorker::request_build()).
  Status request_mining(bool full, const std::string& requested_by = {});

 private:
  FeedbackMining& mining_;
};

}  // namespace ecrm::feedback
