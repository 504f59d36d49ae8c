#include "social/http_routes.hpp"

#include <boost/json.hpp>

#include <sstream>

#include "http/context.hpp"
#include "http/params.hpp"

namespace ecrm::social {

namespace json = boost::json;
using http::Access;
using http::handle;
using http::Method;
using http::RequestContext;
using http::Response;
using http::Route;

namespace {

Staff staff_of(const RequestContext& ctx) {
  const auto& p = ctx.principal();
  Staff staff;
  if (p.user_id != 0) staff.user_id = p.user_id;
  staff.name = p.display();
  return staff;
}

struct AliasesView {
  std::vector<std::string> aliases;
};
ECRM_DESCRIBE(AliasesView, aliases)

constexpr std::size_t kMaxWebhookBody = 4 << 20;
constexpr std::size_t kMaxImportBody = 16 << 20;

}  // namespace

void add_social_routes(http::Router& router, SocialService& social) {
  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/social/mentions",
      .access = Access::public_route(),
      .doc = {.summary = "Take in a batch of social mentions from a listening service: signed with "
                         "X-Ecrm-Timestamp (unix seconds, within 5 minutes) and X-Ecrm-Signature "
                         "(v1=hex HMAC-SHA-256 of \"<timestamp>.<body>\" under the configured "
                         "secret); a repeated platform and external_id is stored once",
              .tag = "social",
              .request = http::json_body<MentionBatch>(),
              .response = http::json_body<IngestResult>(),
              .error_statuses = {401}},
      .handler = handle([&social](RequestContext& ctx) -> Result<Response> {
        const auto& request = ctx.request();
        ECRM_RETURN_IF_ERROR(social.verify(request.headers.get("x-ecrm-timestamp"),
                                           request.headers.get("x-ecrm-signature"), request.body,
                                           now_ms()));
        ECRM_ASSIGN_OR_RETURN(auto batch, http::read_body<MentionBatch>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto result, social.ingest(batch, MentionSource::kWebhook));
        return http::reply(200, result);
      }),
      .max_body = kMaxWebhookBody,
      .audit_entity = "social_mention",
      .audited = false});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/social/import",
      .access = Access::needs("social:write"),
      .doc = {.summary = "Import social mentions from CSV (columns platform, author_handle, url, "
                         "text, time; external_id optional): bad lines are reported with their "
                         "line numbers, and without skip_bad nothing is stored from a file with one",
              .tag = "social",
              .request = http::text_body("text/csv"),
              .response = http::json_body<MentionImportReport>(),
              .error_statuses = {413},
              .query = http::query_of<MentionImportQuery>()},
      .handler = handle([&social](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto query, http::read_query<MentionImportQuery>(ctx));
        std::istringstream in(ctx.request().body);
        ECRM_ASSIGN_OR_RETURN(auto report, social.import_csv(in, query.skip_bad));
        ctx.set_audit("", json::serialize(json::object{{"rows", report.rows_read},
                                                       {"stored", report.stored},
                                                       {"bad_rows", report.bad_rows}}));
        return http::reply(200, report);
      }),
      .max_body = kMaxImportBody,
      .audit_entity = "social_import"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/social/mentions",
      .access = Access::needs("social:read"),
      .doc = {.summary = "The mentions inbox, newest first: by status, platform, sentiment, "
                         "product, customer and the time posted",
              .tag = "social",
              .response = http::json_body<http::Page<Mention>>(),
              .query = http::query_of<MentionQuery>(),
              .query_params = {"limit", "cursor"}},
      .handler = handle([&social](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto query, http::read_query<MentionQuery>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto page, http::id_page(ctx, 50, 200));
        ECRM_ASSIGN_OR_RETURN(auto list, social.list(query, page.last_id, page.limit));
        return http::reply(200, http::page_by_id(std::move(list), page.limit));
      })});

  router.add(Route{.method = Method::kGet,
                   .pattern = "/api/v1/social/mentions/{id}",
                   .access = Access::needs("social:read"),
                   .doc = {.summary = "A mention with its products, customer and replies",
                           .tag = "social",
                           .response = http::json_body<MentionDetail>(),
                           .error_statuses = {404}},
                   .handler = handle([&social](RequestContext& ctx) -> Result<Response> {
                     ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
                     ECRM_ASSIGN_OR_RETURN(auto detail, social.get(id));
                     return http::reply(200, detail);
                   })});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/social/mentions/{id}/replies",
      .access = Access::needs("social:write"),
      .doc = {.summary = "MentionReply to a mention: recorded, posted back through the outgoing webhook "
                         "(retried until it answers 2xx, else failed with its answer), on the "
                         "customer's timeline when the mention is theirs",
              .tag = "social",
              .request = http::json_body<ReplyInput>(),
              .response = http::json_body<MentionReply>(),
              .success_status = 201,
              .error_statuses = {404}},
      .handler = handle([&social](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<ReplyInput>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto reply, social.reply(id, input, staff_of(ctx)));
        ctx.set_audit(std::to_string(id));
        return http::reply(201, reply);
      }),
      .audit_entity = "social_mention"});

  router.add(Route{.method = Method::kPost,
                   .pattern = "/api/v1/social/replies/{id}/retry",
                   .access = Access::needs("social:write"),
                   .doc = {.summary = "Post a failed or unsent reply again",
                           .tag = "social",
                           .response = http::json_body<MentionReply>(),
                           .error_statuses = {404, 409}},
                   .handler = handle([&social](RequestContext& ctx) -> Result<Response> {
                     ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
                     ECRM_ASSIGN_OR_RETURN(auto reply, social.retry_reply(id));
                     ctx.set_audit(std::to_string(id));
                     return http::reply(200, reply);
                   }),
                   .audit_entity = "social_reply"});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/social/mentions/{id}/escalate",
      .access = Access::needs("social:write"),
      .doc = {.summary = "Escalate a mention to a ticket through the service desk (once: asked "
                         "again, the same ticket), on its customer or a new lead with the author's "
                         "handle",
              .tag = "social",
              .request = http::json_body<EscalateRequest>(),
              .response = http::json_body<EscalateResult>(),
              .error_statuses = {404}},
      .handler = handle([&social](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        EscalateRequest request;
        if (!ctx.request().body.empty()) {
          ECRM_ASSIGN_OR_RETURN(request, http::read_body<EscalateRequest>(ctx));
        }
        ECRM_ASSIGN_OR_RETURN(auto result, social.escalate(id, request, staff_of(ctx)));
        ctx.set_audit(std::to_string(id), json::serialize(json::object{{"ticket_id", result.ticket_id}}));
        return http::reply(200, result);
      }),
      .audit_entity = "social_mention"});

  router.add(Route{.method = Method::kPost,
                   .pattern = "/api/v1/social/mentions/{id}/handled",
                   .access = Access::needs("social:write"),
                   .doc = {.summary = "Mark a mention handled",
                           .tag = "social",
                           .response = http::json_body<Mention>(),
                           .error_statuses = {404}},
                   .handler = handle([&social](RequestContext& ctx) -> Result<Response> {
                     ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
                     ECRM_ASSIGN_OR_RETURN(auto mention, social.mark_handled(id, staff_of(ctx)));
                     ctx.set_audit(std::to_string(id));
                     return http::reply(200, mention);
                   }),
                   .audit_entity = "social_mention"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/social/reputation",
      .access = Access::needs("social:read"),
      .doc = {.summary = "The reputation dashboard: mentions and their sentiment per day or week, "
                         "sentiment shares, platforms and the most used words and phrases",
              .tag = "social",
              .response = http::json_body<Reputation>(),
              .query = http::query_of<ReputationQuery>()},
      .handler = handle([&social](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto query, http::read_query<ReputationQuery>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto rep, social.reputation(query, now_ms()));
        return http::reply(200, rep);
      })});

  router.add(Route{.method = Method::kGet,
                   .pattern = "/api/v1/social/settings",
                   .access = Access::needs("social:admin"),
                   .doc = {.summary = "The social webhooks' settings (secrets only as set or not)",
                           .tag = "social",
                           .response = http::json_body<SocialSettings>()},
                   .handler = handle([&social](RequestContext&) -> Result<Response> {
                     ECRM_ASSIGN_OR_RETURN(auto view, social.settings());
                     return http::reply(200, view);
                   })});

  router.add(Route{.method = Method::kPut,
                   .pattern = "/api/v1/social/settings",
                   .access = Access::needs("social:admin"),
                   .doc = {.summary = "Set the incoming webhook's secret and the outgoing webhook "
                                      "replies are posted to",
                           .tag = "social",
                           .request = http::json_body<SocialSettingsInput>(),
                           .response = http::json_body<SocialSettings>()},
                   .handler = handle([&social](RequestContext& ctx) -> Result<Response> {
                     ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<SocialSettingsInput>(ctx));
                     ECRM_ASSIGN_OR_RETURN(auto view, social.put_settings(input));
                     ctx.set_audit("default", http::audit_fields(input));
                     return http::reply(200, view);
                   }),
                   .audit_entity = "social_settings"});

  router.add(Route{.method = Method::kGet,
                   .pattern = "/api/v1/customers/{id}/social-handles",
                   .access = Access::needs("customers:read"),
                   .doc = {.summary = "A customer's handles on social platforms",
                           .tag = "social",
                           .response = http::json_body<SocialHandlesInput>(),
                           .error_statuses = {404}},
                   .handler = handle([&social](RequestContext& ctx) -> Result<Response> {
                     ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
                     ECRM_ASSIGN_OR_RETURN(auto list, social.handles(id));
                     return http::reply(200, SocialHandlesInput{std::move(list)});
                   })});

  router.add(Route{.method = Method::kPut,
                   .pattern = "/api/v1/customers/{id}/social-handles",
                   .access = Access::needs("customers:write"),
                   .doc = {.summary = "Replace a customer's social handles; their mentions not yet "
                                      "matched are matched now",
                           .tag = "social",
                           .request = http::json_body<SocialHandlesInput>(),
                           .response = http::json_body<SocialHandlesInput>(),
                           .error_statuses = {404, 409}},
                   .handler = handle([&social](RequestContext& ctx) -> Result<Response> {
                     ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
                     ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<SocialHandlesInput>(ctx));
                     ECRM_ASSIGN_OR_RETURN(auto list, social.put_handles(id, input));
                     ctx.set_audit(std::to_string(id));
                     return http::reply(200, SocialHandlesInput{std::move(list)});
                   }),
                   .audit_entity = "customer"});

  router.add(Route{.method = Method::kGet,
                   .pattern = "/api/v1/products/{id}/aliases",
                   .access = Access::needs("catalog:read"),
                   .doc = {.summary = "Other names a product goes by (matched in social mentions)",
                           .tag = "social",
                           .response = http::json_body<AliasesView>(),
                           .error_statuses = {404}},
                   .handler = handle([&social](RequestContext& ctx) -> Result<Response> {
                     ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
                     ECRM_ASSIGN_OR_RETURN(auto list, social.aliases(id));
                     return http::reply(200, AliasesView{std::move(list)});
                   })});

  router.add(Route{.method = Method::kPut,
                   .pattern = "/api/v1/products/{id}/aliases",
                   .access = Access::needs("catalog:write"),
                   .doc = {.summary = "Replace a product's aliases",
                           .tag = "social",
                           .request = http::json_body<AliasesInput>(),
                           .response = http::json_body<AliasesView>(),
                           .error_statuses = {404}},
                   .handler = handle([&social](RequestContext& ctx) -> Result<Response> {
                     ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
                     ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<AliasesInput>(ctx));
                     ECRM_ASSIGN_OR_RETURN(auto list, social.put_aliases(id, input));
                     ctx.set_audit(std::to_string(id));
                     return http::reply(200, AliasesView{std::move(list)});
                   }),
                   .audit_entity = "product"});
}

}  // namespace ecrm::social
