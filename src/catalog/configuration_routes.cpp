#include "catalog/configuration_routes.hpp"

#include <boost/json.hpp>

#include "http/context.hpp"

namespace ecrm::catalog {

namespace json = boost::json;
using http::Access;
using http::handle;
using http::Method;
using http::RequestContext;
using http::Response;
using http::Route;

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

}  // namespace ecrm::catalog
