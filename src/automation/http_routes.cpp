#include "automation/http_routes.hpp"

#include <boost/json.hpp>

#include "http/context.hpp"
#include "http/params.hpp"

namespace ecrm::automation {

using http::Access;
using http::handle;
using http::Method;
using http::RequestContext;
using http::Response;
using http::Route;

void add_automation_routes(http::Router& router, AutomationService& service,
                           messaging::DeliveryWorker& delivery) {
  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/automation/flows",
      .access = Access::needs("marketing:read"),
      .doc = {.summary = "The flows: the shipped care flows (on), the others (off until staff "
                         "turn them on)",
              .tag = "automation",
              .response = http::json_body<http::Items<Flow>>()},
      .handler = handle([&service](RequestContext&) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto flows, service.flows());
        return http::reply(200, http::Items<Flow>{std::move(flows)});
      })});

  router.add(Route{
      .method = Method::kPatch,
      .pattern = "/api/v1/automation/flows/{key}",
      .access = Access::needs("marketing:write"),
      .doc = {.summary = "Turn a flow on or off",
              .tag = "automation",
              .request = http::json_body<FlowChange>(),
              .response = http::json_body<Flow>()},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto change, http::read_body<FlowChange>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto flow, service.set_enabled(std::string(ctx.param("key")),
                                                             change.enabled));
        ctx.set_audit(flow.key, flow.enabled ? R"({"enabled":true})" : R"({"enabled":false})");
        return http::reply(200, flow);
      }),
      .audit_entity = "automation_flow"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/automation/policy",
      .access = Access::needs("marketing:read"),
      .doc = {.summary = "The care policy: per loyalty tier, greeting cards and recommendation "
                         "mails on birthdays and anniversaries",
              .tag = "automation",
              .response = http::json_body<CarePolicy>()},
      .handler = handle([&service](RequestContext&) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto policy, service.policy());
        return http::reply(200, policy);
      })});

  router.add(Route{
      .method = Method::kPut,
      .pattern = "/api/v1/automation/policy",
      .access = Access::needs("marketing:write"),
      .doc = {.summary = "Change the care policy's rows given",
              .tag = "automation",
              .request = http::json_body<CarePolicy>(),
              .response = http::json_body<CarePolicy>()},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto policy, http::read_body<CarePolicy>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto stored, service.set_policy(policy));
        ctx.set_audit("care_policy");
        return http::reply(200, stored);
      }),
      .audit_entity = "care_policy"});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/automation/releases",
      .access = Access::needs("marketing:write"),
      .doc = {.summary = "A new version of a product line is out: every earlier buyer of the "
                         "line (with e-mail consent) is told what is better and the upgrade "
                         "price, once per release (the new_version flow must be on: 409 if "
                         "not)",
              .tag = "automation",
              .request = http::json_body<Release>(),
              .response = http::json_body<RunSummary>(),
              .error_statuses = {409}},
      .handler = handle([&service, &delivery](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto release, http::read_body<Release>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto summary, service.release(release));
        delivery.wake();
        ctx.set_audit(std::to_string(release.product_id));
        return http::reply(200, summary);
      }),
      .audit_entity = "automation_release"});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/automation/run",
      .access = Access::needs("marketing:write"),
      .doc = {.summary = "Enrol and queue the date-triggered flows (birthdays, anniversaries) "
                         "for a day in the shop's time zone; a rerun of a day queues nothing "
                         "twice",
              .tag = "automation",
              .request = http::json_body<RunRequest>(),
              .response = http::json_body<RunSummary>()},
      .handler = handle([&service, &delivery](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto request, http::read_body<RunRequest>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto summary, service.run_date(request.date));
        delivery.wake();
        ctx.set_audit(summary.date);
        return http::reply(200, summary);
      }),
      .audit_entity = "automation_run"});
}

}  // namespace ecrm::automation
