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

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/automation/flows/{key}",
      .access = Access::needs("marketing:read"),
      .doc = {.summary = "One flow with its definition: trigger, conditions and steps",
              .tag = "automation",
              .response = http::json_body<Flow>()},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto flow, service.flow(std::string(ctx.param("key"))));
        return http::reply(200, flow);
      })});

  router.add(Route{
      .method = Method::kPut,
      .pattern = "/api/v1/automation/flows/{key}",
      .access = Access::needs("marketing:write"),
      .doc = {.summary = "Create or replace a flow: trigger, conditions, steps (send, wait, "
                         "branch, A/B split with holdout, tag, task, webhook). A definition "
                         "with a cycle, an unknown step, trigger or template is refused (400 "
                         "naming the field)",
              .tag = "automation",
              .request = http::json_body<FlowInput>(),
              .response = http::json_body<Flow>()},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<FlowInput>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto flow, service.put_flow(std::string(ctx.param("key")), input));
        ctx.set_audit(flow.key);
        return http::reply(200, flow);
      }),
      .audit_entity = "automation_flow"});

  router.add(Route{
      .method = Method::kDelete,
      .pattern = "/api/v1/automation/flows/{key}",
      .access = Access::needs("marketing:write"),
      .doc = {.summary = "Delete a flow staff made (the shipped ones can only be turned off); "
                         "its waiting enrolments end",
              .tag = "automation",
              .success_status = 204,
              .error_statuses = {409}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        const std::string key(ctx.param("key"));
        ECRM_RETURN_IF_ERROR(service.delete_flow(key));
        ctx.set_audit(key);
        return http::no_content();
      }),
      .audit_entity = "automation_flow"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/automation/flows/{key}/enrolments",
      .access = Access::needs("marketing:read"),
      .doc = {.summary = "A flow's enrolments, newest first: where each customer is in it, and "
                         "why one ended early",
              .tag = "automation",
              .response = http::json_body<http::Page<Enrolment>>(),
              .query = http::query_of<EnrolmentQuery>(),
              .query_params = {"limit", "cursor"}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto page, http::id_page(ctx));
        ECRM_ASSIGN_OR_RETURN(auto query, http::read_query<EnrolmentQuery>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto found, service.enrolments(std::string(ctx.param("key")),
                                                             query.customer_id,
                                                             page.last_id.value_or(0), page.limit));
        return http::reply(200, http::page_by_id(std::move(found), page.limit));
      })});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/automation/flows/{key}/enrol",
      .access = Access::needs("marketing:write"),
      .doc = {.summary = "The manual or API trigger: enrol customers in a manual flow (once per "
                         "occurrence)",
              .tag = "automation",
              .request = http::json_body<EnrolRequest>(),
              .response = http::json_body<EnrolResult>(),
              .error_statuses = {409}},
      .handler = handle([&service, &delivery](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto request, http::read_body<EnrolRequest>(ctx));
        const std::string key(ctx.param("key"));
        ECRM_ASSIGN_OR_RETURN(auto result, service.enrol(key, request));
        delivery.wake();
        ctx.set_audit(key);
        return http::reply(200, result);
      }),
      .audit_entity = "automation_enrolment"});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/follows",
      .access = Access::needs("customers:write"),
      .doc = {.summary = "A customer follows a product or a category: the followed_changed "
                         "flows tell them of a new version, a return to stock or a price drop",
              .tag = "automation",
              .request = http::json_body<FollowInput>(),
              .response = http::json_body<Follow>(),
              .success_status = 201},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<FollowInput>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto follow, service.follow(input));
        ctx.set_audit(std::to_string(follow.id));
        return http::reply(201, follow);
      }),
      .audit_entity = "follow"});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/follows/remove",
      .access = Access::needs("customers:write"),
      .doc = {.summary = "A customer stops following a product or a category",
              .tag = "automation",
              .request = http::json_body<FollowInput>(),
              .success_status = 204},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<FollowInput>(ctx));
        ECRM_RETURN_IF_ERROR(service.unfollow(input));
        ctx.set_audit(std::to_string(input.customer_id));
        return http::no_content();
      }),
      .audit_entity = "follow"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/customers/{id}/follows",
      .access = Access::needs("customers:read"),
      .doc = {.summary = "What a customer follows",
              .tag = "automation",
              .response = http::json_body<http::Items<Follow>>()},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto follows, service.follows(id));
        return http::reply(200, http::Items<Follow>{std::move(follows)});
      })});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/campaigns/audience",
      .access = Access::needs("marketing:read"),
      .doc = {.summary = "Count a campaign's audience before sending: customers the filter "
                         "finds, those reachable (address, consent, not suppressed), and the "
                         "holdout at the share given",
              .tag = "campaigns",
              .request = http::json_body<AudienceRequest>(),
              .response = http::json_body<AudienceSize>()},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto request, http::read_body<AudienceRequest>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto size, service.audience(request));
        return http::reply(200, size);
      }),
      .audited = false});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/campaigns",
      .access = Access::needs("marketing:write"),
      .doc = {.summary = "Create a campaign: a draft (sent with …/send) or scheduled",
              .tag = "campaigns",
              .request = http::json_body<CampaignInput>(),
              .response = http::json_body<Campaign>(),
              .success_status = 201},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<CampaignInput>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto campaign,
                              service.create_campaign(input, ctx.principal().display()));
        ctx.set_audit(std::to_string(campaign.id));
        return http::reply(201, campaign);
      }),
      .audit_entity = "campaign"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/campaigns",
      .access = Access::needs("marketing:read"),
      .doc = {.summary = "Campaigns, newest first",
              .tag = "campaigns",
              .response = http::json_body<http::Page<Campaign>>(),
              .query_params = {"limit", "cursor"}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto page, http::id_page(ctx));
        ECRM_ASSIGN_OR_RETURN(auto found, service.campaigns(page.last_id.value_or(0), page.limit));
        return http::reply(200, http::page_by_id(std::move(found), page.limit));
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/campaigns/{id}",
      .access = Access::needs("marketing:read"),
      .doc = {.summary = "A campaign with its results: delivered, opened, clicked, replied, "
                         "unsubscribed, bounced, converted and revenue, against its holdout",
              .tag = "campaigns",
              .response = http::json_body<CampaignResults>()},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto results, service.campaign_results(id));
        return http::reply(200, results);
      })});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/campaigns/{id}/send",
      .access = Access::needs("marketing:write"),
      .doc = {.summary = "Send a campaign now: its messages are queued at once (409 once sent "
                         "or cancelled)",
              .tag = "campaigns",
              .response = http::json_body<Campaign>(),
              .error_statuses = {409}},
      .handler = handle([&service, &delivery](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto campaign, service.send_campaign(id));
        delivery.wake();
        ctx.set_audit(std::to_string(id));
        return http::reply(200, campaign);
      }),
      .audit_entity = "campaign"});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/campaigns/{id}/cancel",
      .access = Access::needs("marketing:write"),
      .doc = {.summary = "Cancel a draft or scheduled campaign (409 once sent)",
              .tag = "campaigns",
              .response = http::json_body<Campaign>(),
              .error_statuses = {409}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto campaign, service.cancel_campaign(id));
        ctx.set_audit(std::to_string(id));
        return http::reply(200, campaign);
      }),
      .audit_entity = "campaign"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/automation/webhook-secret",
      .access = Access::needs("marketing:write"),
      .doc = {.summary = "The secret flows' webhook calls are signed with: a receiver checks "
                         "X-Ecrm-Signature (v1=hex HMAC-SHA-256 of \"<X-Ecrm-Timestamp>.<body>\")",
              .tag = "automation",
              .response = http::json_body<WebhookSecret>()},
      .handler = handle([&service](RequestContext&) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto secret, service.webhook_secret());
        return http::reply(200, WebhookSecret{secret});
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/automation/flows/{key}/stats",
      .access = Access::needs("marketing:read"),
      .doc = {.summary = "How a flow is doing: enrolments by status (waiting, done, cancelled, "
                         "holdout), its messages by status, opens, clicks, replies, "
                         "unsubscribes and bounces",
              .tag = "automation",
              .response = http::json_body<FlowStats>()},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto stats, service.flow_stats(std::string(ctx.param("key"))));
        return http::reply(200, stats);
      })});
}

}  // namespace ecrm::automation
