#include "recommend/http_routes.hpp"

#include <charconv>
#include <cmath>

#include "http/context.hpp"
#include "http/params.hpp"

namespace ecrm::recommend {

using http::Access;
using http::handle;
using http::Method;
using http::RequestContext;
using http::Response;
using http::Route;

namespace {

constexpr const char* kReadScope = "recommendations:read";
constexpr const char* kTag = "recommendations";

// The query parameter `name` as a number from `min` to `max` (nullopt when absent): 400 naming
// it otherwise.
Result<std::optional<double>> number_param(const RequestContext& ctx, std::string_view name,
                                           double min, double max) {
  ECRM_ASSIGN_OR_RETURN(auto value, http::query_double(ctx, name));
  if (!value) return value;
  if (*value < min || *value > max) {
    return Error::invalid(std::string(name) + (max > 1 ? " must not be negative"
                                                       : " must be a number from 0 to 1"),
                          std::string(name));
  }
  return value;
}

// GET /customers/{id}/recommendations answered from the stored text.
Response customer_list_response(std::int64_t id, const CustomerList& list, int limit) {
  Response response;
  response.body = customer_list_json(id, list, static_cast<std::size_t>(limit));
  return response;
}

RebuildStatus rebuild_status(const JobState& job, bool queued, std::optional<StoredBuild> build) {
  return RebuildStatus{job_status(job, queued, now_ms()), job.last_build_id, std::move(build)};
}

}  // namespace

void add_recommend_routes(http::Router& router, RecommendService& service,
                          RecommendWorker& worker) {
  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/recommendations/rebuild",
      .access = Access::needs("recommendations:write"),
      .doc = {.summary = "Start a rebuild of the association rules, item-item neighbours and every "
                         "customer's personal list from the orders; it runs in the background "
                         "(202), follow it with GET on the same path; 409 when one is running",
              .tag = kTag,
              .response = http::json_body<RebuildStatus>(),
              .success_status = 202,
              .error_statuses = {409}},
      .handler = handle([&service, &worker](RequestContext& ctx) -> Result<Response> {
        ECRM_RETURN_IF_ERROR(worker.request_rebuild(ctx.principal().display()));
        ECRM_ASSIGN_OR_RETURN(auto job, service.job());
        ECRM_ASSIGN_OR_RETURN(auto build, service.latest_build());
        ctx.set_audit("rebuild");
        return http::reply(202, rebuild_status(job, true, std::move(build)));
      }),
      .audit_entity = "recommendations"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/recommendations/rebuild",
      .access = Access::needs(kReadScope),
      .doc = {.summary = "State of the rebuild (idle, queued or running, last outcome) and the "
                         "latest build: when it was built, the data size (orders, customers, "
                         "products, lines, views), what it stored and its thresholds and timings",
              .tag = kTag,
              .response = http::json_body<RebuildStatus>()},
      .handler = handle([&service, &worker](RequestContext&) -> Result<Response> {
        const bool queued = worker.busy();
        ECRM_ASSIGN_OR_RETURN(auto job, service.job());
        ECRM_ASSIGN_OR_RETURN(auto build, service.latest_build());
        return http::reply(200, rebuild_status(job, queued, std::move(build)));
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/recommendations/rules",
      .access = Access::needs(kReadScope),
      .doc = {.summary = "Association rules X => {y} of the latest build (orders as baskets) "
                         "with support, confidence, lift and counts, in rule order (lift, "
                         "confidence, count descending); filters: min_support, min_confidence "
                         "(0 to 1), min_lift, product_id (in X or y)",
              .tag = kTag,
              .response = http::json_body<RulePage>(),
              .query_params = {"min_support", "min_confidence", "min_lift", "product_id", "limit",
                               "cursor"}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto page, http::offset_page(ctx, 50, 500));
        RuleFilter filter;
        ECRM_ASSIGN_OR_RETURN(auto support, number_param(ctx, "min_support", 0, 1));
        ECRM_ASSIGN_OR_RETURN(auto confidence, number_param(ctx, "min_confidence", 0, 1));
        ECRM_ASSIGN_OR_RETURN(auto lift, number_param(ctx, "min_lift", 0, 1e12));
        ECRM_ASSIGN_OR_RETURN(filter.product_id, http::query_int(ctx, "product_id"));
        if (filter.product_id && *filter.product_id < 1) {
          return Error::invalid("product_id must be a positive id", "product_id");
        }
        filter.min_support = support.value_or(0);
        filter.min_confidence = confidence.value_or(0);
        filter.min_lift = lift.value_or(0);
        ECRM_ASSIGN_OR_RETURN(auto rules, service.rules(filter, page.limit, page.offset));
        if (static_cast<int>(rules.items.size()) >= page.limit) {
          rules.next_cursor = http::encode_cursor(http::OffsetCursor{page.offset + page.limit});
        }
        return http::reply(200, rules);
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/products/{id}/related",
      .access = Access::needs(kReadScope),
      .doc = {.summary = "Products related to a product: kind=bought_together (rules {product} "
                         "=> y, by confidence), also_bought (item-item cosine neighbours: "
                         "customers who bought X also bought Y) or upsell (newer versions of its "
                         "line, then higher price tiers of its category); each with its score "
                         "and reason; empty lists before the first rebuild",
              .tag = kTag,
              .response = http::json_body<RelatedList>(),
              .error_statuses = {404},
              .query = http::query_of<RelatedQuery>(),
              .query_params = {"limit"}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto query, http::read_query<RelatedQuery>(ctx));
        ECRM_ASSIGN_OR_RETURN(int limit, http::limit_param(ctx, 10, 50));
        ECRM_ASSIGN_OR_RETURN(auto related, service.related(id, query.kind, limit));
        return http::reply(200, related);
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/products/{id}/bundle",
      .access = Access::needs(kReadScope),
      .doc = {.summary = "A suggested bundle: the product with up to `max_items` (1 to 4, "
                         "default 2) products frequently bought together with it (each with the "
                         "rule as its reason), their total and a bundle price (5% off the sum per "
                         "added product, at most 10%)",
              .tag = kTag,
              .response = http::json_body<Bundle>(),
              .error_statuses = {404},
              .query = http::query_of<BundleQuery>()},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto query, http::read_query<BundleQuery>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto bundle, service.bundle(id, static_cast<int>(query.max_items)));
        return http::reply(200, bundle);
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/customers/{id}/recommendations",
      .access = Access::needs(kReadScope),
      .doc = {.summary = "A customer's personal recommendations, best first (limit 1 to 20, "
                         "default 10): product, score and reason (the rule with support, "
                         "confidence and lift; the product customers also bought; the inferred "
                         "class and its evidence; a due consumable; a best-seller), and the "
                         "customer's inferred classes; refreshed when the customer orders",
              .tag = kTag,
              .response = http::json_body<CustomerRecommendations>(),
              .error_statuses = {404},
              .query_params = {"limit"}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(int limit, http::limit_param(ctx, 10, 20));
        ECRM_ASSIGN_OR_RETURN(auto result, service.customer_list(id));
        return customer_list_response(id, result, limit);
      }),
      // A list in memory is answered on the I/O thread; anything else (including bad
      // parameters, which get their error from the handler) goes to a worker.
      .fast = [&service](RequestContext& ctx) -> std::optional<Response> {
        auto id = ctx.id_param("id");
        auto limit = http::limit_param(ctx, 10, 20);
        if (!id.ok() || !limit.ok()) return std::nullopt;
        CustomerList cached;
        cached.list = service.cached_list(*id);
        if (!cached.list) return std::nullopt;
        return customer_list_response(*id, cached, *limit);
      }});
}

namespace {

constexpr int kDefaultSnippetItems = 4;

// Called from the shop's pages on other origins, without cookies (like event ingestion).
Response with_cors(Response response) {
  response.header("Access-Control-Allow-Origin", "*");
  response.header("Access-Control-Allow-Methods", "GET, OPTIONS");
  response.header("Access-Control-Allow-Headers", "X-Ecrm-Key");
  response.header("Access-Control-Max-Age", "86400");
  return response;
}

Result<Response> snippet_recommendations(RequestContext& ctx, RecommendService& service,
                                         const WriteKeyCheck& check_write_key) {
  std::optional<std::string> key = http::query_text(ctx, "key");
  if (!key) {
    if (auto header = ctx.request().headers.get("x-ecrm-key"); header && !header->empty()) {
      key = std::string(*header);
    }
  }
  if (!key) {
    return Error::unauthenticated("send the snippet's write key (?key= or X-Ecrm-Key)",
                                  "authentication_required");
  }
  ECRM_RETURN_IF_ERROR(check_write_key(*key));
  ECRM_ASSIGN_OR_RETURN(auto query, http::read_query<SnippetQuery>(ctx));
  if (!query.anonymous_id) {
    return Error::invalid("anonymous_id is required", "anonymous_id", "required");
  }
  ECRM_ASSIGN_OR_RETURN(int limit, http::limit_param(ctx, kDefaultSnippetItems, 20));
  ECRM_ASSIGN_OR_RETURN(auto recs, service.visitor_recommendations(*query.anonymous_id, limit));
  Response response = http::reply(200, recs);
  response.header("Cache-Control", "no-store");
  return response;
}

}  // namespace

void add_snippet_recommendation_routes(http::Router& router, RecommendService& service,
                                       WriteKeyCheck check_write_key) {
  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/events/recommendations",
      .access = Access::public_route(),
      .doc = {.summary = "The tracking snippet's recommendations for a visitor (write key): an "
                         "identified visitor's personal list, else products related to what "
                         "the visitor viewed, else best-sellers (limit 1 to 20, default 4); "
                         "products and the kind of reason with the products it names only",
              .tag = kTag,
              .response = http::json_body<VisitorRecommendations>(),
              .error_statuses = {400, 401},
              .query = http::query_of<SnippetQuery>(),
              .query_params = {"limit"}},
      .handler = [inner =
                      handle([&service, check = std::move(check_write_key)](RequestContext& ctx) {
                        return snippet_recommendations(ctx, service, check);
                      })](RequestContext& ctx) { return with_cors(inner(ctx)); },
      .audited = false});

  router.add(Route{.method = Method::kOptions,
                   .pattern = "/api/v1/events/recommendations",
                   .access = Access::public_route(),
                   .doc = {.summary = "CORS pre-flight for the snippet's recommendations",
                           .tag = kTag,
                           .success_status = 204},
                   .handler = [](RequestContext&) { return with_cors(http::no_content()); },
                   .blocking = false,
                   .audited = false});
}

}  // namespace ecrm::recommend
