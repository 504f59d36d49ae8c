#include "referrals/service.hpp"

#include "core/crypto.hpp"

namespace ecrm::referrals {

using storage::Connection;
using storage::TxMode;
using storage::with_transaction;

namespace {

constexpr std::int64_t kDayMs = 86'400'000;
constexpr std::size_t kCodeBytes = 9;  // 72 random bits, 12 base64url characters

Error self_referral(const std::string& field, const std::string& what) {
  return Error::unprocessable("a customer cannot refer themselves: " + what, field,
                              "self_referral");
}

}  // namespace

ReferralService::ReferralService(storage::Database& db, ReferralOptions options)
    : db_(db), options_(std::move(options)) {}

std::string ReferralService::link_of(const std::string& code) const {
  std::string base = options_.base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/?ref=" + code;
}

Result<ReferralCode> ReferralService::code_for(Connection& c, std::int64_t customer_id) {
  ECRM_ASSIGN_OR_RETURN(auto found, repo_.code_of(c, customer_id));
  if (!found) {
    ECRM_RETURN_IF_ERROR(repo_.insert_code(c, customer_id, random_token(kCodeBytes), now_ms()));
    ECRM_ASSIGN_OR_RETURN(found, repo_.code_of(c, customer_id));
    if (!found) return Error::internal("referral code not stored");
  }
  found->link = link_of(found->code);
  return std::move(*found);
}

Result<ReferralCode> ReferralService::own_code(const http::Principal& who) {
  return with_transaction<ReferralCode>(
      db_, TxMode::kWrite, [&](Connection& c) -> Result<ReferralCode> {
        ECRM_ASSIGN_OR_RETURN(auto keys, repo_.keys_of(c, who.subject_id));
        if (!keys || !keys->live) {
          return Error::unauthenticated("the portal account is closed", "portal_account_closed");
        }
        return code_for(c, who.subject_id);
      });
}

Result<CustomerReferral> ReferralService::of_customer(std::int64_t customer_id) {
  return with_transaction<CustomerReferral>(
      db_, TxMode::kWrite, [&](Connection& c) -> Result<CustomerReferral> {
        ECRM_ASSIGN_OR_RETURN(auto keys, repo_.keys_of(c, customer_id));
        if (!keys) return Error::not_found("no such customer", "not_found");
        CustomerReferral out;
        out.customer_id = customer_id;
        out.referred_by = keys->referred_by;
        if (keys->live) {
          ECRM_ASSIGN_OR_RETURN(auto code, code_for(c, customer_id));
          out.code = std::move(code.code);
          out.link = std::move(code.link);
        }
        ECRM_ASSIGN_OR_RETURN(out.referred_count, repo_.referred_count(c, customer_id));
        ECRM_ASSIGN_OR_RETURN(out.rewards, repo_.rewards_of(c, customer_id));
        return out;
      });
}

Result<std::optional<ReferralCode>> ReferralService::mail_code(std::int64_t customer_id) {
  return with_transaction<std::optional<ReferralCode>>(
      db_, TxMode::kWrite, [&](Connection& c) -> Result<std::optional<ReferralCode>> {
        ECRM_ASSIGN_OR_RETURN(auto keys, repo_.keys_of(c, customer_id));
        if (!keys || !keys->live) return std::optional<ReferralCode>{};
        ECRM_ASSIGN_OR_RETURN(auto code, code_for(c, customer_id));
        return std::optional<ReferralCode>{std::move(code)};
      });
}

Result<Attribution> ReferralService::attribute(const AttributionInput& input) {
  if (input.code.empty()) return Error::invalid("code is required", "code", "required");
  const std::string anonymous_id = input.anonymous_id.value_or("");
  const UnixMs now = now_ms();
  return with_transaction<Attribution>(
      db_, TxMode::kWrite, [&](Connection& c) -> Result<Attribution> {
        ECRM_ASSIGN_OR_RETURN(auto referrer_id, repo_.owner_of(c, input.code));
        if (!referrer_id) {
          return Error::unprocessable("no such referral code", "code", "unknown_code");
        }
        ECRM_ASSIGN_OR_RETURN(auto customer, repo_.keys_of(c, input.customer_id));
        if (!customer) {
          return Error::unprocessable("no such customer", "customer_id", "unknown_customer");
        }
        if (!customer->live) {
          return Error::unprocessable("the customer was merged or erased", "customer_id",
                                      "customer_closed");
        }
        ECRM_ASSIGN_OR_RETURN(auto referrer, repo_.keys_of(c, *referrer_id));
        if (!referrer || !referrer->live) {
          return Error::unprocessable("the code's customer was merged or erased", "code",
                                      "unknown_code");
        }
        // Fraud checks: the referrer signing up again.
        if (customer->id == referrer->id) return self_referral("customer_id", "the same customer");
        if (!customer->email.empty() && customer->email == referrer->email) {
          return self_referral("email", "the same e-mail address");
        }
        if (!customer->phone.empty() && customer->phone == referrer->phone) {
          return self_referral("phone", "the same phone number");
        }
        if (!anonymous_id.empty()) {
          ECRM_ASSIGN_OR_RETURN(bool referrers_device,
                                repo_.device_of(c, anonymous_id, referrer->id));
          if (referrers_device) return self_referral("anonymous_id", "the referrer's device");
        }
        // The window: a visit before the sign-up, at most the window earlier.
        const UnixMs touched_at = input.touched_at.value_or(customer->created_at);
        if (touched_at > now) {
          return Error::unprocessable("touched_at is in the future", "touched_at",
                                      "outside_window");
        }
        if (touched_at > customer->created_at) {
          return Error::unprocessable("the customer signed up before the visit", "touched_at",
                                      "outside_window");
        }
        if (customer->created_at - touched_at > options_.attribution_window_days * kDayMs) {
          return Error::unprocessable("the visit is older than the attribution window of " +
                                          std::to_string(options_.attribution_window_days) +
                                          " days",
                                      "touched_at", "outside_window");
        }
        // First touch wins.
        ECRM_ASSIGN_OR_RETURN(auto earlier, repo_.attribution_of(c, customer->id));
        if (earlier ? earlier->touched_at <= touched_at : customer->referred_by.has_value()) {
          return Error::conflict("the customer was referred already", "customer_id",
                                 "already_referred");
        }
        Attribution a{.customer_id = customer->id,
                      .referrer_id = referrer->id,
                      .code = input.code,
                      .touched_at = touched_at,
                      .created_at = now};
        ECRM_ASSIGN_OR_RETURN(bool stored, repo_.attribute(c, a, anonymous_id));
        if (!stored) {
          return Error::conflict("the customer was referred already", "customer_id",
                                 "already_referred");
        }
        return a;
      });
}

Result<RewardRunResult> ReferralService::grant_rewards(const RewardRun& run) {
  const UnixMs now = now_ms();
  const UnixMs as_of = run.as_of.value_or(now);
  return with_transaction<RewardRunResult>(
      db_, TxMode::kWrite, [&](Connection& c) -> Result<RewardRunResult> {
        RewardRunResult out;
        ECRM_ASSIGN_OR_RETURN(auto due,
                              repo_.due_rewards(c, as_of - options_.return_window_days * kDayMs));
        for (const auto& d : due) {
          ECRM_ASSIGN_OR_RETURN(auto reward,
                                repo_.insert_reward(c, d, options_.reward_amount, now));
          if (reward) out.granted.push_back(std::move(*reward));
        }
        return out;
      });
}

Result<ReferrerReport> ReferralService::report(std::int64_t referrer_id) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto found, repo_.report(*lease, referrer_id));
  if (!found) return Error::not_found("no such customer", "not_found");
  return std::move(*found);
}

Result<std::vector<LeaderboardEntry>> ReferralService::leaderboard(int limit, std::int64_t offset) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return repo_.leaderboard(*lease, limit, offset);
}

}  // namespace ecrm::referrals
