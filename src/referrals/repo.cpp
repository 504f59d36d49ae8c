#include "referrals/repo.hpp"

namespace ecrm::referrals {

using storage::Connection;
using storage::done;
using storage::kNull;
using storage::RowView;

namespace {

constexpr std::string_view kCodeOf =
    "SELECT customer_id, code, created_at FROM referral_codes WHERE customer_id = $1";
constexpr std::string_view kInsertCode =
    "INSERT INTO referral_codes (customer_id, code, created_at) VALUES ($1, $2, $3) "
    "ON CONFLICT (customer_id) DO NOTHING";
constexpr std::string_view kOwnerOf = "SELECT customer_id FROM referral_codes WHERE code = $1";
constexpr std::string_view kKeysOf =
    "SELECT id, COALESCE(email_normalized, ''), COALESCE(phone_normalized, ''), referred_by, "
    "CASE WHEN merged_into IS NULL AND erased_at IS NULL THEN 1 ELSE 0 END, created_at "
    "FROM customers WHERE id = $1";
constexpr std::string_view kDeviceOf =
    "SELECT 1 FROM visitors WHERE anonymous_id = $1 AND customer_id = $2";
constexpr std::string_view kAttributionOf =
    "SELECT customer_id, referrer_id, code, touched_at, created_at FROM referral_attributions "
    "WHERE customer_id = $1";
constexpr std::string_view kUpsertAttribution =
    "INSERT INTO referral_attributions (customer_id, referrer_id, code, touched_at, "
    "anonymous_id, created_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (customer_id) DO "
    "UPDATE SET referrer_id = excluded.referrer_id, code = excluded.code, touched_at = "
    "excluded.touched_at, anonymous_id = excluded.anonymous_id, created_at = excluded.created_at "
    "WHERE referral_attributions.touched_at > excluded.touched_at";
constexpr std::string_view kSetReferrer =
    "UPDATE customers SET referred_by = $2, updated_at = $3 WHERE id = $1";

// Per referred customer without a reward, its delivered orders without a return (but a
// rejected one), delivered before $1: the earliest placed first.
constexpr std::string_view kDueRewards =
    "SELECT c.id, c.referred_by, o.id, o.currency FROM customers c "
    "JOIN orders o ON o.customer_id = c.id "
    "WHERE c.referred_by IS NOT NULL AND o.status = 'delivered' "
    "AND NOT EXISTS (SELECT 1 FROM referral_rewards w WHERE w.referred_id = c.id) "
    "AND NOT EXISTS (SELECT 1 FROM returns r WHERE r.order_id = o.id AND r.status <> 'rejected') "
    "AND (SELECT MAX(h.at) FROM order_status_history h WHERE h.order_id = o.id "
    "AND h.status = 'delivered') <= $1 "
    "ORDER BY c.id, o.placed_at, o.id";
constexpr std::string_view kInsertReward =
    "INSERT INTO referral_rewards (referrer_id, referred_id, order_id, amount, currency, "
    "created_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (referred_id) DO NOTHING "
    "RETURNING id";
constexpr std::string_view kRewardsOf =
    "SELECT id, referrer_id, referred_id, order_id, amount, currency, created_at "
    "FROM referral_rewards WHERE referrer_id = $1 ORDER BY id";
constexpr std::string_view kReferredCount = "SELECT COUNT(*) FROM customers WHERE referred_by = $1";

// Revenue and CLV of a customer c.
#define ECRM_REFERRAL_REVENUE                                                                  \
  "(COALESCE((SELECT SUM(o.total) FROM orders o WHERE o.customer_id = c.id "                   \
  "AND o.status <> 'cancelled'), 0) - COALESCE((SELECT SUM(r.refund_amount) FROM returns r "   \
  "JOIN orders o ON o.id = r.order_id WHERE o.customer_id = c.id AND r.status = 'refunded'), " \
  "0))"
#define ECRM_REFERRAL_CLV \
  "COALESCE((SELECT s.clv FROM customer_scores s WHERE s.customer_id = c.id), 0)"

constexpr std::string_view kReferrer =
    "SELECT c.id, c.name, " ECRM_REFERRAL_CLV " FROM customers c WHERE c.id = $1";
constexpr std::string_view kReferredOf =
    "SELECT c.id, c.name, " ECRM_REFERRAL_REVENUE ", " ECRM_REFERRAL_CLV
    ", CASE WHEN EXISTS (SELECT 1 FROM referral_rewards w WHERE w.referred_id = c.id) THEN 1 "
    "ELSE 0 END FROM customers c WHERE c.referred_by = $1 ORDER BY c.id";
constexpr std::string_view kLeaderboard =
    "SELECT t.referrer_id, t.name, t.n, t.revenue, t.own_clv, t.referred_clv FROM ("
    "SELECT x.referrer_id, p.name, COUNT(*) AS n, CAST(SUM(x.revenue) AS BIGINT) AS revenue, "
    "CAST(SUM(x.clv) AS BIGINT) AS referred_clv, "
    "COALESCE((SELECT s.clv FROM customer_scores s WHERE s.customer_id = x.referrer_id), 0) "
    "AS own_clv FROM (SELECT c.referred_by AS referrer_id, " ECRM_REFERRAL_REVENUE
    " AS revenue, " ECRM_REFERRAL_CLV
    " AS clv FROM customers c "
    "WHERE c.referred_by IS NOT NULL) x JOIN customers p ON p.id = x.referrer_id "
    "GROUP BY x.referrer_id, p.name) t "
    "ORDER BY t.own_clv + t.referred_clv DESC, t.referrer_id LIMIT $1 OFFSET $2";

#undef ECRM_REFERRAL_REVENUE
#undef ECRM_REFERRAL_CLV

Reward reward_of(const RowView& row) {
  return Reward{.id = row.get_int(0),
                .referrer_id = row.get_int(1),
                .referred_id = row.get_int(2),
                .order_id = row.get_int(3),
                .amount = row.get_int(4),
                .currency = row.get_string(5),
                .created_at = row.get_int(6)};
}

}  // namespace

Result<std::optional<ReferralCode>> ReferralRepo::code_of(Connection& c, std::int64_t customer_id) {
  std::optional<ReferralCode> out;
  ECRM_RETURN_IF_ERROR(c.query(kCodeOf, {customer_id}, [&](const RowView& row) {
    out = ReferralCode{
        .customer_id = row.get_int(0), .code = row.get_string(1), .created_at = row.get_int(2)};
  }));
  return out;
}

Status ReferralRepo::insert_code(Connection& c, std::int64_t customer_id, const std::string& code,
                                 UnixMs at) {
  return done(c.execute(kInsertCode, {customer_id, code, at}));
}

Result<std::optional<std::int64_t>> ReferralRepo::owner_of(Connection& c, const std::string& code) {
  return c.query_int(kOwnerOf, {code});
}

Result<std::optional<CustomerKeys>> ReferralRepo::keys_of(Connection& c, std::int64_t customer_id) {
  std::optional<CustomerKeys> out;
  ECRM_RETURN_IF_ERROR(c.query(kKeysOf, {customer_id}, [&](const RowView& row) {
    out = CustomerKeys{.id = row.get_int(0),
                       .email = row.get_string(1),
                       .phone = row.get_string(2),
                       .referred_by = row.get_optional_int(3),
                       .live = row.get_int(4) == 1,
                       .created_at = row.get_int(5)};
  }));
  return out;
}

Result<bool> ReferralRepo::device_of(Connection& c, const std::string& anonymous_id,
                                     std::int64_t customer_id) {
  ECRM_ASSIGN_OR_RETURN(auto found, c.query_int(kDeviceOf, {anonymous_id, customer_id}));
  return found.has_value();
}

Result<std::optional<Attribution>> ReferralRepo::attribution_of(Connection& c,
                                                                std::int64_t customer_id) {
  std::optional<Attribution> out;
  ECRM_RETURN_IF_ERROR(c.query(kAttributionOf, {customer_id}, [&](const RowView& row) {
    out = Attribution{.customer_id = row.get_int(0),
                      .referrer_id = row.get_int(1),
                      .code = row.get_string(2),
                      .touched_at = row.get_int(3),
                      .created_at = row.get_int(4)};
  }));
  return out;
}

Result<bool> ReferralRepo::attribute(Connection& c, const Attribution& a,
                                     const std::string& anonymous_id) {
  ECRM_ASSIGN_OR_RETURN(auto stored,
                        c.execute(kUpsertAttribution, {a.customer_id, a.referrer_id, a.code,
                                                       a.touched_at, anonymous_id, a.created_at}));
  if (stored == 0) return false;  // an earlier touch was stored meanwhile
  ECRM_RETURN_IF_ERROR(done(c.execute(kSetReferrer, {a.customer_id, a.referrer_id, a.created_at})));
  return true;
}

Result<std::vector<DueReward>> ReferralRepo::due_rewards(Connection& c, UnixMs delivered_before) {
  std::vector<DueReward> out;
  ECRM_RETURN_IF_ERROR(c.query(kDueRewards, {delivered_before}, [&](const RowView& row) {
    const auto referred = row.get_int(0);
    if (!out.empty() && out.back().referred_id == referred) return;  // its earliest only
    out.push_back(DueReward{.referred_id = referred,
                            .referrer_id = row.get_int(1),
                            .order_id = row.get_int(2),
                            .currency = row.get_string(3)});
  }));
  return out;
}

Result<std::optional<Reward>> ReferralRepo::insert_reward(Connection& c, const DueReward& due,
                                                          std::int64_t amount, UnixMs at) {
  std::optional<Reward> out;
  ECRM_RETURN_IF_ERROR(c.query(
      kInsertReward, {due.referrer_id, due.referred_id, due.order_id, amount, due.currency, at},
      [&](const RowView& row) {
        out = Reward{.id = row.get_int(0),
                     .referrer_id = due.referrer_id,
                     .referred_id = due.referred_id,
                     .order_id = due.order_id,
                     .amount = amount,
                     .currency = due.currency,
                     .created_at = at};
      }));
  return out;
}

Result<std::vector<Reward>> ReferralRepo::rewards_of(Connection& c, std::int64_t referrer_id) {
  std::vector<Reward> out;
  ECRM_RETURN_IF_ERROR(c.query(kRewardsOf, {referrer_id},
                               [&](const RowView& row) { out.push_back(reward_of(row)); }));
  return out;
}

Result<std::int64_t> ReferralRepo::referred_count(Connection& c, std::int64_t referrer_id) {
  ECRM_ASSIGN_OR_RETURN(auto n, c.query_int(kReferredCount, {referrer_id}));
  return n.value_or(0);
}

Result<std::optional<ReferrerReport>> ReferralRepo::report(Connection& c,
                                                           std::int64_t referrer_id) {
  std::optional<ReferrerReport> out;
  ECRM_RETURN_IF_ERROR(c.query(kReferrer, {referrer_id}, [&](const RowView& row) {
    out = ReferrerReport{
        .referrer_id = row.get_int(0), .name = row.get_string(1), .own_clv = row.get_int(2)};
  }));
  if (!out) return out;
  ECRM_RETURN_IF_ERROR(c.query(kReferredOf, {referrer_id}, [&](const RowView& row) {
    ReferredCustomer r{.customer_id = row.get_int(0),
                       .name = row.get_string(1),
                       .revenue = row.get_int(2),
                       .clv = row.get_int(3),
                       .rewarded = row.get_int(4) == 1};
    out->referred_revenue += r.revenue;
    out->referred_clv += r.clv;
    out->referred.push_back(std::move(r));
  }));
  out->network_value = out->own_clv + out->referred_clv;
  return out;
}

Result<std::vector<LeaderboardEntry>> ReferralRepo::leaderboard(Connection& c, int limit,
                                                                std::int64_t offset) {
  std::vector<LeaderboardEntry> out;
  ECRM_RETURN_IF_ERROR(
      c.query(kLeaderboard, {std::int64_t{limit}, offset}, [&](const RowView& row) {
        LeaderboardEntry e{.referrer_id = row.get_int(0),
                           .name = row.get_string(1),
                           .referred_count = row.get_int(2),
                           .referred_revenue = row.get_int(3),
                           .own_clv = row.get_int(4),
                           .referred_clv = row.get_int(5)};
        e.network_value = e.own_clv + e.referred_clv;
        out.push_back(std::move(e));
      }));
  return out;
}

}  // namespace ecrm::referrals
