// The mining job's thread, owned by `ecrm serve` (core/model_worker.hpp): it mines when asked
// (POST /api/v1/feedback/mining) and, when scheduling is on, at start-up if the job never ran
// and whenever the last run is older than `interval` (ten minutes by default, `ecrm serve
// --feedback-every-minutes`). With several processes on one PostgreSQL, the job row's claim lets
// only one of them run at a time; the others skip.
#pragma once

#include <atomic>
#include <memory>

#include "core/model_worker.hpp"
#include "feedback/mining.hpp"

namespace ecrm::feedback {

namespace detail {
// Whether the next run looks at every product; set before the worker's base is built.
struct FullRunFlag {
  std::shared_ptr<std::atomic<bool>> full_run = std::make_shared<std::atomic<bool>>(false);
};
}  // namespace detail

class FeedbackWorker : private detail::FullRunFlag, public ModelWorker {
 public:
  FeedbackWorker(FeedbackMining& mining, ModelWorkerOptions options);

  // Asks for a run now, of every product when `full` (see ModelWorker::request_build()).
  Status request_mining(bool full);
};

}  // namespace ecrm::feedback
