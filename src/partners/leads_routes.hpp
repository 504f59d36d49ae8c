// Partner leads' routes: staff take, list, change and route leads and expire overdue ones
// (leads:read, leads:write) and manage partners' lead rules (/api/v1/partners/{id}/lead-rules);
// the shop's public enquiry form posts leads with the tracking snippet's write key
// (POST /api/v1/public/leads, CORS, rate-limited per IP and e-mail address); partner users read
// and answer their own leads under /api/v1/portal/partner/leads.
#pragma once

#include <functional>
#include <string>

#include "core/result.hpp"
#include "http/router.hpp"
#include "partners/leads_service.hpp"

namespace ecrm::partners {

// Checks the tracking snippet's write key: OK, or the error to answer.
using LeadWriteKeyCheck = std::function<Status(const std::string& key)>;

void add_lead_routes(http::Router& router, LeadService& service, LeadWriteKeyCheck check_write_key);

}  // namespace ecrm::partners
