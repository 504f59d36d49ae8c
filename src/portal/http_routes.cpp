#include "portal/http_routes.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <vector>

#include "auth/portal.hpp"
#include "http/context.hpp"
#include "http/params.hpp"

namespace ecrm::portal {

namespace json = boost::json;
using http::Access;
using http::handle;
using http::Method;
using http::PortalSubject;
using http::RequestContext;
using http::Response;
using http::Route;

namespace {

const Access kCustomer = Access::portal_of(PortalSubject::kCustomer);
// A message with its files in base64: five files of 5 MiB at most, and the text.
constexpr std::size_t kMaxAttachmentBody = kMaxAttachments * (kMaxAttachmentBytes / 3 + 1) * 4 +
                                           (1 << 20);

// The privacy export's document (customers' CustomerExport and one member per kind of records).
http::BodyDoc export_body() {
  return http::BodyDoc{[](wire::Schemas& schemas, wire::Direction direction) {
    schemas.of<customers::CustomerExport>(direction);
    json::object schema = schemas.components().at("CustomerExport").as_object();
    schema["additionalProperties"] = json::object{
        {"description", "the customer's records kept by each capability, by its name"}};
    return json::value(std::move(schema));
  }};
}

// The body read as T, refusing members T does not have: a customer changing a field that is
// not theirs to change hears so, rather than seeing it silently ignored.
template <typename T>
Result<T> read_closed(const RequestContext& ctx) {
  ECRM_ASSIGN_OR_RETURN(auto body, ctx.json_object());
  std::vector<std::string> names;
  boost::mp11::mp_for_each<boost::describe::describe_members<T, boost::describe::mod_public>>(
      [&](auto d) { names.emplace_back(d.name); });
  for (const auto& member : body) {
    const std::string key(member.key());
    if (std::find(names.begin(), names.end(), key) == names.end()) {
      return Error::invalid(key + " cannot be changed here", key, "unknown_field");
    }
  }
  return wire::read<T>(json::value(std::move(body)));
}

}  // namespace

void add_portal_routes(http::Router& router, PortalService& service, PortalRoutesConfig config) {
  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/portal/sign-in",
      .access = Access::public_route(),
      .doc = {.summary = "Ask for a sign-in link: when the address is a customer's, a link valid "
                         "for 15 minutes is mailed to it. The answer is the same for every address",
              .tag = "portal",
              .request = http::json_body<SignInRequest>(),
              .response = http::json_body<SignInAccepted>(),
              .success_status = 202,
              .error_statuses = {429}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto request, http::read_body<SignInRequest>(ctx));
        ECRM_RETURN_IF_ERROR(service.request_sign_in(request, ctx.request().remote_ip));
        return http::reply(202, SignInAccepted{"sent_if_known"});
      }),
      .audited = false});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/portal/session",
      .access = Access::public_route(),
      .doc = {.summary = "Exchange a sign-in link's token for a portal session: sets the portal "
                         "cookie and returns the customer with the CSRF token for later writes",
              .tag = "portal",
              .request = http::json_body<SessionRequest>(),
              .response = http::json_body<Profile>(),
              .error_statuses = {401, 409}},
      .handler = handle([&service, config](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto request, http::read_body<SessionRequest>(ctx));
        auto user_agent = ctx.request().headers.get("user-agent").value_or("");
        ECRM_ASSIGN_OR_RETURN(auto opened,
                              service.open_session(request, ctx.request().remote_ip,
                                                   std::string(user_agent.substr(0, 300))));
        ECRM_ASSIGN_OR_RETURN(auto profile, service.profile(auth::portal_principal(opened)));
        ctx.set_audit(std::to_string(opened.subject.id));
        Response response = http::reply(200, profile);
        response.header("Set-Cookie",
                        auth::portal_cookie(opened.session_token,
                                            (opened.expires_at - now_ms()) / 1000,
                                            config.secure_cookies));
        return response;
      }),
      .audit_entity = "portal_session"});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/portal/sign-out",
      .access = kCustomer,
      .doc = {.summary = "Sign out of the portal: ends the session and clears the cookie",
              .tag = "portal",
              .success_status = 204},
      .handler = handle([&service, config](RequestContext& ctx) -> Result<Response> {
        if (auto token = ctx.request().cookie(auth::kPortalCookie)) {
          ECRM_RETURN_IF_ERROR(service.sign_out(*token));
        }
        Response response = http::no_content();
        response.header("Set-Cookie", auth::portal_cookie("", 0, config.secure_cookies));
        return response;
      }),
      .audit_entity = "portal_session"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/portal/me",
      .access = kCustomer,
      .doc = {.summary = "The signed-in customer's profile and consents, with the CSRF token",
              .tag = "portal",
              .response = http::json_body<Profile>()},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto profile, service.profile(ctx.principal()));
        return http::reply(200, profile);
      })});

  router.add(Route{
      .method = Method::kPatch,
      .pattern = "/api/v1/portal/me",
      .access = kCustomer,
      .doc = {.summary = "Change one's name, phone, city, country or language",
              .tag = "portal",
              .request = http::json_body<ProfileChanges>(),
              .response = http::json_body<Profile>(),
              .error_statuses = {409}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto changes, read_closed<ProfileChanges>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto profile, service.update_profile(ctx.principal(), changes));
        ctx.set_audit(std::to_string(profile.customer_id), http::audit_fields(changes));
        return http::reply(200, profile);
      }),
      .audit_entity = "customer"});

  router.add(Route{
      .method = Method::kPut,
      .pattern = "/api/v1/portal/me/consent",
      .access = kCustomer,
      .doc = {.summary = "Give or withdraw consent to e-mail, SMS and phone contact (recorded "
                         "with the time and \"customer portal\")",
              .tag = "portal",
              .request = http::json_body<ConsentRequest>(),
              .response = http::json_body<Profile>()},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto request, read_closed<ConsentRequest>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto profile, service.set_consent(ctx.principal(), request));
        ctx.set_audit(std::to_string(profile.customer_id), http::audit_fields(request));
        return http::reply(200, profile);
      }),
      .audit_entity = "customer"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/portal/orders",
      .access = kCustomer,
      .doc = {.summary = "One's orders, newest first, with status and tracking number",
              .tag = "portal",
              .response = http::json_body<http::Page<PortalOrder>>(),
              .query_params = {"limit", "cursor"}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto page, http::id_page(ctx));
        ECRM_ASSIGN_OR_RETURN(auto items, service.orders(ctx.principal(), page.last_id, page.limit));
        return http::reply(200, http::page_by_id(std::move(items), page.limit));
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/portal/orders/{id}",
      .access = kCustomer,
      .doc = {.summary = "One of one's orders: lines, tracking (status changes with carrier and "
                         "tracking number) and returns",
              .tag = "portal",
              .response = http::json_body<PortalOrderView>(),
              .error_statuses = {404}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto view, service.order(ctx.principal(), id));
        return http::reply(200, view);
      })});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/portal/orders/{id}/returns",
      .access = kCustomer,
      .doc = {.summary = "Ask to return items of one's shipped or delivered order",
              .tag = "portal",
              .request = http::json_body<orders::ReturnInput>(),
              .response = http::json_body<PortalReturn>(),
              .success_status = 201,
              .error_statuses = {404, 409, 422}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<orders::ReturnInput>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto created, service.create_return(ctx.principal(), id, input));
        ctx.set_audit(std::to_string(created.id));
        return http::reply(201, created);
      }),
      .audit_entity = "return"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/portal/returns",
      .access = kCustomer,
      .doc = {.summary = "One's returns, newest first",
              .tag = "portal",
              .response = http::json_body<http::Items<PortalReturn>>()},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto items, service.returns(ctx.principal()));
        return http::reply(200, http::Items<PortalReturn>{std::move(items)});
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/portal/warranty",
      .access = kCustomer,
      .doc = {.summary = "What one bought and until when each item is under warranty",
              .tag = "portal",
              .response = http::json_body<http::Items<WarrantyItem>>()},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto items, service.warranty(ctx.principal()));
        return http::reply(200, http::Items<WarrantyItem>{std::move(items)});
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/portal/export",
      .access = kCustomer,
      .doc = {.summary = "Download everything the shop holds on oneself as one JSON document",
              .tag = "portal",
              .response = export_body()},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto data, service.export_data(ctx.principal()));
        Response response = http::json_response(200, data);
        response.header("Content-Disposition", "attachment; filename=\"my-data.json\"");
        return response;
      })});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/portal/erase-requests",
      .access = kCustomer,
      .doc = {.summary = "Ask the shop to erase one's data (staff act on it; one open request "
                         "at a time)",
              .tag = "portal",
              .request = http::json_body<EraseRequestInput>(),
              .response = http::json_body<EraseRequest>(),
              .success_status = 201,
              .error_statuses = {409}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<EraseRequestInput>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto created, service.request_erasure(ctx.principal(), input));
        ctx.set_audit(std::to_string(created.id));
        return http::reply(201, created);
      }),
      .audit_entity = "erase_request"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/portal/erase-requests",
      .access = kCustomer,
      .doc = {.summary = "One's erase requests and what became of them, newest first",
              .tag = "portal",
              .response = http::json_body<EraseRequests>()},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto items, service.erase_requests(ctx.principal()));
        return http::reply(200, EraseRequests{std::move(items)});
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/portal/tickets",
      .access = kCustomer,
      .doc = {.summary = "One's service requests (tickets), newest first",
              .tag = "portal",
              .response = http::json_body<http::Items<PortalTicket>>()},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto items, service.tickets(ctx.principal()));
        return http::reply(200, http::Items<PortalTicket>{std::move(items)});
      })});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/portal/tickets",
      .access = kCustomer,
      .doc = {.summary = "Ask for help: a ticket about one's order or a product, with files",
              .tag = "portal",
              .request = http::json_body<TicketRequest>(),
              .response = http::json_body<PortalTicketView>(),
              .success_status = 201,
              .error_statuses = {422}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto request, http::read_body<TicketRequest>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto view, service.open_ticket(ctx.principal(), request));
        ctx.set_audit(std::to_string(view.ticket.id));
        return http::reply(201, view);
      }),
      .max_body = kMaxAttachmentBody,
      .audit_entity = "ticket"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/portal/tickets/{id}",
      .access = kCustomer,
      .doc = {.summary = "One of one's tickets with its conversation (the shop's internal notes "
                         "left out), its quote and one's rating",
              .tag = "portal",
              .response = http::json_body<PortalTicketView>(),
              .error_statuses = {404}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto view, service.ticket(ctx.principal(), id));
        return http::reply(200, view);
      })});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/portal/tickets/{id}/messages",
      .access = kCustomer,
      .doc = {.summary = "Answer on one's ticket, with files (a solved ticket opens again)",
              .tag = "portal",
              .request = http::json_body<MessageRequest>(),
              .response = http::json_body<PortalTicketView>(),
              .success_status = 201,
              .error_statuses = {404}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto request, http::read_body<MessageRequest>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto view, service.add_message(ctx.principal(), id, request));
        return http::reply(201, view);
      }),
      .max_body = kMaxAttachmentBody,
      .audit_entity = "ticket"});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/portal/tickets/{id}/quote",
      .access = kCustomer,
      .doc = {.summary = "Accept or decline the quote for paid service on one's ticket",
              .tag = "portal",
              .request = http::json_body<QuoteAnswer>(),
              .response = http::json_body<PortalTicketView>(),
              .error_statuses = {404, 409}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto answer, http::read_body<QuoteAnswer>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto view, service.answer_quote(ctx.principal(), id, answer));
        return http::reply(200, view);
      }),
      .audit_entity = "ticket"});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/portal/tickets/{id}/rating",
      .access = kCustomer,
      .doc = {.summary = "Rate how a solved ticket was handled (1 to 5, with a comment)",
              .tag = "portal",
              .request = http::json_body<RatingRequest>(),
              .response = http::json_body<PortalTicketView>(),
              .error_statuses = {404, 409}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto request, http::read_body<RatingRequest>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto view, service.rate(ctx.principal(), id, request));
        return http::reply(200, view);
      }),
      .audit_entity = "ticket"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/portal/attachments/{id}",
      .access = kCustomer,
      .doc = {.summary = "Download a file of one's ticket",
              .tag = "portal",
              .response = http::text_body("application/octet-stream"),
              .error_statuses = {404}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto found, service.attachment(ctx.principal(), id));
        Response response;
        response.status = 200;
        response.content_type = service::safe_content_type(found.first.content_type);
        response.body = std::move(found.second);
        response.header("Content-Disposition", service::content_disposition(found.first.filename));
        response.header("X-Content-Type-Options", "nosniff");
        return response;
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/portal/contracts",
      .access = kCustomer,
      .doc = {.summary = "One's service contracts",
              .tag = "portal",
              .response = http::json_body<PortalContracts>()},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto items, service.contracts(ctx.principal()));
        return http::reply(200, items);
      })});

  // Staff's side.
  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/erase-requests",
      .access = Access::needs("customers:erase"),
      .doc = {.summary = "Customers' requests to erase their data, newest first",
              .tag = "customers",
              .response = http::json_body<http::Page<EraseRequest>>(),
              .query = http::query_of<EraseRequestQuery>(),
              .query_params = {"limit", "cursor"}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto query, http::read_query<EraseRequestQuery>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto page, http::id_page(ctx));
        ECRM_ASSIGN_OR_RETURN(auto items,
                              service.list_erase_requests(query, page.last_id, page.limit));
        return http::reply(200, http::page_by_id(std::move(items), page.limit));
      })});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/erase-requests/{id}/close",
      .access = Access::needs("customers:erase"),
      .doc = {.summary = "Close a customer's erase request: erase the customer, or decline with "
                         "a note",
              .tag = "customers",
              .request = http::json_body<CloseEraseRequest>(),
              .response = http::json_body<EraseRequest>(),
              .error_statuses = {404, 409}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto request, http::read_body<CloseEraseRequest>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto closed,
                              service.close_erase_request(id, request, ctx.principal().display()));
        return http::reply(200, closed);
      }),
      .audit_entity = "erase_request"});
}

}  // namespace ecrm::portal
