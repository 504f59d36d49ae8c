#include "events/customer_records.hpp"

#include <boost/json.hpp>

#include "core/money.hpp"
#include "http/params.hpp"
#include "http/wire.hpp"

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

// One line for people about a stored event.
std::string describe(const StoredEvent& e, const json::object& p) {
  std::string product = e.product.value_or("");
  std::string name = text_property(p, "name");
  std::string what = name.empty() ? product : name + " (" + product + ")";
  switch (e.type) {
    case EventType::kPageView: {
      std::string title = text_property(p, "title");
      std::string url = text_property(p, "url");
      return "Viewed page " + (title.empty() ? url : title + " — " + url);
    }
    case EventType::kProductView: return "Viewed product " + what;
    case EventType::kSearch: return "Searched for \"" + text_property(p, "query") + "\"";
    case EventType::kAddToCart:
      return "Added " + std::to_string(e.quantity.value_or(1)) + " × " + what + " to the cart";
    case EventType::kRemoveFromCart: return "Removed " + what + " from the cart";
    case EventType::kCheckoutStep: {
      std::string step = text_property(p, "step");
      return "Checkout step " + (step.empty() ? std::string("1") : step);
    }
    case EventType::kPurchase: {
      std::string order = text_property(p, "order_id");
      std::string out = "Purchased";
      if (!order.empty()) out += " (order " + order + ")";
      if (e.value) out += ", " + format_money(*e.value, e.currency.value_or(""));
      return out;
    }
    case EventType::kIdentify: {
      std::string external = text_property(p, "external_id");
      return "Identified on a browser or device" +
             (external.empty() ? std::string() : " as " + external);
    }
    case EventType::kCustom: break;
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
  return wire::to_json(events);
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
    json::object data = wire::to_json(e).as_object();
    std::string summary = describe(e, data.at("properties").as_object());
    out.push_back(TimelineEntry{e.ts, std::string(kEventSource), e.id,
                                "event." + std::string(wire::enum_name(e.type)),
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
  std::vector<VisitorProfile> out;
  for (auto& v : visitors) {
    ECRM_ASSIGN_OR_RETURN(auto sessions, repo_.sessions_of_visitor(c, v.id, 1000));
    out.push_back(VisitorProfile{std::move(v), http::map_items(sessions, session_view)});
  }
  return wire::to_json(out);
}

}  // namespace ecrm::events
