#include "orders/http_routes.hpp"

#include <boost/json.hpp>

#include "http/context.hpp"
#include "http/params.hpp"

namespace ecrm::orders {

namespace json = boost::json;
using http::Access;
using http::handle;
using http::Method;
using http::RequestContext;
using http::Response;
using http::Route;

void add_order_routes(http::Router& router, OrderService& service) {
  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/orders",
      .access = Access::needs("orders:read"),
      .doc = {.summary = "List orders, newest first, by customer, status, channel and placement "
                         "time range",
              .tag = "orders",
              .response = http::json_body<http::Page<Order>>(),
              .query = http::query_of<OrderQuery>(),
              .query_params = {"limit", "cursor"}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto page, http::id_page(ctx));
        ECRM_ASSIGN_OR_RETURN(auto query, http::read_query<OrderQuery>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto orders, service.list(query, page.last_id, page.limit));
        return http::reply(200, http::page_by_id(std::move(orders), page.limit));
      })});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/orders",
      .access = Access::needs("orders:write"),
      .doc = {.summary = "Create an order; totals are computed from the lines (catalog prices "
                         "unless unit_price is given), in integer minor units of one currency",
              .tag = "orders",
              .request = http::json_body<OrderInput>(),
              .response = http::json_body<OrderView>(),
              .success_status = 201,
              .error_statuses = {409, 422}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto request, http::read_body<OrderInput>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto order, service.create(request, ctx.principal().display()));
        ctx.set_audit(std::to_string(order.id),
                      json::serialize(json::object{{"customer_id", order.customer_id},
                                                   {"total", order.total},
                                                   {"currency", order.currency}}));
        return http::reply(201, order_view(std::move(order)));
      }),
      .audit_entity = "order"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/orders/{id}",
      .access = Access::needs("orders:read"),
      .doc = {.summary = "Get an order with its lines, status history and possible next statuses",
              .tag = "orders",
              .response = http::json_body<OrderView>(),
              .error_statuses = {404}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto order, service.get(id));
        return http::reply(200, order_view(std::move(order)));
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/products/{id}/sales",
      .access = Access::needs("orders:read"),
      .doc = {.summary = "What a product sold, one item per currency (most orders first), over "
                         "orders that are not cancelled: orders, customers, units, revenue "
                         "(line totals, minor units), units returned (returns not rejected), "
                         "first and last order time; no items when it never sold",
              .tag = "orders",
              .response = http::json_body<ProductSalesView>(),
              .error_statuses = {404}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto sales, service.product_sales(id));
        return http::reply(200, ProductSalesView{id, std::move(sales)});
      })});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/orders/{id}/status",
      .access = Access::needs("orders:write"),
      .doc = {.summary = "Move an order to its next status (placed, paid, shipped, delivered, "
                         "returned, cancelled), optionally with carrier and tracking number; 409 "
                         "when the life cycle does not allow it",
              .tag = "orders",
              .request = http::json_body<StatusRequest>(),
              .response = http::json_body<OrderView>(),
              .error_statuses = {404, 409, 422}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto request, http::read_body<StatusRequest>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto order,
                              service.change_status(id, request, ctx.principal().display()));
        ctx.set_audit(std::to_string(id),
                      json::serialize(json::object{{"status", wire::enum_name(order.status)}}));
        return http::reply(200, order_view(std::move(order)));
      }),
      .audit_entity = "order"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/orders/{id}/tracking",
      .access = Access::needs("orders:read"),
      .doc = {.summary = "The tracking view a customer sees: status history with times, carrier "
                         "and tracking number, without internal notes",
              .tag = "orders",
              .response = http::json_body<TrackingView>(),
              .error_statuses = {404}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto order, service.get(id));
        return http::reply(200, tracking_view(order));
      })});

  router.add(Route{.method = Method::kGet,
                   .pattern = "/api/v1/orders/{id}/returns",
                   .access = Access::needs("orders:read"),
                   .doc = {.summary = "The returns (RMAs) of an order, oldest first",
                           .tag = "orders",
                           .response = http::json_body<http::Items<Return>>(),
                           .error_statuses = {404}},
                   .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
                     ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
                     ECRM_ASSIGN_OR_RETURN(auto returns, service.returns_of(id));
                     return http::reply(200, http::Items<Return>{std::move(returns)});
                   })});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/orders/{id}/returns",
      .access = Access::needs("orders:write"),
      .doc = {.summary = "Open a return (RMA) for lines of a shipped or delivered order, with a "
                         "reason; the refund amount is computed from the lines",
              .tag = "orders",
              .request = http::json_body<ReturnInput>(),
              .response = http::json_body<Return>(),
              .success_status = 201,
              .error_statuses = {404, 409, 422}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto request, http::read_body<ReturnInput>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto ret, service.create_return(id, request));
        ctx.set_audit(std::to_string(ret.id),
                      json::serialize(json::object{{"order_id", ret.order_id},
                                                   {"reason", wire::enum_name(ret.reason)},
                                                   {"refund_amount", ret.refund_amount}}));
        return http::reply(201, ret);
      }),
      .audit_entity = "return"});

  router.add(Route{.method = Method::kGet,
                   .pattern = "/api/v1/returns/{id}",
                   .access = Access::needs("orders:read"),
                   .doc = {.summary = "Get one return (RMA)",
                           .tag = "orders",
                           .response = http::json_body<Return>(),
                           .error_statuses = {404}},
                   .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
                     ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
                     ECRM_ASSIGN_OR_RETURN(auto ret, service.get_return(id));
                     return http::reply(200, ret);
                   })});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/returns/{id}/status",
      .access = Access::needs("orders:write"),
      .doc = {.summary = "Move a return on: received, refunded or rejected; when every item of "
                         "the order is back the order becomes returned",
              .tag = "orders",
              .request = http::json_body<ReturnStatusRequest>(),
              .response = http::json_body<Return>(),
              .error_statuses = {404, 409}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto request, http::read_body<ReturnStatusRequest>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto ret,
                              service.change_return_status(id, request, ctx.principal().display()));
        ctx.set_audit(std::to_string(id),
                      json::serialize(json::object{{"status", wire::enum_name(ret.status)}}));
        return http::reply(200, ret);
      }),
      .audit_entity = "return"});
}

}  // namespace ecrm::orders
