// From orders to the (x, t_x, T) summaries the BG/NBD and Gamma-Gamma models take, and the
// calibration/holdout comparison of the BG/NBD papers.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "analytics/bgnbd.hpp"
#include "analytics/model.hpp"
#include "core/describe.hpp"
#include "core/result.hpp"

namespace ecrm::analytics {

// The time unit of a summary. Purchases are always counted per day (several orders of one
// customer on one day are one purchase); the period only sets the unit of recency and T:
// 1 day, 7 days, or an average month of 365.25 / 12 days.
enum class Period { kDay, kWeek, kMonth };
ECRM_DESCRIBE_ENUM(Period, kDay, kWeek, kMonth)

double period_days(Period period);
std::string_view to_string(Period period);
// "day", "week" or "month"; nullopt otherwise.
std::optional<Period> parse_period(std::string_view text);

// One row per customer whose first purchase is on or before the calibration end.
struct CalibrationSummary {
  std::vector<std::uint32_t> customer;  // dense customer index, ascending
  std::vector<std::int32_t> frequency;  // purchase days after the first, up to calibration end
  std::vector<double> recency;          // (last purchase day - first) / period length
  std::vector<double> age;              // (calibration end - first purchase day) / period length
  std::vector<double> monetary_minor;   // mean value of the repeat purchase days; 0 if none
  std::vector<std::int32_t> holdout_purchases;  // purchase days in (calibration end, holdout end]
  double holdout_length = 0.0;                  // holdout length in periods (0 without holdout)

  SummaryView view() const { return {frequency, recency, age}; }
};

// Builds the calibration summary of `orders` (which must be valid) with the calibration period
// ending with day `calibration_end` (inclusive), and, if `holdout_end` is given (it must be after
// calibration_end), counts each customer's purchase days in the holdout. A customer's purchase
// day value is the sum of the amounts of their orders that day. This is the summary of
// Fader, Hardie & Lee's CDNOW data when run on its transactions with Period::kWeek.
CalibrationSummary build_calibration_summary(const OrderColumns& orders,
                                             std::int32_t calibration_end, Period period,
                                             std::optional<std::int32_t> holdout_end = {});

// Predicted vs actual holdout purchases of one calibration-frequency group.
struct HoldoutGroup {
  std::int32_t frequency = 0;  // calibration frequency; the last group holds all >= its value
  bool open_ended = false;     // true for the last group ("7+")
  std::size_t customers = 0;
  double actual = 0.0;     // sum of holdout purchases
  double predicted = 0.0;  // sum of conditional expectations
};

struct HoldoutReport {
  std::vector<HoldoutGroup> groups;  // frequency 0 .. max_group-1, then max_group+
  double actual_total = 0.0;
  double predicted_total = 0.0;
  double length = 0.0;  // periods
};

// Compares, per calibration-frequency group 0, 1, …, `max_group` or more, the purchases each
// customer made in the holdout with the BG/NBD conditional expectation for the holdout length
// (FHL 2005, figure 4). `summary` must have been built with a holdout.
HoldoutReport holdout_report(const CalibrationSummary& summary, const BgNbdParams& params,
                             std::int32_t max_group = 7);

}  // namespace ecrm::analytics
