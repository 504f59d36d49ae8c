// The surveys' routes: the answer page of a survey mail's signed link (/s/{token}, public, no
// sign-in) and its JSON form (/api/v1/surveys/{token}), staff's view of a customer's or a
// ticket's surveys, an NPS pass on demand, and the satisfaction and SLA reports.
#pragma once

#include "http/router.hpp"
#include "messaging/delivery.hpp"
#include "service/reports.hpp"
#include "service/surveys.hpp"

namespace ecrm::service {

// Registers the routes; an NPS pass wakes `delivery` so its mail leaves at once.
void add_survey_routes(http::Router& router, Surveys& surveys, ServiceReports& reports,
                       messaging::DeliveryWorker& delivery);

// JSON text whose non-integral numbers are written as people write them ("83.3", "4.25"),
// never with an exponent as Boost.JSON writes doubles ("8.33E1").
std::string json_for_people(const boost::json::value& value);

}  // namespace ecrm::service
