#include <sstream>

#include "analytics/economics.hpp"
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
constexpr const char* kWriteScope = "analytics:write";
constexpr std::size_t kMaxImportBody = 8 << 20;

}  // namespace

void add_economics_routes(http::Router& router, EconomicsService& service) {
  router.add(Route{
      .method = Method::kPut,
      .pattern = "/api/v1/analytics/economics/costs",
      .access = Access::needs(kWriteScope),
      .doc = {.summary = "Enter costs per month (YYYY-MM) in minor units of the shop's main "
                         "currency: acquisition per channel, source or campaign (dimension and "
                         "name), retention (a group or none), service (the service desk's month), "
                         "campaign (an automation campaign's cost, named by its key campaign_12). "
                         "Each entry replaces the one of the same month, kind, dimension and name; "
                         "a bad entry is a 400 naming it (entries[2].amount) and nothing is "
                         "stored. Answers the stored entries of the months written",
              .tag = "analytics",
              .request = http::json_body<CostList>(),
              .response = http::json_body<CostList>()},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<CostList>(ctx));
        const auto n = input.entries.size();
        ECRM_ASSIGN_OR_RETURN(auto list, service.put_costs(std::move(input.entries)));
        ctx.set_audit("costs", "{\"entries\":" + std::to_string(n) + "}");
        return http::reply(200, list);
      }),
      .audit_entity = "economics_costs"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/analytics/economics/costs",
      .access = Access::needs(kReadScope),
      .doc = {.summary = "The cost entries of the months from..to (YYYY-MM, both inclusive, "
                         "either open), by month, kind, dimension and name",
              .tag = "analytics",
              .response = http::json_body<CostList>(),
              .query = http::query_of<CostQuery>()},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto query, http::read_query<CostQuery>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto list, service.costs(query));
        return http::reply(200, list);
      })});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/analytics/economics/costs/import",
      .access = Access::needs(kWriteScope),
      .doc = {.summary = "Import costs from CSV (columns month, amount, and kind (default "
                         "acquisition), dimension, name): the whole file is checked first; a bad "
                         "line is a 400 naming it (line 3.amount) and nothing is stored",
              .tag = "analytics",
              .request = http::text_body("text/csv"),
              .response = http::json_body<CostImportReport>(),
              .error_statuses = {413}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        std::istringstream in(ctx.request().body);
        ECRM_ASSIGN_OR_RETURN(auto report, service.import_costs(in));
        ctx.set_audit("costs", "{\"rows\":" + std::to_string(report.rows) + "}");
        return http::reply(200, report);
      }),
      .max_body = kMaxImportBody,
      .audit_entity = "economics_costs"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/analytics/economics",
      .access = Access::needs(kReadScope),
      .doc = {.summary =
                  "Customer economics over the months from..to (YYYY-MM, inclusive) per "
                  "acquisition group (by=channel (default; referred customers are channel "
                  "\"referral\"), source, or campaign (the customer attribute campaign or "
                  "utm_campaign)): customers acquired (records created in the period), "
                  "acquisition cost, CAC, average CLV (the stored 12-month CLV; a customer "
                  "without a score counts as 0), CLV/CAC, monthly revenue per customer (revenue "
                  "so far, net of refunds, over the months since acquisition; revenue, not "
                  "gross margin), payback months (CAC / that revenue), retention cost; and the "
                  "service cost per ticket opened in the period. Money in minor units of the "
                  "shop's main currency, ratios as decimal text. And each automation campaign "
                  "sent in the period with its return: recipients' revenue within its "
                  "conversion days beyond the holdout's at the same size (incremental "
                  "revenue), its cost (entries of kind campaign named by its key, "
                  "campaign_12) and ROI = (incremental revenue - cost) / cost",
              .tag = "analytics",
              .response = http::json_body<EconomicsReport>(),
              .query = http::query_of<EconomicsQuery>()},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto query, http::read_query<EconomicsQuery>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto report, service.report(query));
        return http::reply(200, report);
      })});
}

}  // namespace ecrm::analytics
