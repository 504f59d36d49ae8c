// Referrals' routes: the portal customer's own code (GET /api/v1/portal/referral); staff read a
// customer's code and rewards, the referrer report and the leaderboard (referrals:read), and
// attribute a sign-up to a code and grant the rewards due (referrals:write).
#pragma once

#include "http/router.hpp"
#include "referrals/service.hpp"

namespace ecrm::referrals {

void add_referral_routes(http::Router& router, ReferralService& service);

}  // namespace ecrm::referrals
