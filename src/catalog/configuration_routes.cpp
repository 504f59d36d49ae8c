#include "catalog/configuration_routes.hpp"

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

namespace {

constexpr std::size_t kMaxShopBody = 16 * 1024;

// Called from the shop's pages on other origins, without cookies (like event ingestion).
Response with_cors(Response response) {
  response.header("Access-Control-Allow-Origin", "*");
  response.header("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
  response.header("Access-Control-Allow-Headers", "Content-Type, X-Ecrm-Key");
  response.header("Access-Control-Max-Age", "86400");
  return response;
}

// The snippet's write key (?key= or X-Ecrm-Key), checked.
Status check_shop_key(RequestContext& ctx, const ShopKeyCheck& check) {
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
  return check(*key);
}

Route preflight(std::string pattern, std::string summary) {
  return Route{.method = Method::kOptions,
               .pattern = std::move(pattern),
               .access = Access::public_route(),
               .doc = {.summary = std::move(summary), .tag = "catalog", .success_status = 204},
               .handler = [](RequestContext&) { return with_cors(http::no_content()); },
               .blocking = false,
               .audited = false};
}

}  // namespace

void add_configuration_routes(http::Router& router, ConfigurationService& service) {
  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/products/{id}/configuration",
      .access = Access::needs("catalog:read"),
      .doc = {.summary = "A product's option groups with their options, and the rules between "
                         "options (no groups: the product is not configurable)",
              .tag = "catalog",
              .response = http::json_body<ProductConfiguration>(),
              .error_statuses = {404}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto config, service.get(id));
        return http::reply(200, config);
      })});

  router.add(Route{
      .method = Method::kPut,
      .pattern = "/api/v1/products/{id}/configuration",
      .access = Access::needs("catalog:write"),
      .doc = {.summary = "Replace a product's option groups, options and rules (groups matched "
                         "by key and options by SKU keep their ids; rules name options by SKU; "
                         "what is left out is removed)",
              .tag = "catalog",
              .request = http::json_body<ProductConfigurationInput>(),
              .response = http::json_body<ProductConfiguration>(),
              .error_statuses = {404, 422}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<ProductConfigurationInput>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto config, service.replace(id, input));
        std::size_t options = 0;
        for (const auto& g : config.groups) options += g.options.size();
        ctx.set_audit(std::to_string(id),
                      json::serialize(json::object{{"groups", config.groups.size()},
                                                   {"options", options},
                                                   {"rules", config.rules.size()}}));
        return http::reply(200, config);
      }),
      .audit_entity = "product_configuration"});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/products/{id}/configure",
      .access = Access::needs("catalog:read"),
      .doc = {.summary = "Price and check a configuration of a product: base price plus the "
                         "chosen options' deltas, and every broken rule (a required group "
                         "unanswered, too few or many choices, requires/excludes, stock) naming "
                         "its group, option and rule; 422 for an option of another product",
              .tag = "catalog",
              .request = http::json_body<ConfigureRequest>(),
              .response = http::json_body<ConfigurationQuote>(),
              .error_statuses = {404, 422}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto request, http::read_body<ConfigureRequest>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto quote, service.configure(id, request));
        return http::reply(200, quote);
      })});
}

void add_shop_configuration_routes(http::Router& router, ConfigurationService& service,
                                   ShopKeyCheck check_write_key) {
  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/public/products/{id}/configuration",
      .access = Access::public_route(),
      .doc = {.summary = "The shop's pages read a product's option groups, options and rules "
                         "(the tracking snippet's write key, ?key= or X-Ecrm-Key); the options' "
                         "suppliers are left out; 404 (field id) for an unknown or inactive "
                         "product",
              .tag = "catalog",
              .response = http::json_body<ProductConfiguration>(),
              .error_statuses = {401, 404},
              .query_params = {"key"}},
      .handler = [inner = handle([&service, check = check_write_key](
                                     RequestContext& ctx) -> Result<Response> {
                    ECRM_RETURN_IF_ERROR(check_shop_key(ctx, check));
                    ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
                    ECRM_ASSIGN_OR_RETURN(auto config, service.shop_configuration(id));
                    Response response = http::reply(200, config);
                    response.header("Cache-Control", "no-store");
                    return response;
                  })](RequestContext& ctx) { return with_cors(inner(ctx)); },
      .audited = false});
  router.add(preflight("/api/v1/public/products/{id}/configuration",
                       "CORS pre-flight for the shop's configurator"));

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/public/products/{id}/configure",
      .access = Access::public_route(),
      .doc = {.summary = "The shop's pages price and check a configuration (the tracking "
                         "snippet's write key, ?key= or X-Ecrm-Key) with the staff route's "
                         "engine: price, currency, the chosen options and every broken rule "
                         "with its message; the options' suppliers are left out; 404 (field id) "
                         "for an unknown or inactive product, 422 (field options[i]) for an "
                         "option of another product",
              .tag = "catalog",
              .request = http::json_body<ConfigureRequest>(),
              .response = http::json_body<ConfigurationQuote>(),
              .error_statuses = {400, 401, 404, 422},
              .query_params = {"key"}},
      .handler = [inner = handle([&service, check = std::move(check_write_key)](
                                     RequestContext& ctx) -> Result<Response> {
                    ECRM_RETURN_IF_ERROR(check_shop_key(ctx, check));
                    ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
                    ECRM_ASSIGN_OR_RETURN(auto request, http::read_body<ConfigureRequest>(ctx));
                    ECRM_ASSIGN_OR_RETURN(auto quote, service.shop_quote(id, request));
                    Response response = http::reply(200, quote);
                    response.header("Cache-Control", "no-store");
                    return response;
                  })](RequestContext& ctx) { return with_cors(inner(ctx)); },
      .max_body = kMaxShopBody,
      .audited = false});
  router.add(preflight("/api/v1/public/products/{id}/configure",
                       "CORS pre-flight for the shop's configurator"));
}

}  // namespace ecrm::catalog
