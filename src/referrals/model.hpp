// Referrals' records, described for the wire (core/describe.hpp): a customer's referral code,
// the attribution of a referred customer to its referrer, rewards, and the reports (referred
// customers with their revenue and CLV, each referrer's network value, the leaderboard).
// Money in integer minor units; times unix milliseconds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/describe.hpp"
#include "core/time.hpp"

namespace ecrm::referrals {

inline constexpr std::size_t kMaxCode = 64;
inline constexpr std::size_t kMaxAnonymousId = 200;

// A customer's referral code and the link that carries it (`?ref=CODE`).
struct ReferralCode {
  std::int64_t customer_id = 0;
  std::string code;
  std::string link;
  UnixMs created_at = 0;
};
ECRM_DESCRIBE(ReferralCode, customer_id, code, link, created_at)

// A reward credited to a referrer for a referred customer's first kept order.
struct Reward {
  std::int64_t id = 0;
  std::int64_t referrer_id = 0;
  std::int64_t referred_id = 0;
  std::int64_t order_id = 0;
  std::int64_t amount = 0;  // minor units of currency
  std::string currency;
  UnixMs created_at = 0;
};
ECRM_DESCRIBE(Reward, id, referrer_id, referred_id, order_id, amount, currency, created_at)

// What staff see of a customer's referrals.
struct CustomerReferral {
  std::int64_t customer_id = 0;
  std::string code;
  std::string link;
  std::optional<std::int64_t> referred_by;
  std::int64_t referred_count = 0;
  std::vector<Reward> rewards;  // credited to this customer as a referrer, oldest first
};
ECRM_DESCRIBE(CustomerReferral, customer_id, code, link, referred_by, referred_count, rewards)

// A visit or sign-up through a referral code, attributed to a customer: the shop's sign-up
// sends it (or the tracking snippet's `ref` with the visitor's anonymous id).
struct AttributionInput {
  std::int64_t customer_id = 0;
  std::string code;
  std::optional<UnixMs> touched_at;         // the visit; the customer's sign-up when absent
  std::optional<std::string> anonymous_id;  // the snippet's device id of the visit
};
ECRM_DESCRIBE(AttributionInput, customer_id, code, touched_at, anonymous_id)
ECRM_WIRE_RULES(AttributionInput, rule(&AttributionInput::customer_id, {.minimum = 1}),
                rule(&AttributionInput::code, {.max_length = kMaxCode}),
                rule(&AttributionInput::touched_at, {.format = "date-time"}),
                rule(&AttributionInput::anonymous_id, {.max_length = kMaxAnonymousId}))

struct Attribution {
  std::int64_t customer_id = 0;
  std::int64_t referrer_id = 0;
  std::string code;
  UnixMs touched_at = 0;
  UnixMs created_at = 0;
};
ECRM_DESCRIBE(Attribution, customer_id, referrer_id, code, touched_at, created_at)

// Grants the rewards that are due: orders delivered at least the return window before `as_of`
// (now when absent).
struct RewardRun {
  std::optional<UnixMs> as_of;
};
ECRM_DESCRIBE(RewardRun, as_of)
ECRM_WIRE_RULES(RewardRun, rule(&RewardRun::as_of, {.format = "date-time"}))

struct RewardRunResult {
  std::vector<Reward> granted;
};
ECRM_DESCRIBE(RewardRunResult, granted)

// A referred customer in a referrer's report.
struct ReferredCustomer {
  std::int64_t customer_id = 0;
  std::string name;
  std::int64_t revenue = 0;  // orders not cancelled, less refunds
  std::int64_t clv = 0;      // analytics' predicted CLV (customer_scores), 0 when not scored
  bool rewarded = false;
};
ECRM_DESCRIBE(ReferredCustomer, customer_id, name, revenue, clv, rewarded)

struct ReferrerReport {
  std::int64_t referrer_id = 0;
  std::string name;
  std::int64_t own_clv = 0;
  std::int64_t referred_revenue = 0;
  std::int64_t referred_clv = 0;
  std::int64_t network_value = 0;  // own CLV + referred CLV
  std::vector<ReferredCustomer> referred;
};
ECRM_DESCRIBE(ReferrerReport, referrer_id, name, own_clv, referred_revenue, referred_clv,
              network_value, referred)

// The serve command's referral settings (--referral-window-days, --referral-return-window-days,
// --referral-reward), read by staff.
struct ReferralSettings {
  std::int64_t attribution_window_days = 0;  // a sign-up at most this long after the visit
  std::int64_t return_window_days = 0;       // a reward waits this long after delivery
  std::int64_t reward_amount = 0;            // minor units of the rewarded order's currency
  std::string link_base;                     // a referral link is <link_base>/?ref=CODE
};
ECRM_DESCRIBE(ReferralSettings, attribution_window_days, return_window_days, reward_amount,
              link_base)

// A row of the leaderboard: referrers by network value, highest first.
struct LeaderboardEntry {
  std::int64_t referrer_id = 0;
  std::string name;
  std::int64_t referred_count = 0;
  std::int64_t referred_revenue = 0;
  std::int64_t own_clv = 0;
  std::int64_t referred_clv = 0;
  std::int64_t network_value = 0;
};
ECRM_DESCRIBE(LeaderboardEntry, referrer_id, name, referred_count, referred_revenue, own_clv,
              referred_clv, network_value)

}  // namespace ecrm::referrals
