#include "notices/http_routes.hpp"

#include <boost/json.hpp>

#include <algorithm>

#include "core/time.hpp"
#include "http/context.hpp"
#include "http/params.hpp"
#include "http/wire.hpp"

namespace ecrm::notices {

using http::Access;
using http::handle;
using http::Method;
using http::RequestContext;
using http::Response;
using http::Route;

namespace {

// The topic of the path, and whether the caller may follow it: feedback alerts need the scope
// that reads feedback reports.
Result<NoticeTopic> topic_of(const RequestContext& ctx) {
  const auto topic = wire::parse_enum<NoticeTopic>(ctx.param("topic"));
  if (!topic) return Error::not_found("no such topic");
  const auto& scopes = ctx.principal().scopes;
  if (std::find(scopes.begin(), scopes.end(), "feedback:read") == scopes.end()) {
    return Error::forbidden("following feedback alerts needs the scope feedback:read");
  }
  return *topic;
}

}  // namespace

void add_notice_routes(http::Router& router, StaffNotices& notices) {
  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/notices/subscriptions/{topic}",
      .access = Access::session_only(),
      .doc = {.summary = "The signed-in staff user's subscriptions to a topic (feedback: feedback "
                         "alerts of every product, of categories or of products)",
              .tag = "notices",
              .response = http::json_body<Subscriptions>(),
              .error_statuses = {403, 404}},
      .handler = handle([&notices](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto topic, topic_of(ctx));
        ECRM_ASSIGN_OR_RETURN(auto s, notices.subscriptions(ctx.principal().user_id, topic));
        return http::reply(200, s);
      })});

  router.add(Route{
      .method = Method::kPut,
      .pattern = "/api/v1/notices/subscriptions/{topic}",
      .access = Access::session_only(),
      .doc = {.summary = "Replace the signed-in staff user's subscriptions to a topic: all, "
                         "product_ids, category_ids (absent: none); each follower gets a notice "
                         "and an e-mail when the topic's job raises an alert; an unknown id is a "
                         "400 naming it (product_ids[1]) and nothing is stored",
              .tag = "notices",
              .request = http::json_body<SubscriptionsInput>(),
              .response = http::json_body<Subscriptions>(),
              .error_statuses = {403, 404}},
      .handler = handle([&notices](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto topic, topic_of(ctx));
        ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<SubscriptionsInput>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto s, notices.set_subscriptions(ctx.principal().user_id, topic,
                                                                input, now_ms()));
        ctx.set_audit(std::string(wire::enum_name(topic)),
                      boost::json::serialize(wire::to_json(s)));
        return http::reply(200, s);
      }),
      .audit_entity = "staff_subscriptions"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/notices",
      .access = Access::session_only(),
      .doc = {.summary = "The signed-in staff user's notices, newest first (state=unread: the "
                         "unread ones only)",
              .tag = "notices",
              .response = http::json_body<http::Page<Notice>>(),
              .query = http::query_of<NoticeQuery>(),
              .query_params = {"limit", "cursor"}},
      .handler = handle([&notices](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto query, http::read_query<NoticeQuery>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto page, http::id_page(ctx, 20, 200));
        ECRM_ASSIGN_OR_RETURN(auto list, notices.list(ctx.principal().user_id, query,
                                                      page.last_id.value_or(0), page.limit));
        return http::reply(200, http::page_by_id(std::move(list), page.limit));
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/notices/unread",
      .access = Access::session_only(),
      .doc = {.summary = "How many of the signed-in staff user's notices are unread",
              .tag = "notices",
              .response = http::json_body<NoticeCount>()},
      .handler = handle([&notices](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto count, notices.unread(ctx.principal().user_id));
        return http::reply(200, count);
      })});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/notices/{id}/read",
      .access = Access::session_only(),
      .doc = {.summary = "Mark one of the signed-in staff user's notices read (404 for another's)",
              .tag = "notices",
              .response = http::json_body<Notice>(),
              .error_statuses = {404}},
      .handler = handle([&notices](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto notice,
                              notices.mark_read(ctx.principal().user_id, id, now_ms()));
        return http::reply(200, notice);
      })});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/notices/read-all",
      .access = Access::session_only(),
      .doc = {.summary = "Mark every notice of the signed-in staff user read",
              .tag = "notices",
              .response = http::json_body<NoticeCount>()},
      .handler = handle([&notices](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto count, notices.mark_all_read(ctx.principal().user_id, now_ms()));
        return http::reply(200, count);
      })});
}

}  // namespace ecrm::notices
