#include "advisor/http_routes.hpp"

#include "http/context.hpp"
#include "http/params.hpp"

namespace ecrm::advisor {

using http::Access;
using http::handle;
using http::Method;
using http::PortalSubject;
using http::RequestContext;
using http::Response;
using http::Route;

namespace {

const Access kCustomer = Access::portal_of(PortalSubject::kCustomer);
const Access kRead = Access::needs("advisor:read");
const Access kWrite = Access::needs("advisor:write");
constexpr const char* kTag = "advisor";

}  // namespace

void add_advisor_routes(http::Router& router, AdvisorService& service) {
  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/advisor",
      .access = kWrite,
      .doc = {.summary = "Define a questionnaire: questions with answer options, each option's "
                         "scores towards categories and products and its price range",
              .tag = kTag,
              .request = http::json_body<QuestionnaireInput>(),
              .response = http::json_body<Questionnaire>(),
              .success_status = 201},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<QuestionnaireInput>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto q, service.create(input));
        ctx.set_audit(std::to_string(q.id));
        return http::reply(201, q);
      }),
      .audit_entity = "advisor_questionnaire"});

  router.add(Route{.method = Method::kGet,
                   .pattern = "/api/v1/advisor",
                   .access = kRead,
                   .doc = {.summary = "The questionnaires at their current versions",
                           .tag = kTag,
                           .response = http::json_body<http::Items<Questionnaire>>()},
                   .handler = handle([&service](RequestContext&) -> Result<Response> {
                     ECRM_ASSIGN_OR_RETURN(auto items, service.list());
                     return http::reply(200, http::Items<Questionnaire>{std::move(items)});
                   })});

  router.add(Route{.method = Method::kGet,
                   .pattern = "/api/v1/advisor/{id}",
                   .access = kRead,
                   .doc = {.summary = "A questionnaire at its current version",
                           .tag = kTag,
                           .response = http::json_body<Questionnaire>(),
                           .error_statuses = {404}},
                   .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
                     ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
                     ECRM_ASSIGN_OR_RETURN(auto q, service.get(id));
                     return http::reply(200, q);
                   })});

  router.add(Route{
      .method = Method::kPut,
      .pattern = "/api/v1/advisor/{id}",
      .access = kWrite,
      .doc = {.summary = "Change a questionnaire: the input becomes its next version (answers "
                         "given to earlier versions keep naming theirs)",
              .tag = kTag,
              .request = http::json_body<QuestionnaireInput>(),
              .response = http::json_body<Questionnaire>(),
              .error_statuses = {404}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<QuestionnaireInput>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto q, service.update(id, input));
        ctx.set_audit(std::to_string(q.id));
        return http::reply(200, q);
      }),
      .audit_entity = "advisor_questionnaire"});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/advisor/{id}/answers",
      .access = kWrite,
      .doc = {.summary = "Take a questionnaire for a customer (customer_id; the answers are kept "
                         "on the customer) or for nobody: the advised products, best first, "
                         "each with its reason",
              .tag = kTag,
              .request = http::json_body<AnswersInput>(),
              .response = http::json_body<Advice>(),
              .success_status = 201,
              .error_statuses = {404}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<AnswersInput>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto advice,
                              service.answer(id, input, Taker{.kind = Taker::Kind::kStaff}));
        ctx.set_audit(std::to_string(advice.id));
        return http::reply(201, advice);
      }),
      .audit_entity = "advisor_answers"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/advisor/{id}/report",
      .access = kRead,
      .doc = {.summary = "Conversion of the questionnaire's advice: answers taken, those whose "
                         "customer ordered an advised product within `days` (30) of the advice, "
                         "the orders, units and revenue of advised products",
              .tag = kTag,
              .response = http::json_body<ConversionReport>(),
              .error_statuses = {404},
              .query = http::query_of<ReportQuery>()},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto query, http::read_query<ReportQuery>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto report, service.report(id, query));
        return http::reply(200, report);
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/customers/{id}/advisor",
      .access = kRead,
      .doc = {.summary = "A customer's advisor answers with the advice they gave, newest first",
              .tag = kTag,
              .response = http::json_body<http::Items<Advice>>(),
              .error_statuses = {404}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto items, service.of_customer(id));
        return http::reply(200, http::Items<Advice>{std::move(items)});
      })});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/advisor/{id}/preview",
      .access = kRead,
      .doc = {.summary = "Try a questionnaire out: the advice these answers would get, each "
                         "product with its reason, stored nowhere (a customer named counts with "
                         "their history, recommendations and language)",
              .tag = kTag,
              .request = http::json_body<AnswersInput>(),
              .response = http::json_body<Advice>(),
              .error_statuses = {404}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<AnswersInput>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto advice, service.preview(id, input));
        return http::reply(200, advice);
      })});

  router.add(Route{.method = Method::kGet,
                   .pattern = "/api/v1/portal/advisor",
                   .access = kCustomer,
                   .doc = {.summary = "The questionnaires a signed-in customer may take",
                           .tag = "portal",
                           .response = http::json_body<http::Items<Questionnaire>>()},
                   .handler = handle([&service](RequestContext&) -> Result<Response> {
                     ECRM_ASSIGN_OR_RETURN(auto items, service.list());
                     return http::reply(200, http::Items<Questionnaire>{std::move(items)});
                   })});

  router.add(
      Route{.method = Method::kGet,
            .pattern = "/api/v1/portal/advisor/{id}",
            .access = kCustomer,
            .doc = {.summary = "A questionnaire's questions, for the signed-in customer to answer",
                    .tag = "portal",
                    .response = http::json_body<Questionnaire>(),
                    .error_statuses = {404}},
            .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
              ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
              ECRM_ASSIGN_OR_RETURN(auto q, service.get(id));
              return http::reply(200, q);
            })});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/portal/advisor/{id}/answers",
      .access = kCustomer,
      .doc = {.summary = "The signed-in customer answers a questionnaire (kept on their profile): "
                         "the advised products, best first, each with its reason in the "
                         "customer's language",
              .tag = "portal",
              .request = http::json_body<AnswersInput>(),
              .response = http::json_body<Advice>(),
              .success_status = 201,
              .error_statuses = {404}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<AnswersInput>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto advice,
                              service.answer(id, input,
                                             Taker{.kind = Taker::Kind::kPortalCustomer,
                                                   .customer_id = ctx.principal().subject_id}));
        ctx.set_audit(std::to_string(advice.id));
        return http::reply(201, advice);
      }),
      .audit_entity = "advisor_answers"});

  router.add(
      Route{.method = Method::kGet,
            .pattern = "/api/v1/advisor/{id}/questions",
            .access = Access::public_route(),
            .doc = {.summary = "A questionnaire's questions for an anonymous visitor (a page the "
                               "tracking snippet embeds)",
                    .tag = kTag,
                    .response = http::json_body<Questionnaire>(),
                    .error_statuses = {404}},
            .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
              ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
              ECRM_ASSIGN_OR_RETURN(auto q, service.get(id));
              return http::reply(200, q);
            })});

  router.add(
      Route{.method = Method::kPost,
            .pattern = "/api/v1/advisor/{id}/visitor-answers",
            .access = Access::public_route(),
            .doc = {.summary = "An anonymous visitor answers a questionnaire (no customer): the "
                               "advised products, best first, each with its reason",
                    .tag = kTag,
                    .request = http::json_body<AnswersInput>(),
                    .response = http::json_body<Advice>(),
                    .success_status = 201,
                    .error_statuses = {404}},
            .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
              ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
              ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<AnswersInput>(ctx));
              ECRM_ASSIGN_OR_RETURN(
                  auto advice, service.answer(id, input, Taker{.kind = Taker::Kind::kVisitor}));
              return http::reply(201, advice);
            }),
            .audit_entity = "advisor_answers",
            .audited = false});
}

}  // namespace ecrm::advisor
