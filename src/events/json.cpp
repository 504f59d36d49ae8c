#include "events/json.hpp"

#include <boost/json.hpp>

namespace ecrm::events {

namespace json = boost::json;

namespace {
json::value nullable(const std::optional<std::int64_t>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}
json::value nullable(const std::optional<std::string>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}
}  // namespace

json::object event_json(const StoredEvent& e) {
  json::error_code ec;
  json::value properties = json::parse(e.properties, ec);
  if (ec || !properties.is_object()) properties = json::object{};
  return json::object{{"id", e.id},
                      {"event_id", e.event_id},
                      {"type", e.type},
                      {"visitor_id", e.visitor_id},
                      {"anonymous_id", e.anonymous_id},
                      {"customer_id", nullable(e.customer_id)},
                      {"session_id", nullable(e.session_id)},
                      {"ts", e.ts},
                      {"received_at", e.received_at},
                      {"product", nullable(e.product)},
                      {"quantity", nullable(e.quantity)},
                      {"value", nullable(e.value)},
                      {"currency", nullable(e.currency)},
                      {"properties", std::move(properties)}};
}

json::object write_key_json(const WriteKey& k) {
  return json::object{{"id", k.id},
                      {"key", k.key},
                      {"name", k.name},
                      {"created_by", k.created_by},
                      {"created_at", k.created_at},
                      {"revoked_at", nullable(k.revoked_at)},
                      {"active", !k.revoked_at.has_value()}};
}

json::object visitor_json(const Visitor& v) {
  return json::object{{"id", v.id},
                      {"anonymous_id", v.anonymous_id},
                      {"customer_id", nullable(v.customer_id)},
                      {"external_id", nullable(v.external_id)},
                      {"identified_at", nullable(v.identified_at)},
                      {"first_seen_at", v.first_seen_at},
                      {"last_seen_at", v.last_seen_at},
                      {"event_count", v.event_count},
                      {"device", v.device}};
}

json::object session_json(const Session& s) {
  return json::object{{"id", s.id},
                      {"visitor_id", s.visitor_id},
                      {"started_at", s.started_at},
                      {"last_at", s.last_at},
                      {"duration_ms", s.last_at - s.started_at},
                      {"event_count", s.event_count},
                      {"page_views", s.page_views},
                      {"landing_url", s.landing_url},
                      {"referrer", s.referrer},
                      {"utm_source", s.utm_source},
                      {"utm_medium", s.utm_medium},
                      {"utm_campaign", s.utm_campaign},
                      {"device", s.device},
                      {"purchased", s.purchased}};
}

json::object cart_json(const Cart& k) {
  json::array items;
  for (const auto& item : k.items) {
    items.push_back(json::object{{"product", item.product},
                                 {"name", item.name},
                                 {"quantity", item.quantity},
                                 {"price", item.price}});
  }
  return json::object{{"id", k.id},
                      {"visitor_id", k.visitor_id},
                      {"anonymous_id", k.anonymous_id},
                      {"customer_id", nullable(k.customer_id)},
                      {"customer_name", k.customer_name},
                      {"status", to_string(k.status)},
                      {"items", std::move(items)},
                      {"item_count", k.item_count},
                      {"value", k.value},
                      {"currency", k.currency},
                      {"checkout_step", k.checkout_step},
                      {"created_at", k.created_at},
                      {"updated_at", k.updated_at},
                      {"closed_at", nullable(k.closed_at)},
                      {"order_ref", k.order_ref},
                      {"recovered_from", nullable(k.recovered_from)}};
}

json::object outcome_json(const BatchOutcome& o) {
  json::array errors;
  for (const auto& e : o.errors) {
    json::object error{{"index", e.index}, {"code", e.code}, {"message", e.message}};
    if (!e.field.empty()) error["field"] = e.field;
    errors.push_back(std::move(error));
  }
  return json::object{
      {"accepted", o.accepted}, {"duplicates", o.duplicates}, {"errors", std::move(errors)}};
}

}  // namespace ecrm::events
