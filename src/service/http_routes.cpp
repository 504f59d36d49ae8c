#include "service/http_routes.hpp"

#include <boost/json.hpp>

#include "http/context.hpp"
#include "http/params.hpp"

namespace ecrm::service {

namespace json = boost::json;
using http::Access;
using http::handle;
using http::Method;
using http::RequestContext;
using http::Response;
using http::Route;

namespace {

Actor actor_of(const RequestContext& ctx) {
  const auto& p = ctx.principal();
  Actor actor;
  if (p.user_id != 0) actor.user_id = p.user_id;
  actor.name = p.display();
  return actor;
}

// The body of POST /api/v1/interactions/{id}/ticket.
struct TicketFromInteraction {
  std::optional<Priority> priority;
};
ECRM_DESCRIBE(TicketFromInteraction, priority)

struct WarrantyInput {
  std::int64_t warranty_months = 0;
};
ECRM_DESCRIBE(WarrantyInput, warranty_months)
ECRM_WIRE_RULES(WarrantyInput,
                rule(&WarrantyInput::warranty_months, {.minimum = 0, .maximum = 600}))

struct ContractQuery {
  std::int64_t customer_id = 0;
};
ECRM_DESCRIBE(ContractQuery, customer_id)

constexpr std::string_view kTicketCursor = "t";
constexpr std::string_view kBreachingCursor = "b";

}  // namespace

void add_service_routes(http::Router& router, ServiceDesk& desk,
                        messaging::DeliveryWorker& delivery) {
  // ---- interactions
  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/interactions",
      .access = Access::needs("service:write"),
      .doc = {.summary = "Record a contact on any channel (a call logged by staff or posted by a "
                         "PBX/CTI, a web form, a fax, a social message, a visit): without "
                         "customer_id the sender is matched by e-mail or phone, else becomes a new "
                         "lead; a repeated channel and external_ref answers the first record",
              .tag = "service",
              .request = http::json_body<InteractionInput>(),
              .response = http::json_body<Interaction>(),
              .success_status = 201},
      .handler = handle([&desk](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<InteractionInput>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto x, desk.record_interaction(input, actor_of(ctx)));
        ctx.set_audit(std::to_string(x.id));
        return http::reply(201, x);
      }),
      .audit_entity = "interaction"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/interactions",
      .access = Access::needs("service:read"),
      .doc = {.summary = "List interactions, newest first, by customer, ticket and channel",
              .tag = "service",
              .response = http::json_body<http::Page<Interaction>>(),
              .query = http::query_of<InteractionQuery>(),
              .query_params = {"limit", "cursor"}},
      .handler = handle([&desk](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto page, http::id_page(ctx));
        ECRM_ASSIGN_OR_RETURN(auto query, http::read_query<InteractionQuery>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto items, desk.interactions(query, page.last_id.value_or(0), page.limit));
        return http::reply(200, http::page_by_id(std::move(items), page.limit));
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/interactions/{id}",
      .access = Access::needs("service:read"),
      .doc = {.summary = "Get an interaction",
              .tag = "service",
              .response = http::json_body<Interaction>(),
              .error_statuses = {404}},
      .handler = handle([&desk](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto x, desk.get_interaction(id));
        return http::reply(200, x);
      })});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/interactions/{id}/ticket",
      .access = Access::needs("service:write"),
      .doc = {.summary = "Open a ticket from an interaction (its customer, channel, subject)",
              .tag = "service",
              .request = http::json_body<TicketFromInteraction>(),
              .response = http::json_body<TicketView>(),
              .success_status = 201,
              .error_statuses = {409}},
      .handler = handle([&desk](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<TicketFromInteraction>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto t, desk.ticket_from_interaction(id, input.priority, actor_of(ctx)));
        ctx.set_audit(std::to_string(t.id));
        return http::reply(201, t);
      }),
      .audit_entity = "ticket"});

  // ---- tickets
  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/tickets",
      .access = Access::needs("service:write"),
      .doc = {.summary = "Open a ticket for a customer: the body is its first message; the SLA "
                         "due times come from the first matching policy in business hours, and "
                         "the entitlement (free in warranty or under a contract, else paid)",
              .tag = "service",
              .request = http::json_body<TicketInput>(),
              .response = http::json_body<TicketView>(),
              .success_status = 201},
      .handler = handle([&desk](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<TicketInput>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto t, desk.open_ticket(input, actor_of(ctx)));
        ctx.set_audit(std::to_string(t.id));
        return http::reply(201, t);
      }),
      .audit_entity = "ticket"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/tickets",
      .access = Access::needs("service:read"),
      .doc = {.summary = "The inbox: tickets newest first by customer, status, assignee, "
                         "priority, team and channel; views mine and unassigned (tickets in "
                         "the inbox), breaching (a target due within the hour or late, soonest "
                         "first)",
              .tag = "service",
              .response = http::json_body<http::Page<TicketSummary>>(),
              .query = http::query_of<TicketQuery>(),
              .query_params = {"limit", "cursor"}},
      .handler = handle([&desk](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto limit, http::limit_param(ctx, 50, 200));
        ECRM_ASSIGN_OR_RETURN(auto query, http::read_query<TicketQuery>(ctx));
        const bool breaching = query.view == InboxView::kBreaching;
        std::optional<TicketPosition> after;
        if (breaching) {
          ECRM_ASSIGN_OR_RETURN(auto cursor, http::key_cursor(ctx, kBreachingCursor, 2));
          if (cursor) after = TicketPosition{cursor->numbers[0], cursor->numbers[1]};
        } else {
          ECRM_ASSIGN_OR_RETURN(auto cursor, http::key_cursor(ctx, kTicketCursor, 1));
          if (cursor) after = TicketPosition{std::nullopt, cursor->numbers[0]};
        }
        std::optional<std::int64_t> me;
        if (ctx.principal().user_id != 0) me = ctx.principal().user_id;
        ECRM_ASSIGN_OR_RETURN(auto items, desk.list_tickets(query, me, after, limit));
        http::Page<TicketSummary> page;
        if (!items.empty() && static_cast<int>(items.size()) >= limit) {
          const Ticket& last = items.back();
          page.next_cursor =
              breaching ? http::encode_cursor(kBreachingCursor,
                                              http::KeyCursor{{last.next_due_at.value_or(0), last.id}, ""})
                        : http::encode_cursor(kTicketCursor, http::KeyCursor{{last.id}, ""});
        }
        for (const auto& t : items) page.items.push_back(ticket_summary(t));
        return http::reply(200, page);
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/tickets/{id}",
      .access = Access::needs("service:read"),
      .doc = {.summary = "Get a ticket with its SLA (due times and breached targets, ISO-8601 "
                         "UTC), entitlement and quote, tags, followers and CC",
              .tag = "service",
              .response = http::json_body<TicketView>(),
              .error_statuses = {404}},
      .handler = handle([&desk](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto t, desk.get_ticket(id));
        return http::reply(200, t);
      })});

  router.add(Route{
      .method = Method::kPatch,
      .pattern = "/api/v1/tickets/{id}",
      .access = Access::needs("service:write"),
      .doc = {.summary = "Change a ticket: status (pending stops the resolution clock), priority "
                         "and category (the SLA policy is matched again), assignee, team, tags, "
                         "followers, CC, product and order (the entitlement is decided again)",
              .tag = "service",
              .request = http::json_body<TicketPatch>(),
              .response = http::json_body<TicketView>(),
              .error_statuses = {404, 409}},
      .handler = handle([&desk](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto patch, http::read_body<TicketPatch>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto t, desk.update_ticket(id, patch, actor_of(ctx)));
        ctx.set_audit(std::to_string(id));
        return http::reply(200, t);
      }),
      .audit_entity = "ticket"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/tickets/{id}/conversation",
      .access = Access::needs("service:read"),
      .doc = {.summary = "A ticket's conversation, oldest first: the customer's messages, the "
                         "replies and internal notes",
              .tag = "service",
              .response = http::json_body<http::Items<Interaction>>(),
              .error_statuses = {404}},
      .handler = handle([&desk](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto items, desk.conversation(id));
        return http::reply(200, http::Items<Interaction>{std::move(items)});
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/tickets/{id}/events",
      .access = Access::needs("service:read"),
      .doc = {.summary = "What happened to a ticket: status and field changes, SLA warnings, "
                         "breaches and escalations, merges and splits, quotes",
              .tag = "service",
              .response = http::json_body<http::Items<TicketEvent>>(),
              .error_statuses = {404}},
      .handler = handle([&desk](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto items, desk.events(id));
        return http::reply(200, http::Items<TicketEvent>{std::move(items)});
      })});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/tickets/{id}/replies",
      .access = Access::needs("service:write"),
      .doc = {.summary = "Answer a ticket: a public reply is mailed to the customer through the "
                         "outbox (the ticket's tag in the subject, In-Reply-To and References of "
                         "the thread) and is the first response when it is the first; an internal "
                         "note is never mailed; a macro's actions apply with it",
              .tag = "service",
              .request = http::json_body<ReplyInput>(),
              .response = http::json_body<ReplyResult>(),
              .success_status = 201,
              .error_statuses = {404, 409, 422}},
      .handler = handle([&desk, &delivery](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<ReplyInput>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto out, desk.reply(id, input, actor_of(ctx)));
        if (out.outbox_message_id) delivery.wake();
        ctx.set_audit(std::to_string(id));
        return http::reply(201, out);
      }),
      .audit_entity = "ticket_reply"});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/tickets/{id}/merge",
      .access = Access::needs("service:write"),
      .doc = {.summary = "Merge this ticket into another of the same customer: its conversation, "
                         "followers, CC and Message-IDs move; it is closed pointing at the other",
              .tag = "service",
              .request = http::json_body<MergeInput>(),
              .response = http::json_body<TicketView>(),
              .error_statuses = {404, 409}},
      .handler = handle([&desk](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<MergeInput>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto t, desk.merge(id, input, actor_of(ctx)));
        ctx.set_audit(std::to_string(id), json::serialize(json::object{{"into", input.into}}));
        return http::reply(200, t);
      }),
      .audit_entity = "ticket"});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/tickets/{id}/split",
      .access = Access::needs("service:write"),
      .doc = {.summary = "Split an interaction of this ticket off into a new ticket",
              .tag = "service",
              .request = http::json_body<SplitInput>(),
              .response = http::json_body<TicketView>(),
              .success_status = 201,
              .error_statuses = {404, 409}},
      .handler = handle([&desk](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<SplitInput>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto t, desk.split(id, input, actor_of(ctx)));
        ctx.set_audit(std::to_string(t.id));
        return http::reply(201, t);
      }),
      .audit_entity = "ticket"});

  router.add(Route{
      .method = Method::kPut,
      .pattern = "/api/v1/tickets/{id}/quote",
      .access = Access::needs("service:write"),
      .doc = {.summary = "Propose the price of paid service (integer minor units of a currency); "
                         "the customer accepts or declines it in the portal",
              .tag = "service",
              .request = http::json_body<QuoteInput>(),
              .response = http::json_body<TicketView>(),
              .error_statuses = {404, 409}},
      .handler = handle([&desk](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<QuoteInput>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto t, desk.propose_quote(id, input, actor_of(ctx)));
        ctx.set_audit(std::to_string(id));
        return http::reply(200, t);
      }),
      .audit_entity = "ticket_quote"});

  // ---- business hours and SLA policies
  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/service/business-hours",
      .access = Access::needs("service:read"),
      .doc = {.summary = "The shop's business hours (IANA time zone, open spans per weekday, "
                         "holidays); always open in UTC until set",
              .tag = "service",
              .response = http::json_body<BusinessHours>()},
      .handler = handle([&desk](RequestContext&) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto hours, desk.business_hours());
        return http::reply(200, hours);
      })});

  router.add(Route{
      .method = Method::kPut,
      .pattern = "/api/v1/service/business-hours",
      .access = Access::needs("service:admin"),
      .doc = {.summary = "Set the business hours SLA due times count in: a weekday not listed is "
                         "closed, a span ending before it starts runs overnight, holidays are "
                         "closed (tickets opened afterwards use them)",
              .tag = "service",
              .request = http::json_body<BusinessHoursInput>(),
              .response = http::json_body<BusinessHours>()},
      .handler = handle([&desk](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<BusinessHoursInput>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto hours, desk.put_business_hours(input));
        ctx.set_audit("business_hours");
        return http::reply(200, hours);
      }),
      .audit_entity = "business_hours"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/sla-policies",
      .access = Access::needs("service:read"),
      .doc = {.summary = "The SLA policies in the order they are matched",
              .tag = "service",
              .response = http::json_body<http::Items<SlaPolicy>>()},
      .handler = handle([&desk](RequestContext&) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto items, desk.policies());
        return http::reply(200, http::Items<SlaPolicy>{std::move(items)});
      })});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/sla-policies",
      .access = Access::needs("service:admin"),
      .doc = {.summary = "Add an SLA policy: a match on priority, category and customer tier, "
                         "targets in business minutes (first response, next response, "
                         "resolution), a warning before breach and what happens at breach "
                         "(reassign, team, raise priority, notify followers)",
              .tag = "service",
              .request = http::json_body<SlaPolicyInput>(),
              .response = http::json_body<SlaPolicy>(),
              .success_status = 201},
      .handler = handle([&desk](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<SlaPolicyInput>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto p, desk.create_policy(input));
        ctx.set_audit(std::to_string(p.id));
        return http::reply(201, p);
      }),
      .audit_entity = "sla_policy"});

  router.add(Route{
      .method = Method::kPut,
      .pattern = "/api/v1/sla-policies/{id}",
      .access = Access::needs("service:admin"),
      .doc = {.summary = "Replace an SLA policy (tickets opened afterwards use it)",
              .tag = "service",
              .request = http::json_body<SlaPolicyInput>(),
              .response = http::json_body<SlaPolicy>(),
              .error_statuses = {404}},
      .handler = handle([&desk](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<SlaPolicyInput>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto p, desk.replace_policy(id, input));
        ctx.set_audit(std::to_string(p.id));
        return http::reply(200, p);
      }),
      .audit_entity = "sla_policy"});

  router.add(Route{
      .method = Method::kDelete,
      .pattern = "/api/v1/sla-policies/{id}",
      .access = Access::needs("service:admin"),
      .doc = {.summary = "Delete an SLA policy (tickets keep their due times)",
              .tag = "service",
              .success_status = 204,
              .error_statuses = {404}},
      .handler = handle([&desk](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_RETURN_IF_ERROR(desk.delete_policy(id));
        ctx.set_audit(std::to_string(id));
        return http::no_content();
      }),
      .audit_entity = "sla_policy"});

  // ---- macros
  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/macros",
      .access = Access::needs("service:read"),
      .doc = {.summary = "Saved replies with actions, by name",
              .tag = "service",
              .response = http::json_body<http::Items<Macro>>()},
      .handler = handle([&desk](RequestContext&) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto items, desk.macros());
        return http::reply(200, http::Items<Macro>{std::move(items)});
      })});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/macros",
      .access = Access::needs("service:write"),
      .doc = {.summary = "Add a macro: a saved reply and actions (status, priority, tags, "
                         "assignee) applied with it",
              .tag = "service",
              .request = http::json_body<MacroInput>(),
              .response = http::json_body<Macro>(),
              .success_status = 201},
      .handler = handle([&desk](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<MacroInput>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto m, desk.create_macro(input));
        ctx.set_audit(std::to_string(m.id));
        return http::reply(201, m);
      }),
      .audit_entity = "macro"});

  router.add(Route{
      .method = Method::kPut,
      .pattern = "/api/v1/macros/{id}",
      .access = Access::needs("service:write"),
      .doc = {.summary = "Replace a macro",
              .tag = "service",
              .request = http::json_body<MacroInput>(),
              .response = http::json_body<Macro>(),
              .error_statuses = {404}},
      .handler = handle([&desk](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<MacroInput>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto m, desk.replace_macro(id, input));
        ctx.set_audit(std::to_string(m.id));
        return http::reply(200, m);
      }),
      .audit_entity = "macro"});

  router.add(Route{
      .method = Method::kDelete,
      .pattern = "/api/v1/macros/{id}",
      .access = Access::needs("service:write"),
      .doc = {.summary = "Delete a macro", .tag = "service", .success_status = 204,
              .error_statuses = {404}},
      .handler = handle([&desk](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_RETURN_IF_ERROR(desk.delete_macro(id));
        ctx.set_audit(std::to_string(id));
        return http::no_content();
      }),
      .audit_entity = "macro"});

  // ---- entitlement: contracts and warranty
  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/service-contracts",
      .access = Access::needs("service:read"),
      .doc = {.summary = "A customer's service contracts, latest ending first",
              .tag = "service",
              .response = http::json_body<http::Items<ServiceContract>>(),
              .query = http::query_of<ContractQuery>()},
      .handler = handle([&desk](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto query, http::read_query<ContractQuery>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto items, desk.contracts(query.customer_id));
        return http::reply(200, http::Items<ServiceContract>{std::move(items)});
      })});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/service-contracts",
      .access = Access::needs("service:write"),
      .doc = {.summary = "Add a service contract: free service for the customer (for one product "
                         "or everything) from starts_on to ends_on, both inclusive",
              .tag = "service",
              .request = http::json_body<ServiceContractInput>(),
              .response = http::json_body<ServiceContract>(),
              .success_status = 201},
      .handler = handle([&desk](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<ServiceContractInput>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto x, desk.create_contract(input));
        ctx.set_audit(std::to_string(x.id));
        return http::reply(201, x);
      }),
      .audit_entity = "service_contract"});

  router.add(Route{
      .method = Method::kDelete,
      .pattern = "/api/v1/service-contracts/{id}",
      .access = Access::needs("service:write"),
      .doc = {.summary = "Delete a service contract", .tag = "service", .success_status = 204,
              .error_statuses = {404}},
      .handler = handle([&desk](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_RETURN_IF_ERROR(desk.delete_contract(id));
        ctx.set_audit(std::to_string(id));
        return http::no_content();
      }),
      .audit_entity = "service_contract"});

  router.add(Route{
      .method = Method::kPut,
      .pattern = "/api/v1/products/{id}/warranty",
      .access = Access::needs("catalog:write"),
      .doc = {.summary = "Set a product's warranty in months from the purchase date (0: none)",
              .tag = "service",
              .request = http::json_body<WarrantyInput>(),
              .response = http::json_body<WarrantyInput>(),
              .error_statuses = {404}},
      .handler = handle([&desk](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<WarrantyInput>(ctx));
        ECRM_RETURN_IF_ERROR(desk.set_warranty_months(id, input.warranty_months));
        ctx.set_audit(std::to_string(id));
        return http::reply(200, input);
      }),
      .audit_entity = "product_warranty"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/service/summary",
      .access = Access::needs("service:read"),
      .doc = {.summary = "Tickets in the inbox, unassigned, breaching (a target due within the "
                         "hour or late) and that missed a target",
              .tag = "service",
              .response = http::json_body<ServiceSummary>()},
      .handler = handle([&desk](RequestContext&) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto summary, desk.summary(now_ms()));
        return http::reply(200, summary);
      })});
}

}  // namespace ecrm::service
