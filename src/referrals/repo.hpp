// SQL for referrals: codes, attributions, rewards and the reports. A referred customer's
// referrer is customers.referred_by (staff may also set it on the customer); the attribution
// row records the visit that set it. A reward is due for a referred customer's earliest order
// that is delivered, has no return (other than a rejected one) and was delivered before the
// given time; referral_rewards.referred_id is unique, so it is credited once whoever asks.
// Revenue is orders' totals (not cancelled) less refunded returns; CLV is analytics'
// customer_scores.clv (0 for a customer not scored).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "referrals/model.hpp"
#include "storage/database.hpp"

namespace ecrm::referrals {

// What attribution checks of a customer.
struct CustomerKeys {
  std::int64_t id = 0;
  std::string email;  // normalised, '' when none
  std::string phone;  // digits, '' when none
  std::optional<std::int64_t> referred_by;
  bool live = true;  // neither merged nor erased
  UnixMs created_at = 0;
};

// A reward the run may credit.
struct DueReward {
  std::int64_t referred_id = 0;
  std::int64_t referrer_id = 0;
  std::int64_t order_id = 0;
  std::string currency;
};

class ReferralRepo {
 public:
  Result<std::optional<ReferralCode>> code_of(storage::Connection& c, std::int64_t customer_id);
  // Inserts the code unless the customer has one already (then nothing changes).
  Status insert_code(storage::Connection& c, std::int64_t customer_id, const std::string& code,
                     UnixMs at);
  Result<std::optional<std::int64_t>> owner_of(storage::Connection& c, const std::string& code);
  Result<std::optional<CustomerKeys>> keys_of(storage::Connection& c, std::int64_t customer_id);
  // Whether the snippet's visitor `anonymous_id` was identified as `customer_id`.
  Result<bool> device_of(storage::Connection& c, const std::string& anonymous_id,
                         std::int64_t customer_id);
  Result<std::optional<Attribution>> attribution_of(storage::Connection& c,
                                                    std::int64_t customer_id);
  // Stores the attribution and sets referred_by, unless an attribution of the customer with a
  // touch no later is stored (then false; the conflict waits for a concurrent writer's commit).
  Result<bool> attribute(storage::Connection& c, const Attribution& a,
                         const std::string& anonymous_id);

  Result<std::vector<DueReward>> due_rewards(storage::Connection& c, UnixMs delivered_before);
  // The reward, or nullopt when the referred customer has one already.
  Result<std::optional<Reward>> insert_reward(storage::Connection& c, const DueReward& due,
                                              std::int64_t amount, UnixMs at);
  Result<std::vector<Reward>> rewards_of(storage::Connection& c, std::int64_t referrer_id);
  Result<std::int64_t> referred_count(storage::Connection& c, std::int64_t referrer_id);

  Result<std::optional<ReferrerReport>> report(storage::Connection& c, std::int64_t referrer_id);
  Result<std::vector<LeaderboardEntry>> leaderboard(storage::Connection& c, int limit,
                                                    std::int64_t offset);
};

}  // namespace ecrm::referrals
