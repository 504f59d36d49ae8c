// Staff notices' routes: the signed-in staff user's subscriptions per topic, and their notices
// (list, unread count, mark read).
#pragma once

#include "http/router.hpp"
#include "notices/service.hpp"

namespace ecrm::notices {

void add_notice_routes(http::Router& router, StaffNotices& notices);

}  // namespace ecrm::notices
