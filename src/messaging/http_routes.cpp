#include "messaging/http_routes.hpp"

#include <boost/json.hpp>

#include "http/context.hpp"
#include "http/params.hpp"

namespace ecrm::messaging {

using http::Access;
using http::handle;
using http::Method;
using http::RequestContext;
using http::Response;
using http::Route;

namespace {

std::string escape_html(std::string_view s) {
  std::string out;
  for (char ch : s) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += ch;
    }
  }
  return out;
}

// The unsubscribe page: a GET only shows it (link scanners open links), its button POSTs.
Response page(int status, const std::string& title, const std::string& body) {
  Response r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.body = "<!doctype html><html><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
           "content=\"width=device-width\"><title>" + escape_html(title) +
           "</title><style>body{font-family:sans-serif;max-width:32rem;margin:4rem auto;"
           "padding:0 1rem}button{font-size:1rem;padding:.5rem 1rem}</style></head><body><h1>" +
           escape_html(title) + "</h1>" + body + "</body></html>";
  r.header("Cache-Control", "no-store");
  r.header("Referrer-Policy", "no-referrer");
  return r;
}

Response link_error(const Error& error) {
  return page(error.kind == ErrorKind::kNotFound ? 404 : 400, "Unsubscribe",
              "<p>" + escape_html(error.message) + "</p>");
}

}  // namespace

void add_messaging_routes(http::Router& router, MessagingService& service,
                          DeliveryWorker& delivery) {
  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/message-templates",
      .access = Access::needs("marketing:read"),
      .doc = {.summary = "List the message templates (every key in each language)",
              .tag = "messaging",
              .response = http::json_body<http::Items<Template>>()},
      .handler = handle([&service](RequestContext&) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto all, service.templates());
        return http::reply(200, http::Items<Template>{std::move(all)});
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/message-templates/{key}/{language}",
      .access = Access::needs("marketing:read"),
      .doc = {.summary = "One template in one language (en, zh-CN)",
              .tag = "messaging",
              .response = http::json_body<Template>()},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto t, service.get_template(std::string(ctx.param("key")),
                                                           std::string(ctx.param("language"))));
        return http::reply(200, t);
      })});

  router.add(Route{
      .method = Method::kPut,
      .pattern = "/api/v1/message-templates/{key}/{language}",
      .access = Access::needs("marketing:write"),
      .doc = {.summary = "Create or replace a template: subject, HTML and text parts in mustache "
                         "over the fields messaging supplies (customer, with referral_code and "
                         "referral_url, the recipient's own referral link; shop, "
                         "unsubscribe_url, recommendations, product, order, cart, version); a "
                         "part that does not parse or names an unknown field is refused (400 "
                         "naming the part)",
              .tag = "messaging",
              .request = http::json_body<TemplateInput>(),
              .response = http::json_body<Template>()},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<TemplateInput>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto t, service.put_template(std::string(ctx.param("key")),
                                                           std::string(ctx.param("language")),
                                                           input));
        ctx.set_audit(t.key + "/" + t.language,
                      boost::json::serialize(boost::json::object{
                          {"kind", std::string(wire::enum_name(t.kind))}}));
        return http::reply(200, t);
      }),
      .audit_entity = "message_template"});

  router.add(Route{
      .method = Method::kDelete,
      .pattern = "/api/v1/message-templates/{key}/{language}",
      .access = Access::needs("marketing:write"),
      .doc = {.summary = "Delete a template in one language",
              .tag = "messaging",
              .success_status = 204},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        const std::string key(ctx.param("key"));
        const std::string language(ctx.param("language"));
        ECRM_RETURN_IF_ERROR(service.delete_template(key, language));
        ctx.set_audit(key + "/" + language);
        return Response{.status = 204, .content_type = "", .body = ""};
      }),
      .audit_entity = "message_template"});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/message-templates/preview",
      .access = Access::needs("marketing:read"),
      .doc = {.summary = "Render a stored template (template_key, in the customer's language "
                         "unless `language` is given) or a draft being edited for a customer",
              .tag = "messaging",
              .request = http::json_body<PreviewRequest>(),
              .response = http::json_body<Rendered>()},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto request, http::read_body<PreviewRequest>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto rendered, service.preview(request));
        return http::reply(200, rendered);
      }),
      .audited = false});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/messages",
      .access = Access::needs("marketing:write"),
      .doc = {.summary = "Queue a template for a customer; it is rendered and the rules "
                         "(consent for marketing mail, suppressions, frequency caps) are checked "
                         "when it is sent",
              .tag = "messaging",
              .request = http::json_body<SendRequest>(),
              .response = http::json_body<Message>(),
              .success_status = 201},
      .handler = handle([&service, &delivery](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto request, http::read_body<SendRequest>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto message, service.send(request));
        delivery.wake();
        ctx.set_audit(std::to_string(message.id),
                      boost::json::serialize(boost::json::object{
                          {"customer_id", message.customer_id},
                          {"template_key", message.template_key}}));
        return http::reply(201, message);
      }),
      .audit_entity = "message"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/messages",
      .access = Access::needs("marketing:read"),
      .doc = {.summary = "The outbox, newest first: by customer, status and source (a flow's "
                         "or campaign's key)",
              .tag = "messaging",
              .response = http::json_body<http::Page<Message>>(),
              .query = http::query_of<MessageQuery>(),
              .query_params = {"limit", "cursor"}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto page, http::id_page(ctx));
        ECRM_ASSIGN_OR_RETURN(auto query, http::read_query<MessageQuery>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto found, service.list(query, page.last_id.value_or(0), page.limit));
        return http::reply(200, http::page_by_id(std::move(found), page.limit));
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/messages/stats",
      .access = Access::needs("marketing:read"),
      .doc = {.summary = "The outbox by status (wait until queued and sending are 0 to know it "
                         "has drained)",
              .tag = "messaging",
              .response = http::json_body<OutboxStats>()},
      .handler = handle([&service](RequestContext&) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto stats, service.stats());
        return http::reply(200, stats);
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/messages/replies",
      .access = Access::needs("marketing:read"),
      .doc = {.summary = "Reply rate and median reply time per flow or campaign (replies come "
                         "in through ecrm mail-in)",
              .tag = "messaging",
              .response = http::json_body<http::Items<ReplyStats>>()},
      .handler = handle([&service](RequestContext&) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto stats, service.reply_stats());
        return http::reply(200, http::Items<ReplyStats>{std::move(stats)});
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/messages/{id}",
      .access = Access::needs("marketing:read"),
      .doc = {.summary = "One message of the outbox",
              .tag = "messaging",
              .response = http::json_body<Message>()},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto message, service.get(id));
        return http::reply(200, message);
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/u/{token}",
      .access = Access::public_route(),
      .doc = {.summary = "The unsubscribe page of a message's signed link: shows whom it is for "
                         "and a button; opening it changes nothing",
              .tag = "messaging",
              .response = http::text_body("text/html")},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        auto target = service.unsubscribe_target(std::string(ctx.param("token")));
        if (!target.ok()) return link_error(target.error());
        if (!target->subscribed) {
          return page(200, "Unsubscribed",
                      "<p>" + escape_html(target->address) +
                          " receives no marketing e-mail from us.</p>");
        }
        return page(200, "Unsubscribe",
                    "<p>Stop marketing e-mail to " + escape_html(target->address) +
                        "? Order and shipping messages still come.</p><form method=\"post\">"
                        "<button type=\"submit\">Unsubscribe</button></form>");
      }),
      .audited = false});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/u/{token}",
      .access = Access::public_route(),
      .doc = {.summary = "Unsubscribe with a message's signed link: the page's button, or a "
                         "mail client's one-click POST (RFC 8058, body "
                         "List-Unsubscribe=One-Click); revokes e-mail consent, recorded with "
                         "when and how",
              .tag = "messaging",
              .response = http::text_body("text/html")},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        const bool one_click =
            ctx.request().body.find("List-Unsubscribe=One-Click") != std::string::npos;
        auto target = service.unsubscribe(std::string(ctx.param("token")),
                                          one_click ? "one-click unsubscribe" : "unsubscribe link");
        if (!target.ok()) return link_error(target.error());
        return page(200, "Unsubscribed",
                    "<p>" + escape_html(target->address) +
                        " will receive no more marketing e-mail from us.</p>");
      }),
      .audited = false});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/o/{token}",
      .access = Access::public_route(),
      .doc = {.summary = "A message's open pixel (signed): records the open, answers a 1×1 GIF",
              .tag = "messaging",
              .response = http::text_body("image/gif")},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_RETURN_IF_ERROR(service.record_open(std::string(ctx.param("token"))));
        static const unsigned char kGif[] = {
            0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00,
            0x00, 0x00, 0xff, 0xff, 0xff, 0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2c,
            0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00,
            0x3b};
        Response r;
        r.status = 200;
        r.content_type = "image/gif";
        r.body.assign(reinterpret_cast<const char*>(kGif), sizeof kGif);
        r.header("Cache-Control", "no-store");
        return r;
      }),
      .audited = false});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/c/{token}",
      .access = Access::public_route(),
      .doc = {.summary = "A message's click redirect (signed, so it goes only where the message "
                         "linked): records the click and redirects (302)",
              .tag = "messaging",
              .success_status = 302},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto url, service.record_click(std::string(ctx.param("token"))));
        Response r;
        r.status = 302;
        r.content_type = "text/plain";
        r.header("Location", url);
        r.header("Cache-Control", "no-store");
        r.header("Referrer-Policy", "no-referrer");
        return r;
      }),
      .audited = false});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/messages/{id}/events",
      .access = Access::needs("marketing:read"),
      .doc = {.summary = "What happened to a message: sent, deferred (and why), suppressed, "
                         "failed, opens, clicks, replies, bounces, unsubscribes",
              .tag = "messaging",
              .response = http::json_body<http::Items<MessageEvent>>()},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto events, service.events(id));
        return http::reply(200, http::Items<MessageEvent>{std::move(events)});
      })});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/message-templates/test-send",
      .access = Access::needs("marketing:write"),
      .doc = {.summary = "Send a stored template or a draft, rendered for a customer, to a staff "
                         "address at once (subject starts with [Test]; not through the outbox; "
                         "409 without an SMTP relay)",
              .tag = "messaging",
              .request = http::json_body<TestSendRequest>(),
              .response = http::json_body<TestSendResult>(),
              .error_statuses = {409}},
      .handler = handle([&service, &delivery](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto request, http::read_body<TestSendRequest>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto message, service.test_message(request));
        ECRM_ASSIGN_OR_RETURN(auto outcome, delivery.send_now(message.first, message.second));
        ctx.set_audit(request.template_key.value_or("draft"),
                      boost::json::serialize(boost::json::object{{"to", request.to}}));
        return http::reply(200, TestSendResult{outcome.kind == SmtpOutcome::Kind::kAccepted,
                                               outcome.reply});
      }),
      .audit_entity = "message_test"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/suppressions",
      .access = Access::needs("marketing:read"),
      .doc = {.summary = "Addresses mail does not go to (bounced, complaints, added by staff), "
                         "newest first",
              .tag = "messaging",
              .response = http::json_body<http::Items<Suppression>>(),
              .query = http::query_of<SuppressionQuery>(),
              .query_params = {"limit"}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto page, http::id_page(ctx));
        ECRM_ASSIGN_OR_RETURN(auto query, http::read_query<SuppressionQuery>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto found, service.suppressions(query, page.limit));
        return http::reply(200, http::Items<Suppression>{std::move(found)});
      })});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/suppressions",
      .access = Access::needs("marketing:write"),
      .doc = {.summary = "Stop all mail to an address",
              .tag = "messaging",
              .request = http::json_body<SuppressionInput>(),
              .response = http::json_body<Suppression>(),
              .success_status = 201},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<SuppressionInput>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto stored, service.suppress_address(input));
        ctx.set_audit(stored.address);
        return http::reply(201, stored);
      }),
      .audit_entity = "suppression"});

  router.add(Route{
      .method = Method::kDelete,
      .pattern = "/api/v1/suppressions/{address}",
      .access = Access::needs("marketing:write"),
      .doc = {.summary = "Let mail go to an address again (after a bounce was fixed)",
              .tag = "messaging",
              .success_status = 204},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        const std::string address(ctx.param("address"));
        ECRM_RETURN_IF_ERROR(service.unsuppress(address));
        ctx.set_audit(address);
        return http::no_content();
      }),
      .audit_entity = "suppression"});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/messages/age",
      .access = Access::needs("marketing:write"),
      .doc = {.summary = "Age the message log now (the server does it daily): messages and "
                         "events older than keep_days are counted per day, source and outcome, "
                         "and deleted",
              .tag = "messaging",
              .request = http::json_body<AgeingRequest>(),
              .response = http::json_body<AgeingResult>()},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto request, http::read_body<AgeingRequest>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto result, service.age_log(request.keep_days));
        ctx.set_audit("message_log");
        return http::reply(200, result);
      }),
      .audit_entity = "message_log"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/messaging/rules",
      .access = Access::needs("marketing:read"),
      .doc = {.summary = "The rules marketing mail is sent by: frequency caps per customer and "
                         "quiet hours",
              .tag = "messaging",
              .response = http::json_body<SendingRules>()},
      .handler = handle([&service](RequestContext&) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto rules, service.rules());
        return http::reply(200, rules);
      })});

  router.add(Route{
      .method = Method::kPut,
      .pattern = "/api/v1/messaging/rules",
      .access = Access::needs("marketing:write"),
      .doc = {.summary = "Change the frequency caps (0: none) and quiet hours (HH:MM-HH:MM in the "
                         "shop's time zone, empty: none); messages held by them are checked "
                         "again when next due",
              .tag = "messaging",
              .request = http::json_body<SendingRules>(),
              .response = http::json_body<SendingRules>()},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto rules, http::read_body<SendingRules>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto stored, service.set_rules(rules));
        ctx.set_audit("messaging_rules", boost::json::serialize(wire::to_json(stored)));
        return http::reply(200, stored);
      }),
      .audit_entity = "messaging_rules"});
}

}  // namespace ecrm::messaging
