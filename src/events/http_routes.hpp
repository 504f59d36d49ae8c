// /t.js (the tracking snippet), /api/v1/events (ingestion, log, stats, live stream),
// /api/v1/write-keys, /api/v1/traffic/* (overview, funnel, abandonment, products),
// /api/v1/carts and /api/v1/visitors/{anonymous_id}.
#pragma once

#include "events/service.hpp"
#include "http/principal.hpp"
#include "http/router.hpp"

namespace ecrm::events {

// `authenticator` resolves API keys on the ingestion route, which also accepts write keys and
// so does its own authentication.
void add_event_routes(http::Router& router, EventService& service,
                      http::Authenticator& authenticator);

}  // namespace ecrm::events
