#include "analytics/http_routes.hpp"

#include <charconv>
#include <cmath>

#include "http/context.hpp"
#include "http/params.hpp"

namespace ecrm::analytics {

using http::Access;
using http::handle;
using http::Method;
using http::RequestContext;
using http::Response;
using http::Route;

namespace {

constexpr const char* kReadScope = "analytics:read";
// One customer's own scores and profile belong to their 360° view, which every department reads
// (a service agent sees the tier and lifetime value of the customer on a ticket); the shop-wide
// reports need analytics:read.
constexpr const char* kCustomerReadScope = "customers:read";
constexpr const char* kWriteScope = "analytics:write";

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
              .response = http::json_body<RecomputeStatus>(),
              .success_status = 202,
              .error_statuses = {409}},
      .handler = handle([&service, &worker](RequestContext& ctx) -> Result<Response> {
        ECRM_RETURN_IF_ERROR(worker.request_recompute(ctx.principal().display()));
        ECRM_ASSIGN_OR_RETURN(auto job, service.job());
        ctx.set_audit("recompute");
        return http::reply(202, recompute_status(job, true));
      }),
      .audit_entity = "analytics"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/analytics/recompute",
      .access = Access::needs(kReadScope),
      .doc = {.summary = "State of the recomputation: idle, queued or running, when the last run "
                         "started and finished, its outcome, model and time per stage",
              .tag = "analytics",
              .response = http::json_body<RecomputeStatus>()},
      .handler = handle([&service, &worker](RequestContext&) -> Result<Response> {
        const bool queued = worker.busy();
        ECRM_ASSIGN_OR_RETURN(auto job, service.job());
        return http::reply(200, recompute_status(job, queued));
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/analytics/pareto",
      .access = Access::needs(kReadScope),
      .doc = {.summary = "Pareto analysis of revenue over scored customers: revenue share of the "
                         "top 20%, Gini coefficient and the Lorenz curve (about 100 points)",
              .tag = "analytics",
              .response = http::json_body<ParetoReport>()},
      .handler = handle([&service](RequestContext&) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto report, service.pareto());
        return http::reply(200, report);
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/analytics/rfm",
      .access = Access::needs(kReadScope),
      .doc = {.summary = "RFM overview: customers and revenue per segment, and customers per "
                         "recency × frequency score cell (5 × 5 grid, r and f from 1 to 5)",
              .tag = "analytics",
              .response = http::json_body<RfmReport>()},
      .handler = handle([&service](RequestContext&) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto report, service.rfm());
        return http::reply(200, report);
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/analytics/tiers",
      .access = Access::needs(kReadScope),
      .doc = {.summary = "Loyalty tiers (very_loyal, loyal, occasional): customers and revenue "
                         "(minor units) per tier",
              .tag = "analytics",
              .response = http::json_body<TierReport>()},
      .handler = handle([&service](RequestContext&) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto report, service.tiers());
        return http::reply(200, report);
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
              .response = http::json_body<ClvModel>(),
              .error_statuses = {404}},
      .handler = handle([&service](RequestContext&) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto model, service.clv_model());
        return http::reply(200, model);
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/analytics/clv/distribution",
      .access = Access::needs(kReadScope),
      .doc = {.summary = "Histogram of customer lifetime values (minor units, next 12 months): "
                         "`bins` equal bins up to the 95th percentile plus one open-ended bin",
              .tag = "analytics",
              .response = http::json_body<Histogram>(),
              .query = http::query_of<ClvDistributionQuery>()},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto query, http::read_query<ClvDistributionQuery>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto h, service.clv_distribution(static_cast<int>(query.bins)));
        return http::reply(200, h);
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/analytics/cohorts",
      .access = Access::needs(kReadScope),
      .doc = {.summary = "Monthly acquisition cohorts × months since the first order: customers "
                         "retained and revenue (minor units), as of the latest recomputation",
              .tag = "analytics",
              .response = http::json_body<CohortReport>()},
      .handler = handle([&service](RequestContext&) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto report, service.cohorts());
        return http::reply(200, report);
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/analytics/churn-risk",
      .access = Access::needs(kReadScope),
      .doc = {.summary = "Valuable customers slipping away: P(alive) below `max_p_alive` "
                         "(default 0.5) with at least `min_orders` orders (default 2), by revenue, "
                         "largest first",
              .tag = "analytics",
              .response = http::json_body<http::Page<ChurnRisk>>(),
              .query_params = {"max_p_alive", "min_orders", "limit", "cursor"}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto page, http::offset_page(ctx, 20, 200));
        ECRM_ASSIGN_OR_RETURN(auto max_p_alive, http::query_double(ctx, "max_p_alive"));
        ECRM_ASSIGN_OR_RETURN(auto min_orders, http::query_int(ctx, "min_orders"));
        ECRM_ASSIGN_OR_RETURN(auto rows,
                              service.churn_risk(max_p_alive.value_or(0.5), min_orders.value_or(2),
                                                 page.limit, static_cast<int>(page.offset)));
        return http::reply(200, http::page_by_offset(std::move(rows), page));
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/analytics/customers/{id}/scores",
      .access = Access::needs(kCustomerReadScope),
      .doc = {.summary = "A customer's stored scores: r, f, m and their 1–5 scores, segment, "
                         "tier, P(alive), expected orders in 90 days, expected order value, CLV, "
                         "when and how they were computed; scored=false (and the scores null) "
                         "before the first",
              .tag = "analytics",
              .response = http::json_body<CustomerScores>(),
              .error_statuses = {404}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto score, service.scores(id));
        return http::reply(200, customer_scores(id, score));
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/analytics/customers/{id}/7p",
      .access = Access::needs(kCustomerReadScope),
      .doc = {.summary = "A customer's 7P profile: profiling, persistency, profitability, "
                         "performance, prospecting, product and promotion (campaign response is "
                         "reported as unavailable until campaigns exist)",
              .tag = "analytics",
              .response = http::json_body<Profile7P>(),
              .error_statuses = {404}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto profile, service.profile(id));
        return http::reply(200, profile);
      })});
}

}  // namespace ecrm::analytics
