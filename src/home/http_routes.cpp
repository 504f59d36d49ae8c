#include "home/http_routes.hpp"

#include "http/context.hpp"

namespace ecrm::home {

using http::Access;
using http::handle;
using http::Method;
using http::RequestContext;
using http::Response;
using http::Route;

void add_home_routes(http::Router& router, HomeService& service) {
  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/home",
      .access = Access::authenticated(),
      .doc = {.summary = "The shop's day: orders and revenue, new and returning buyers, signups, "
                         "loyalty tiers, abandoned and recovered carts, messages sent, opened "
                         "and replied, flows and campaigns, for today, this week (today and the "
                         "six days before) and the same span a week earlier, in the shop's time "
                         "zone; each section only for callers holding its scope (sales "
                         "orders:read, customers customers:read, tiers analytics:read, carts "
                         "visitors:read, messages and automation marketing:read)",
              .tag = "home",
              .response = http::json_body<ShopDay>(),
              .query = http::query_of<HomeQuery>()},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto query, http::read_query<HomeQuery>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto day, service.day(query, ctx.principal().scopes));
        return http::reply(200, day);
      })});
}

}  // namespace ecrm::home
