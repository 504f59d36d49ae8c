// The messaging API: templates, the outbox, and the public unsubscribe page.
#pragma once

#include "http/router.hpp"
#include "messaging/delivery.hpp"
#include "messaging/service.hpp"

namespace ecrm::messaging {

void add_messaging_routes(http::Router& router, MessagingService& service, DeliveryWorker& delivery);

}  // namespace ecrm::messaging
