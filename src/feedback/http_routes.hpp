// Feedback mining's routes: the product improvement report (JSON or CSV), the mining job (start
// it, its status), the stored trends and the alerts.
#pragma once

#include "feedback/mining.hpp"
#include "feedback/service.hpp"
#include "feedback/worker.hpp"
#include "http/router.hpp"

namespace ecrm::feedback {

void add_feedback_routes(http::Router& router, FeedbackService& feedback, FeedbackMining& mining,
                         FeedbackWorker& worker);

}  // namespace ecrm::feedback
