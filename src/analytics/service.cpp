#include "analytics/service.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <spdlog/spdlog.h>

#include "analytics/reports.hpp"
#include "http/wire.hpp"

namespace ecrm::analytics {

namespace json = boost::json;
using storage::Connection;
using storage::TxMode;
using storage::with_transaction;

namespace {

constexpr UnixMs kClaimMs = 30 * 60 * 1000;     // a run's claim; a crashed run is taken over
constexpr std::size_t kWriteChunk = 5000;       // scores per write transaction
constexpr std::size_t kLorenzPoints = 101;

double elapsed_ms(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - since)
      .count();
}

std::string month_label(int year, int month) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d", year, month);
  return buf;
}

json::object report_json(const ScoreRun& run, const RecomputeTimings& timings) {
  json::object report;
  if (run.model.holdout) {
    json::object holdout = to_json(*run.model.holdout);
    holdout["calibration_end"] =
        format_date(static_cast<UnixMs>(run.model.holdout_calibration_end) * kMsPerDay);
    holdout["period"] = to_string(run.model.period);
    report["holdout"] = std::move(holdout);
  } else {
    report["holdout"] = nullptr;
  }
  std::vector<CohortRow> cohorts;
  for (const Cohort& cohort : run.cohorts) {
    cohorts.push_back({month_label(cohort.year, cohort.month), cohort.customers, cohort.retained,
                       cohort.revenue_minor});
  }
  report["cohorts"] = wire::to_json(cohorts);
  report["timings"] = to_json(timings);
  return report;
}

}  // namespace

json::object to_json(const RecomputeTimings& t) {
  return {{"snapshot_ms", t.snapshot_ms}, {"rfm_ms", t.engines.rfm_ms},
          {"summary_ms", t.engines.summary_ms}, {"fit_ms", t.engines.fit_ms},
          {"predict_ms", t.engines.predict_ms}, {"holdout_ms", t.engines.holdout_ms},
          {"cohorts_ms", t.engines.cohorts_ms}, {"write_ms", t.write_ms},
          {"total_ms", t.total_ms}};
}

ModelParams model_params(const ScoreModel& m) {
  ModelParams out{m.as_of_day, m.period, m.expected_horizon_days, m.clv_horizon_days, m.tiers};
  auto cuts = [](const QuintileCuts& q) {
    return std::vector<std::int64_t>(q.cut.begin(), q.cut.end());
  };
  if (m.has_cuts) {
    out.cuts = ModelCuts{cuts(m.cuts.recency), cuts(m.cuts.frequency), cuts(m.cuts.monetary)};
  }
  if (const auto& b = m.purchases) {
    out.bgnbd = BgNbdModel{b->params.r,
                           b->params.alpha,
                           b->params.a,
                           b->params.b,
                           b->log_likelihood,
                           static_cast<std::int64_t>(b->customers),
                           static_cast<std::int64_t>(b->groups),
                           b->evaluations,
                           b->method};
  } else {
    out.bgnbd_error = m.purchases_error;
  }
  if (const auto& g = m.spend) {
    out.gamma_gamma = GammaGammaModel{g->params.p,
                                      g->params.q,
                                      g->params.gamma,
                                      g->log_likelihood,
                                      static_cast<std::int64_t>(g->customers),
                                      g->method};
  } else {
    out.gamma_gamma_error = m.spend_error;
  }
  out.customers = static_cast<std::int64_t>(m.customers);
  out.orders = static_cast<std::int64_t>(m.orders);
  out.first_day = m.first_day;
  return out;
}

Result<ScoreModel> parse_model_params(const json::value& value) {
  ECRM_ASSIGN_OR_RETURN(ModelParams p, wire::read<ModelParams>(value, "model params"));
  ScoreModel m;
  m.as_of_day = p.as_of_day;
  m.period = p.period;
  m.expected_horizon_days = p.expected_horizon_days;
  m.clv_horizon_days = p.clv_horizon_days;
  m.tiers = p.tiers;
  if (p.cuts) {
    auto cuts = [](const std::vector<std::int64_t>& values, bool higher) -> Result<QuintileCuts> {
      if (values.size() != 4) return Error::invalid("model params: cuts must be 4 integers");
      QuintileCuts q;
      q.higher_is_better = higher;
      std::copy(values.begin(), values.end(), q.cut.begin());
      return q;
    };
    ECRM_ASSIGN_OR_RETURN(m.cuts.recency, cuts(p.cuts->recency, false));
    ECRM_ASSIGN_OR_RETURN(m.cuts.frequency, cuts(p.cuts->frequency, true));
    ECRM_ASSIGN_OR_RETURN(m.cuts.monetary, cuts(p.cuts->monetary, true));
    m.has_cuts = true;
  }
  if (p.bgnbd) {
    m.purchases =
        BgNbdFit{{p.bgnbd->r, p.bgnbd->alpha, p.bgnbd->a, p.bgnbd->b}, p.bgnbd->log_likelihood};
  }
  if (p.gamma_gamma) {
    m.spend = GammaGammaFit{{p.gamma_gamma->p, p.gamma_gamma->q, p.gamma_gamma->gamma},
                            p.gamma_gamma->log_likelihood};
  }
  return m;
}

StoredScore to_stored(const CustomerScore& s, std::int64_t customer_id, std::int64_t model_id,
                      UnixMs computed_at, ScoreSource source) {
  StoredScore out;
  out.customer_id = customer_id;
  out.model_id = model_id;
  out.recency_days = s.recency_days;
  out.frequency = s.frequency;
  out.monetary = s.monetary_minor;
  out.r = s.r;
  out.f = s.f;
  out.m = s.m;
  out.segment = s.segment;
  out.tier = s.tier;
  out.p_alive = s.p_alive;
  out.expected_orders_90d = s.expected_orders;
  if (s.expected_avg_value && std::isfinite(*s.expected_avg_value)) {
    out.expected_avg_value = std::llround(*s.expected_avg_value);
  }
  if (s.clv && std::isfinite(*s.clv)) out.clv = std::llround(*s.clv);
  out.first_order_at = static_cast<UnixMs>(s.first_day) * kMsPerDay;
  out.last_order_at = static_cast<UnixMs>(s.last_day) * kMsPerDay;
  out.computed_at = computed_at;
  out.source = source;
  return out;
}

RecomputeStatus recompute_status(const JobState& job, bool queued) {
  return RecomputeStatus{job_status(job, queued, now_ms()), job.last_model_id,
                         wire::JsonText(job.last_timings)};
}

CustomerScores customer_scores(std::int64_t customer_id, const std::optional<StoredScore>& s) {
  if (!s) return CustomerScores{customer_id};
  return CustomerScores{customer_id,
                        true,
                        s->model_id,
                        s->recency_days,
                        s->frequency,
                        s->monetary,
                        s->r,
                        s->f,
                        s->m,
                        s->segment,
                        s->tier,
                        s->p_alive,
                        s->expected_orders_90d,
                        s->expected_avg_value,
                        s->clv,
                        s->first_order_at,
                        s->last_order_at,
                        s->computed_at,
                        s->source};
}

Histogram histogram(std::vector<std::int64_t> values, int bins) {
  Histogram h;
  h.customers = static_cast<std::int64_t>(values.size());
  bins = std::max(bins, 1);
  if (values.empty()) return h;
  std::sort(values.begin(), values.end());
  long double sum = 0;
  for (std::int64_t v : values) sum += v;
  h.mean = std::llround(static_cast<double>(sum / static_cast<long double>(values.size())));
  h.median = values[(values.size() - 1) / 2];
  const std::int64_t p95 = values[(values.size() - 1) * 95 / 100];
  // A "nice" width: 1, 2 or 5 times a power of ten, so that `bins` bins cover [0, p95].
  const double raw = std::max<double>(1.0, static_cast<double>(std::max<std::int64_t>(p95, 1)) /
                                               static_cast<double>(bins));
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double width = magnitude;
  for (double step : {1.0, 2.0, 5.0, 10.0}) {
    width = step * magnitude;
    if (width >= raw) break;
  }
  const auto w = static_cast<std::int64_t>(width);
  for (int i = 0; i <= bins; ++i) h.edges.push_back(w * i);
  h.counts.assign(static_cast<std::size_t>(bins) + 1, 0);
  for (std::int64_t v : values) {
    const std::int64_t bin = std::clamp<std::int64_t>(v < 0 ? 0 : v / w, 0, bins);
    ++h.counts[static_cast<std::size_t>(bin)];
  }
  return h;
}

AnalyticsService::AnalyticsService(storage::Database& db, ScoringOptions options)
    : db_(db), options_(options) {}

Result<RecomputeOutcome> AnalyticsService::recompute(const std::string& owner) {
  using Clock = std::chrono::steady_clock;
  const auto started = Clock::now();
  const UnixMs as_of = now_ms();
  {
    ECRM_ASSIGN_OR_RETURN(auto claimed,
                          with_transaction<bool>(db_, TxMode::kWrite, [&](Connection& c) {
                            return repo_.claim(c, owner, as_of, as_of + kClaimMs);
                          }));
    if (!claimed) {
      return Error::conflict("a recomputation is already running", {}, "already_running");
    }
  }
  RecomputeOutcome outcome;
  auto run = [&]() -> Status {
    OrderSnapshot snapshot;
    std::vector<std::int64_t> erased;
    auto phase = Clock::now();
    {
      ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
      ECRM_ASSIGN_OR_RETURN(auto currency, repo_.main_currency(*lease));
      if (currency) ECRM_RETURN_IF_ERROR(repo_.snapshot(*lease, *currency, as_of, snapshot));
      ECRM_ASSIGN_OR_RETURN(erased, repo_.erased_customers(*lease));
    }
    outcome.timings.snapshot_ms = elapsed_ms(phase);

    const auto today = static_cast<std::int32_t>(as_of / kMsPerDay);
    ScoreRun scored = score_customers(snapshot.columns(), today, options_);
    outcome.timings.engines = scored.timings;
    outcome.customers = scored.model.customers;
    outcome.orders = scored.model.orders;

    phase = Clock::now();
    StoredModel model;
    model.as_of = as_of;
    model.as_of_day = today;
    model.currency = snapshot.currency;
    model.period = std::string(to_string(scored.model.period));
    model.customers = static_cast<std::int64_t>(scored.model.customers);
    model.orders = static_cast<std::int64_t>(scored.model.orders);
    if (scored.model.purchases) model.log_likelihood = scored.model.purchases->log_likelihood;
    model.params = json::serialize(wire::to_json(model_params(scored.model)));
    model.report = json::serialize(report_json(scored, outcome.timings));
    model.fitted_at = now_ms();
    ECRM_ASSIGN_OR_RETURN(outcome.model_id,
                          with_transaction<std::int64_t>(db_, TxMode::kWrite, [&](Connection& c) {
                            return repo_.insert_model(c, model);
                          }));
    std::vector<StoredScore> rows;
    rows.reserve(kWriteChunk);
    for (std::size_t begin = 0; begin < scored.scores.size(); begin += kWriteChunk) {
      const std::size_t end = std::min(scored.scores.size(), begin + kWriteChunk);
      rows.clear();
      for (std::size_t i = begin; i < end; ++i) {
        const CustomerScore& s = scored.scores[i];
        const std::int64_t customer_id = snapshot.customer_id[s.customer];
        // Erased customers' orders count in the shop's figures and the model, but they keep
        // no scores of their own.
        if (std::binary_search(erased.begin(), erased.end(), customer_id)) continue;
        rows.push_back(
            to_stored(s, customer_id, outcome.model_id, as_of, ScoreSource::kRecompute));
      }
      ECRM_RETURN_IF_ERROR(with_transaction(
          db_, TxMode::kWrite, [&](Connection& c) { return repo_.upsert_scores(c, rows); }));
    }
    ECRM_RETURN_IF_ERROR(with_transaction(db_, TxMode::kWrite, [&](Connection& c) -> Status {
      ECRM_ASSIGN_OR_RETURN(auto removed, repo_.delete_scores_before(c, as_of));
      if (removed > 0) spdlog::info("analytics: removed {} stale customer scores", removed);
      // Customers erased while this run computed.
      ECRM_ASSIGN_OR_RETURN(auto erased_scores, repo_.delete_scores_of_erased(c));
      if (erased_scores > 0) {
        spdlog::info("analytics: removed {} erased customers' scores", erased_scores);
      }
      return {};
    }));
    outcome.timings.write_ms = elapsed_ms(phase);
    return {};
  };
  Status status = run();
  outcome.timings.total_ms = elapsed_ms(started);
  const std::string timings = json::serialize(to_json(outcome.timings));
  Status finished = with_transaction(db_, TxMode::kWrite, [&](Connection& c) {
    return repo_.finish(c, owner, now_ms(), status.ok() ? "ok" : "failed",
                        status.ok() ? "" : status.error().message,
                        status.ok() ? std::optional<std::int64_t>(outcome.model_id) : std::nullopt,
                        timings);
  });
  if (!status.ok()) return std::move(status).error();
  if (!finished.ok()) return std::move(finished).error();
  return outcome;
}

Result<std::optional<std::pair<StoredModel, ScoreModel>>> AnalyticsService::current_model(
    Connection& c) {
  using Out = std::optional<std::pair<StoredModel, ScoreModel>>;
  ECRM_ASSIGN_OR_RETURN(auto latest_id, repo_.latest_model_id(c));
  if (!latest_id) return Out{};
  {
    std::lock_guard lock(model_mutex_);
    if (cached_model_ && cached_model_->first.id == *latest_id) return Out(*cached_model_);
  }
  ECRM_ASSIGN_OR_RETURN(auto stored, repo_.latest_model(c));
  if (!stored) return Out{};
  boost::system::error_code ec;
  json::value params = json::parse(stored->params, ec);
  if (ec) return Error::internal("stored model " + std::to_string(stored->id) + " has bad params");
  ECRM_ASSIGN_OR_RETURN(auto parsed, parse_model_params(params));
  auto entry = std::make_shared<const std::pair<StoredModel, ScoreModel>>(std::move(*stored),
                                                                          std::move(parsed));
  std::lock_guard lock(model_mutex_);
  cached_model_ = entry;
  return Out(*entry);
}

Result<bool> AnalyticsService::rescore_customer(std::int64_t customer_id) {
  ECRM_ASSIGN_OR_RETURN(std::size_t rescored,
                        rescore_customers(std::span<const std::int64_t>(&customer_id, 1)));
  return rescored > 0;
}

Result<std::size_t> AnalyticsService::rescore_customers(
    std::span<const std::int64_t> customer_ids) {
  if (customer_ids.empty()) return std::size_t{0};
  std::vector<StoredScore> rows;
  std::vector<std::int64_t> dropped;  // erased, or left without orders
  {
    ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
    ECRM_ASSIGN_OR_RETURN(auto current, current_model(*lease));
    if (!current || !current->second.has_cuts) return std::size_t{0};
    const auto& [stored, model] = *current;
    const UnixMs now = now_ms();
    for (std::int64_t customer_id : customer_ids) {
      ECRM_ASSIGN_OR_RETURN(bool erased, repo_.customer_erased(*lease, customer_id));
      if (erased) {
        dropped.push_back(customer_id);
        continue;
      }
      std::vector<std::int32_t> days;
      std::vector<std::int64_t> amounts;
      ECRM_RETURN_IF_ERROR(
          repo_.customer_snapshot(*lease, customer_id, stored.currency, now, days, amounts));
      const CustomerScore score =
          score_customer(model, days, amounts, static_cast<std::int32_t>(now / kMsPerDay));
      if (score.frequency == 0) {
        dropped.push_back(customer_id);
        continue;
      }
      rows.push_back(to_stored(score, customer_id, stored.id, now, ScoreSource::kIncremental));
    }
  }
  ECRM_RETURN_IF_ERROR(with_transaction(db_, TxMode::kWrite, [&](Connection& c) -> Status {
    for (std::int64_t customer_id : dropped) {
      ECRM_RETURN_IF_ERROR(repo_.delete_score(c, customer_id));
    }
    if (rows.empty()) return {};
    return repo_.upsert_scores(c, rows);
  }));
  return customer_ids.size();
}

Status AnalyticsService::release_claim(const std::string& owner) {
  return with_transaction(db_, TxMode::kWrite,
                          [&](Connection& c) { return repo_.release_claim(c, owner); });
}

Result<JobState> AnalyticsService::job() {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return repo_.job(*lease);
}

Result<bool> AnalyticsService::has_model() {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto id, repo_.latest_model_id(*lease));
  return id.has_value();
}

Result<std::optional<UnixMs>> AnalyticsService::latest_fitted_at() {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto model, repo_.latest_model(*lease));
  if (!model) return std::optional<UnixMs>{};
  return std::optional<UnixMs>(model->fitted_at);
}

Result<ParetoReport> AnalyticsService::pareto() {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto values, repo_.monetary_values(*lease));
  ECRM_ASSIGN_OR_RETURN(auto model, repo_.latest_model(*lease));
  const ParetoSummary summary = analytics::pareto(values, kLorenzPoints);
  ParetoReport report{static_cast<std::int64_t>(summary.customers), summary.total_minor,
                      summary.top20_share, summary.gini};
  if (model) report.as_of = model->as_of;
  for (const LorenzPoint& p : summary.lorenz) {
    report.lorenz.push_back({p.customer_share, p.revenue_share});
  }
  return report;
}

namespace {
// Every name of enum E with its figures from `counts` (zero when absent).
template <typename E>
std::map<std::string, GroupFigures> figures_by_name(const std::vector<GroupCount>& counts) {
  std::map<std::string, GroupFigures> out;
  for (const std::string& name : wire::enum_names<E>()) out[name] = {};
  for (const GroupCount& g : counts) out[g.key] = {g.customers, g.revenue};
  return out;
}
}  // namespace

Result<RfmReport> AnalyticsService::rfm() {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto segments, repo_.segment_counts(*lease));
  ECRM_ASSIGN_OR_RETURN(auto grid, repo_.rf_grid(*lease));
  RfmReport report;
  report.segments = figures_by_name<Segment>(segments);
  for (const GroupCount& g : segments) report.customers += g.customers;
  report.grid.assign(5, std::vector<std::int64_t>(5, 0));
  for (const GridCell& cell : grid) {
    if (cell.r < 1 || cell.r > 5 || cell.f < 1 || cell.f > 5) continue;
    report.grid[static_cast<std::size_t>(cell.r - 1)][static_cast<std::size_t>(cell.f - 1)] =
        cell.customers;
  }
  return report;
}

Result<TierReport> AnalyticsService::tiers() {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto tiers, repo_.tier_counts(*lease));
  TierReport report;
  report.tiers = figures_by_name<Tier>(tiers);
  for (const GroupCount& g : tiers) {
    report.customers += g.customers;
    report.revenue += g.revenue;
  }
  return report;
}

Result<Histogram> AnalyticsService::clv_distribution(int bins) {
  if (bins < 1 || bins > 100) return Error::invalid("bins must be from 1 to 100", "bins");
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto values, repo_.clv_values(*lease));
  return histogram(std::move(values), bins);
}

Result<std::optional<StoredModel>> AnalyticsService::model() {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return repo_.latest_model(*lease);
}

namespace {
// The report of a stored model (written by report_json(); an object, or null if unreadable).
json::value stored_report(const StoredModel& model) {
  boost::system::error_code ec;
  json::value report = json::parse(model.report, ec);
  return ec || !report.is_object() ? json::value(nullptr) : report;
}

// The part `key` of a stored report read as T; nullopt when it is missing or unreadable.
template <typename T>
std::optional<T> report_part(const json::value& report, std::string_view key) {
  const json::value* part = report.is_object() ? report.as_object().if_contains(key) : nullptr;
  if (part == nullptr || !part->is_object()) return std::nullopt;
  auto read = wire::read<T>(*part);
  return read.ok() ? std::optional<T>(std::move(*read)) : std::nullopt;
}
}  // namespace

Result<ClvModel> AnalyticsService::clv_model() {
  ECRM_ASSIGN_OR_RETURN(auto stored, model());
  if (!stored) {
    return Error::not_found("no model has been fitted yet: run a recomputation", "no_model");
  }
  const StoredModel& m = *stored;
  boost::system::error_code ec;
  auto params = wire::read<ModelParams>(json::parse(m.params, ec));
  if (!params.ok()) {
    return Error::internal("stored model " + std::to_string(m.id) + " has bad params");
  }
  const json::value report = stored_report(m);
  return ClvModel{m.id,
                  m.as_of,
                  format_date(m.as_of),
                  m.fitted_at,
                  m.currency,
                  params->period,
                  m.customers,
                  m.orders,
                  m.log_likelihood,
                  std::move(*params),
                  report_part<HoldoutComparison>(report, "holdout"),
                  report_part<wire::JsonText>(report, "timings")};
}

Result<CohortReport> AnalyticsService::cohorts() {
  ECRM_ASSIGN_OR_RETURN(auto stored, model());
  CohortReport out;
  if (!stored) return out;
  out.as_of = stored->as_of;
  out.currency = stored->currency;
  const json::value report = stored_report(*stored);
  if (const json::value* rows =
          report.is_object() ? report.as_object().if_contains("cohorts") : nullptr) {
    ECRM_ASSIGN_OR_RETURN(out.cohorts, wire::read<std::vector<CohortRow>>(*rows, "cohorts"));
  }
  return out;
}

Result<std::vector<ChurnRisk>> AnalyticsService::churn_risk(double max_p_alive,
                                                            std::int64_t min_orders, int limit,
                                                            int offset) {
  if (!(max_p_alive > 0.0 && max_p_alive <= 1.0)) {
    return Error::invalid("max_p_alive must be above 0 and at most 1", "max_p_alive");
  }
  if (min_orders < 1 || min_orders > 1'000'000) {
    return Error::invalid("min_orders must be from 1 to 1000000", "min_orders");
  }
  if (offset < 0 || offset > 1'000'000) {
    return Error::invalid("offset must be from 0 to 1000000", "offset");
  }
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return repo_.churn_risk(*lease, max_p_alive, min_orders, limit, offset);
}

Result<std::optional<StoredScore>> AnalyticsService::scores(std::int64_t customer_id) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto customer, customers_.find(*lease, customer_id));
  if (!customer) return Error::not_found("no such customer: " + std::to_string(customer_id));
  return repo_.find_score(*lease, customer_id);
}

Result<Profile7P> AnalyticsService::profile(std::int64_t customer_id) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto customer, customers_.find(*lease, customer_id));
  if (!customer) return Error::not_found("no such customer: " + std::to_string(customer_id));
  ProfileInput in;
  in.customer_id = customer_id;
  in.type = std::string(wire::enum_name(customer->type));
  in.city = customer->city;
  in.country = customer->country;
  in.source = customer->source;
  in.channel = customer->channel;
  in.company = customer->company;
  in.birthday = customer->birthday;
  in.created_at = customer->created_at;
  CustomerOrders orders;
  ECRM_RETURN_IF_ERROR(repo_.customer_orders(*lease, customer_id, orders));
  in.currency = orders.currency;
  in.orders = std::move(orders.orders);
  in.lines = std::move(orders.lines);
  in.other_currency_orders = orders.other_currency_orders;
  in.cancelled_orders = orders.cancelled_orders;
  ECRM_ASSIGN_OR_RETURN(auto score, repo_.find_score(*lease, customer_id));
  if (score) {
    ProfileScores s;
    s.segment = score->segment;
    s.tier = score->tier;
    s.r = score->r;
    s.f = score->f;
    s.m = score->m;
    s.p_alive = score->p_alive;
    s.expected_orders = score->expected_orders_90d;
    s.expected_avg_value = score->expected_avg_value;
    s.clv = score->clv;
    s.computed_at = score->computed_at;
    in.scores = s;
  }
  in.campaigns_available = false;  // no campaigns capability yet
  in.now = now_ms();
  return build_profile(in);
}

}  // namespace ecrm::analytics
