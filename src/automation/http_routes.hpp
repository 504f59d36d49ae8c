// The automation API: flows, the care policy, and a run of the date-triggered flows.
#pragma once

#include "automation/service.hpp"
#include "http/router.hpp"
#include "messaging/delivery.hpp"

namespace ecrm::automation {

void add_automation_routes(http::Router& router, AutomationService& service,
                           messaging::DeliveryWorker& delivery);

}  // namespace ecrm::automation
