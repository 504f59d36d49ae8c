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

json::array cuts_json(const QuintileCuts& q) {
  json::array out;
  for (std::int64_t v : q.cut) out.push_back(v);
  return out;
}

Result<QuintileCuts> parse_cuts(const json::object& o, std::string_view key, bool higher) {
  QuintileCuts q;
  q.higher_is_better = higher;
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_array() || v->as_array().size() != 4) {
    return Error::invalid("model params: cuts." + std::string(key) + " must be 4 integers");
  }
  for (std::size_t i = 0; i < 4; ++i) {
    const json::value& x = v->as_array()[i];
    if (!x.is_int64()) return Error::invalid("model params: cuts must be integers");
    q.cut[i] = x.as_int64();
  }
  return q;
}

Result<double> number(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) return Error::invalid("model params: " + std::string(key) + " is missing");
  if (v->is_double()) return v->as_double();
  if (v->is_int64()) return static_cast<double>(v->as_int64());
  if (v->is_uint64()) return static_cast<double>(v->as_uint64());
  return Error::invalid("model params: " + std::string(key) + " must be a number");
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

json::object model_params_json(const ScoreModel& m) {
  json::object o;
  o["as_of_day"] = m.as_of_day;
  o["period"] = to_string(m.period);
  o["expected_horizon_days"] = m.expected_horizon_days;
  o["clv_horizon_days"] = m.clv_horizon_days;
  o["tiers"] = json::object{{"very_loyal_min_r", m.tiers.very_loyal_min_r},
                            {"very_loyal_min_f", m.tiers.very_loyal_min_f},
                            {"occasional_max_orders", m.tiers.occasional_max_orders},
                            {"occasional_max_r", m.tiers.occasional_max_r}};
  if (m.has_cuts) {
    o["cuts"] = json::object{{"recency", cuts_json(m.cuts.recency)},
                             {"frequency", cuts_json(m.cuts.frequency)},
                             {"monetary", cuts_json(m.cuts.monetary)}};
  } else {
    o["cuts"] = nullptr;
  }
  if (m.purchases) {
    json::object b = to_json(*m.purchases);
    b["groups"] = static_cast<std::uint64_t>(m.purchases->groups);
    b["evaluations"] = m.purchases->evaluations;
    b["method"] = m.purchases->method;
    o["bgnbd"] = std::move(b);
  } else {
    o["bgnbd"] = nullptr;
    o["bgnbd_error"] = m.purchases_error;
  }
  if (m.spend) {
    json::object g = to_json(*m.spend);
    g["log_likelihood"] = m.spend->log_likelihood;
    g["method"] = m.spend->method;
    o["gamma_gamma"] = std::move(g);
  } else {
    o["gamma_gamma"] = nullptr;
    o["gamma_gamma_error"] = m.spend_error;
  }
  o["customers"] = static_cast<std::uint64_t>(m.customers);
  o["orders"] = static_cast<std::uint64_t>(m.orders);
  o["first_day"] = m.first_day;
  return o;
}

Result<ScoreModel> parse_model_params(const json::value& value) {
  if (!value.is_object()) return Error::invalid("model params must be an object");
  const json::object& o = value.as_object();
  ScoreModel m;
  ECRM_ASSIGN_OR_RETURN(double as_of, number(o, "as_of_day"));
  m.as_of_day = static_cast<std::int32_t>(as_of);
  const json::value* period = o.if_contains("period");
  if (period == nullptr || !period->is_string()) return Error::invalid("model params: period");
  auto parsed = parse_period(period->as_string());
  if (!parsed) return Error::invalid("model params: unknown period");
  m.period = *parsed;
  ECRM_ASSIGN_OR_RETURN(m.expected_horizon_days, number(o, "expected_horizon_days"));
  ECRM_ASSIGN_OR_RETURN(m.clv_horizon_days, number(o, "clv_horizon_days"));
  if (const json::value* t = o.if_contains("tiers"); t != nullptr && t->is_object()) {
    const json::object& to = t->as_object();
    ECRM_ASSIGN_OR_RETURN(double r, number(to, "very_loyal_min_r"));
    ECRM_ASSIGN_OR_RETURN(double f, number(to, "very_loyal_min_f"));
    ECRM_ASSIGN_OR_RETURN(double orders, number(to, "occasional_max_orders"));
    ECRM_ASSIGN_OR_RETURN(double occ_r, number(to, "occasional_max_r"));
    m.tiers = TierRules{static_cast<int>(r), static_cast<int>(f),
                        static_cast<std::int64_t>(orders), static_cast<int>(occ_r)};
  }
  if (const json::value* c = o.if_contains("cuts"); c != nullptr && c->is_object()) {
    ECRM_ASSIGN_OR_RETURN(m.cuts.recency, parse_cuts(c->as_object(), "recency", false));
    ECRM_ASSIGN_OR_RETURN(m.cuts.frequency, parse_cuts(c->as_object(), "frequency", true));
    ECRM_ASSIGN_OR_RETURN(m.cuts.monetary, parse_cuts(c->as_object(), "monetary", true));
    m.has_cuts = true;
  }
  if (const json::value* b = o.if_contains("bgnbd"); b != nullptr && b->is_object()) {
    BgNbdFit fit;
    ECRM_ASSIGN_OR_RETURN(fit.params.r, number(b->as_object(), "r"));
    ECRM_ASSIGN_OR_RETURN(fit.params.alpha, number(b->as_object(), "alpha"));
    ECRM_ASSIGN_OR_RETURN(fit.params.a, number(b->as_object(), "a"));
    ECRM_ASSIGN_OR_RETURN(fit.params.b, number(b->as_object(), "b"));
    ECRM_ASSIGN_OR_RETURN(fit.log_likelihood, number(b->as_object(), "log_likelihood"));
    m.purchases = fit;
  }
  if (const json::value* g = o.if_contains("gamma_gamma"); g != nullptr && g->is_object()) {
    GammaGammaFit fit;
    ECRM_ASSIGN_OR_RETURN(fit.params.p, number(g->as_object(), "p"));
    ECRM_ASSIGN_OR_RETURN(fit.params.q, number(g->as_object(), "q"));
    ECRM_ASSIGN_OR_RETURN(fit.params.gamma, number(g->as_object(), "gamma"));
    m.spend = fit;
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
  const bool running = job.claimed_until && *job.claimed_until >= now_ms();
  return RecomputeStatus{running  ? RecomputeState::kRunning
                         : queued ? RecomputeState::kQueued
                                  : RecomputeState::kIdle,
                         running ? job.claimed_by : std::string(),
                         job.started_at,
                         job.finished_at,
                         job.last_status,
                         job.last_error,
                         job.last_model_id,
                         wire::JsonText(job.last_timings)};
}

CustomerScores customer_scores(std::int64_t customer_id, const std::optional<StoredScore>& s) {
  if (!s) return CustomerScores{customer_id};
  return CustomerScores{customer_id,     true,
                        s->model_id,     s->recency_days,
                        s->frequency,    s->monetary,
                        s->r,            s->f,
                        s->m,            s->segment,
                        s->tier,         s->p_alive,
                        s->expected_orders_90d, s->expected_avg_value,
                        s->clv,          s->first_order_at,
                        s->last_order_at, s->computed_at,
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
    auto phase = Clock::now();
    {
      ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
      ECRM_ASSIGN_OR_RETURN(auto currency, repo_.main_currency(*lease));
      if (currency) ECRM_RETURN_IF_ERROR(repo_.snapshot(*lease, *currency, as_of, snapshot));
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
    model.params = json::serialize(model_params_json(scored.model));
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
        rows.push_back(to_stored(s, snapshot.customer_id[s.customer], outcome.model_id, as_of,
                                 ScoreSource::kRecompute));
      }
      ECRM_RETURN_IF_ERROR(with_transaction(
          db_, TxMode::kWrite, [&](Connection& c) { return repo_.upsert_scores(c, rows); }));
    }
    ECRM_RETURN_IF_ERROR(with_transaction(db_, TxMode::kWrite, [&](Connection& c) -> Status {
      ECRM_ASSIGN_OR_RETURN(auto removed, repo_.delete_scores_before(c, as_of));
      if (removed > 0) spdlog::info("analytics: removed {} stale customer scores", removed);
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
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto current, current_model(*lease));
  if (!current || !current->second.has_cuts) return false;
  const auto& [stored, model] = *current;
  const UnixMs now = now_ms();
  std::vector<std::int32_t> days;
  std::vector<std::int64_t> amounts;
  ECRM_RETURN_IF_ERROR(
      repo_.customer_snapshot(*lease, customer_id, stored.currency, now, days, amounts));
  const CustomerScore score =
      score_customer(model, days, amounts, static_cast<std::int32_t>(now / kMsPerDay));
  if (score.frequency == 0) {
    ECRM_RETURN_IF_ERROR(repo_.delete_score(*lease, customer_id));
    return true;
  }
  const StoredScore row = to_stored(score, customer_id, stored.id, now, ScoreSource::kIncremental);
  ECRM_RETURN_IF_ERROR(repo_.upsert_scores(*lease, std::span<const StoredScore>(&row, 1)));
  return true;
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

std::optional<wire::JsonText> report_part(const json::value& report, std::string_view key) {
  const json::value* part = report.is_object() ? report.as_object().if_contains(key) : nullptr;
  if (part == nullptr || !part->is_object()) return std::nullopt;
  return wire::JsonText(json::serialize(*part));
}
}  // namespace

Result<ClvModel> AnalyticsService::clv_model() {
  ECRM_ASSIGN_OR_RETURN(auto stored, model());
  if (!stored) {
    return Error::not_found("no model has been fitted yet: run a recomputation", "no_model");
  }
  const StoredModel& m = *stored;
  const json::value report = stored_report(m);
  return ClvModel{m.id,          m.as_of,       format_date(m.as_of),
                  m.fitted_at,   m.currency,    m.period,
                  m.customers,   m.orders,      m.log_likelihood,
                  m.params,      report_part(report, "holdout"),
                  report_part(report, "timings")};
}

Result<CohortReport> AnalyticsService::cohorts() {
  ECRM_ASSIGN_OR_RETURN(auto stored, model());
  CohortReport out;
  if (!stored) return out;
  out.as_of = stored->as_of;
  out.currency = stored->currency;
  const json::value report = stored_report(*stored);
  if (const json::value* rows = report.is_object() ? report.as_object().if_contains("cohorts")
                                                   : nullptr) {
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
