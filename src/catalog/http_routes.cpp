#include "catalog/http_routes.hpp"

#include <boost/json.hpp>

#include "http/context.hpp"
#include "http/fields.hpp"

namespace ecrm::catalog {

namespace json = boost::json;
using http::Access;
using http::handle;
using http::Method;
using http::RequestContext;
using http::Response;
using http::Route;

namespace {


constexpr const char* kCategorySchema =
    R"({"type":"object","properties":{"id":{"type":"integer"},"parent_id":{"type":["integer","null"]},)"
    R"("name":{"type":"string"},"slug":{"type":"string"},"created_at":{"type":"integer"},)"
    R"("updated_at":{"type":"integer"}}})";
constexpr const char* kCategoryWriteSchema =
    R"({"type":"object","properties":{"name":{"type":"string"},"slug":{"type":"string"},)"
    R"("parent_id":{"type":["integer","null"]}}})";
constexpr const char* kProductSchema =
    R"({"type":"object","properties":{"id":{"type":"integer"},"sku":{"type":"string"},)"
    R"("name":{"type":"string"},"category_id":{"type":["integer","null"]},"brand":{"type":"string"},)"
    R"("price":{"type":"integer","description":"minor units of currency"},)"
    R"("cost":{"type":["integer","null"]},"currency":{"type":"string"},)"
    R"("price_tier":{"type":"string","enum":["budget","mid","premium"]},"line":{"type":"string"},)"
    R"("version":{"type":"integer"},"stock_on_hand":{"type":"integer"},"active":{"type":"boolean"},)"
    R"("consumable":{"type":"boolean"},"repurchase_days":{"type":["integer","null"]},)"
    R"("created_at":{"type":"integer"},"updated_at":{"type":"integer"}}})";
constexpr const char* kProductWriteSchema =
    R"({"type":"object","properties":{"sku":{"type":"string"},"name":{"type":"string"},)"
    R"("category_id":{"type":["integer","null"]},"brand":{"type":"string"},)"
    R"("price":{"type":"integer"},"cost":{"type":["integer","null"]},"currency":{"type":"string"},)"
    R"("line":{"type":"string"},"version":{"type":"integer"},"stock_on_hand":{"type":"integer"},)"
    R"("active":{"type":"boolean"},"consumable":{"type":"boolean"},)"
    R"("repurchase_days":{"type":["integer","null"]}}})";

json::value optional_json(const std::optional<std::int64_t>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

json::object category_json(const Category& c) {
  return json::object{{"id", c.id},
                      {"parent_id", optional_json(c.parent_id)},
                      {"name", c.name},
                      {"slug", c.slug},
                      {"created_at", c.created_at},
                      {"updated_at", c.updated_at}};
}


Result<NewCategory> parse_new_category(const json::object& body) {
  NewCategory request;
  ECRM_ASSIGN_OR_RETURN(request.name, http::require_string(body, "name", 1000));
  ECRM_ASSIGN_OR_RETURN(request.slug, http::optional_string(body, "slug", 1000));
  ECRM_ASSIGN_OR_RETURN(request.parent_id, http::optional_int(body, "parent_id"));
  return request;
}

Result<CategoryChanges> parse_category_changes(const json::object& body) {
  CategoryChanges changes;
  ECRM_ASSIGN_OR_RETURN(changes.name, http::optional_string(body, "name", 1000));
  ECRM_ASSIGN_OR_RETURN(changes.slug, http::optional_string(body, "slug", 1000));
  ECRM_ASSIGN_OR_RETURN(changes.parent_id, http::nullable_int(body, "parent_id"));
  return changes;
}

Result<NewProduct> parse_new_product(const json::object& body) {
  NewProduct p;
  ECRM_ASSIGN_OR_RETURN(p.sku, http::require_string(body, "sku", 1000));
  ECRM_ASSIGN_OR_RETURN(p.name, http::require_string(body, "name", 1000));
  ECRM_ASSIGN_OR_RETURN(p.category_id, http::optional_int(body, "category_id"));
  ECRM_ASSIGN_OR_RETURN(auto brand, http::optional_string(body, "brand", 1000));
  p.brand = brand.value_or("");
  ECRM_ASSIGN_OR_RETURN(p.price, http::optional_int(body, "price"));
  if (!p.price) return Error::invalid("price is required", "price", "required");
  ECRM_ASSIGN_OR_RETURN(p.cost, http::optional_int(body, "cost"));
  ECRM_ASSIGN_OR_RETURN(p.currency, http::optional_string(body, "currency", 10));
  ECRM_ASSIGN_OR_RETURN(auto line, http::optional_string(body, "line", 1000));
  p.line = line.value_or("");
  ECRM_ASSIGN_OR_RETURN(auto version, http::optional_int32(body, "version"));
  p.version = version.value_or(1);
  ECRM_ASSIGN_OR_RETURN(auto stock, http::optional_int(body, "stock_on_hand"));
  p.stock_on_hand = stock.value_or(0);
  ECRM_ASSIGN_OR_RETURN(auto active, http::optional_bool(body, "active"));
  p.active = active.value_or(true);
  ECRM_ASSIGN_OR_RETURN(auto consumable, http::optional_bool(body, "consumable"));
  p.consumable = consumable.value_or(false);
  ECRM_ASSIGN_OR_RETURN(p.repurchase_days, http::optional_int32(body, "repurchase_days"));
  return p;
}

Result<ProductChanges> parse_product_changes(const json::object& body) {
  ProductChanges p;
  ECRM_ASSIGN_OR_RETURN(p.sku, http::optional_string(body, "sku", 1000));
  ECRM_ASSIGN_OR_RETURN(p.name, http::optional_string(body, "name", 1000));
  ECRM_ASSIGN_OR_RETURN(p.category_id, http::nullable_int(body, "category_id"));
  ECRM_ASSIGN_OR_RETURN(p.brand, http::optional_string(body, "brand", 1000));
  ECRM_ASSIGN_OR_RETURN(p.price, http::optional_int(body, "price"));
  ECRM_ASSIGN_OR_RETURN(p.cost, http::nullable_int(body, "cost"));
  ECRM_ASSIGN_OR_RETURN(p.currency, http::optional_string(body, "currency", 10));
  ECRM_ASSIGN_OR_RETURN(p.line, http::optional_string(body, "line", 1000));
  ECRM_ASSIGN_OR_RETURN(p.version, http::optional_int32(body, "version"));
  ECRM_ASSIGN_OR_RETURN(p.stock_on_hand, http::optional_int(body, "stock_on_hand"));
  ECRM_ASSIGN_OR_RETURN(p.active, http::optional_bool(body, "active"));
  ECRM_ASSIGN_OR_RETURN(p.consumable, http::optional_bool(body, "consumable"));
  if (http::is_null_field(body, "repurchase_days")) {
    p.repurchase_days = std::optional<int>{};
  } else {
    ECRM_ASSIGN_OR_RETURN(auto days, http::optional_int32(body, "repurchase_days"));
    if (days) p.repurchase_days = days;
  }
  return p;
}

Result<ProductFilter> parse_product_filter(const RequestContext& ctx) {
  ProductFilter filter;
  filter.q = http::query_text(ctx, "q");
  if (filter.q && filter.q->size() > 200) {
    return Error::invalid("q is longer than 200 bytes", "q");
  }
  ECRM_ASSIGN_OR_RETURN(filter.category_id, http::query_int(ctx, "category"));
  ECRM_ASSIGN_OR_RETURN(filter.active, http::query_bool(ctx, "active"));
  filter.brand = http::query_text(ctx, "brand");
  filter.line = http::query_text(ctx, "line");
  if (auto tier = http::query_text(ctx, "tier")) {
    filter.tier = parse_price_tier(*tier);
    if (!filter.tier) return Error::invalid("tier must be budget, mid or premium", "tier");
  }
  return filter;
}

json::array changed_fields(const json::object& body) {
  json::array fields;
  for (const auto& [key, value] : body) fields.push_back(json::value(key));
  return fields;
}

}  // namespace

json::object product_json(const Product& p) {
  return json::object{{"id", p.id},
                      {"sku", p.sku},
                      {"name", p.name},
                      {"category_id", optional_json(p.category_id)},
                      {"brand", p.brand},
                      {"price", p.price},
                      {"cost", optional_json(p.cost)},
                      {"currency", p.currency},
                      {"price_tier", to_string(p.price_tier)},
                      {"line", p.line},
                      {"version", p.version},
                      {"stock_on_hand", p.stock_on_hand},
                      {"active", p.active},
                      {"consumable", p.consumable},
                      {"repurchase_days",
                       p.repurchase_days ? json::value(*p.repurchase_days) : json::value(nullptr)},
                      {"created_at", p.created_at},
                      {"updated_at", p.updated_at}};
}

void add_catalog_routes(http::Router& router, CatalogService& service) {
  router.add(
      Route{.method = Method::kGet,
            .pattern = "/api/v1/categories",
            .access = Access::needs("catalog:read"),
            .doc = {.summary = "List categories by id; `parent` limits the list to one category's "
                               "children (parent=0: top-level categories)",
                    .tag = "catalog",
                    .query_params = {"parent", "limit", "cursor"}},
            .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
              ECRM_ASSIGN_OR_RETURN(auto page, ctx.page(100, 1000));
              ECRM_ASSIGN_OR_RETURN(auto parent, http::query_int(ctx, "parent"));
              ECRM_ASSIGN_OR_RETURN(auto categories,
                                    service.list_categories(parent, page.after, page.limit));
              json::array items;
              for (const auto& c : categories) items.push_back(category_json(c));
              return http::json_response(200, http::page_json(categories, page, std::move(items)));
            })});

  router.add(
      Route{.method = Method::kPost,
            .pattern = "/api/v1/categories",
            .access = Access::needs("catalog:write"),
            .doc = {.summary = "Create a category (the slug is derived from the name when absent)",
                    .tag = "catalog",
                    .request_schema = kCategoryWriteSchema,
                    .response_schema = kCategorySchema,
                    .success_status = 201,
                    .error_statuses = {409, 422}},
            .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
              ECRM_ASSIGN_OR_RETURN(auto body, ctx.json_object());
              ECRM_ASSIGN_OR_RETURN(auto request, parse_new_category(body));
              ECRM_ASSIGN_OR_RETURN(auto created, service.create_category(request));
              ctx.set_audit(std::to_string(created.id),
                            json::serialize(json::object{{"slug", created.slug}}));
              return http::json_response(201, category_json(created));
            }),
            .audit_entity = "category"});

  router.add(Route{.method = Method::kGet,
                   .pattern = "/api/v1/categories/{id}",
                   .access = Access::needs("catalog:read"),
                   .doc = {.summary = "Get one category",
                           .tag = "catalog",
                           .response_schema = kCategorySchema,
                           .error_statuses = {404}},
                   .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
                     ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
                     ECRM_ASSIGN_OR_RETURN(auto category, service.get_category(id));
                     return http::json_response(200, category_json(category));
                   })});

  router.add(
      Route{.method = Method::kPatch,
            .pattern = "/api/v1/categories/{id}",
            .access = Access::needs("catalog:write"),
            .doc = {.summary = "Rename a category, change its slug or move it under another parent "
                               "(parent_id null: top level)",
                    .tag = "catalog",
                    .request_schema = kCategoryWriteSchema,
                    .response_schema = kCategorySchema,
                    .error_statuses = {404, 409, 422}},
            .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
              ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
              ECRM_ASSIGN_OR_RETURN(auto body, ctx.json_object());
              ECRM_ASSIGN_OR_RETURN(auto changes, parse_category_changes(body));
              ECRM_ASSIGN_OR_RETURN(auto updated, service.update_category(id, changes));
              ctx.set_audit(std::to_string(id),
                            json::serialize(json::object{{"fields", changed_fields(body)}}));
              return http::json_response(200, category_json(updated));
            }),
            .audit_entity = "category"});

  router.add(Route{
      .method = Method::kDelete,
      .pattern = "/api/v1/categories/{id}",
      .access = Access::needs("catalog:write"),
      .doc = {.summary = "Delete an empty category (409 while it has subcategories or products)",
              .tag = "catalog",
              .success_status = 204,
              .error_statuses = {404, 409}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_RETURN_IF_ERROR(service.delete_category(id));
        return http::no_content();
      }),
      .audit_entity = "category"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/products",
      .access = Access::needs("catalog:read"),
      .doc = {.summary = "List products by id, filtered by text (`q` over name, SKU and brand), "
                         "category (with its subcategories), active flag, brand, price tier or "
                         "product line",
              .tag = "catalog",
              .query_params = {"q", "category", "active", "brand", "tier", "line", "limit",
                               "cursor"}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto page, ctx.page());
        ECRM_ASSIGN_OR_RETURN(auto filter, parse_product_filter(ctx));
        ECRM_ASSIGN_OR_RETURN(auto products, service.list_products(filter, page.after, page.limit));
        json::array items;
        for (const auto& p : products) items.push_back(product_json(p));
        return http::json_response(200, http::page_json(products, page, std::move(items)));
      })});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/products",
      .access = Access::needs("catalog:write"),
      .doc = {.summary = "Create a product; prices are integer minor units of `currency`, and "
                         "the price tier is derived within the category",
              .tag = "catalog",
              .request_schema = kProductWriteSchema,
              .response_schema = kProductSchema,
              .success_status = 201,
              .error_statuses = {409, 422}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto body, ctx.json_object());
        ECRM_ASSIGN_OR_RETURN(auto request, parse_new_product(body));
        ECRM_ASSIGN_OR_RETURN(auto created, service.create_product(request));
        ctx.set_audit(std::to_string(created.id),
                      json::serialize(json::object{{"sku", created.sku}}));
        return http::json_response(201, product_json(created));
      }),
      .audit_entity = "product"});

  router.add(Route{.method = Method::kGet,
                   .pattern = "/api/v1/products/{id}",
                   .access = Access::needs("catalog:read"),
                   .doc = {.summary = "Get one product",
                           .tag = "catalog",
                           .response_schema = kProductSchema,
                           .error_statuses = {404}},
                   .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
                     ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
                     ECRM_ASSIGN_OR_RETURN(auto product, service.get_product(id));
                     return http::json_response(200, product_json(product));
                   })});

  router.add(
      Route{.method = Method::kPatch,
            .pattern = "/api/v1/products/{id}",
            .access = Access::needs("catalog:write"),
            .doc = {.summary = "Change a product's fields (null clears category_id, cost and "
                               "repurchase_days); price tiers are recomputed",
                    .tag = "catalog",
                    .request_schema = kProductWriteSchema,
                    .response_schema = kProductSchema,
                    .error_statuses = {404, 409, 422}},
            .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
              ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
              ECRM_ASSIGN_OR_RETURN(auto body, ctx.json_object());
              ECRM_ASSIGN_OR_RETURN(auto changes, parse_product_changes(body));
              ECRM_ASSIGN_OR_RETURN(auto updated, service.update_product(id, changes));
              ctx.set_audit(std::to_string(id),
                            json::serialize(json::object{{"fields", changed_fields(body)}}));
              return http::json_response(200, product_json(updated));
            }),
            .audit_entity = "product"});
}

}  // namespace ecrm::catalog
