// The advisor's routes: staff define questionnaires (advisor:write) and read them, a
// customer's answers and the conversion report (advisor:read); staff take a questionnaire for a
// customer or for nobody (advisor:write); a portal customer takes it for themselves
// (/api/v1/portal/advisor/…); an anonymous visitor reads the questions and answers them through
// the public routes (a page the snippet embeds).
#pragma once

#include "advisor/service.hpp"
#include "http/router.hpp"

namespace ecrm::advisor {

void add_advisor_routes(http::Router& router, AdvisorService& service);

}  // namespace ecrm::advisor
