#include "analytics/scoring.hpp"

#include <algorithm>
#include <cassert>
#include <chrono>
#include <cmath>

#include "analytics/parallel.hpp"

namespace ecrm::analytics {
namespace {

double elapsed_ms(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - since)
      .count();
}

// The predictions of one customer with summary (x, t_x, T) and mean repeat value m.
std::optional<double> finite(double value) {
  if (!std::isfinite(value)) return std::nullopt;
  return value;
}

void predict(const ScoreModel& model, std::int32_t x, double t_x, double T, double m,
             CustomerScore& out) {
  if (!model.purchases) return;
  const BgNbdParams& params = model.purchases->params;
  const double unit = period_days(model.period);
  out.p_alive = finite(bgnbd_p_alive(params, x, t_x, T));
  out.expected_orders = finite(bgnbd_conditional_expected_purchases(
      params, model.expected_horizon_days / unit, x, t_x, T));
  if (!model.spend) return;
  out.expected_avg_value = finite(gamma_gamma_expected_value(model.spend->params, x, m));
  if (!out.expected_avg_value) return;
  out.clv = finite(bgnbd_conditional_expected_purchases(params, model.clv_horizon_days / unit, x,
                                                        t_x, T) *
                   *out.expected_avg_value);
}

void classify(const ScoreModel& model, CustomerScore& score) {
  score.r = model.cuts.recency.score(score.recency_days);
  score.f = model.cuts.frequency.score(score.frequency);
  score.m = model.cuts.monetary.score(score.monetary_minor);
  score.segment = segment_for(score.r, score.f);
  score.tier = tier_for(score.r, score.f, score.frequency, model.tiers);
}

}  // namespace

ScoreRun score_customers(const OrderColumns& orders, std::int32_t as_of,
                         const ScoringOptions& options) {
  assert(valid(orders));
  using Clock = std::chrono::steady_clock;
  ScoreRun run;
  ScoreModel& model = run.model;
  model.as_of_day = as_of;
  model.period = options.period;
  model.expected_horizon_days = options.expected_horizon_days;
  model.clv_horizon_days = options.clv_horizon_days;
  model.tiers = options.tiers;

  auto started = Clock::now();
  RfmOptions rfm_options;
  rfm_options.tiers = options.tiers;
  rfm_options.threads = options.threads;
  const RfmRows rows = compute_rfm(orders, as_of, rfm_options, &model.cuts);
  model.has_cuts = !rows.empty();
  model.customers = rows.size();
  std::int32_t first_day = as_of;
  for (std::size_t i = 0; i < orders.day.size(); ++i) {
    if (orders.day[i] > as_of) continue;
    ++model.orders;
    first_day = std::min(first_day, orders.day[i]);
  }
  model.first_day = model.orders > 0 ? first_day : 0;
  run.timings.rfm_ms = elapsed_ms(started);

  started = Clock::now();
  const CalibrationSummary summary = build_calibration_summary(orders, as_of, options.period);
  assert(summary.customer.size() == rows.size());
  run.timings.summary_ms = elapsed_ms(started);

  started = Clock::now();
  FitOptions fit_options;
  fit_options.threads = options.threads;
  std::size_t repeat_buyers = 0;
  for (std::size_t i = 0; i < summary.frequency.size(); ++i) {
    repeat_buyers += summary.frequency[i] > 0 && summary.monetary_minor[i] > 0;
  }
  if (summary.customer.size() < options.min_fit_customers) {
    model.purchases_error = model.spend_error =
        "too few customers to fit the models: " + std::to_string(summary.customer.size()) +
        " (at least " + std::to_string(options.min_fit_customers) + ")";
  } else {
    auto fit = fit_bgnbd(summary.view(), fit_options);
    if (fit.ok()) {
      model.purchases = std::move(fit).value();
    } else {
      model.purchases_error = fit.error().message;
    }
    if (repeat_buyers < options.min_spend_customers) {
      model.spend_error = "too few repeat buyers to fit the spend model: " +
                          std::to_string(repeat_buyers) + " (at least " +
                          std::to_string(options.min_spend_customers) + ")";
    } else {
      auto spend = fit_gamma_gamma(summary.frequency, summary.monetary_minor, fit_options);
      if (spend.ok() && spend->params.q > 1.0) {
        model.spend = std::move(spend).value();
      } else {
        model.spend_error = spend.ok()
                                ? "the fitted spend distribution has no finite mean (q <= 1)"
                                : spend.error().message;
      }
    }
  }
  run.timings.fit_ms = elapsed_ms(started);

  started = Clock::now();
  run.scores.resize(rows.size());
  const int workers = detail::worker_count(options.threads, rows.size(), 2'000);
  detail::parallel_slices(rows.size(), workers, [&](std::size_t begin, std::size_t end, int) {
    for (std::size_t i = begin; i < end; ++i) {
      const RfmRow& row = rows[i];
      CustomerScore& s = run.scores[i];
      s.customer = row.customer;
      s.recency_days = row.recency_days;
      s.frequency = row.frequency;
      s.monetary_minor = row.monetary_minor;
      s.r = row.r;
      s.f = row.f;
      s.m = row.m;
      s.segment = row.segment;
      s.tier = row.tier;
      s.last_day = as_of - row.recency_days;
      s.first_day = as_of - static_cast<std::int32_t>(
                                std::lround(summary.age[i] * period_days(options.period)));
      predict(model, summary.frequency[i], summary.recency[i], summary.age[i],
              summary.monetary_minor[i], s);
    }
  });
  run.timings.predict_ms = elapsed_ms(started);

  const std::int32_t calibration_end = as_of - options.holdout_days;
  if (options.with_holdout && model.orders > 0 && options.holdout_days > 0 &&
      as_of - model.first_day >= 3 * options.holdout_days) {
    started = Clock::now();
    const CalibrationSummary calibration =
        build_calibration_summary(orders, calibration_end, options.period, as_of);
    if (calibration.customer.size() >= options.min_fit_customers) {
      auto fit = fit_bgnbd(calibration.view(), fit_options);
      if (fit.ok()) {
        model.holdout = holdout_report(calibration, fit->params);
        model.holdout_calibration_end = calibration_end;
      }
    }
    run.timings.holdout_ms = elapsed_ms(started);
  }

  if (options.with_cohorts) {
    started = Clock::now();
    run.cohorts = compute_cohorts(orders, as_of);
    run.timings.cohorts_ms = elapsed_ms(started);
  }
  return run;
}

CustomerScore score_customer(const ScoreModel& model, std::span<const std::int32_t> days,
                             std::span<const std::int64_t> amounts, std::int32_t as_of) {
  assert(days.size() == amounts.size());
  CustomerScore score;
  std::vector<std::uint32_t> customer(days.size(), 0);
  const OrderColumns columns{customer, days, amounts, 1};
  std::int32_t first = 0, last = 0;
  for (std::size_t i = 0; i < days.size(); ++i) {
    if (days[i] > as_of) continue;
    if (score.frequency == 0 || days[i] < first) first = days[i];
    if (score.frequency == 0 || days[i] > last) last = days[i];
    ++score.frequency;
    score.monetary_minor += amounts[i];
  }
  if (score.frequency == 0) return score;
  score.first_day = first;
  score.last_day = last;
  score.recency_days = as_of - last;
  if (model.has_cuts) classify(model, score);
  const CalibrationSummary summary = build_calibration_summary(columns, as_of, model.period);
  assert(summary.customer.size() == 1);
  predict(model, summary.frequency[0], summary.recency[0], summary.age[0],
          summary.monetary_minor[0], score);
  return score;
}

}  // namespace ecrm::analytics
