#include "partners/http_routes.hpp"

#include <boost/json.hpp>

#include "auth/portal.hpp"
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
const Access kRead = Access::needs("partners:read");
const Access kWrite = Access::needs("partners:write");
constexpr const char* kTag = "partners";
constexpr const char* kPortalTag = "partner portal";

void add_staff_routes(http::Router& router, PartnerService& service) {
  router.add(Route{.method = Method::kGet,
                   .pattern = "/api/v1/partners",
                   .access = kRead,
                   .doc = {.summary = "Partners by id, of one kind when given",
                           .tag = kTag,
                           .response = http::json_body<http::Page<Partner>>(),
                           .query = http::query_of<PartnerQuery>(),
                           .query_params = {"limit", "cursor"}},
                   .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
                     ECRM_ASSIGN_OR_RETURN(auto query, http::read_query<PartnerQuery>(ctx));
                     ECRM_ASSIGN_OR_RETURN(auto page, http::id_page(ctx, 50, 200));
                     ECRM_ASSIGN_OR_RETURN(auto list,
                                           service.list(query, page.last_id, page.limit));
                     return http::reply(200, http::page_by_id(std::move(list), page.limit));
                   })});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/partners",
      .access = kWrite,
      .doc = {.summary = "Add a partner (supplier, distributor, wholesaler, reseller, carrier) "
                         "with its contacts",
              .tag = kTag,
              .request = http::json_body<PartnerInput>(),
              .response = http::json_body<Partner>(),
              .success_status = 201},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<PartnerInput>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto created, service.create(input));
        ctx.set_audit(std::to_string(created.id));
        return http::reply(201, created);
      }),
      .audit_entity = "partner"});

  router.add(Route{.method = Method::kGet,
                   .pattern = "/api/v1/partners/{id}",
                   .access = kRead,
                   .doc = {.summary = "A partner with its contacts",
                           .tag = kTag,
                           .response = http::json_body<Partner>(),
                           .error_statuses = {404}},
                   .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
                     ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
                     ECRM_ASSIGN_OR_RETURN(auto partner, service.get(id));
                     return http::reply(200, partner);
                   })});

  router.add(
      Route{.method = Method::kPatch,
            .pattern = "/api/v1/partners/{id}",
            .access = kWrite,
            .doc = {.summary = "Change a partner's name, addresses, country, default lead time or "
                               "active flag",
                    .tag = kTag,
                    .request = http::json_body<PartnerChanges>(),
                    .response = http::json_body<Partner>(),
                    .error_statuses = {404}},
            .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
              ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
              ECRM_ASSIGN_OR_RETURN(auto changes, http::read_body<PartnerChanges>(ctx));
              ECRM_ASSIGN_OR_RETURN(auto partner, service.update(id, changes));
              return http::reply(200, partner);
            }),
            .audit_entity = "partner"});

  router.add(Route{.method = Method::kPost,
                   .pattern = "/api/v1/partners/{id}/contacts",
                   .access = kWrite,
                   .doc = {.summary = "Add a contact person to a partner",
                           .tag = kTag,
                           .request = http::json_body<PartnerContactInput>(),
                           .response = http::json_body<PartnerContact>(),
                           .success_status = 201,
                           .error_statuses = {404}},
                   .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
                     ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
                     ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<PartnerContactInput>(ctx));
                     ECRM_ASSIGN_OR_RETURN(auto contact, service.add_contact(id, input));
                     return http::reply(201, contact);
                   }),
                   .audit_entity = "partner"});

  router.add(Route{.method = Method::kGet,
                   .pattern = "/api/v1/partners/{id}/users",
                   .access = kRead,
                   .doc = {.summary = "A partner's users (partner admins and staff)",
                           .tag = kTag,
                           .response = http::json_body<http::Items<PartnerUser>>(),
                           .error_statuses = {404}},
                   .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
                     ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
                     ECRM_ASSIGN_OR_RETURN(auto users, service.users(id));
                     return http::reply(200, http::Items<PartnerUser>{std::move(users)});
                   })});

  router.add(Route{.method = Method::kPost,
                   .pattern = "/api/v1/partners/{id}/users",
                   .access = kWrite,
                   .doc = {.summary = "Add a user to a partner: partner_admin or partner_staff",
                           .tag = kTag,
                           .request = http::json_body<PartnerUserInput>(),
                           .response = http::json_body<PartnerUser>(),
                           .success_status = 201,
                           .error_statuses = {404, 409}},
                   .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
                     ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
                     ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<PartnerUserInput>(ctx));
                     ECRM_ASSIGN_OR_RETURN(auto user, service.add_user(id, input));
                     ctx.set_audit(std::to_string(user.id));
                     return http::reply(201, user);
                   }),
                   .audit_entity = "partner_user"});

  router.add(Route{
      .method = Method::kPatch,
      .pattern = "/api/v1/partners/{id}/users/{user_id}",
      .access = kWrite,
      .doc = {.summary = "Change a partner user's role, or deactivate them (ending their sessions)",
              .tag = kTag,
              .request = http::json_body<PartnerUserChanges>(),
              .response = http::json_body<PartnerUser>(),
              .error_statuses = {404}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto user_id, ctx.id_param("user_id"));
        ECRM_ASSIGN_OR_RETURN(auto changes, http::read_body<PartnerUserChanges>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto user, service.update_user(id, user_id, changes));
        ctx.set_audit(std::to_string(user_id));
        return http::reply(200, user);
      }),
      .audit_entity = "partner_user"});

  router.add(
      Route{.method = Method::kPost,
            .pattern = "/api/v1/partners/{id}/users/{user_id}/sign-in-link",
            .access = Access::session_only("partners:write"),
            .doc = {.summary = "Make a sign-in link for a partner user to the partner portal (used "
                               "once, valid 15 minutes; shown once, for staff to hand over)",
                    .tag = kTag,
                    .response = http::json_body<PartnerSignInLink>(),
                    .success_status = 201,
                    .error_statuses = {404, 409}},
            .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
              ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
              ECRM_ASSIGN_OR_RETURN(auto user_id, ctx.id_param("user_id"));
              ECRM_ASSIGN_OR_RETURN(auto link,
                                    service.sign_in_link(id, user_id, ctx.request().remote_ip));
              ctx.set_audit(std::to_string(user_id));
              return http::reply(201, link);
            }),
            .audit_entity = "partner_user"});

  router.add(Route{.method = Method::kGet,
                   .pattern = "/api/v1/partners/{id}/products",
                   .access = kRead,
                   .doc = {.summary = "What a partner supplies or sells: products and categories "
                                      "with cost and lead time",
                           .tag = kTag,
                           .response = http::json_body<http::Items<PartnerProductLink>>(),
                           .error_statuses = {404}},
                   .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
                     ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
                     ECRM_ASSIGN_OR_RETURN(auto links, service.links(id));
                     return http::reply(200, http::Items<PartnerProductLink>{std::move(links)});
                   })});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/partners/{id}/products",
      .access = kWrite,
      .doc = {.summary = "Link a product or a category to a partner at a cost (minor units) and "
                         "lead time (days)",
              .tag = kTag,
              .request = http::json_body<PartnerProductLinkInput>(),
              .response = http::json_body<PartnerProductLink>(),
              .success_status = 201,
              .error_statuses = {404, 422}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<PartnerProductLinkInput>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto link, service.link_product(id, input));
        ctx.set_audit(std::to_string(id));
        return http::reply(201, link);
      }),
      .audit_entity = "partner"});

  router.add(Route{.method = Method::kGet,
                   .pattern = "/api/v1/partners/{id}/routing-rules",
                   .access = kRead,
                   .doc = {.summary = "A partner's order routing rules (country, category)",
                           .tag = kTag,
                           .response = http::json_body<http::Items<PartnerRoutingRule>>(),
                           .error_statuses = {404}},
                   .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
                     ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
                     ECRM_ASSIGN_OR_RETURN(auto rules, service.rules(id));
                     return http::reply(200, http::Items<PartnerRoutingRule>{std::move(rules)});
                   })});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/partners/{id}/routing-rules",
      .access = kWrite,
      .doc = {.summary = "Route orders of customers in a country and lines of a category to a "
                         "partner that is not a supplier",
              .tag = kTag,
              .request = http::json_body<PartnerRoutingRuleInput>(),
              .response = http::json_body<PartnerRoutingRule>(),
              .success_status = 201,
              .error_statuses = {404, 422}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<PartnerRoutingRuleInput>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto rule, service.add_rule(id, input));
        ctx.set_audit(std::to_string(id));
        return http::reply(201, rule);
      }),
      .audit_entity = "partner"});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/partners/{id}/order-routes",
      .access = kWrite,
      .doc = {.summary = "Route one order to a partner that is not a supplier (beats the rules)",
              .tag = kTag,
              .request = http::json_body<PartnerOrderRouteInput>(),
              .response = http::json_body<PartnerOrderRoute>(),
              .success_status = 201,
              .error_statuses = {404, 422}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<PartnerOrderRouteInput>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto route,
                              service.route_order(id, input, ctx.principal().display()));
        ctx.set_audit(std::to_string(id));
        return http::reply(201, route);
      }),
      .audit_entity = "partner"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/partners/{id}/lines",
      .access = kRead,
      .doc = {.summary = "The order lines routed to a partner, newest first, as it sees them",
              .tag = kTag,
              .response = http::json_body<http::Page<PartnerLine>>(),
              .error_statuses = {404},
              .query = http::query_of<PartnerLineQuery>(),
              .query_params = {"limit", "cursor"}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto query, http::read_query<PartnerLineQuery>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto page, http::id_page(ctx, 50, 200));
        ECRM_ASSIGN_OR_RETURN(auto list, service.lines_of(id, query, page.last_id, page.limit));
        return http::reply(200, http::page_by_id(std::move(list), page.limit));
      })});

  router.add(Route{.method = Method::kGet,
                   .pattern = "/api/v1/partners/{id}/scorecard",
                   .access = kRead,
                   .doc = {.summary = "A partner's scorecard: on-time shipment rate, lead time "
                                      "median and p90, return and defect rates, revenue, margin",
                           .tag = kTag,
                           .response = http::json_body<PartnerScorecard>(),
                           .error_statuses = {404}},
                   .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
                     ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
                     ECRM_ASSIGN_OR_RETURN(auto card, service.scorecard(id));
                     return http::reply(200, card);
                   })});

  router.add(Route{.method = Method::kGet,
                   .pattern = "/api/v1/partner-scorecards",
                   .access = kRead,
                   .doc = {.summary = "Every partner's scorecard (of one kind when given) by "
                                      "partner id, worked out for all partners at once",
                           .tag = kTag,
                           .response = http::json_body<http::Items<PartnerScorecard>>(),
                           .query = http::query_of<PartnerQuery>()},
                   .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
                     ECRM_ASSIGN_OR_RETURN(auto query, http::read_query<PartnerQuery>(ctx));
                     ECRM_ASSIGN_OR_RETURN(auto cards, service.scorecards(query));
                     return http::reply(200, http::Items<PartnerScorecard>{std::move(cards)});
                   })});

  router.add(Route{.method = Method::kGet,
                   .pattern = "/api/v1/partner-rankings",
                   .access = kRead,
                   .doc = {.summary = "Suppliers of a product or a category ranked by their "
                                      "scorecards, and the one suggested for purchasing",
                           .tag = kTag,
                           .response = http::json_body<PartnerRanking>(),
                           .query = http::query_of<PartnerRankingQuery>()},
                   .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
                     ECRM_ASSIGN_OR_RETURN(auto query, http::read_query<PartnerRankingQuery>(ctx));
                     ECRM_ASSIGN_OR_RETURN(auto ranking, service.ranking(query));
                     return http::reply(200, ranking);
                   })});
}

void add_portal_routes(http::Router& router, PartnerService& service, PartnerRoutesConfig config) {
  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/portal/partner/session",
      .access = Access::public_route(),
      .doc = {.summary = "Exchange a partner user's sign-in link for a partner portal session: "
                         "sets the portal cookie and returns the user with the CSRF token",
              .tag = kPortalTag,
              .request = http::json_body<PartnerSessionInput>(),
              .response = http::json_body<PartnerMe>(),
              .error_statuses = {401, 409}},
      .handler = handle([&service, config](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<PartnerSessionInput>(ctx));
        auto user_agent = ctx.request().headers.get("user-agent").value_or("");
        ECRM_ASSIGN_OR_RETURN(auto opened,
                              service.open_session(input, ctx.request().remote_ip,
                                                   std::string(user_agent.substr(0, 300))));
        ECRM_ASSIGN_OR_RETURN(auto me, service.me(auth::portal_principal(opened)));
        ctx.set_audit(std::to_string(opened.subject.id));
        Response response = http::reply(200, me);
        response.header("Set-Cookie",
                        auth::portal_cookie(opened.session_token,
                                            (opened.expires_at - now_ms()) / 1000,
                                            config.secure_cookies));
        return response;
      }),
      .audit_entity = "partner_session"});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/portal/partner/sign-out",
      .access = kPartner,
      .doc = {.summary = "Sign out of the partner portal: ends the session and clears the cookie",
              .tag = kPortalTag,
              .success_status = 204},
      .handler = handle([&service, config](RequestContext& ctx) -> Result<Response> {
        if (auto token = ctx.request().cookie(auth::kPortalCookie)) {
          ECRM_RETURN_IF_ERROR(service.sign_out(*token));
        }
        Response response = http::no_content();
        response.header("Set-Cookie", auth::portal_cookie("", 0, config.secure_cookies));
        return response;
      }),
      .audit_entity = "partner_session"});

  router.add(Route{.method = Method::kGet,
                   .pattern = "/api/v1/portal/partner/me",
                   .access = kPartner,
                   .doc = {.summary = "The signed-in partner user and their organisation",
                           .tag = kPortalTag,
                           .response = http::json_body<PartnerMe>()},
                   .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
                     ECRM_ASSIGN_OR_RETURN(auto me, service.me(ctx.principal()));
                     return http::reply(200, me);
                   })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/portal/partner/lines",
      .access = kPartner,
      .doc = {.summary = "The partner's order lines, newest first: product, quantity, where to "
                         "ship (delivery name and place only), state",
              .tag = kPortalTag,
              .response = http::json_body<http::Page<PartnerLine>>(),
              .query = http::query_of<PartnerLineQuery>(),
              .query_params = {"limit", "cursor"}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto query, http::read_query<PartnerLineQuery>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto page, http::id_page(ctx, 50, 200));
        ECRM_ASSIGN_OR_RETURN(auto list,
                              service.own_lines(ctx.principal(), query, page.last_id, page.limit));
        return http::reply(200, http::page_by_id(std::move(list), page.limit));
      })});

  router.add(Route{.method = Method::kGet,
                   .pattern = "/api/v1/portal/partner/lines/{id}",
                   .access = kPartner,
                   .doc = {.summary = "One of the partner's order lines",
                           .tag = kPortalTag,
                           .response = http::json_body<PartnerLine>(),
                           .error_statuses = {404}},
                   .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
                     ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
                     ECRM_ASSIGN_OR_RETURN(auto line, service.own_line(ctx.principal(), id));
                     return http::reply(200, line);
                   })});

  router.add(Route{.method = Method::kPost,
                   .pattern = "/api/v1/portal/partner/lines/{id}/acknowledge",
                   .access = kPartner,
                   .doc = {.summary = "Acknowledge one of the partner's order lines",
                           .tag = kPortalTag,
                           .response = http::json_body<PartnerLine>(),
                           .error_statuses = {404}},
                   .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
                     ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
                     ECRM_ASSIGN_OR_RETURN(auto line, service.acknowledge(ctx.principal(), id));
                     ctx.set_audit(std::to_string(id));
                     return http::reply(200, line);
                   }),
                   .audit_entity = "order_line"});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/portal/partner/lines/{id}/shipment",
      .access = kPartner,
      .doc = {.summary = "Confirm the shipment of one of the partner's order lines with carrier "
                         "and tracking number; a placed or paid order moves to shipped",
              .tag = kPortalTag,
              .request = http::json_body<PartnerShipmentInput>(),
              .response = http::json_body<PartnerLine>(),
              .error_statuses = {404, 409}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<PartnerShipmentInput>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto line, service.ship(ctx.principal(), id, input));
        ctx.set_audit(std::to_string(id));
        return http::reply(200, line);
      }),
      .audit_entity = "order_line"});

  router.add(Route{.method = Method::kGet,
                   .pattern = "/api/v1/portal/partner/products",
                   .access = kPartner,
                   .doc = {.summary = "The partner's products and categories with stock, cost "
                                      "and lead time",
                           .tag = kPortalTag,
                           .response = http::json_body<http::Items<PartnerProductLink>>()},
                   .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
                     ECRM_ASSIGN_OR_RETURN(auto links, service.own_products(ctx.principal()));
                     return http::reply(200, http::Items<PartnerProductLink>{std::move(links)});
                   })});

  router.add(Route{
      .method = Method::kPatch,
      .pattern = "/api/v1/portal/partner/products/{id}",
      .access = kPartner,
      .doc = {.summary = "Set the stock on hand and lead time of one of the partner's products "
                         "(partner admins)",
              .tag = kPortalTag,
              .request = http::json_body<PartnerProductUpdate>(),
              .response = http::json_body<PartnerProductLink>(),
              .error_statuses = {404}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto update, http::read_body<PartnerProductUpdate>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto link, service.update_product(ctx.principal(), id, update));
        ctx.set_audit(std::to_string(id));
        return http::reply(200, link);
      }),
      .audit_entity = "product"});

  router.add(Route{.method = Method::kGet,
                   .pattern = "/api/v1/portal/partner/scorecard",
                   .access = kPartner,
                   .doc = {.summary = "The partner's own scorecard",
                           .tag = kPortalTag,
                           .response = http::json_body<PartnerScorecard>()},
                   .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
                     ECRM_ASSIGN_OR_RETURN(auto card, service.own_scorecard(ctx.principal()));
                     return http::reply(200, card);
                   })});
}

}  // namespace

void add_partner_routes(http::Router& router, PartnerService& service, PartnerRoutesConfig config) {
  add_staff_routes(router, service);
  add_portal_routes(router, service, config);
}

}  // namespace ecrm::partners
