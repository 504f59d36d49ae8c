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

namespace {
constexpr const char* kReadScope = "feedback:read";
constexpr const char* kWriteScope = "feedback:write";
}  // namespace

void add_feedback_routes(http::Router& router, FeedbackService& feedback, FeedbackMining& mining,
                         FeedbackWorker& worker) {
  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/feedback/products/{id}/report",
      .access = Access::needs(kReadScope),
      .doc = {.summary = "A product's improvement report: the top complaints and praised aspects "
                         "of its latest reviews, community posts, ticket messages and social "
                         "mentions (with quotes) and sentiment shares as the mining job stored "
                         "them (generated_at), defect reports and return reasons; format=csv "
                         "answers the same report as a CSV download",
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

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/feedback/mining",
      .access = Access::needs(kWriteScope),
      .doc = {.summary = "Start a feedback mining run now: the texts of products changed since the "
                         "last run (full=true: every product) that are new or changed are mined, "
                         "the products' figures and trends stored and alerts raised; it runs in "
                         "the background (202), follow it with GET on the same path; 409 when "
                         "one is running",
              .tag = "feedback",
              .response = http::json_body<FeedbackMiningStatus>(),
              .success_status = 202,
              .error_statuses = {409},
              .query = http::query_of<FeedbackMineRequest>()},
      .handler = handle([&mining, &worker](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto request, http::read_query<FeedbackMineRequest>(ctx));
        ECRM_RETURN_IF_ERROR(worker.request_mining(request.full.value_or(false),
                                                    ctx.principal().display()));
        ECRM_ASSIGN_OR_RETURN(auto status, mining.status(true, now_ms()));
        ctx.set_audit("mine");
        return http::reply(202, status);
      }),
      .audit_entity = "feedback"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/feedback/mining",
      .access = Access::needs(kReadScope),
      .doc = {.summary = "State of the feedback mining job (idle, queued or running) and its last "
                         "run: when, its outcome, products looked at, texts mined and dropped, "
                         "alerts raised, duration; the texts stored in all",
              .tag = "feedback",
              .response = http::json_body<FeedbackMiningStatus>()},
      .handler = handle([&mining, &worker](RequestContext&) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto status, mining.status(worker.busy(), now_ms()));
        return http::reply(200, status);
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/feedback/trends",
      .access = Access::needs(kReadScope),
      .doc = {.summary = "A product's or a category's feedback texts per day or week with their "
                         "sentiment, oldest first, and a product's weekly issues (its complaints "
                         "of the last five weeks, texts per week), as of its last mining",
              .tag = "feedback",
              .response = http::json_body<FeedbackTrends>(),
              .query = http::query_of<FeedbackTrendQuery>()},
      .handler = handle([&mining](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto query, http::read_query<FeedbackTrendQuery>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto trends, mining.trends(query));
        return http::reply(200, trends);
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/feedback/alerts",
      .access = Access::needs(kReadScope),
      .doc = {.summary = "Feedback alerts, newest first: a product's issue rising this week or its "
                         "negative share jumping, each raised once per week; state open "
                         "(default), acknowledged or all; by product or category",
              .tag = "feedback",
              .response = http::json_body<FeedbackAlertList>(),
              .query = http::query_of<FeedbackAlertQuery>()},
      .handler = handle([&mining](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto query, http::read_query<FeedbackAlertQuery>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto list, mining.alerts(query));
        return http::reply(200, list);
      })});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/feedback/alerts/{id}/acknowledge",
      .access = Access::needs(kWriteScope),
      .doc = {.summary = "Acknowledge a feedback alert (again: the alert as it is)",
              .tag = "feedback",
              .response = http::json_body<FeedbackAlert>(),
              .error_statuses = {404}},
      .handler = handle([&mining](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto alert,
                              mining.acknowledge(id, ctx.principal().user_id, now_ms()));
        ctx.set_audit(std::to_string(id));
        return http::reply(200, alert);
      }),
      .audit_entity = "feedback"});
}

}  // namespace ecrm::feedback
