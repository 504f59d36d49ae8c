// SQL of the in-app analytics: the order snapshot the engines read, the stored models and
// per-customer scores they write, the job claim row, and the reads behind the API (tier and
// segment counts, the R×F grid, churn risk, one customer's orders and lines for the 7P profile).
// Every statement is a named constant in repo.cpp; every method takes the connection to run on,
// so callers choose the transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "analytics/model.hpp"
#include "analytics/profile.hpp"
#include "analytics/rfm.hpp"
#include "core/describe.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "storage/database.hpp"

namespace ecrm::analytics {

using storage::Connection;

// Orders as the engines see them: one row per order that is not cancelled, in one currency,
// placed up to the snapshot time, its amount the total less refunded returns (never below 0).
struct OrderSnapshot {
  std::string currency;
  std::vector<std::int64_t> customer_id;  // dense index -> customers.id
  std::vector<std::uint32_t> customer;
  std::vector<std::int32_t> day;
  std::vector<std::int64_t> amount_minor;

  OrderColumns columns() const { return {customer, day, amount_minor, customer_id.size()}; }
};

// A row of analytics_models.
struct StoredModel {
  std::int64_t id = 0;
  UnixMs as_of = 0;
  std::int32_t as_of_day = 0;
  std::string currency;
  std::string period;
  std::int64_t customers = 0;
  std::int64_t orders = 0;
  std::optional<double> log_likelihood;
  std::string params;  // JSON
  std::string report;  // JSON
  UnixMs fitted_at = 0;
};

// How a score row was computed: by the recomputation or by an incremental update.
enum class ScoreSource { kRecompute, kIncremental };
ECRM_DESCRIBE_ENUM(ScoreSource, kRecompute, kIncremental)

// A row of customer_scores.
struct StoredScore {
  std::int64_t customer_id = 0;
  std::int64_t model_id = 0;
  std::int64_t recency_days = 0;
  std::int64_t frequency = 0;
  std::int64_t monetary = 0;
  int r = 0, f = 0, m = 0;
  Segment segment = Segment::kNeedAttention;
  Tier tier = Tier::kOccasional;
  std::optional<double> p_alive;
  std::optional<double> expected_orders_90d;
  std::optional<std::int64_t> expected_avg_value;
  std::optional<std::int64_t> clv;
  UnixMs first_order_at = 0;
  UnixMs last_order_at = 0;
  UnixMs computed_at = 0;
  ScoreSource source = ScoreSource::kRecompute;
};

// The row of analytics_jobs for the recomputation.
struct JobState {
  std::string claimed_by;
  std::optional<UnixMs> claimed_until;
  std::optional<UnixMs> started_at;
  std::optional<UnixMs> finished_at;
  std::string last_status;
  std::string last_error;
  std::optional<std::int64_t> last_model_id;
  std::string last_timings = "{}";
};

struct GroupCount {
  std::string key;  // a tier's or segment's name
  std::int64_t customers = 0;
  std::int64_t revenue = 0;  // sum of monetary
};

struct GridCell {
  int r = 0, f = 0;
  std::int64_t customers = 0;
};

struct ChurnRisk {
  std::int64_t customer_id = 0;
  std::string name;
  std::string email;
  std::int64_t frequency = 0;
  std::int64_t monetary = 0;
  double p_alive = 0.0;
  std::optional<std::int64_t> clv;
  Tier tier = Tier::kOccasional;
  Segment segment = Segment::kNeedAttention;
  UnixMs last_order_at = 0;
};
ECRM_DESCRIBE(ChurnRisk, customer_id, name, email, frequency, monetary, p_alive, clv, tier, segment,
              last_order_at)

// One customer's orders for the 7P profile, split by currency.
struct CustomerOrders {
  std::string currency;  // the currency with most orders ('' without orders)
  std::vector<ProfileOrder> orders;  // in `currency`, not cancelled
  std::vector<ProfileLine> lines;    // of those orders
  std::int64_t other_currency_orders = 0;
  std::int64_t cancelled_orders = 0;
};

class AnalyticsRepo {
 public:
  // The currency of most orders that are not cancelled; nullopt without such orders.
  Result<std::optional<std::string>> main_currency(Connection& c);
  // Reads the snapshot of orders in `currency` placed up to `as_of` in one pass.
  Status snapshot(Connection& c, const std::string& currency, UnixMs as_of, OrderSnapshot& out);
  // One customer's (day, amount) in the same terms as snapshot().
  Status customer_snapshot(Connection& c, std::int64_t customer_id, const std::string& currency,
                           UnixMs as_of, std::vector<std::int32_t>& days,
                           std::vector<std::int64_t>& amounts);

  // The job claim: true when this caller (`owner`) now holds the recomputation until `until`,
  // false when another holds an unexpired claim. Atomic on both backends (one conditional
  // UPDATE).
  Result<bool> claim(Connection& c, const std::string& owner, UnixMs now, UnixMs until);
  // Pushes the claim's expiry out (a heartbeat between stages).
  Status extend_claim(Connection& c, const std::string& owner, UnixMs until);
  // Drops the claim held by `owner` (a worker that died holding it).
  Status release_claim(Connection& c, const std::string& owner);
  // Releases the claim and records the outcome.
  Status finish(Connection& c, const std::string& owner, UnixMs at, const std::string& status,
                const std::string& error, std::optional<std::int64_t> model_id,
                const std::string& timings);
  Result<JobState> job(Connection& c);

  Result<std::int64_t> insert_model(Connection& c, const StoredModel& model);
  Result<std::optional<StoredModel>> latest_model(Connection& c);
  Result<std::optional<std::int64_t>> latest_model_id(Connection& c);

  // Upserts `scores` in multi-row statements; a stored row computed later than the new one is
  // kept (an incremental update that landed after the snapshot wins over the recomputation).
  Status upsert_scores(Connection& c, std::span<const StoredScore> scores);
  // Deletes the scores computed before `before` (customers no longer in the snapshot).
  Result<std::int64_t> delete_scores_before(Connection& c, UnixMs before);
  Status delete_score(Connection& c, std::int64_t customer_id);
  Result<std::optional<StoredScore>> find_score(Connection& c, std::int64_t customer_id);
  // Erased customers keep no scores: their ids (ascending), whether one is erased, and the
  // removal of every erased customer's scores.
  Result<std::vector<std::int64_t>> erased_customers(Connection& c);
  Result<bool> customer_erased(Connection& c, std::int64_t customer_id);
  Result<std::int64_t> delete_scores_of_erased(Connection& c);

  // Aggregates over the scores of customers that are not merged away.
  Result<std::vector<std::int64_t>> monetary_values(Connection& c);
  Result<std::vector<std::int64_t>> clv_values(Connection& c);
  Result<std::vector<GroupCount>> tier_counts(Connection& c);
  Result<std::vector<GroupCount>> segment_counts(Connection& c);
  Result<std::vector<GridCell>> rf_grid(Connection& c);
  // Live customers with P(alive) below `max_p_alive` and at least `min_orders` orders, by
  // monetary value, largest first, after `offset` rows.
  Result<std::vector<ChurnRisk>> churn_risk(Connection& c, double max_p_alive,
                                            std::int64_t min_orders, int limit, int offset);

  // The customer's orders and lines for the 7P profile.
  Status customer_orders(Connection& c, std::int64_t customer_id, CustomerOrders& out);
};

}  // namespace ecrm::analytics
