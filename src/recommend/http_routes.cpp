#include "recommend/http_routes.hpp"

#include <boost/json.hpp>

#include <charconv>
#include <cmath>

#include "http/context.hpp"
#include "http/fields.hpp"

namespace ecrm::recommend {

namespace json = boost::json;
using http::Access;
using http::handle;
using http::Method;
using http::RequestContext;
using http::Response;
using http::Route;

namespace {

constexpr const char* kReadScope = "recommendations:read";
constexpr const char* kTag = "recommendations";

constexpr const char* kReasonSchema =
    R"({"type":"object","description":"why the item is recommended",)"
    R"("properties":{"kind":{"type":"string","enum":["rule","also_bought","class","popular","replenish"]},)"
    R"("text":{"type":"string"},"count":{"type":"integer"},)"
    R"("antecedent":{"type":"array","description":"rule: the products X of X => {item}"},)"
    R"("support":{"type":"number"},"confidence":{"type":"number"},"lift":{"type":"number"},)"
    R"("seed":{"type":"object","description":"also_bought: the customer's product that led here"},)"
    R"("similarity":{"type":"number"},"class":{"type":"string","description":"class: tier:premium, tag:parent…"},)"
    R"("evidence":{"type":"object","description":"class: the purchase that put the customer in the class"},)"
    R"("category":{"type":"string"},"last_purchase_at":{"type":"integer"},"interval_days":{"type":"integer"}}})";

std::string list_schema() {
  return std::string(
             R"({"type":"object","properties":{"customer_id":{"type":"integer"},)"
             R"("build_id":{"type":["integer","null"]},"computed_at":{"type":["integer","null"]},)"
             R"("source":{"type":"string","enum":["rebuild","incremental","popular","none"]},)"
             R"("classes":{"type":"array","items":{"type":"object","properties":{"class":{"type":"string"},)"
             R"("name":{"type":"string"},"kind":{"type":"string"},"evidence":{"type":"array"}}}},)"
             R"("items":{"type":"array","items":{"type":"object","properties":{"product_id":{"type":"integer"},)"
             R"("sku":{"type":"string"},"name":{"type":"string"},"price":{"type":"integer"},)"
             R"("currency":{"type":"string"},"score":{"type":"number"},"reason":)") +
         kReasonSchema + "}}}}}";
}

Result<std::optional<double>> query_double(const RequestContext& ctx, std::string_view name,
                                           double min, double max) {
  auto text = http::query_text(ctx, name);
  if (!text) return std::optional<double>{};
  double value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc{} || end != text->data() + text->size() || !std::isfinite(value)) {
    return Error::invalid(std::string(name) + " must be a number", std::string(name));
  }
  if (value < min || value > max) {
    return Error::invalid(std::string(name) + (max > 1 ? " must not be negative"
                                                       : " must be a number from 0 to 1"),
                          std::string(name));
  }
  return std::optional<double>(value);
}

Result<int> limit_param(const RequestContext& ctx, int fallback, int max) {
  ECRM_ASSIGN_OR_RETURN(auto limit, http::query_int(ctx, "limit"));
  if (!limit) return fallback;
  if (*limit < 1 || *limit > max) {
    return Error::invalid("limit must be from 1 to " + std::to_string(max), "limit");
  }
  return static_cast<int>(*limit);
}

// The body of GET /customers/{id}/recommendations, rendered from the stored text without parsing
// it (this route is read under load): the personal list, else the build's best-sellers.
Response customer_list_response(std::int64_t id, const CustomerList& result, int limit) {
  std::string buffer;
  Response response;
  std::string& body = response.body;
  body.reserve(4096);
  body += "{\"customer_id\":" + std::to_string(id);
  if (result.list) {
    body += ",\"build_id\":" + std::to_string(result.list->build_id);
    body += ",\"computed_at\":" + std::to_string(result.list->computed_at);
    body += ",\"source\":\"" + result.list->source + "\",\"classes\":";
    body += result.list->classes.empty() ? "[]" : result.list->classes;
    body += ",\"items\":";
    body += first_items(result.list->items, static_cast<std::size_t>(limit), buffer);
  } else if (result.build) {
    body += ",\"build_id\":" + std::to_string(result.build->id);
    body += ",\"computed_at\":" + std::to_string(result.build->built_at);
    body += ",\"source\":\"popular\",\"classes\":[],\"items\":";
    body += first_items(result.build->popular, static_cast<std::size_t>(limit), buffer);
  } else {
    body += ",\"build_id\":null,\"computed_at\":null,\"source\":\"none\","
            "\"classes\":[],\"items\":[]";
  }
  body += "}";
  return response;
}

json::value parse_or(const std::string& text, json::value fallback) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  return ec ? fallback : v;
}

json::value or_null(const std::optional<std::int64_t>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

json::value build_json(const std::optional<StoredBuild>& b) {
  if (!b) return nullptr;
  return json::object{{"id", b->id},
                      {"as_of", b->as_of},
                      {"built_at", b->built_at},
                      {"orders", b->orders},
                      {"customers", b->customers},
                      {"products", b->products},
                      {"lines", b->lines},
                      {"views", b->views},
                      {"rules", b->rules},
                      {"neighbours", b->neighbours},
                      {"lists", b->lists},
                      {"params", parse_or(b->params, json::object{})},
                      {"timings", parse_or(b->timings, json::object{})}};
}

json::object job_json(const JobState& job, bool queued, const std::optional<StoredBuild>& build) {
  const bool running = job.claimed_until && *job.claimed_until >= now_ms();
  return {{"state", running ? "running" : queued ? "queued" : "idle"},
          {"claimed_by", running ? job.claimed_by : std::string()},
          {"started_at", or_null(job.started_at)},
          {"finished_at", or_null(job.finished_at)},
          {"last_status", job.last_status},
          {"last_error", job.last_error},
          {"build_id", or_null(job.last_build_id)},
          {"build", build_json(build)}};
}

json::object product_json(const CatalogRow& p) {
  return {{"product_id", p.id},  {"sku", p.sku},
          {"name", p.name},      {"price", p.price},
          {"currency", p.currency}, {"price_tier", p.price_tier},
          {"category", p.category_name}, {"line", p.line},
          {"version", p.version}};
}

json::object rule_json(const RuleView& v) {
  json::array antecedent;
  json::value stored = parse_or(v.rule.antecedent, json::array{});
  if (stored.is_array()) antecedent = stored.as_array();
  return {{"position", v.rule.position},
          {"antecedent", std::move(antecedent)},
          {"consequent", json::object{{"id", v.consequent.id},
                                      {"sku", v.consequent.sku},
                                      {"name", v.consequent.name}}},
          {"support", v.rule.support},
          {"confidence", v.rule.confidence},
          {"lift", v.rule.lift},
          {"count", v.rule.count},
          {"antecedent_count", v.rule.antecedent_count},
          {"consequent_count", v.rule.consequent_count}};
}

json::object related_item_json(const RelatedItem& item) {
  json::object out = product_json(item.product);
  out["score"] = item.score;
  json::object reason{{"text", item.reason}};
  if (item.rule) {
    reason["kind"] = "rule";
    reason["support"] = item.rule->support;
    reason["confidence"] = item.rule->confidence;
    reason["lift"] = item.rule->lift;
    reason["count"] = item.rule->count;
  } else if (item.neighbour) {
    reason["kind"] = "also_bought";
    reason["similarity"] = item.neighbour->similarity;
    reason["count"] = item.neighbour->co_count;
    reason["viewed_count"] = item.neighbour->co_views;
  } else {
    reason["kind"] = item.upsell;
  }
  out["reason"] = std::move(reason);
  return out;
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
              .success_status = 202,
              .error_statuses = {409}},
      .handler = handle([&service, &worker](RequestContext& ctx) -> Result<Response> {
        ECRM_RETURN_IF_ERROR(worker.request_rebuild());
        ECRM_ASSIGN_OR_RETURN(auto job, service.job());
        ECRM_ASSIGN_OR_RETURN(auto build, service.latest_build());
        ctx.set_audit("rebuild");
        return http::json_response(202, job_json(job, true, build));
      }),
      .audit_entity = "recommendations"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/recommendations/rebuild",
      .access = Access::needs(kReadScope),
      .doc = {.summary = "State of the rebuild (idle, queued or running, last outcome) and the "
                         "latest build: when it was built, the data size (orders, customers, "
                         "products, lines, views), what it stored and its thresholds and timings",
              .tag = kTag},
      .handler = handle([&service, &worker](RequestContext&) -> Result<Response> {
        const bool queued = worker.busy();
        ECRM_ASSIGN_OR_RETURN(auto job, service.job());
        ECRM_ASSIGN_OR_RETURN(auto build, service.latest_build());
        return http::json_response(200, job_json(job, queued, build));
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
              .query_params = {"min_support", "min_confidence", "min_lift", "product_id", "limit",
                               "cursor"}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto page, ctx.page(50, 500));
        RuleFilter filter;
        ECRM_ASSIGN_OR_RETURN(auto support, query_double(ctx, "min_support", 0, 1));
        ECRM_ASSIGN_OR_RETURN(auto confidence, query_double(ctx, "min_confidence", 0, 1));
        ECRM_ASSIGN_OR_RETURN(auto lift, query_double(ctx, "min_lift", 0, 1e12));
        ECRM_ASSIGN_OR_RETURN(filter.product_id, http::query_int(ctx, "product_id"));
        if (filter.product_id && *filter.product_id < 1) {
          return Error::invalid("product_id must be a positive id", "product_id");
        }
        filter.min_support = support.value_or(0);
        filter.min_confidence = confidence.value_or(0);
        filter.min_lift = lift.value_or(0);
        const std::int64_t offset = page.after.value_or(0);
        if (offset < 0 || offset > 10'000'000) {
          return Error::invalid("cursor is out of range", "cursor");
        }
        ECRM_ASSIGN_OR_RETURN(auto rules, service.rules(filter, page.limit, offset));
        json::array items;
        for (const RuleView& v : rules.rules) items.push_back(rule_json(v));
        json::value next = nullptr;
        if (static_cast<int>(rules.rules.size()) == page.limit) {
          next = http::encode_cursor(offset + page.limit);
        }
        return http::json_response(200, json::object{{"build", build_json(rules.build)},
                                                     {"items", std::move(items)},
                                                     {"next_cursor", next}});
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/products/{id}/related",
      .access = Access::needs(kReadScope),
      .doc = {.summary = "Products related to a product: kind=bought_together (rules {product} "
                         "=> y, by confidence), also_bought (item-item cosine neighbours, "
                         "\"customers who bought X also bought Y (n)\") or upsell (newer versions "
                         "of its line, then higher price tiers of its category); each with its "
                         "score and reason; empty lists before the first rebuild",
              .tag = kTag,
              .error_statuses = {404},
              .query_params = {"kind", "limit"}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        RelatedKind kind = RelatedKind::kBoughtTogether;
        if (auto text = http::query_text(ctx, "kind")) {
          auto parsed = parse_related_kind(*text);
          if (!parsed) {
            return Error::invalid("kind must be bought_together, also_bought or upsell", "kind");
          }
          kind = *parsed;
        }
        ECRM_ASSIGN_OR_RETURN(int limit, limit_param(ctx, 10, 50));
        ECRM_ASSIGN_OR_RETURN(auto related, service.related(id, kind, limit));
        json::array items;
        for (const RelatedItem& item : related.items) items.push_back(related_item_json(item));
        return http::json_response(
            200, json::object{{"product_id", id},
                              {"kind", to_string(kind)},
                              {"build_id", related.build ? json::value(related.build->id)
                                                         : json::value(nullptr)},
                              {"items", std::move(items)}});
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/products/{id}/bundle",
      .access = Access::needs(kReadScope),
      .doc = {.summary = "A suggested bundle: the product with up to `max_items` (1 to 4, "
                         "default 2) products frequently bought together with it, their total, "
                         "a bundle price (5% off the sum per added product, at most 10%) and the "
                         "explanation",
              .tag = kTag,
              .error_statuses = {404},
              .query_params = {"max_items"}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto max_items, http::query_int(ctx, "max_items"));
        if (max_items && (*max_items < 1 || *max_items > 4)) {
          return Error::invalid("max_items must be from 1 to 4", "max_items");
        }
        ECRM_ASSIGN_OR_RETURN(auto bundle,
                              service.bundle(id, static_cast<int>(max_items.value_or(2))));
        json::array with;
        for (const RelatedItem& item : bundle.with) with.push_back(related_item_json(item));
        return http::json_response(
            200, json::object{{"product", product_json(bundle.product)},
                              {"items", std::move(with)},
                              {"currency", bundle.product.currency},
                              {"total", bundle.total},
                              {"bundle_price", bundle.price},
                              {"discount", bundle.total - bundle.price},
                              {"discount_rate", bundle.discount_rate},
                              {"explanation", bundle.explanation}});
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/customers/{id}/recommendations",
      .access = Access::needs(kReadScope),
      .doc = {.summary = "A customer's personal recommendations, best first (limit 1 to 20, "
                         "default 10): product, score and reason (the rule with support, "
                         "confidence and lift; customers who bought X also bought Y (n); the "
                         "inferred class and its evidence; a due consumable; a best-seller), and "
                         "the customer's inferred classes; refreshed when the customer orders",
              .tag = kTag,
              .response_schema = list_schema(),
              .error_statuses = {404},
              .query_params = {"limit"}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(int limit, limit_param(ctx, 10, 20));
        ECRM_ASSIGN_OR_RETURN(auto result, service.customer_list(id));
        return customer_list_response(id, result, limit);
      }),
      // A list in memory is answered on the I/O thread; anything else (including bad
      // parameters, which get their error from the handler) goes to a worker.
      .fast = [&service](RequestContext& ctx) -> std::optional<Response> {
        auto id = ctx.id_param("id");
        auto limit = limit_param(ctx, 10, 20);
        if (!id.ok() || !limit.ok()) return std::nullopt;
        CustomerList cached;
        cached.list = service.cached_list(*id);
        if (!cached.list) return std::nullopt;
        return customer_list_response(*id, cached, *limit);
      }});
}

namespace {

constexpr std::size_t kMaxAnonymousId = 200;
constexpr int kDefaultSnippetItems = 4;

constexpr const char* kSnippetSchema =
    R"({"type":"object","properties":{"source":{"type":"string","enum":["personal","related","popular","none"]},)"
    R"("items":{"type":"array","items":{"type":"object","properties":{"sku":{"type":"string"},)"
    R"("name":{"type":"string"},"price":{"type":"integer","description":"minor units"},)"
    R"("currency":{"type":"string"},"reason":{"type":"string"},)"
    R"("reason_kind":{"type":"string","enum":["rule","also_bought","class","popular","replenish"]}}}}}})";

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
  auto anonymous_id = http::query_text(ctx, "anonymous_id");
  if (!anonymous_id) {
    return Error::invalid("anonymous_id is required", "anonymous_id", "required");
  }
  if (anonymous_id->size() > kMaxAnonymousId) {
    return Error::invalid("anonymous_id must be at most 200 characters", "anonymous_id");
  }
  ECRM_ASSIGN_OR_RETURN(int limit, limit_param(ctx, kDefaultSnippetItems, 20));
  ECRM_ASSIGN_OR_RETURN(auto recs, service.visitor_recommendations(*anonymous_id, limit));
  json::array items;
  for (const PublicItem& item : recs.items) {
    items.push_back(json::object{{"sku", item.sku},
                                 {"name", item.name},
                                 {"price", item.price},
                                 {"currency", item.currency},
                                 {"reason", item.reason},
                                 {"reason_kind", item.reason_kind}});
  }
  Response response =
      http::json_response(200, json::object{{"source", recs.source}, {"items", std::move(items)}});
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
                         "products and short reasons only",
              .tag = kTag,
              .response_schema = kSnippetSchema,
              .error_statuses = {400, 401},
              .query_params = {"key", "anonymous_id", "limit"}},
      .handler =
          [inner = handle([&service, check = std::move(check_write_key)](RequestContext& ctx) {
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
