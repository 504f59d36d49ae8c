#include "catalog/http_routes.hpp"

#include <boost/json.hpp>

#include "http/context.hpp"
#include "http/params.hpp"

namespace ecrm::catalog {

namespace json = boost::json;
using http::Access;
using http::handle;
using http::Method;
using http::RequestContext;
using http::Response;
using http::Route;

void add_catalog_routes(http::Router& router, CatalogService& service) {
  router.add(
      Route{.method = Method::kGet,
            .pattern = "/api/v1/categories",
            .access = Access::needs("catalog:read"),
            .doc = {.summary = "List categories by id; `parent` limits the list to one category's "
                               "children (parent=0: top-level categories)",
                    .tag = "catalog",
                    .response = http::json_body<http::Page<Category>>(),
                    .query = http::query_of<CategoryQuery>(),
                    .query_params = {"limit", "cursor"}},
            .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
              ECRM_ASSIGN_OR_RETURN(auto page, http::id_page(ctx, 100, 1000));
              ECRM_ASSIGN_OR_RETURN(auto query, http::read_query<CategoryQuery>(ctx));
              ECRM_ASSIGN_OR_RETURN(auto categories,
                                    service.list_categories(query, page.last_id, page.limit));
              return http::reply(200, http::page_by_id(std::move(categories), page.limit));
            })});

  router.add(
      Route{.method = Method::kPost,
            .pattern = "/api/v1/categories",
            .access = Access::needs("catalog:write"),
            .doc = {.summary = "Create a category (the slug is derived from the name when absent)",
                    .tag = "catalog",
                    .request = http::json_body<CategoryInput>(),
                    .response = http::json_body<Category>(),
                    .success_status = 201,
                    .error_statuses = {409, 422}},
            .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
              ECRM_ASSIGN_OR_RETURN(auto request, http::read_body<CategoryInput>(ctx));
              ECRM_ASSIGN_OR_RETURN(auto created, service.create_category(request));
              ctx.set_audit(std::to_string(created.id),
                            json::serialize(json::object{{"slug", created.slug}}));
              return http::reply(201, created);
            }),
            .audit_entity = "category"});

  router.add(Route{.method = Method::kGet,
                   .pattern = "/api/v1/categories/{id}",
                   .access = Access::needs("catalog:read"),
                   .doc = {.summary = "Get one category",
                           .tag = "catalog",
                           .response = http::json_body<Category>(),
                           .error_statuses = {404}},
                   .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
                     ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
                     ECRM_ASSIGN_OR_RETURN(auto category, service.get_category(id));
                     return http::reply(200, category);
                   })});

  router.add(
      Route{.method = Method::kPatch,
            .pattern = "/api/v1/categories/{id}",
            .access = Access::needs("catalog:write"),
            .doc = {.summary = "Rename a category, change its slug or move it under another parent "
                               "(parent_id null: top level)",
                    .tag = "catalog",
                    .request = http::json_body<CategoryChanges>(),
                    .response = http::json_body<Category>(),
                    .error_statuses = {404, 409, 422}},
            .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
              ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
              ECRM_ASSIGN_OR_RETURN(auto changes, http::read_body<CategoryChanges>(ctx));
              ECRM_ASSIGN_OR_RETURN(auto updated, service.update_category(id, changes));
              ctx.set_audit(std::to_string(id), http::audit_fields(changes));
              return http::reply(200, updated);
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
              .response = http::json_body<http::Page<Product>>(),
              .query = http::query_of<ProductQuery>(),
              .query_params = {"limit", "cursor"}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto page, http::id_page(ctx));
        ECRM_ASSIGN_OR_RETURN(auto query, http::read_query<ProductQuery>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto products, service.list_products(query, page.last_id, page.limit));
        return http::reply(200, http::page_by_id(std::move(products), page.limit));
      })});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/products",
      .access = Access::needs("catalog:write"),
      .doc = {.summary = "Create a product; prices are integer minor units of `currency`, and "
                         "the price tier is derived within the category",
              .tag = "catalog",
              .request = http::json_body<ProductInput>(),
              .response = http::json_body<Product>(),
              .success_status = 201,
              .error_statuses = {409, 422}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto request, http::read_body<ProductInput>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto created, service.create_product(request));
        ctx.set_audit(std::to_string(created.id),
                      json::serialize(json::object{{"sku", created.sku}}));
        return http::reply(201, created);
      }),
      .audit_entity = "product"});

  router.add(Route{.method = Method::kGet,
                   .pattern = "/api/v1/products/{id}",
                   .access = Access::needs("catalog:read"),
                   .doc = {.summary = "Get one product",
                           .tag = "catalog",
                           .response = http::json_body<Product>(),
                           .error_statuses = {404}},
                   .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
                     ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
                     ECRM_ASSIGN_OR_RETURN(auto product, service.get_product(id));
                     return http::reply(200, product);
                   })});

  router.add(
      Route{.method = Method::kPatch,
            .pattern = "/api/v1/products/{id}",
            .access = Access::needs("catalog:write"),
            .doc = {.summary = "Change a product's fields (null clears category_id, cost and "
                               "repurchase_days); price tiers are recomputed",
                    .tag = "catalog",
                    .request = http::json_body<ProductChanges>(),
                    .response = http::json_body<Product>(),
                    .error_statuses = {404, 409, 422}},
            .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
              ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
              ECRM_ASSIGN_OR_RETURN(auto changes, http::read_body<ProductChanges>(ctx));
              ECRM_ASSIGN_OR_RETURN(auto updated, service.update_product(id, changes));
              ctx.set_audit(std::to_string(id), http::audit_fields(changes));
              return http::reply(200, updated);
            }),
            .audit_entity = "product"});
}

}  // namespace ecrm::catalog
