// The service API: interactions, tickets (inbox views, replies, merge, split, quotes), business
// hours, SLA policies, macros, service contracts and product warranties.
#pragma once

#include "http/router.hpp"
#include "messaging/delivery.hpp"
#include "service/service.hpp"

namespace ecrm::service {

// Registers the routes; a public reply wakes `delivery` so the mail leaves at once.
void add_service_routes(http::Router& router, ServiceDesk& desk,
                        messaging::DeliveryWorker& delivery);

}  // namespace ecrm::service
