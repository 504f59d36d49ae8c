#include "feedback/http_routes.hpp"

#include "core/time.hpp"
#include "http/context.hpp"
#include "http/params.hpp"

namespace ecrm::feedback {

using http::Access;
using http::handle;
using http::Method;
using http::RequestContext;
using http::Response;
using http::Route;

void add_feedback_routes(http::Router& router, FeedbackService& feedback) {
  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/feedback/products/{id}/report",
      .access = Access::needs("feedback:read"),
      .doc = {.summary = "A product's improvement report: the top complaints and praised aspects "
                         "of its latest reviews, community posts, ticket messages and social "
                         "mentions (with quotes), sentiment shares, defect reports and return "
                         "reasons; format=csv answers the same report as a CSV download",
              .tag = "feedback",
              .response = http::json_body<FeedbackProductReport>(),
              .error_statuses = {404},
              .query = http::query_of<FeedbackReportQuery>()},
      .handler = handle([&feedback](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto query, http::read_query<FeedbackReportQuery>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto report, feedback.product_report(id, query, now_ms()));
        if (query.format.value_or(FeedbackReportFormat::kJson) == FeedbackReportFormat::kCsv) {
          Response response;
          response.content_type = "text/csv; charset=utf-8";
          response.header("Content-Disposition", "attachment; filename=\"product-" +
                                                     std::to_string(id) + "-feedback.csv\"");
          response.body = report_csv(report);
          return response;
        }
        return http::reply(200, report);
      })});
}

}  // namespace ecrm::feedback
