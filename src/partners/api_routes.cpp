#include "partners/api_routes.hpp"

#include <algorithm>

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
constexpr const char* kTag = "partners";
constexpr const char* kPortalTag = "partner portal";

Status admin_only(const UserOfSession& u) {
  if (u.user.role != PartnerRole::kPartnerAdmin) {
    return Error::forbidden("only a partner admin may do this", "partner_admin_required");
  }
  return {};
}

Status session_only(const UserOfSession& u) {
  if (u.api_key_id != 0) {
    return Error::forbidden("an API key cannot manage API keys; sign in to the partner portal",
                            "api_key_not_allowed");
  }
  return {};
}

// kNotFound unless `key_id` is one of the partner's keys.
Status own_key(PartnerApiKeys& keys, std::int64_t partner_id, std::int64_t key_id) {
  ECRM_ASSIGN_OR_RETURN(auto list, keys.list(partner_id));
  if (std::none_of(list.begin(), list.end(),
                   [&](const PartnerApiKey& k) { return k.id == key_id; })) {
    return Error::not_found("no such API key", "not_found");
  }
  return {};
}

Status own_webhook(PartnerWebhooks& webhooks, std::int64_t partner_id, std::int64_t webhook_id) {
  ECRM_ASSIGN_OR_RETURN(auto list, webhooks.list(partner_id));
  if (std::none_of(list.begin(), list.end(),
                   [&](const PartnerWebhook& w) { return w.id == webhook_id; })) {
    return Error::not_found("no such webhook", "not_found");
  }
  return {};
}

void add_portal_routes(http::Router& router, PartnerService& service, PartnerApiKeys& keys,
                       PartnerWebhooks& webhooks) {
  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/portal/partner/api-keys",
      .access = kPartner,
      .doc = {.summary = "The partner's API keys (without their secrets), revoked ones included",
              .tag = kPortalTag,
              .response = http::json_body<http::Items<PartnerApiKey>>()},
      .handler = handle([&service, &keys](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto u, service.caller(ctx.principal()));
        ECRM_ASSIGN_OR_RETURN(auto list, keys.list(u.user.partner_id));
        return http::reply(200, http::Items<PartnerApiKey>{std::move(list)});
      })});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/portal/partner/api-keys",
      .access = kPartner,
      .doc = {.summary = "Make an API key for the partner's programs (partner admins, signed in): "
                         "the secret is in the answer only; send it as Authorization: Bearer",
              .tag = kPortalTag,
              .request = http::json_body<PartnerApiKeyInput>(),
              .response = http::json_body<CreatedPartnerApiKey>(),
              .success_status = 201},
      .handler = handle([&service, &keys](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto u, service.caller(ctx.principal()));
        ECRM_RETURN_IF_ERROR(session_only(u));
        ECRM_RETURN_IF_ERROR(admin_only(u));
        ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<PartnerApiKeyInput>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto created,
                              keys.create(u.user.partner_id, input, ctx.principal().display()));
        ctx.set_audit(std::to_string(created.id));
        return http::reply(201, created);
      }),
      .audit_entity = "partner_api_key"});

  router.add(Route{
      .method = Method::kDelete,
      .pattern = "/api/v1/portal/partner/api-keys/{id}",
      .access = kPartner,
      .doc = {.summary = "Revoke one of the partner's API keys (partner admins, signed in): it is "
                         "refused from the next request",
              .tag = kPortalTag,
              .success_status = 204,
              .error_statuses = {404}},
      .handler = handle([&service, &keys](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto u, service.caller(ctx.principal()));
        ECRM_RETURN_IF_ERROR(own_key(keys, u.user.partner_id, id));
        ECRM_RETURN_IF_ERROR(session_only(u));
        ECRM_RETURN_IF_ERROR(admin_only(u));
        ECRM_RETURN_IF_ERROR(keys.revoke(u.user.partner_id, id));
        return http::no_content();
      }),
      .audit_entity = "partner_api_key"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/portal/partner/webhooks",
      .access = kPartner,
      .doc = {.summary = "The partner's webhooks (without their secrets)",
              .tag = kPortalTag,
              .response = http::json_body<http::Items<PartnerWebhook>>()},
      .handler = handle([&service, &webhooks](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto u, service.caller(ctx.principal()));
        ECRM_ASSIGN_OR_RETURN(auto list, webhooks.list(u.user.partner_id));
        return http::reply(200, http::Items<PartnerWebhook>{std::move(list)});
      })});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/portal/partner/webhooks",
      .access = kPartner,
      .doc = {.summary = "Register a webhook for the partner's order lines (partner admins): "
                         "order_line.created, order_line.updated; the signing secret is in the "
                         "answer only",
              .tag = kPortalTag,
              .request = http::json_body<PartnerWebhookInput>(),
              .response = http::json_body<CreatedPartnerWebhook>(),
              .success_status = 201,
              .error_statuses = {409}},
      .handler = handle([&service, &webhooks](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto u, service.caller(ctx.principal()));
        ECRM_RETURN_IF_ERROR(admin_only(u));
        ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<PartnerWebhookInput>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto created, webhooks.create(u.user.partner_id, input));
        ctx.set_audit(std::to_string(created.id));
        return http::reply(201, created);
      }),
      .audit_entity = "partner_webhook"});

  router.add(Route{
      .method = Method::kDelete,
      .pattern = "/api/v1/portal/partner/webhooks/{id}",
      .access = kPartner,
      .doc = {.summary = "Stop one of the partner's webhooks (partner admins); what is still "
                         "queued for it is not sent",
              .tag = kPortalTag,
              .success_status = 204,
              .error_statuses = {404}},
      .handler = handle([&service, &webhooks](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto u, service.caller(ctx.principal()));
        ECRM_RETURN_IF_ERROR(own_webhook(webhooks, u.user.partner_id, id));
        ECRM_RETURN_IF_ERROR(admin_only(u));
        ECRM_RETURN_IF_ERROR(webhooks.remove(u.user.partner_id, id));
        return http::no_content();
      }),
      .audit_entity = "partner_webhook"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/portal/partner/webhooks/{id}/deliveries",
      .access = kPartner,
      .doc = {.summary = "The deliveries of one of the partner's webhooks, newest first: event, "
                         "line, status, attempts, the last answer",
              .tag = kPortalTag,
              .response = http::json_body<http::Page<PartnerWebhookDelivery>>(),
              .error_statuses = {404},
              .query_params = {"limit", "cursor"}},
      .handler = handle([&service, &webhooks](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto u, service.caller(ctx.principal()));
        ECRM_ASSIGN_OR_RETURN(auto page, http::id_page(ctx, 50, 200));
        ECRM_ASSIGN_OR_RETURN(auto list,
                              webhooks.deliveries(u.user.partner_id, id, page.last_id, page.limit));
        return http::reply(200, http::page_by_id(std::move(list), page.limit));
      })});
}

void add_staff_routes(http::Router& router, PartnerApiKeys& keys, PartnerWebhooks& webhooks) {
  const Access read = Access::needs("partners:read");
  const Access write = Access::needs("partners:write");
  router.add(Route{.method = Method::kGet,
                   .pattern = "/api/v1/partners/{id}/api-keys",
                   .access = read,
                   .doc = {.summary = "A partner's API keys (without their secrets)",
                           .tag = kTag,
                           .response = http::json_body<http::Items<PartnerApiKey>>(),
                           .error_statuses = {404}},
                   .handler = handle([&keys](RequestContext& ctx) -> Result<Response> {
                     ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
                     ECRM_ASSIGN_OR_RETURN(auto list, keys.list(id));
                     return http::reply(200, http::Items<PartnerApiKey>{std::move(list)});
                   })});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/partners/{id}/api-keys",
      .access = write,
      .doc = {.summary = "Make an API key acting as the partner on the partner portal's routes "
                         "only (the secret is in the answer only)",
              .tag = kTag,
              .request = http::json_body<PartnerApiKeyInput>(),
              .response = http::json_body<CreatedPartnerApiKey>(),
              .success_status = 201,
              .error_statuses = {404}},
      .handler = handle([&keys](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<PartnerApiKeyInput>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto created, keys.create(id, input, ctx.principal().display()));
        ctx.set_audit(std::to_string(created.id));
        return http::reply(201, created);
      }),
      .audit_entity = "partner_api_key"});

  router.add(Route{.method = Method::kDelete,
                   .pattern = "/api/v1/partners/{id}/api-keys/{key_id}",
                   .access = write,
                   .doc = {.summary = "Revoke a partner's API key",
                           .tag = kTag,
                           .success_status = 204,
                           .error_statuses = {404}},
                   .handler = handle([&keys](RequestContext& ctx) -> Result<Response> {
                     ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
                     ECRM_ASSIGN_OR_RETURN(auto key_id, ctx.id_param("key_id"));
                     ECRM_RETURN_IF_ERROR(keys.revoke(id, key_id));
                     ctx.set_audit(std::to_string(key_id));
                     return http::no_content();
                   }),
                   .audit_entity = "partner_api_key"});

  router.add(Route{.method = Method::kGet,
                   .pattern = "/api/v1/partners/{id}/webhooks",
                   .access = read,
                   .doc = {.summary = "A partner's webhooks (without their secrets)",
                           .tag = kTag,
                           .response = http::json_body<http::Items<PartnerWebhook>>(),
                           .error_statuses = {404}},
                   .handler = handle([&webhooks](RequestContext& ctx) -> Result<Response> {
                     ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
                     ECRM_ASSIGN_OR_RETURN(auto list, webhooks.list(id));
                     return http::reply(200, http::Items<PartnerWebhook>{std::move(list)});
                   })});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/partners/{id}/webhooks",
      .access = write,
      .doc = {.summary = "Register a webhook for a partner's order lines: order_line.created, "
                         "order_line.updated; the signing secret is in the answer only",
              .tag = kTag,
              .request = http::json_body<PartnerWebhookInput>(),
              .response = http::json_body<CreatedPartnerWebhook>(),
              .success_status = 201,
              .error_statuses = {404, 409}},
      .handler = handle([&webhooks](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<PartnerWebhookInput>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto created, webhooks.create(id, input));
        ctx.set_audit(std::to_string(created.id));
        return http::reply(201, created);
      }),
      .audit_entity = "partner_webhook"});

  router.add(Route{.method = Method::kPatch,
                   .pattern = "/api/v1/partners/{id}/webhooks/{webhook_id}",
                   .access = write,
                   .doc = {.summary = "Change the address or the events of a partner's active "
                                      "webhook (its secret stays)",
                           .tag = kTag,
                           .request = http::json_body<PartnerWebhookChanges>(),
                           .response = http::json_body<PartnerWebhook>(),
                           .error_statuses = {404}},
                   .handler = handle([&webhooks](RequestContext& ctx) -> Result<Response> {
                     ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
                     ECRM_ASSIGN_OR_RETURN(auto webhook_id, ctx.id_param("webhook_id"));
                     ECRM_ASSIGN_OR_RETURN(auto changes,
                                           http::read_body<PartnerWebhookChanges>(ctx));
                     ECRM_ASSIGN_OR_RETURN(auto hook, webhooks.update(id, webhook_id, changes));
                     ctx.set_audit(std::to_string(webhook_id));
                     return http::reply(200, hook);
                   }),
                   .audit_entity = "partner_webhook"});

  router.add(Route{.method = Method::kDelete,
                   .pattern = "/api/v1/partners/{id}/webhooks/{webhook_id}",
                   .access = write,
                   .doc = {.summary = "Stop a partner's webhook; what is still queued for it is "
                                      "not sent",
                           .tag = kTag,
                           .success_status = 204,
                           .error_statuses = {404}},
                   .handler = handle([&webhooks](RequestContext& ctx) -> Result<Response> {
                     ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
                     ECRM_ASSIGN_OR_RETURN(auto webhook_id, ctx.id_param("webhook_id"));
                     ECRM_RETURN_IF_ERROR(webhooks.remove(id, webhook_id));
                     ctx.set_audit(std::to_string(webhook_id));
                     return http::no_content();
                   }),
                   .audit_entity = "partner_webhook"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/partners/{id}/webhooks/{webhook_id}/deliveries",
      .access = read,
      .doc = {.summary = "The deliveries of a partner's webhook, newest first: event, line, "
                         "status, attempts, the last answer",
              .tag = kTag,
              .response = http::json_body<http::Page<PartnerWebhookDelivery>>(),
              .error_statuses = {404},
              .query_params = {"limit", "cursor"}},
      .handler = handle([&webhooks](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto webhook_id, ctx.id_param("webhook_id"));
        ECRM_ASSIGN_OR_RETURN(auto page, http::id_page(ctx, 50, 200));
        ECRM_ASSIGN_OR_RETURN(auto list,
                              webhooks.deliveries(id, webhook_id, page.last_id, page.limit));
        return http::reply(200, http::page_by_id(std::move(list), page.limit));
      })});
}

}  // namespace

void add_partner_api_routes(http::Router& router, PartnerService& service, PartnerApiKeys& keys,
                            PartnerWebhooks& webhooks) {
  add_portal_routes(router, service, keys, webhooks);
  add_staff_routes(router, keys, webhooks);
}

void add_purchasing_routes(http::Router& router, PurchasingService& purchasing) {
  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/purchasing/suggestions",
      .access = Access::needs("partners:read"),
      .doc = {.summary = "Purchase suggestions per product partners supply, most urgent first: "
                         "sales per day over the last `days` (28), lead time, stock, safety stock "
                         "for the service level (95 %), reorder point and quantity for lead time "
                         "plus the review period (7 days), the suggested supplier and why; "
                         "format=csv answers the same rows as a CSV download",
              .tag = "purchasing",
              .response = http::json_body<PurchaseSuggestions>(),
              .query = http::query_of<PurchaseSuggestionQuery>()},
      .handler = handle([&purchasing](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto query, http::read_query<PurchaseSuggestionQuery>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto suggestions, purchasing.suggestions(query, now_ms()));
        if (query.format.value_or(SuggestionFormat::kJson) == SuggestionFormat::kCsv) {
          Response response;
          response.content_type = "text/csv; charset=utf-8";
          response.header("Content-Disposition",
                          "attachment; filename=\"purchase-suggestions.csv\"");
          response.body = suggestions_csv(suggestions);
          return response;
        }
        return http::reply(200, suggestions);
      })});
}

}  // namespace ecrm::partners
