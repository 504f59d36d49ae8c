// The in-app analytics: the recomputation job (snapshot of orders -> engines -> stored scores
// and model), incremental updates of one customer against the stored model, and the reads behind
// /api/v1/analytics. No SQL here (repo.cpp), no HTTP (http_routes.cpp); the engines it runs are
// the pure ones of this folder (scoring.hpp, profile.hpp, pareto.hpp).
//
// Recomputation (recompute()):
//   1. claim the job row (analytics_jobs) for 30 minutes: a second process, or a second call in
//      this one, gets kConflict `already_running`; a crashed run's claim simply expires;
//   2. snapshot the orders that are not cancelled, in the shop's main currency (the one most
//      orders use), placed up to now, net of refunded returns, in one streaming read;
//   3. score_customers() as of today: RFM with quintile cut-points, segments, tiers, BG/NBD in
//      weeks over all history (calibration = everything up to now), Gamma-Gamma, P(alive),
//      expected orders in 90 days, expected order value, CLV over 12 months (undiscounted), the
//      holdout comparison (last 91 days) when history is long enough, monthly cohorts;
//   4. store the model (parameters, cut-points, log-likelihood, data size, as-of, fitted_at; the
//      holdout comparison, cohorts and timings as its report) and upsert the scores in batches
//      of short transactions (other writers are not held up for the whole write), then delete
//      scores of customers no longer in the snapshot, and release the claim with the timings.
// A score row computed after the snapshot (an incremental update that raced the run) is kept:
// the newer computation wins.
//
// Incremental update (rescore_customer()): the customer's orders in the model's currency are
// read and scored with score_customer() against the latest stored model (no refit): R, F, M
// against its cut-points, P(alive), expected orders and CLV from its parameters.
//
// Thread-safe: the cached model is guarded; every call leases its own connection.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "analytics/pareto.hpp"
#include "analytics/profile.hpp"
#include "analytics/repo.hpp"
#include "analytics/scoring.hpp"
#include "core/describe.hpp"
#include "core/job_status.hpp"
#include "customers/repo.hpp"
#include "storage/database.hpp"

namespace ecrm::analytics {

// The fitted models as stored (analytics_models.params) and shown (GET /analytics/clv/model).
struct ModelCuts {
  std::vector<std::int64_t> recency, frequency, monetary;  // the four RFM cut-points of each
};
ECRM_DESCRIBE(ModelCuts, recency, frequency, monetary)

struct BgNbdModel {
  double r = 0, alpha = 0, a = 0, b = 0;
  double log_likelihood = 0;
  std::int64_t customers = 0;
  std::int64_t groups = 0;  // distinct (x, t_x, T) after compression
  std::int64_t evaluations = 0;
  std::string method;
};
ECRM_DESCRIBE(BgNbdModel, r, alpha, a, b, log_likelihood, customers, groups, evaluations, method)

struct GammaGammaModel {
  double p = 0, q = 0, gamma = 0;
  double log_likelihood = 0;
  std::int64_t customers = 0;
  std::string method;
};
ECRM_DESCRIBE(GammaGammaModel, p, q, gamma, log_likelihood, customers, method)

struct ModelParams {
  std::int32_t as_of_day = 0;
  Period period = Period::kWeek;
  double expected_horizon_days = 0;
  double clv_horizon_days = 0;
  TierRules tiers;
  std::optional<ModelCuts> cuts;  // null when no customer had an order
  std::optional<BgNbdModel> bgnbd;
  std::optional<std::string> bgnbd_error;  // why BG/NBD could not be fitted
  std::optional<GammaGammaModel> gamma_gamma;
  std::optional<std::string> gamma_gamma_error;
  std::int64_t customers = 0;
  std::int64_t orders = 0;
  std::int32_t first_day = 0;
};
ECRM_DESCRIBE(ModelParams, as_of_day, period, expected_horizon_days, clv_horizon_days, tiers, cuts,
              bgnbd, bgnbd_error, gamma_gamma, gamma_gamma_error, customers, orders, first_day)

// The stored form of a ScoreModel's parameters and back: kInvalidArgument when `params` is not
// a ModelParams (or its cut-points are not four per column).
ModelParams model_params(const ScoreModel& model);
Result<ScoreModel> parse_model_params(const boost::json::value& params);

// The calibration-vs-holdout comparison stored in a model's report (reports.hpp writes it).
struct HoldoutRow {
  std::string frequency;  // "0" … "7+"
  std::int64_t customers = 0;
  double actual = 0, predicted = 0, actual_mean = 0, predicted_mean = 0;
};
ECRM_DESCRIBE(HoldoutRow, frequency, customers, actual, predicted, actual_mean, predicted_mean)
struct HoldoutTotal {
  double actual = 0, predicted = 0;
};
ECRM_DESCRIBE(HoldoutTotal, actual, predicted)
struct HoldoutComparison {
  double length = 0;  // periods
  Period period = Period::kWeek;
  std::string calibration_end;  // YYYY-MM-DD
  std::vector<HoldoutRow> groups;
  HoldoutTotal total;
};
ECRM_DESCRIBE(HoldoutComparison, length, period, calibration_end, groups, total)

// The row to store for `score` of customer `customer_id`.
StoredScore to_stored(const CustomerScore& score, std::int64_t customer_id, std::int64_t model_id,
                      UnixMs computed_at, ScoreSource source);

struct RecomputeTimings {
  double snapshot_ms = 0;
  ScoringTimings engines;
  double write_ms = 0;
  double total_ms = 0;
};
boost::json::object to_json(const RecomputeTimings& timings);

struct RecomputeOutcome {
  std::int64_t model_id = 0;
  std::size_t customers = 0;
  std::size_t orders = 0;
  RecomputeTimings timings;
};

// GET /analytics/recompute: the job row as callers see it.
struct RecomputeStatus : JobStatus {
  std::optional<std::int64_t> model_id;
  wire::JsonText timings;  // milliseconds per stage of the last run
};
ECRM_DESCRIBE_DERIVED(RecomputeStatus, JobStatus, model_id, timings)
// `job` as running (claimed now), queued (asked for in this process) or idle.
RecomputeStatus recompute_status(const JobState& job, bool queued);

struct ParetoReport {
  std::int64_t customers = 0;
  std::int64_t revenue = 0;  // minor units
  double top20_share = 0;
  double gini = 0;
  std::optional<UnixMs> as_of;              // of the latest model
  std::vector<std::vector<double>> lorenz;  // [customer share, revenue share], poorest first
};
ECRM_DESCRIBE(ParetoReport, customers, revenue, top20_share, gini, as_of, lorenz)

struct GroupFigures {
  std::int64_t customers = 0;
  std::int64_t revenue = 0;  // minor units
};
ECRM_DESCRIBE(GroupFigures, customers, revenue)

struct RfmReport {
  std::int64_t customers = 0;
  std::map<std::string, GroupFigures> segments;  // every segment by its name
  std::vector<std::vector<std::int64_t>> grid;   // grid[r - 1][f - 1]: customers, 5 × 5
};
ECRM_DESCRIBE(RfmReport, customers, segments, grid)

struct TierReport {
  std::int64_t customers = 0;
  std::int64_t revenue = 0;
  std::map<std::string, GroupFigures> tiers;  // every tier by its name
};
ECRM_DESCRIBE(TierReport, customers, revenue, tiers)

// Customer lifetime values (minor units) in bins.
struct Histogram {
  std::int64_t customers = 0;
  std::optional<std::int64_t> mean;
  std::optional<std::int64_t> median;
  std::vector<std::int64_t> edges;  // bins [edges[i], edges[i+1]); the last bin is open-ended
  std::vector<std::int64_t> counts;
};
ECRM_DESCRIBE(Histogram, customers, mean, median, edges, counts)

// Equal-width bins from 0 up to the 95th percentile of `values` (rounded to a "nice" width),
// plus one open-ended bin for the rest; negative values fall into the first bin.
Histogram histogram(std::vector<std::int64_t> values, int bins);

// GET /analytics/clv/distribution
struct ClvDistributionQuery {
  std::int64_t bins = 20;
};
ECRM_DESCRIBE(ClvDistributionQuery, bins)
ECRM_WIRE_RULES(ClvDistributionQuery,
                rule(&ClvDistributionQuery::bins, {.minimum = 1, .maximum = 100}))

// The latest model as GET /analytics/clv/model shows it: the stored row, its parameters and the
// holdout comparison and timings of its report.
struct ClvModel {
  std::int64_t id = 0;
  UnixMs as_of = 0;
  std::string as_of_date;
  UnixMs fitted_at = 0;
  std::string currency;
  Period period = Period::kWeek;
  std::int64_t customers = 0;
  std::int64_t orders = 0;
  std::optional<double> log_likelihood;
  ModelParams params;
  std::optional<HoldoutComparison> holdout;
  std::optional<wire::JsonText> timings;  // milliseconds per stage
};
ECRM_DESCRIBE(ClvModel, id, as_of, as_of_date, fitted_at, currency, period, customers, orders,
              log_likelihood, params, holdout, timings)

// A monthly acquisition cohort, as stored in the model's report and shown by the API.
struct CohortRow {
  std::string month;  // YYYY-MM
  std::int64_t customers = 0;
  std::vector<std::int64_t> retained;  // by months since the first order
  std::vector<std::int64_t> revenue;   // minor units
};
ECRM_DESCRIBE(CohortRow, month, customers, retained, revenue)

struct CohortReport {
  std::optional<UnixMs> as_of;
  std::string currency;
  std::vector<CohortRow> cohorts;
};
ECRM_DESCRIBE(CohortReport, as_of, currency, cohorts)

// A customer's stored scores (GET /analytics/customers/{id}/scores); every score is null until
// the customer is scored.
struct CustomerScores {
  std::int64_t customer_id = 0;
  bool scored = false;
  std::optional<std::int64_t> model_id;
  std::optional<std::int64_t> recency_days;
  std::optional<std::int64_t> frequency;
  std::optional<std::int64_t> monetary;
  std::optional<int> r, f, m;
  std::optional<Segment> segment;
  std::optional<Tier> tier;
  std::optional<double> p_alive;
  std::optional<double> expected_orders_90d;
  std::optional<std::int64_t> expected_avg_value;
  std::optional<std::int64_t> clv;
  std::optional<UnixMs> first_order_at;
  std::optional<UnixMs> last_order_at;
  std::optional<UnixMs> computed_at;
  std::optional<ScoreSource> source;
};
ECRM_DESCRIBE(CustomerScores, customer_id, scored, model_id, recency_days, frequency, monetary, r,
              f, m, segment, tier, p_alive, expected_orders_90d, expected_avg_value, clv,
              first_order_at, last_order_at, computed_at, source)
CustomerScores customer_scores(std::int64_t customer_id, const std::optional<StoredScore>& score);

class AnalyticsService {
 public:
  AnalyticsService(storage::Database& db, ScoringOptions options = {});

  // Runs the recomputation described above on the calling thread, as `owner` (e.g.
  // "host:pid"). kConflict `already_running` when a claim is held; storage errors otherwise
  // (the claim is released and the failure recorded in the job row).
  Result<RecomputeOutcome> recompute(const std::string& owner);

  // Rescores one customer against the latest model. Returns false (and changes nothing) when
  // no model with cut-points exists yet. A customer left without orders loses their scores.
  Result<bool> rescore_customer(std::int64_t customer_id);
  // The same for several customers, written in one transaction; returns how many were
  // rescored (all of them, or 0 without a model).
  Result<std::size_t> rescore_customers(std::span<const std::int64_t> customer_ids);

  Result<JobState> job();
  // Drops the job row's claim when `owner` holds it: `owner` died holding it (its lease in the
  // jobs table ran out) and the run is being taken over.
  Status release_claim(const std::string& owner);
  // True when a model exists.
  Result<bool> has_model();
  // Milliseconds since the latest model was fitted; nullopt without a model.
  Result<std::optional<UnixMs>> latest_fitted_at();

  Result<ParetoReport> pareto();
  Result<RfmReport> rfm();
  Result<TierReport> tiers();
  Result<Histogram> clv_distribution(int bins);
  Result<std::optional<StoredModel>> model();
  // The latest model; kNotFound `no_model` before the first recomputation.
  Result<ClvModel> clv_model();
  // The latest model's cohorts (none before the first recomputation).
  Result<CohortReport> cohorts();
  Result<std::vector<ChurnRisk>> churn_risk(double max_p_alive, std::int64_t min_orders,
                                            int limit, int offset);
  // kNotFound for an unknown customer.
  Result<std::optional<StoredScore>> scores(std::int64_t customer_id);
  // kNotFound for an unknown customer.
  Result<Profile7P> profile(std::int64_t customer_id);

 private:
  // The latest model and its parsed parameters, reloaded when a newer one is stored.
  Result<std::optional<std::pair<StoredModel, ScoreModel>>> current_model(storage::Connection& c);

  storage::Database& db_;
  ScoringOptions options_;
  AnalyticsRepo repo_;
  customers::CustomerRepo customers_;
  std::mutex model_mutex_;
  std::shared_ptr<const std::pair<StoredModel, ScoreModel>> cached_model_;
};

}  // namespace ecrm::analytics
