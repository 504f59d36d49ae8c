// The scoring pipeline of the app's recomputation job, as a pure function: order columns in,
// per-customer scores and the fitted model out. It chains the engines (RFM with quintile
// cut-points, segments and tiers; BG/NBD; Gamma-Gamma; CLV; cohorts) and keeps what a later
// incremental update needs to score one customer against the same population without a refit:
// the RFM cut-points and the model parameters (ScoreModel).
//
// Time: days since 1970-01-01 for orders and the as-of date; the BG/NBD and Gamma-Gamma models
// run in `ScoringOptions::period` units (weeks by default) over all history up to the as-of day
// (the calibration period is the whole history; the holdout comparison, when the history is long
// enough, refits on the history without its last `holdout_days` days and compares the forecast
// for those days with what happened).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "analytics/bgnbd.hpp"
#include "analytics/cohorts.hpp"
#include "analytics/gamma_gamma.hpp"
#include "analytics/model.hpp"
#include "analytics/rfm.hpp"
#include "analytics/summary.hpp"

namespace ecrm::analytics {

struct ScoringOptions {
  Period period = Period::kWeek;
  double expected_horizon_days = 90.0;  // "expected orders in the next 90 days"
  double clv_horizon_days = 365.0;      // CLV: expected value of the next year, undiscounted
  TierRules tiers;
  int threads = 0;  // 0: hardware concurrency
  // The holdout comparison runs when the history spans at least 3 * holdout_days.
  std::int32_t holdout_days = 91;
  bool with_holdout = true;
  bool with_cohorts = true;
  // Fewer customers than this (BG/NBD), or fewer repeat buyers (Gamma-Gamma), and the model is
  // not fitted: its estimates would be noise, and the optimiser wanders off to the boundary.
  std::size_t min_fit_customers = 10;
  std::size_t min_spend_customers = 5;
};

// What an incremental update needs, and what the model page shows.
struct ScoreModel {
  std::int32_t as_of_day = 0;
  Period period = Period::kWeek;
  double expected_horizon_days = 90.0;
  double clv_horizon_days = 365.0;
  TierRules tiers;
  bool has_cuts = false;  // false when no customer had an order
  RfmCuts cuts;
  std::optional<BgNbdFit> purchases;  // BG/NBD; nullopt when it could not be fitted
  std::string purchases_error;        // why not
  std::optional<GammaGammaFit> spend;  // Gamma-Gamma; nullopt when it could not be fitted
  std::string spend_error;
  std::optional<HoldoutReport> holdout;  // calibration vs holdout, when computed
  std::int32_t holdout_calibration_end = 0;
  std::size_t customers = 0;  // customers with at least one order up to as_of
  std::size_t orders = 0;     // orders up to as_of
  std::int32_t first_day = 0;  // first order day in the data (0 without orders)
};

// One customer's scores. The predictions are nullopt when their model is missing or gives a
// value that is not finite.
struct CustomerScore {
  std::uint32_t customer = 0;  // dense index (score_customers) or 0 (score_customer)
  std::int32_t recency_days = 0;
  std::int32_t frequency = 0;  // orders up to as_of
  std::int64_t monetary_minor = 0;
  std::uint8_t r = 0, f = 0, m = 0;
  Segment segment = Segment::kNeedAttention;
  Tier tier = Tier::kOccasional;
  std::int32_t first_day = 0;
  std::int32_t last_day = 0;
  std::optional<double> p_alive;
  std::optional<double> expected_orders;     // in the next expected_horizon_days
  std::optional<double> expected_avg_value;  // minor units per order
  std::optional<double> clv;                 // minor units over clv_horizon_days
};

struct ScoringTimings {
  double rfm_ms = 0, summary_ms = 0, fit_ms = 0, predict_ms = 0, holdout_ms = 0, cohorts_ms = 0;
};

struct ScoreRun {
  ScoreModel model;
  std::vector<CustomerScore> scores;  // customers with an order up to as_of, ascending index
  std::vector<Cohort> cohorts;        // empty unless options.with_cohorts
  ScoringTimings timings;
};

// Scores every customer of `orders` (which must be valid, see model.hpp) as of day `as_of`
// (later orders are ignored). Never fails: a model that cannot be fitted (too little data) is
// left out with the reason, and the predictions depending on it are nullopt.
ScoreRun score_customers(const OrderColumns& orders, std::int32_t as_of,
                         const ScoringOptions& options = {});

// Scores one customer from their own orders (`days` and `amounts` of equal length, any order)
// as of day `as_of` against a stored model, without refitting: R, F and M against the stored
// cut-points, the segment and tier from those, and the predictions from the stored parameters
// with the customer's (x, t_x, T) measured up to `as_of`. With no order up to as_of the result
// has frequency 0 and no scores (r = f = m = 0). For the customers and the as-of day of the run
// that produced `model`, the result equals that run's row.
CustomerScore score_customer(const ScoreModel& model, std::span<const std::int32_t> days,
                             std::span<const std::int64_t> amounts, std::int32_t as_of);

}  // namespace ecrm::analytics
