// Referrals: each customer's referral code (random, made on first request, shown in the portal
// and to staff), attribution of a customer signed up through a code (`?ref=CODE`) to its
// referrer, first touch winning within the attribution window, with the fraud checks; rewards
// credited once per referred customer for its first kept order; reports (a referrer's referred
// customers with revenue and CLV, network value, the leaderboard). No HTTP here, no SQL
// (repo.cpp).
#pragma once

#include <cstdint>
#include <string>

#include "http/principal.hpp"
#include "referrals/model.hpp"
#include "referrals/repo.hpp"
#include "storage/database.hpp"

namespace ecrm::referrals {

struct ReferralOptions {
  std::string base_url = "http://127.0.0.1:8080";  // where a referral link points
  std::int64_t attribution_window_days = 30;       // sign-up at most this long after the visit
  std::int64_t return_window_days = 30;            // delivered this long ago with no return
  std::int64_t reward_amount = 1000;               // credit per referred customer, minor units
};

class ReferralService {
 public:
  ReferralService(storage::Database& db, ReferralOptions options);

  const ReferralOptions& options() const { return options_; }

  // The portal customer's own code (made on first request).
  Result<ReferralCode> own_code(const http::Principal& who);
  // A customer's code (made on first request), referrer, referred count and rewards;
  // kNotFound for an unknown customer.
  Result<CustomerReferral> of_customer(std::int64_t customer_id);
  // A customer's own code and link (made on first request) for the mails sent to them;
  // nullopt for an unknown, merged or erased customer.
  Result<std::optional<ReferralCode>> mail_code(std::int64_t customer_id);

  // Attributes `input.customer_id` to the owner of `input.code`. Errors (nothing stored):
  // kUnprocessable naming code (unknown), customer_id (unknown, closed, or the referrer
  // itself: self_referral), email or phone (the referrer's: self_referral), anonymous_id (a
  // device the referrer was identified on: self_referral), touched_at (in the future, after
  // the sign-up or before the window: outside_window); kConflict already_referred (customer_id)
  // when an earlier touch or staff set the referrer already. A later touch of an earlier code
  // is replaced by an earlier one (first touch wins).
  Result<Attribution> attribute(const AttributionInput& input);

  // Credits every reward due as of `run.as_of` (now when absent): each referred customer's
  // earliest delivered order without a return, delivered at least the return window before.
  // Rewards already credited are not credited again.
  Result<RewardRunResult> grant_rewards(const RewardRun& run);

  Result<ReferrerReport> report(std::int64_t referrer_id);
  Result<std::vector<LeaderboardEntry>> leaderboard(int limit, std::int64_t offset);

 private:
  Result<ReferralCode> code_for(storage::Connection& c, std::int64_t customer_id);
  std::string link_of(const std::string& code) const;

  storage::Database& db_;
  ReferralOptions options_;
  ReferralRepo repo_;
};

}  // namespace ecrm::referrals
