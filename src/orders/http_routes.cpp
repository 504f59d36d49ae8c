#include "orders/http_routes.hpp"

#include <boost/json.hpp>

#include "http/context.hpp"
#include "http/fields.hpp"
#include "orders/json.hpp"

namespace ecrm::orders {

namespace json = boost::json;
using http::Access;
using http::handle;
using http::Method;
using http::RequestContext;
using http::Response;
using http::Route;

namespace {


constexpr const char* kOrderSchema =
    R"({"type":"object","properties":{"id":{"type":"integer"},"external_id":{"type":["string","null"]},)"
    R"("customer_id":{"type":"integer"},"channel":{"type":"string","enum":["web","app","phone","store","partner"]},)"
    R"("status":{"type":"string","enum":["placed","paid","shipped","delivered","returned","cancelled"]},)"
    R"("currency":{"type":"string"},"subtotal":{"type":"integer"},"discount":{"type":"integer"},)"
    R"("shipping":{"type":"integer"},"tax":{"type":"integer"},"total":{"type":"integer","description":"minor units"},)"
    R"("item_count":{"type":"integer"},"carrier":{"type":"string"},"tracking_number":{"type":"string"},)"
    R"("placed_at":{"type":"integer"},"lines":{"type":"array"},"history":{"type":"array"},)"
    R"("next_statuses":{"type":"array","items":{"type":"string"}}}})";
constexpr const char* kNewOrderSchema =
    R"({"type":"object","required":["customer_id","lines"],"properties":{)"
    R"("customer_id":{"type":"integer"},"external_id":{"type":"string"},"channel":{"type":"string"},)"
    R"("currency":{"type":"string"},"placed_at":{"type":["integer","string"]},)"
    R"("discount":{"type":"integer"},"shipping":{"type":"integer"},"tax":{"type":"integer"},)"
    R"("lines":{"type":"array","items":{"type":"object","required":["quantity"],"properties":{)"
    R"("product_id":{"type":"integer"},"sku":{"type":"string"},"quantity":{"type":"integer"},)"
    R"("unit_price":{"type":"integer","description":"minor units; default: the product's price"}}}}}})";
constexpr const char* kStatusSchema =
    R"({"type":"object","required":["status"],"properties":{"status":{"type":"string"},)"
    R"("at":{"type":["integer","string"]},"note":{"type":"string"},"carrier":{"type":"string"},)"
    R"("tracking_number":{"type":"string"}}})";
constexpr const char* kReturnSchema =
    R"({"type":"object","properties":{"id":{"type":"integer"},"order_id":{"type":"integer"},)"
    R"("customer_id":{"type":"integer"},"status":{"type":"string","enum":["requested","received","refunded","rejected"]},)"
    R"("reason":{"type":"string"},"note":{"type":"string"},"refund_amount":{"type":"integer"},)"
    R"("currency":{"type":"string"},"lines":{"type":"array"}}})";
constexpr const char* kNewReturnSchema =
    R"({"type":"object","required":["reason","lines"],"properties":{)"
    R"("reason":{"type":"string","enum":["damaged","defective","wrong_item","not_as_described","no_longer_needed","other"]},)"
    R"("note":{"type":"string"},"lines":{"type":"array","items":{"type":"object","properties":{)"
    R"("order_line_id":{"type":"integer"},"quantity":{"type":"integer"}}}}}})";
constexpr const char* kProductSalesSchema =
    R"({"type":"object","properties":{"product_id":{"type":"integer"},"items":{"type":"array",)"
    R"("items":{"type":"object","properties":{"currency":{"type":"string"},)"
    R"("orders":{"type":"integer"},"customers":{"type":"integer"},"units":{"type":"integer"},)"
    R"("revenue":{"type":"integer","description":"minor units"},)"
    R"("returned_units":{"type":"integer"},"first_ordered_at":{"type":"integer"},)"
    R"("last_ordered_at":{"type":"integer"}}}}}})";

// Re-labels a field error inside lines[i] with the full path.
Error in_line(Error error, std::size_t index) {
  error.field = "lines[" + std::to_string(index) + "]." + error.field;
  return error;
}

Result<const json::array*> lines_array(const json::object& body) {
  auto it = body.find("lines");
  if (it == body.end() || it->value().is_null()) {
    return Error::invalid("lines is required", "lines", "required");
  }
  if (!it->value().is_array()) return Error::invalid("lines must be an array", "lines");
  for (std::size_t i = 0; i < it->value().get_array().size(); ++i) {
    if (!it->value().get_array()[i].is_object()) {
      return Error::invalid("each line must be an object", "lines[" + std::to_string(i) + "]");
    }
  }
  return &it->value().get_array();
}

Result<NewOrder> parse_new_order(const json::object& body) {
  NewOrder order;
  ECRM_ASSIGN_OR_RETURN(order.customer_id, http::optional_int(body, "customer_id"));
  ECRM_ASSIGN_OR_RETURN(order.external_id, http::optional_string(body, "external_id", 1000));
  ECRM_ASSIGN_OR_RETURN(order.channel, http::optional_string(body, "channel", 100));
  ECRM_ASSIGN_OR_RETURN(order.currency, http::optional_string(body, "currency", 100));
  ECRM_ASSIGN_OR_RETURN(order.placed_at, http::optional_time(body, "placed_at"));
  ECRM_ASSIGN_OR_RETURN(auto discount, http::optional_int(body, "discount"));
  order.discount = discount.value_or(0);
  ECRM_ASSIGN_OR_RETURN(auto shipping, http::optional_int(body, "shipping"));
  order.shipping = shipping.value_or(0);
  ECRM_ASSIGN_OR_RETURN(auto tax, http::optional_int(body, "tax"));
  order.tax = tax.value_or(0);
  if (!order.customer_id)
    return Error::invalid("customer_id is required", "customer_id", "required");
  ECRM_ASSIGN_OR_RETURN(const json::array* lines, lines_array(body));
  for (std::size_t i = 0; i < lines->size(); ++i) {
    const auto& o = (*lines)[i].get_object();
    NewOrderLine line;
    auto product_id = http::optional_int(o, "product_id");
    if (!product_id.ok()) return in_line(product_id.error(), i);
    line.product_id = *product_id;
    auto sku = http::optional_string(o, "sku", 1000);
    if (!sku.ok()) return in_line(sku.error(), i);
    line.sku = *sku;
    auto quantity = http::optional_int(o, "quantity");
    if (!quantity.ok()) return in_line(quantity.error(), i);
    line.quantity = *quantity;
    auto unit_price = http::optional_int(o, "unit_price");
    if (!unit_price.ok()) return in_line(unit_price.error(), i);
    line.unit_price = *unit_price;
    order.lines.push_back(std::move(line));
  }
  return order;
}

Result<NewReturn> parse_new_return(const json::object& body) {
  NewReturn ret;
  ECRM_ASSIGN_OR_RETURN(ret.reason, http::optional_string(body, "reason", 100));
  if (!ret.reason) return Error::invalid("reason is required", "reason", "required");
  ECRM_ASSIGN_OR_RETURN(auto note, http::optional_string(body, "note", 2000));
  ret.note = note.value_or("");
  ECRM_ASSIGN_OR_RETURN(const json::array* lines, lines_array(body));
  for (std::size_t i = 0; i < lines->size(); ++i) {
    const auto& o = (*lines)[i].get_object();
    NewReturnLine line;
    auto line_id = http::optional_int(o, "order_line_id");
    if (!line_id.ok()) return in_line(line_id.error(), i);
    line.order_line_id = *line_id;
    auto quantity = http::optional_int(o, "quantity");
    if (!quantity.ok()) return in_line(quantity.error(), i);
    line.quantity = *quantity;
    ret.lines.push_back(line);
  }
  return ret;
}

Result<OrderFilter> parse_filter(const RequestContext& ctx) {
  OrderFilter filter;
  ECRM_ASSIGN_OR_RETURN(filter.customer_id, http::query_int(ctx, "customer"));
  if (auto status = http::query_text(ctx, "status")) {
    filter.status = parse_order_status(*status);
    if (!filter.status) {
      return Error::invalid(
          "status must be placed, paid, shipped, delivered, returned or cancelled", "status");
    }
  }
  if (auto channel = http::query_text(ctx, "channel")) {
    filter.channel = parse_channel(*channel);
    if (!filter.channel) {
      return Error::invalid("channel must be web, app, phone, store or partner", "channel");
    }
  }
  ECRM_ASSIGN_OR_RETURN(filter.placed_from, http::query_time(ctx, "placed_from"));
  ECRM_ASSIGN_OR_RETURN(filter.placed_to, http::query_time(ctx, "placed_to"));
  return filter;
}

}  // namespace

void add_order_routes(http::Router& router, OrderService& service) {
  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/orders",
      .access = Access::needs("orders:read"),
      .doc = {.summary = "List orders, newest first, by customer, status, channel and placement "
                         "time range",
              .tag = "orders",
              .query_params = {"customer", "status", "channel", "placed_from", "placed_to", "limit",
                               "cursor"}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto page, ctx.page());
        ECRM_ASSIGN_OR_RETURN(auto filter, parse_filter(ctx));
        ECRM_ASSIGN_OR_RETURN(auto orders, service.list(filter, page.after, page.limit));
        json::array items;
        for (const auto& o : orders) items.push_back(order_json(o, false));
        return http::json_response(200, http::page_json(orders, page, std::move(items)));
      })});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/orders",
      .access = Access::needs("orders:write"),
      .doc = {.summary = "Create an order; totals are computed from the lines (catalog prices "
                         "unless unit_price is given), in integer minor units of one currency",
              .tag = "orders",
              .request_schema = kNewOrderSchema,
              .response_schema = kOrderSchema,
              .success_status = 201,
              .error_statuses = {409, 422}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto body, ctx.json_object());
        ECRM_ASSIGN_OR_RETURN(auto request, parse_new_order(body));
        ECRM_ASSIGN_OR_RETURN(auto order, service.create(request, ctx.principal().display()));
        ctx.set_audit(std::to_string(order.id),
                      json::serialize(json::object{{"customer_id", order.customer_id},
                                                   {"total", order.total},
                                                   {"currency", order.currency}}));
        return http::json_response(201, order_json(order, true));
      }),
      .audit_entity = "order"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/orders/{id}",
      .access = Access::needs("orders:read"),
      .doc = {.summary = "Get an order with its lines, status history and possible next statuses",
              .tag = "orders",
              .response_schema = kOrderSchema,
              .error_statuses = {404}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto order, service.get(id));
        return http::json_response(200, order_json(order, true));
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
              .response_schema = kProductSalesSchema,
              .error_statuses = {404}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto sales, service.product_sales(id));
        json::array items;
        for (const ProductSales& s : sales) {
          items.push_back(json::object{{"currency", s.currency},
                                       {"orders", s.orders},
                                       {"customers", s.customers},
                                       {"units", s.units},
                                       {"revenue", s.revenue},
                                       {"returned_units", s.returned_units},
                                       {"first_ordered_at", s.first_ordered_at},
                                       {"last_ordered_at", s.last_ordered_at}});
        }
        return http::json_response(200,
                                   json::object{{"product_id", id}, {"items", std::move(items)}});
      })});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/orders/{id}/status",
      .access = Access::needs("orders:write"),
      .doc = {.summary = "Move an order to its next status (placed, paid, shipped, delivered, "
                         "returned, cancelled), optionally with carrier and tracking number; 409 "
                         "when the life cycle does not allow it",
              .tag = "orders",
              .request_schema = kStatusSchema,
              .response_schema = kOrderSchema,
              .error_statuses = {404, 409, 422}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto body, ctx.json_object());
        StatusRequest request;
        ECRM_ASSIGN_OR_RETURN(request.status, http::optional_string(body, "status", 100));
        ECRM_ASSIGN_OR_RETURN(request.at, http::optional_time(body, "at"));
        ECRM_ASSIGN_OR_RETURN(auto note, http::optional_string(body, "note", 2000));
        request.note = note.value_or("");
        ECRM_ASSIGN_OR_RETURN(request.carrier, http::optional_string(body, "carrier", 1000));
        ECRM_ASSIGN_OR_RETURN(request.tracking_number,
                              http::optional_string(body, "tracking_number", 1000));
        ECRM_ASSIGN_OR_RETURN(auto order,
                              service.change_status(id, request, ctx.principal().display()));
        ctx.set_audit(std::to_string(id),
                      json::serialize(json::object{{"status", to_string(order.status)}}));
        return http::json_response(200, order_json(order, true));
      }),
      .audit_entity = "order"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/orders/{id}/tracking",
      .access = Access::needs("orders:read"),
      .doc = {.summary = "The tracking view a customer sees: status history with times, carrier "
                         "and tracking number, without internal notes",
              .tag = "orders",
              .error_statuses = {404}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto order, service.get(id));
        return http::json_response(200, tracking_json(order));
      })});

  router.add(Route{.method = Method::kGet,
                   .pattern = "/api/v1/orders/{id}/returns",
                   .access = Access::needs("orders:read"),
                   .doc = {.summary = "The returns (RMAs) of an order, oldest first",
                           .tag = "orders",
                           .error_statuses = {404}},
                   .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
                     ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
                     ECRM_ASSIGN_OR_RETURN(auto returns, service.returns_of(id));
                     json::array items;
                     for (const auto& r : returns) items.push_back(return_json(r));
                     return http::json_response(200, json::object{{"items", std::move(items)}});
                   })});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/orders/{id}/returns",
      .access = Access::needs("orders:write"),
      .doc = {.summary = "Open a return (RMA) for lines of a shipped or delivered order, with a "
                         "reason; the refund amount is computed from the lines",
              .tag = "orders",
              .request_schema = kNewReturnSchema,
              .response_schema = kReturnSchema,
              .success_status = 201,
              .error_statuses = {404, 409, 422}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto body, ctx.json_object());
        ECRM_ASSIGN_OR_RETURN(auto request, parse_new_return(body));
        ECRM_ASSIGN_OR_RETURN(auto ret, service.create_return(id, request));
        ctx.set_audit(std::to_string(ret.id),
                      json::serialize(json::object{{"order_id", ret.order_id},
                                                   {"reason", to_string(ret.reason)},
                                                   {"refund_amount", ret.refund_amount}}));
        return http::json_response(201, return_json(ret));
      }),
      .audit_entity = "return"});

  router.add(Route{.method = Method::kGet,
                   .pattern = "/api/v1/returns/{id}",
                   .access = Access::needs("orders:read"),
                   .doc = {.summary = "Get one return (RMA)",
                           .tag = "orders",
                           .response_schema = kReturnSchema,
                           .error_statuses = {404}},
                   .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
                     ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
                     ECRM_ASSIGN_OR_RETURN(auto ret, service.get_return(id));
                     return http::json_response(200, return_json(ret));
                   })});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/returns/{id}/status",
      .access = Access::needs("orders:write"),
      .doc = {.summary = "Move a return on: received, refunded or rejected; when every item of "
                         "the order is back the order becomes returned",
              .tag = "orders",
              .request_schema = R"({"type":"object","required":["status"],"properties":{)"
                                R"("status":{"type":"string"},"note":{"type":"string"}}})",
              .response_schema = kReturnSchema,
              .error_statuses = {404, 409}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto body, ctx.json_object());
        ECRM_ASSIGN_OR_RETURN(auto status, http::require_string(body, "status", 100));
        ECRM_ASSIGN_OR_RETURN(auto note, http::optional_string(body, "note", 2000));
        ECRM_ASSIGN_OR_RETURN(auto ret, service.change_return_status(id, status, note.value_or(""),
                                                                     ctx.principal().display()));
        ctx.set_audit(std::to_string(id),
                      json::serialize(json::object{{"status", to_string(ret.status)}}));
        return http::json_response(200, return_json(ret));
      }),
      .audit_entity = "return"});
}

}  // namespace ecrm::orders
