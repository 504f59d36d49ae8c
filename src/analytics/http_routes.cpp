#include "analytics/http_routes.hpp"

#include <boost/json.hpp>

#include <charconv>
#include <cmath>

#include "http/context.hpp"
#include "http/fields.hpp"

namespace ecrm::analytics {

namespace json = boost::json;
using http::Access;
using http::handle;
using http::Method;
using http::RequestContext;
using http::Response;
using http::Route;

namespace {

constexpr const char* kReadScope = "analytics:read";
constexpr const char* kWriteScope = "analytics:write";

constexpr const char* kJobSchema =
    R"({"type":"object","properties":{"state":{"type":"string","enum":["idle","queued","running"]},)"
    R"("claimed_by":{"type":"string"},"started_at":{"type":["integer","null"]},)"
    R"("finished_at":{"type":["integer","null"]},"last_status":{"type":"string","enum":["","ok","failed"]},)"
    R"("last_error":{"type":"string"},"model_id":{"type":["integer","null"]},)"
    R"("timings":{"type":"object","description":"milliseconds per stage of the last run"}}})";
constexpr const char* kParetoSchema =
    R"({"type":"object","properties":{"customers":{"type":"integer"},"revenue":{"type":"integer"},)"
    R"("top20_share":{"type":"number"},"gini":{"type":"number"},"as_of":{"type":["integer","null"]},)"
    R"("lorenz":{"type":"array","items":{"type":"array","items":{"type":"number"},)"
    R"("description":"[customer share, revenue share], poorest first"}}}})";
constexpr const char* kScoreSchema =
    R"({"type":"object","properties":{"customer_id":{"type":"integer"},"scored":{"type":"boolean"},)"
    R"("recency_days":{"type":"integer"},"frequency":{"type":"integer"},"monetary":{"type":"integer"},)"
    R"("r":{"type":"integer"},"f":{"type":"integer"},"m":{"type":"integer"},"segment":{"type":"string"},)"
    R"("tier":{"type":"string"},"p_alive":{"type":["number","null"]},)"
    R"("expected_orders_90d":{"type":["number","null"]},"expected_avg_value":{"type":["integer","null"]},)"
    R"("clv":{"type":["integer","null"]},"computed_at":{"type":"integer"},)"
    R"("source":{"type":"string","enum":["recompute","incremental"]}}})";

json::value or_null(const std::optional<double>& v) {
  if (!v || !std::isfinite(*v)) return nullptr;
  return *v;
}
json::value or_null(const std::optional<std::int64_t>& v) {
  if (!v) return nullptr;
  return *v;
}
json::value or_null(const std::optional<std::string>& v) {
  if (!v) return nullptr;
  return json::value(*v);
}

Result<std::optional<double>> query_double(const RequestContext& ctx, std::string_view name) {
  auto text = http::query_text(ctx, name);
  if (!text) return std::optional<double>{};
  double value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc{} || end != text->data() + text->size() || !std::isfinite(value)) {
    return Error::invalid(std::string(name) + " must be a number", std::string(name));
  }
  return std::optional<double>(value);
}

json::object job_json(const JobState& job, bool queued) {
  const bool running = job.claimed_until && *job.claimed_until >= now_ms();
  boost::system::error_code ec;
  json::value timings = json::parse(job.last_timings, ec);
  if (ec || !timings.is_object()) timings = json::object{};
  return {{"state", running ? "running" : queued ? "queued" : "idle"},
          {"claimed_by", running ? job.claimed_by : std::string()},
          {"started_at", or_null(job.started_at)},
          {"finished_at", or_null(job.finished_at)},
          {"last_status", job.last_status},
          {"last_error", job.last_error},
          {"model_id", or_null(job.last_model_id)},
          {"timings", std::move(timings)}};
}

json::object score_json(std::int64_t customer_id, const std::optional<StoredScore>& s) {
  if (!s) return {{"customer_id", customer_id}, {"scored", false}};
  return {{"customer_id", customer_id},
          {"scored", true},
          {"model_id", s->model_id},
          {"recency_days", s->recency_days},
          {"frequency", s->frequency},
          {"monetary", s->monetary},
          {"r", s->r},
          {"f", s->f},
          {"m", s->m},
          {"segment", s->segment},
          {"tier", s->tier},
          {"p_alive", or_null(s->p_alive)},
          {"expected_orders_90d", or_null(s->expected_orders_90d)},
          {"expected_avg_value", or_null(s->expected_avg_value)},
          {"clv", or_null(s->clv)},
          {"first_order_at", s->first_order_at},
          {"last_order_at", s->last_order_at},
          {"computed_at", s->computed_at},
          {"source", s->source}};
}

json::object window_json(const Profile7P::Window& w) {
  return {{"orders", w.orders},
          {"revenue", w.revenue},
          {"average_order_value", or_null(w.average_order_value)}};
}

json::array int_array(const std::vector<std::int64_t>& values) {
  json::array out;
  for (std::int64_t v : values) out.push_back(v);
  return out;
}

json::object profile_json(std::int64_t customer_id, const Profile7P& p) {
  json::array categories;
  for (const CategoryAffinity& a : p.product.categories) {
    categories.push_back(json::object{{"category_id", a.category_id ? json::value(a.category_id)
                                                                    : json::value(nullptr)},
                                      {"name", a.name},
                                      {"quantity", a.quantity},
                                      {"revenue", a.revenue},
                                      {"revenue_share", a.revenue_share},
                                      {"quantity_share", a.quantity_share}});
  }
  json::object campaign_response;
  campaign_response["available"] = p.promotion.campaigns_available;
  campaign_response["reason"] =
      p.promotion.campaigns_available ? "" : "no campaigns exist yet: nothing to measure";
  campaign_response["campaigns"] = nullptr;
  campaign_response["responses"] = nullptr;
  return {
      {"customer_id", customer_id},
      {"currency", p.currency},
      {"other_currency_orders", p.other_currency_orders},
      {"cancelled_orders", p.cancelled_orders},
      {"profiling",
       {{"type", p.profiling.type},
        {"city", p.profiling.city},
        {"country", p.profiling.country},
        {"company", p.profiling.company},
        {"source", p.profiling.source},
        {"channel", p.profiling.channel},
        {"age_band", or_null(p.profiling.age_band)},
        {"age", p.profiling.age ? json::value(*p.profiling.age) : json::value(nullptr)},
        {"customer_days", p.profiling.customer_days},
        {"first_order_at", or_null(p.profiling.first_order_at)}}},
      {"persistency",
       {{"tenure_days", p.persistency.tenure_days},
        {"orders", p.persistency.orders},
        {"repeat_rate", p.persistency.repeat_rate},
        {"orders_per_year", p.persistency.orders_per_year},
        {"tier", or_null(p.persistency.tier)},
        {"segment", or_null(p.persistency.segment)},
        {"last_order_at", or_null(p.persistency.last_order_at)},
        {"days_since_last_order", or_null(p.persistency.days_since_last_order)}}},
      {"profitability",
       {{"revenue", p.profitability.revenue},
        {"cost_of_goods", p.profitability.cost_of_goods},
        {"cost_coverage", p.profitability.cost_coverage},
        {"refunds", p.profitability.refunds},
        {"gross_profit", p.profitability.gross_profit},
        {"margin", or_null(p.profitability.margin)}}},
      {"performance",
       {{"recent", window_json(p.performance.recent)},
        {"previous", window_json(p.performance.previous)},
        {"revenue_change", or_null(p.performance.revenue_change)},
        {"order_change", or_null(p.performance.order_change)},
        {"aov_change", or_null(p.performance.aov_change)},
        {"revenue_slope", p.performance.revenue_slope},
        {"order_slope", p.performance.order_slope},
        {"monthly_revenue", int_array(p.performance.monthly_revenue)},
        {"monthly_orders", int_array(p.performance.monthly_orders)},
        {"trend", p.performance.trend}}},
      {"prospecting",
       {{"scored", p.prospecting.scored},
        {"p_alive", or_null(p.prospecting.p_alive)},
        {"expected_orders_90d", or_null(p.prospecting.expected_orders_90d)},
        {"expected_avg_value", or_null(p.prospecting.expected_avg_value)},
        {"clv", or_null(p.prospecting.clv)},
        {"computed_at", or_null(p.prospecting.computed_at)}}},
      {"product",
       {{"categories", std::move(categories)},
        {"distinct_categories", p.product.distinct_categories}}},
      {"promotion",
       {{"discounted_orders", p.promotion.discounted_orders},
        {"discounted_share", p.promotion.discounted_share},
        {"discount_total", p.promotion.discount_total},
        {"average_discount_rate", or_null(p.promotion.average_discount_rate)},
        {"campaign_response", std::move(campaign_response)}}}};
}

json::value parse_or_null(const std::string& text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) return nullptr;
  return v;
}

}  // namespace

void add_analytics_routes(http::Router& router, AnalyticsService& service,
                          AnalyticsWorker& worker) {
  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/analytics/recompute",
      .access = Access::needs(kWriteScope),
      .doc = {.summary = "Start a recomputation of every customer's RFM scores, segment, tier, "
                         "P(alive), expected orders and CLV and of the fitted models; it runs in "
                         "the background (202), follow it with GET on the same path; 409 when "
                         "one is already running",
              .tag = "analytics",
              .response_schema = kJobSchema,
              .success_status = 202,
              .error_statuses = {409}},
      .handler = handle([&service, &worker](RequestContext& ctx) -> Result<Response> {
        ECRM_RETURN_IF_ERROR(worker.request_recompute());
        ECRM_ASSIGN_OR_RETURN(auto job, service.job());
        ctx.set_audit("recompute");
        return http::json_response(202, job_json(job, true));
      }),
      .audit_entity = "analytics"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/analytics/recompute",
      .access = Access::needs(kReadScope),
      .doc = {.summary = "State of the recomputation: idle, queued or running, when the last run "
                         "started and finished, its outcome, model and time per stage",
              .tag = "analytics",
              .response_schema = kJobSchema},
      .handler = handle([&service, &worker](RequestContext&) -> Result<Response> {
        const bool queued = worker.busy();
        ECRM_ASSIGN_OR_RETURN(auto job, service.job());
        return http::json_response(200, job_json(job, queued));
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/analytics/pareto",
      .access = Access::needs(kReadScope),
      .doc = {.summary = "Pareto analysis of revenue over scored customers: revenue share of the "
                         "top 20%, Gini coefficient and the Lorenz curve (about 100 points)",
              .tag = "analytics",
              .response_schema = kParetoSchema},
      .handler = handle([&service](RequestContext&) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto report, service.pareto());
        json::array lorenz;
        for (const LorenzPoint& p : report.summary.lorenz) {
          lorenz.push_back(json::array{p.customer_share, p.revenue_share});
        }
        return http::json_response(
            200, json::object{{"customers", static_cast<std::int64_t>(report.summary.customers)},
                              {"revenue", report.summary.total_minor},
                              {"top20_share", report.summary.top20_share},
                              {"gini", report.summary.gini},
                              {"as_of", or_null(report.as_of)},
                              {"lorenz", std::move(lorenz)}});
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/analytics/rfm",
      .access = Access::needs(kReadScope),
      .doc = {.summary = "RFM overview: customers and revenue per segment, and customers per "
                         "recency × frequency score cell (5 × 5 grid, r and f from 1 to 5)",
              .tag = "analytics"},
      .handler = handle([&service](RequestContext&) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto report, service.rfm());
        json::object segments;
        for (Segment s : all_segments()) {
          segments[to_string(s)] = json::object{{"customers", 0}, {"revenue", 0}};
        }
        for (const GroupCount& g : report.segments) {
          segments[g.key] = json::object{{"customers", g.customers}, {"revenue", g.revenue}};
        }
        json::array grid;  // grid[r-1][f-1]
        for (int r = 1; r <= 5; ++r) grid.push_back(json::array{0, 0, 0, 0, 0});
        for (const GridCell& cell : report.grid) {
          if (cell.r < 1 || cell.r > 5 || cell.f < 1 || cell.f > 5) continue;
          grid[static_cast<std::size_t>(cell.r - 1)].as_array()[static_cast<std::size_t>(
              cell.f - 1)] = cell.customers;
        }
        return http::json_response(200, json::object{{"customers", report.customers},
                                                     {"segments", std::move(segments)},
                                                     {"grid", std::move(grid)}});
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/analytics/tiers",
      .access = Access::needs(kReadScope),
      .doc = {.summary = "Loyalty tiers (very_loyal, loyal, occasional): customers and revenue "
                         "(minor units) per tier",
              .tag = "analytics"},
      .handler = handle([&service](RequestContext&) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto tiers, service.tiers());
        json::object out;
        std::int64_t customers = 0, revenue = 0;
        for (Tier t : {Tier::kVeryLoyal, Tier::kLoyal, Tier::kOccasional}) {
          out[to_string(t)] = json::object{{"customers", 0}, {"revenue", 0}};
        }
        for (const GroupCount& g : tiers) {
          out[g.key] = json::object{{"customers", g.customers}, {"revenue", g.revenue}};
          customers += g.customers;
          revenue += g.revenue;
        }
        return http::json_response(200, json::object{{"customers", customers},
                                                     {"revenue", revenue},
                                                     {"tiers", std::move(out)}});
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/analytics/clv/model",
      .access = Access::needs(kReadScope),
      .doc = {.summary = "The latest fitted models: BG/NBD (r, alpha, a, b, log-likelihood) and "
                         "Gamma-Gamma (p, q, gamma) parameters, RFM cut-points, data size, as-of "
                         "date, fitted_at, and the calibration-vs-holdout comparison when the "
                         "history was long enough; 404 before the first recomputation",
              .tag = "analytics",
              .error_statuses = {404}},
      .handler = handle([&service](RequestContext&) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto model, service.model());
        if (!model) {
          return Error::not_found("no model has been fitted yet: run a recomputation",
                                  "no_model");
        }
        json::value report = parse_or_null(model->report);
        json::object out{{"id", model->id},
                         {"as_of", model->as_of},
                         {"as_of_date", format_date(model->as_of)},
                         {"fitted_at", model->fitted_at},
                         {"currency", model->currency},
                         {"period", model->period},
                         {"customers", model->customers},
                         {"orders", model->orders},
                         {"log_likelihood", or_null(model->log_likelihood)},
                         {"params", parse_or_null(model->params)}};
        if (report.is_object()) {
          out["holdout"] = report.as_object().contains("holdout") ? report.at("holdout")
                                                                  : json::value(nullptr);
          out["timings"] = report.as_object().contains("timings") ? report.at("timings")
                                                                  : json::value(nullptr);
        }
        return http::json_response(200, out);
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/analytics/clv/distribution",
      .access = Access::needs(kReadScope),
      .doc = {.summary = "Histogram of customer lifetime values (minor units, next 12 months): "
                         "`bins` equal bins up to the 95th percentile plus one open-ended bin",
              .tag = "analytics",
              .query_params = {"bins"}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto bins, http::query_int(ctx, "bins"));
        if (bins && (*bins < 1 || *bins > 100)) {
          return Error::invalid("bins must be from 1 to 100", "bins");
        }
        ECRM_ASSIGN_OR_RETURN(auto h, service.clv_distribution(static_cast<int>(bins.value_or(20))));
        return http::json_response(200,
                                   json::object{{"customers", h.customers},
                                                {"mean", or_null(h.mean)},
                                                {"median", or_null(h.median)},
                                                {"edges", int_array(h.edges)},
                                                {"counts", int_array(h.counts)}});
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/analytics/cohorts",
      .access = Access::needs(kReadScope),
      .doc = {.summary = "Monthly acquisition cohorts × months since the first order: customers "
                         "retained and revenue (minor units), as of the latest recomputation",
              .tag = "analytics"},
      .handler = handle([&service](RequestContext&) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto model, service.model());
        json::value cohorts = json::array{};
        json::value as_of = nullptr;
        if (model) {
          json::value report = parse_or_null(model->report);
          if (report.is_object() && report.as_object().contains("cohorts")) {
            cohorts = report.at("cohorts");
          }
          as_of = model->as_of;
        }
        return http::json_response(200, json::object{{"as_of", as_of},
                                                     {"currency", model ? model->currency : ""},
                                                     {"cohorts", cohorts}});
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/analytics/churn-risk",
      .access = Access::needs(kReadScope),
      .doc = {.summary = "Valuable customers slipping away: P(alive) below `max_p_alive` "
                         "(default 0.5) with at least `min_orders` orders (default 2), by revenue, "
                         "largest first",
              .tag = "analytics",
              .query_params = {"max_p_alive", "min_orders", "limit", "cursor"}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto page, ctx.page(20, 200));
        ECRM_ASSIGN_OR_RETURN(auto max_p_alive, query_double(ctx, "max_p_alive"));
        ECRM_ASSIGN_OR_RETURN(auto min_orders, http::query_int(ctx, "min_orders"));
        const std::int64_t offset = page.after.value_or(0);
        if (offset > 1'000'000) return Error::invalid("cursor is out of range", "cursor");
        ECRM_ASSIGN_OR_RETURN(auto rows,
                              service.churn_risk(max_p_alive.value_or(0.5), min_orders.value_or(2),
                                                 page.limit, static_cast<int>(offset)));
        json::array items;
        for (const ChurnRisk& r : rows) {
          items.push_back(json::object{{"customer_id", r.customer_id},
                                       {"name", r.name},
                                       {"email", r.email},
                                       {"frequency", r.frequency},
                                       {"monetary", r.monetary},
                                       {"p_alive", r.p_alive},
                                       {"clv", or_null(r.clv)},
                                       {"tier", r.tier},
                                       {"segment", r.segment},
                                       {"last_order_at", r.last_order_at}});
        }
        json::value next = nullptr;
        if (static_cast<int>(rows.size()) == page.limit) {
          next = http::encode_cursor(offset + page.limit);
        }
        return http::json_response(200, json::object{{"items", std::move(items)},
                                                     {"next_cursor", next}});
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/analytics/customers/{id}/scores",
      .access = Access::needs(kReadScope),
      .doc = {.summary = "A customer's stored scores: r, f, m and their 1–5 scores, segment, "
                         "tier, P(alive), expected orders in 90 days, expected order value, CLV, "
                         "when and how they were computed; scored=false before the first",
              .tag = "analytics",
              .response_schema = kScoreSchema,
              .error_statuses = {404}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto score, service.scores(id));
        return http::json_response(200, score_json(id, score));
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/analytics/customers/{id}/7p",
      .access = Access::needs(kReadScope),
      .doc = {.summary = "A customer's 7P profile: profiling, persistency, profitability, "
                         "performance, prospecting, product and promotion (campaign response is "
                         "reported as unavailable until campaigns exist)",
              .tag = "analytics",
              .error_statuses = {404}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto profile, service.profile(id));
        return http::json_response(200, profile_json(id, profile));
      })});
}

}  // namespace ecrm::analytics
