// The partner API's routes: a partner's API keys and webhooks, in the partner portal
// (/api/v1/portal/partner/api-keys, /webhooks: partner admins write, partner staff read; keys are
// made by a signed-in admin, never by a key) and for staff (/api/v1/partners/{id}/api-keys and
// /webhooks, partners:read and partners:write); purchase suggestions for staff.
#pragma once

#include "http/router.hpp"
#include "partners/api_keys.hpp"
#include "partners/purchasing.hpp"
#include "partners/service.hpp"
#include "partners/webhooks.hpp"

namespace ecrm::partners {

void add_partner_api_routes(http::Router& router, PartnerService& service, PartnerApiKeys& keys,
                            PartnerWebhooks& webhooks);

// GET /api/v1/purchasing/suggestions (partners:read; format=csv for the CSV download).
void add_purchasing_routes(http::Router& router, PurchasingService& purchasing);

}  // namespace ecrm::partners
