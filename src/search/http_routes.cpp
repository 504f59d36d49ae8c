#include "search/http_routes.hpp"

#include "http/context.hpp"
#include "http/params.hpp"

namespace ecrm::search {

using http::Access;
using http::handle;
using http::Method;
using http::RequestContext;
using http::Response;
using http::Route;

void add_routes(http::Router& router, SearchService& service) {
  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/search",
      .access = Access::authenticated(),
      .doc = {.summary = "The search box: customers, orders and products matching `q`, `limit` "
                         "of each (default 5, at most 20), exact matches first, then prefixes, "
                         "then substrings, with the matching text marked; a group only for what "
                         "the caller may read",
              .tag = "search",
              .response = http::json_body<SearchResults>(),
              .query = http::query_of<SearchQuery>(),
              .query_params = {"limit"}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(int limit, http::limit_param(ctx, 5, 20));
        ECRM_ASSIGN_OR_RETURN(auto query, http::read_query<SearchQuery>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto results,
                              service.search(query.q, limit, [&](std::string_view scope) {
                                return ctx.principal().has_scope(std::string(scope));
                              }));
        return http::reply(200, results);
      })});
}

}  // namespace ecrm::search
