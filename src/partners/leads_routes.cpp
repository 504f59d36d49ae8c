#include "partners/leads_routes.hpp"

#include <boost/json.hpp>

#include "http/context.hpp"
#include "http/params.hpp"

namespace ecrm::partners {

using http::Access;
using http::handle;
using http::Method;
using http::PortalSubject;
using http::RequestContext;
using http::Response;
using http::Route;

namespace {

const Access kPartner = Access::portal_of(PortalSubject::kPartner);
const Access kRead = Access::needs("leads:read");
const Access kWrite = Access::needs("leads:write");
constexpr const char* kTag = "leads";
constexpr const char* kPortalTag = "partner portal";
constexpr std::size_t kMaxPublicBody = 16 * 1024;

// The enquiry form is posted from the shop's pages on other origins, without cookies.
Response with_cors(Response response) {
  response.header("Access-Control-Allow-Origin", "*");
  response.header("Access-Control-Allow-Methods", "POST, OPTIONS");
  response.header("Access-Control-Allow-Headers", "Content-Type, X-Ecrm-Key");
  response.header("Access-Control-Max-Age", "86400");
  return response;
}

LeadSource source_of(const http::Principal& who) {
  return who.kind == http::Principal::Kind::kApiKey ? LeadSource::kApi : LeadSource::kStaff;
}

void add_staff_routes(http::Router& router, LeadService& service) {
  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/leads",
      .access = kRead,
      .doc = {.summary = "Leads, newest first, by status, partner, category, country or overdue "
                         "(routed and not accepted within the time to accept)",
              .tag = kTag,
              .response = http::json_body<http::Page<Lead>>(),
              .query = http::query_of<LeadQuery>(),
              .query_params = {"limit", "cursor"}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto query, http::read_query<LeadQuery>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto page, http::id_page(ctx, 50, 200));
        ECRM_ASSIGN_OR_RETURN(auto list, service.list(query, page.last_id, page.limit));
        return http::reply(200, http::page_by_id(std::move(list), page.limit));
      })});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/leads",
      .access = kWrite,
      .doc = {.summary = "Take a lead (a B2B enquiry); it is routed at once to the partner whose "
                         "lead rules match best, else stays new",
              .tag = kTag,
              .request = http::json_body<LeadInput>(),
              .response = http::json_body<Lead>(),
              .success_status = 201,
              .error_statuses = {422}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<LeadInput>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto lead,
                              service.create(input, source_of(ctx.principal()),
                                             ctx.principal().display(), ctx.request().remote_ip));
        ctx.set_audit(std::to_string(lead.id));
        return http::reply(201, lead);
      }),
      .audit_entity = "lead"});

  router.add(Route{.method = Method::kPost,
                   .pattern = "/api/v1/leads/expire",
                   .access = kWrite,
                   .doc = {.summary = "Expire every routed lead its partner did not accept within "
                                      "the time to accept (--lead-accept-days)",
                           .tag = kTag,
                           .response = http::json_body<LeadExpiry>()},
                   .handler = handle([&service](RequestContext&) -> Result<Response> {
                     ECRM_ASSIGN_OR_RETURN(auto expiry, service.expire_overdue());
                     return http::reply(200, expiry);
                   }),
                   .audit_entity = "lead"});

  router.add(Route{.method = Method::kGet,
                   .pattern = "/api/v1/leads/{id}",
                   .access = kRead,
                   .doc = {.summary = "A lead with its routing, answers and age",
                           .tag = kTag,
                           .response = http::json_body<Lead>(),
                           .error_statuses = {404}},
                   .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
                     ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
                     ECRM_ASSIGN_OR_RETURN(auto lead, service.get(id));
                     return http::reply(200, lead);
                   })});

  router.add(Route{.method = Method::kPatch,
                   .pattern = "/api/v1/leads/{id}",
                   .access = kWrite,
                   .doc = {.summary = "Change a lead's details (company, contact, category, "
                                      "product, quantity, estimated value, message)",
                           .tag = kTag,
                           .request = http::json_body<LeadChanges>(),
                           .response = http::json_body<Lead>(),
                           .error_statuses = {404, 422}},
                   .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
                     ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
                     ECRM_ASSIGN_OR_RETURN(auto changes, http::read_body<LeadChanges>(ctx));
                     ECRM_ASSIGN_OR_RETURN(auto lead, service.update(id, changes));
                     ctx.set_audit(std::to_string(id));
                     return http::reply(200, lead);
                   }),
                   .audit_entity = "lead"});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/leads/{id}/route",
      .access = kWrite,
      .doc = {.summary = "Route a new, routed, declined or expired lead to an active partner by "
                         "hand",
              .tag = kTag,
              .request = http::json_body<LeadRouteInput>(),
              .response = http::json_body<Lead>(),
              .error_statuses = {404, 409, 422}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<LeadRouteInput>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto lead, service.route(id, input, ctx.principal().display()));
        ctx.set_audit(std::to_string(id));
        return http::reply(200, lead);
      }),
      .audit_entity = "lead"});

  router.add(Route{.method = Method::kGet,
                   .pattern = "/api/v1/partners/{id}/lead-rules",
                   .access = kRead,
                   .doc = {.summary = "A partner's lead rules (countries, regions, categories, "
                                      "priority)",
                           .tag = kTag,
                           .response = http::json_body<http::Items<LeadRule>>(),
                           .error_statuses = {404}},
                   .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
                     ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
                     ECRM_ASSIGN_OR_RETURN(auto rules, service.rules(id));
                     return http::reply(200, http::Items<LeadRule>{std::move(rules)});
                   })});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/partners/{id}/lead-rules",
      .access = kWrite,
      .doc = {.summary = "Route leads of these countries, regions and categories (empty: any) to "
                         "a partner; a higher priority wins",
              .tag = kTag,
              .request = http::json_body<LeadRuleInput>(),
              .response = http::json_body<LeadRule>(),
              .success_status = 201,
              .error_statuses = {404, 422}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<LeadRuleInput>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto rule, service.add_rule(id, input));
        ctx.set_audit(std::to_string(id));
        return http::reply(201, rule);
      }),
      .audit_entity = "partner"});

  router.add(Route{.method = Method::kPatch,
                   .pattern = "/api/v1/partners/{id}/lead-rules/{rule_id}",
                   .access = kWrite,
                   .doc = {.summary = "Change a partner's lead rule",
                           .tag = kTag,
                           .request = http::json_body<LeadRuleChanges>(),
                           .response = http::json_body<LeadRule>(),
                           .error_statuses = {404, 422}},
                   .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
                     ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
                     ECRM_ASSIGN_OR_RETURN(auto rule_id, ctx.id_param("rule_id"));
                     ECRM_ASSIGN_OR_RETURN(auto changes, http::read_body<LeadRuleChanges>(ctx));
                     ECRM_ASSIGN_OR_RETURN(auto rule, service.update_rule(id, rule_id, changes));
                     ctx.set_audit(std::to_string(id));
                     return http::reply(200, rule);
                   }),
                   .audit_entity = "partner"});

  router.add(Route{.method = Method::kDelete,
                   .pattern = "/api/v1/partners/{id}/lead-rules/{rule_id}",
                   .access = kWrite,
                   .doc = {.summary = "Remove a partner's lead rule",
                           .tag = kTag,
                           .success_status = 204,
                           .error_statuses = {404}},
                   .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
                     ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
                     ECRM_ASSIGN_OR_RETURN(auto rule_id, ctx.id_param("rule_id"));
                     ECRM_RETURN_IF_ERROR(service.delete_rule(id, rule_id));
                     ctx.set_audit(std::to_string(id));
                     return http::no_content();
                   }),
                   .audit_entity = "partner"});
}

void add_public_routes(http::Router& router, LeadService& service,
                       LeadWriteKeyCheck check_write_key) {
  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/public/leads",
      .access = Access::public_route(),
      .doc = {.summary = "The shop's enquiry form sends a lead (the tracking snippet's write key, "
                         "?key= or X-Ecrm-Key); at most a few an hour per IP and e-mail address",
              .tag = kTag,
              .request = http::json_body<LeadInput>(),
              .response = http::json_body<LeadReceipt>(),
              .success_status = 201,
              .error_statuses = {401, 422, 429},
              .query_params = {"key"}},
      .handler =
          [inner = handle([&service, check = std::move(check_write_key)](
                              RequestContext& ctx) -> Result<Response> {
             std::optional<std::string> key = http::query_text(ctx, "key");
             if (!key) {
               if (auto header = ctx.request().headers.get("x-ecrm-key");
                   header && !header->empty()) {
                 key = std::string(*header);
               }
             }
             if (!key) {
               return Error::unauthenticated("send the snippet's write key (?key= or X-Ecrm-Key)",
                                             "authentication_required");
             }
             ECRM_RETURN_IF_ERROR(check(*key));
             ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<LeadInput>(ctx));
             ECRM_ASSIGN_OR_RETURN(auto lead, service.create(input, LeadSource::kWebForm,
                                                             "web_form", ctx.request().remote_ip));
             ctx.set_audit(std::to_string(lead.id));
             // The sender learns that the enquiry arrived, not where it went.
             return http::reply(201, LeadReceipt{lead.id, lead.created_at});
           })](RequestContext& ctx) { return with_cors(inner(ctx)); },
      .max_body = kMaxPublicBody,
      .audit_entity = "lead"});

  router.add(Route{.method = Method::kOptions,
                   .pattern = "/api/v1/public/leads",
                   .access = Access::public_route(),
                   .doc = {.summary = "CORS pre-flight for the shop's enquiry form",
                           .tag = kTag,
                           .success_status = 204},
                   .handler = [](RequestContext&) { return with_cors(http::no_content()); },
                   .blocking = false,
                   .audited = false});
}

void add_portal_routes(http::Router& router, LeadService& service) {
  router.add(Route{.method = Method::kGet,
                   .pattern = "/api/v1/portal/partner/leads",
                   .access = kPartner,
                   .doc = {.summary = "The leads routed to the partner, newest first, by status",
                           .tag = kPortalTag,
                           .response = http::json_body<http::Page<Lead>>(),
                           .query = http::query_of<PartnerLeadQuery>(),
                           .query_params = {"limit", "cursor"}},
                   .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
                     ECRM_ASSIGN_OR_RETURN(auto query, http::read_query<PartnerLeadQuery>(ctx));
                     ECRM_ASSIGN_OR_RETURN(auto page, http::id_page(ctx, 50, 200));
                     ECRM_ASSIGN_OR_RETURN(auto list, service.own_leads(ctx.principal(), query,
                                                                        page.last_id, page.limit));
                     return http::reply(200, http::page_by_id(std::move(list), page.limit));
                   })});

  router.add(Route{.method = Method::kGet,
                   .pattern = "/api/v1/portal/partner/leads/{id}",
                   .access = kPartner,
                   .doc = {.summary = "One of the partner's leads",
                           .tag = kPortalTag,
                           .response = http::json_body<Lead>(),
                           .error_statuses = {404}},
                   .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
                     ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
                     ECRM_ASSIGN_OR_RETURN(auto lead, service.own_lead(ctx.principal(), id));
                     return http::reply(200, lead);
                   })});

  router.add(Route{.method = Method::kPost,
                   .pattern = "/api/v1/portal/partner/leads/{id}/accept",
                   .access = kPartner,
                   .doc = {.summary = "Accept a lead routed to the partner",
                           .tag = kPortalTag,
                           .response = http::json_body<Lead>(),
                           .error_statuses = {404, 409}},
                   .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
                     ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
                     ECRM_ASSIGN_OR_RETURN(auto lead, service.accept(ctx.principal(), id));
                     ctx.set_audit(std::to_string(id));
                     return http::reply(200, lead);
                   }),
                   .audit_entity = "lead"});

  router.add(Route{.method = Method::kPost,
                   .pattern = "/api/v1/portal/partner/leads/{id}/decline",
                   .access = kPartner,
                   .doc = {.summary = "Decline a lead routed to the partner, with a reason",
                           .tag = kPortalTag,
                           .request = http::json_body<LeadDeclineInput>(),
                           .response = http::json_body<Lead>(),
                           .error_statuses = {404, 409}},
                   .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
                     ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
                     ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<LeadDeclineInput>(ctx));
                     ECRM_ASSIGN_OR_RETURN(auto lead, service.decline(ctx.principal(), id, input));
                     ctx.set_audit(std::to_string(id));
                     return http::reply(200, lead);
                   }),
                   .audit_entity = "lead"});

  router.add(Route{.method = Method::kPost,
                   .pattern = "/api/v1/portal/partner/leads/{id}/won",
                   .access = kPartner,
                   .doc = {.summary = "Report an accepted lead won, with its value (minor units)",
                           .tag = kPortalTag,
                           .request = http::json_body<LeadWonInput>(),
                           .response = http::json_body<Lead>(),
                           .error_statuses = {404, 409}},
                   .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
                     ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
                     ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<LeadWonInput>(ctx));
                     ECRM_ASSIGN_OR_RETURN(auto lead, service.won(ctx.principal(), id, input));
                     ctx.set_audit(std::to_string(id));
                     return http::reply(200, lead);
                   }),
                   .audit_entity = "lead"});

  router.add(Route{.method = Method::kPost,
                   .pattern = "/api/v1/portal/partner/leads/{id}/lost",
                   .access = kPartner,
                   .doc = {.summary = "Report an accepted lead lost, with a reason",
                           .tag = kPortalTag,
                           .request = http::json_body<LeadLostInput>(),
                           .response = http::json_body<Lead>(),
                           .error_statuses = {404, 409}},
                   .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
                     ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
                     ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<LeadLostInput>(ctx));
                     ECRM_ASSIGN_OR_RETURN(auto lead, service.lost(ctx.principal(), id, input));
                     ctx.set_audit(std::to_string(id));
                     return http::reply(200, lead);
                   }),
                   .audit_entity = "lead"});
}

}  // namespace

void add_lead_routes(http::Router& router, LeadService& service, LeadWriteKeyCheck check_write_key) {
  add_staff_routes(router, service);
  add_public_routes(router, service, std::move(check_write_key));
  add_portal_routes(router, service);
}

}  // namespace ecrm::partners
