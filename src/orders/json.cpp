#include "orders/json.hpp"

#include <boost/json.hpp>

namespace ecrm::orders {

namespace json = boost::json;

json::object order_json(const Order& o, bool with_details) {
  json::object out{
      {"id", o.id},
      {"external_id", o.external_id ? json::value(*o.external_id) : json::value(nullptr)},
      {"customer_id", o.customer_id},
      {"channel", to_string(o.channel)},
      {"status", to_string(o.status)},
      {"currency", o.currency},
      {"subtotal", o.subtotal},
      {"discount", o.discount},
      {"shipping", o.shipping},
      {"tax", o.tax},
      {"total", o.total},
      {"item_count", o.item_count},
      {"carrier", o.carrier},
      {"tracking_number", o.tracking_number},
      {"placed_at", o.placed_at},
      {"created_at", o.created_at},
      {"updated_at", o.updated_at}};
  if (!with_details) return out;
  json::array lines;
  for (const auto& l : o.lines) {
    lines.push_back(json::object{{"id", l.id},
                                 {"product_id", l.product_id},
                                 {"sku", l.sku},
                                 {"name", l.name},
                                 {"quantity", l.quantity},
                                 {"unit_price", l.unit_price},
                                 {"line_total", l.line_total},
                                 {"returned_quantity", l.returned_quantity}});
  }
  json::array history;
  for (const auto& h : o.history) {
    history.push_back(json::object{{"status", to_string(h.status)},
                                   {"at", h.at},
                                   {"note", h.note},
                                   {"carrier", h.carrier},
                                   {"tracking_number", h.tracking_number},
                                   {"actor", h.actor}});
  }
  json::array next;
  for (OrderStatus s : next_statuses(o.status)) next.push_back(json::value(to_string(s)));
  out["lines"] = std::move(lines);
  out["history"] = std::move(history);
  out["next_statuses"] = std::move(next);
  return out;
}

json::object return_json(const Return& r) {
  json::array lines;
  for (const auto& l : r.lines) {
    lines.push_back(json::object{{"id", l.id},
                                 {"order_line_id", l.order_line_id},
                                 {"product_id", l.product_id},
                                 {"sku", l.sku},
                                 {"quantity", l.quantity},
                                 {"amount", l.amount}});
  }
  return json::object{{"id", r.id},
                      {"order_id", r.order_id},
                      {"customer_id", r.customer_id},
                      {"status", to_string(r.status)},
                      {"reason", to_string(r.reason)},
                      {"note", r.note},
                      {"refund_amount", r.refund_amount},
                      {"currency", r.currency},
                      {"created_at", r.created_at},
                      {"updated_at", r.updated_at},
                      {"lines", std::move(lines)}};
}

json::object tracking_json(const Order& o) {
  json::array events;
  for (const auto& h : o.history) {
    json::object event{{"status", to_string(h.status)}, {"at", h.at}};
    if (!h.carrier.empty()) event["carrier"] = h.carrier;
    if (!h.tracking_number.empty()) event["tracking_number"] = h.tracking_number;
    events.push_back(std::move(event));
  }
  return json::object{
      {"order_id", o.id},
      {"external_id", o.external_id ? json::value(*o.external_id) : json::value(nullptr)},
      {"status", to_string(o.status)},
      {"placed_at", o.placed_at},
      {"carrier", o.carrier},
      {"tracking_number", o.tracking_number},
      {"events", std::move(events)}};
}

}  // namespace ecrm::orders
