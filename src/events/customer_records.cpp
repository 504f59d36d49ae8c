#include "events/customer_records.hpp"

#include <boost/json.hpp>

#include "events/json.hpp"

namespace ecrm::events {

namespace json = boost::json;
using customers::TimelineEntry;

namespace {

constexpr std::string_view kEventSource = "event";

std::string text_property(const json::object& p, std::string_view name) {
  const json::value* v = p.if_contains(name);
  if (!v) return "";
  if (v->is_string()) return std::string(v->get_string());
  if (v->is_int64()) return std::to_string(v->get_int64());
  return "";
}

std::string money(std::int64_t minor, const std::optional<std::string>& currency) {
  std::string sign = minor < 0 ? "-" : "";
  if (minor < 0) minor = -minor;
  std::string cents = std::to_string(minor % 100);
  if (cents.size() < 2) cents = "0" + cents;
  return sign + std::to_string(minor / 100) + "." + cents + (currency ? " " + *currency : "");
}

// One line for people about a stored event.
std::string describe(const StoredEvent& e, const json::object& p) {
  std::string product = e.product.value_or("");
  std::string name = text_property(p, "name");
  std::string what = name.empty() ? product : name + " (" + product + ")";
  if (e.type == "page_view") {
    std::string title = text_property(p, "title");
    std::string url = text_property(p, "url");
    return "Viewed page " + (title.empty() ? url : title + " — " + url);
  }
  if (e.type == "product_view") return "Viewed product " + what;
  if (e.type == "search") return "Searched for \"" + text_property(p, "query") + "\"";
  if (e.type == "add_to_cart") {
    return "Added " + std::to_string(e.quantity.value_or(1)) + " × " + what + " to the cart";
  }
  if (e.type == "remove_from_cart") return "Removed " + what + " from the cart";
  if (e.type == "checkout_step") {
    std::string step = text_property(p, "step");
    return "Checkout step " + (step.empty() ? std::string("1") : step);
  }
  if (e.type == "purchase") {
    std::string order = text_property(p, "order_id");
    std::string out = "Purchased";
    if (!order.empty()) out += " (order " + order + ")";
    if (e.value) out += ", " + money(*e.value, e.currency);
    return out;
  }
  if (e.type == "identify") {
    std::string external = text_property(p, "external_id");
    return "Identified on a browser or device" +
           (external.empty() ? std::string() : " as " + external);
  }
  return "Custom event " + text_property(p, "name");
}

}  // namespace

Result<std::vector<std::int64_t>> EventCustomerRecords::reassign(storage::Connection& c,
                                                                 std::int64_t from,
                                                                 std::int64_t to) {
  return repo_.reassign_events(c, from, to);
}

Status EventCustomerRecords::restore(storage::Connection& c, std::span<const std::int64_t> ids,
                                     std::int64_t from, std::int64_t to) {
  for (std::int64_t id : ids) ECRM_RETURN_IF_ERROR(repo_.restore_event(c, id, from, to));
  return {};
}

Result<json::value> EventCustomerRecords::export_records(storage::Connection& c,
                                                         std::int64_t customer_id) {
  ECRM_ASSIGN_OR_RETURN(auto events, repo_.events_of_customer(c, customer_id));
  json::array out;
  for (const auto& e : events) out.push_back(event_json(e));
  return json::value(std::move(out));
}

Status EventCustomerRecords::erase(storage::Connection& c, std::int64_t customer_id) {
  return repo_.erase_customer(c, customer_id);
}

Result<std::vector<TimelineEntry>> EventCustomerRecords::timeline(
    storage::Connection& c, std::int64_t customer_id, const customers::TimelinePosition& after,
    int limit) {
  ECRM_ASSIGN_OR_RETURN(auto events,
                        repo_.customer_timeline(c, customer_id, after.at,
                                                after.id_bound_for(kEventSource), limit));
  std::vector<TimelineEntry> out;
  out.reserve(events.size());
  for (const auto& e : events) {
    json::object data = event_json(e);
    const json::object& properties = data.at("properties").as_object();
    std::string summary = describe(e, properties);
    out.push_back(TimelineEntry{e.ts, std::string(kEventSource), e.id, "event." + e.type,
                                std::move(summary), std::move(data)});
  }
  return out;
}

Result<std::vector<std::int64_t>> VisitorCustomerRecords::reassign(storage::Connection& c,
                                                                   std::int64_t from,
                                                                   std::int64_t to) {
  return repo_.reassign_visitors(c, from, to);
}

Status VisitorCustomerRecords::restore(storage::Connection& c, std::span<const std::int64_t> ids,
                                       std::int64_t from, std::int64_t to) {
  for (std::int64_t id : ids) ECRM_RETURN_IF_ERROR(repo_.restore_visitor(c, id, from, to));
  return {};
}

Result<json::value> VisitorCustomerRecords::export_records(storage::Connection& c,
                                                           std::int64_t customer_id) {
  ECRM_ASSIGN_OR_RETURN(auto visitors, repo_.visitors_of_customer(c, customer_id));
  json::array out;
  for (const auto& v : visitors) {
    json::object item = visitor_json(v);
    ECRM_ASSIGN_OR_RETURN(auto sessions, repo_.sessions_of_visitor(c, v.id, 1000));
    json::array rendered;
    for (const auto& s : sessions) rendered.push_back(session_json(s));
    item["sessions"] = std::move(rendered);
    out.push_back(std::move(item));
  }
  return json::value(std::move(out));
}

}  // namespace ecrm::events
