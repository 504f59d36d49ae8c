// Feedback mining's routes: the product improvement report (JSON or CSV).
#pragma once

#include "feedback/service.hpp"
#include "http/router.hpp"

namespace ecrm::feedback {

void add_feedback_routes(http::Router& router, FeedbackService& feedback);

}  // namespace ecrm::feedback
