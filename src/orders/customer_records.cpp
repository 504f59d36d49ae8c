#include "orders/customer_records.hpp"

#include <boost/json.hpp>

#include "http/wire.hpp"

namespace ecrm::orders {

namespace json = boost::json;
using customers::TimelineEntry;

namespace {
constexpr std::string_view kStatusSource = "order_status";
constexpr std::string_view kReturnSource = "return";

std::string items(std::int64_t count) {
  return std::to_string(count) + (count == 1 ? " item" : " items");
}
}  // namespace

Result<std::vector<std::int64_t>> OrderCustomerRecords::reassign(storage::Connection& c,
                                                                 std::int64_t from,
                                                                 std::int64_t to) {
  return repo_.reassign_customer(c, from, to);
}

Status OrderCustomerRecords::restore(storage::Connection& c, std::span<const std::int64_t> ids,
                                     std::int64_t from, std::int64_t to) {
  for (std::int64_t id : ids) ECRM_RETURN_IF_ERROR(repo_.restore_customer(c, id, from, to));
  return {};
}

Result<json::value> OrderCustomerRecords::export_records(storage::Connection& c,
                                                         std::int64_t customer_id) {
  ECRM_ASSIGN_OR_RETURN(auto ids, repo_.order_ids_of_customer(c, customer_id));
  json::array out;
  for (std::int64_t id : ids) {
    ECRM_ASSIGN_OR_RETURN(auto order, repo_.find(c, id));
    if (!order) continue;
    json::value item = wire::to_json(order_view(std::move(*order)));
    ECRM_ASSIGN_OR_RETURN(auto returns, repo_.returns_of(c, id));
    item.as_object()["returns"] = wire::to_json(returns);
    out.push_back(std::move(item));
  }
  return json::value(std::move(out));
}

Status OrderCustomerRecords::erase(storage::Connection& c, std::int64_t customer_id) {
  return repo_.clear_customer_notes(c, customer_id);
}

Result<std::vector<TimelineEntry>> OrderCustomerRecords::timeline(
    storage::Connection& c, std::int64_t customer_id, const customers::TimelinePosition& after,
    int limit) {
  std::vector<TimelineEntry> out;
  ECRM_ASSIGN_OR_RETURN(
      auto changes,
      repo_.status_timeline(c, customer_id, after.at, after.id_bound_for(kStatusSource), limit));
  for (const auto& e : changes) {
    const std::string status(wire::enum_name(e.change.status));
    std::string summary = "Order #" + std::to_string(e.order_id) + " " + status;
    if (e.change.status == OrderStatus::kPlaced) summary += " (" + items(e.item_count) + ")";
    if (!e.change.carrier.empty()) summary += " with " + e.change.carrier;
    if (!e.change.tracking_number.empty()) summary += ", tracking " + e.change.tracking_number;
    json::object data{{"order_id", e.order_id},
                      {"status", status},
                      {"total", e.total},
                      {"currency", e.currency},
                      {"item_count", e.item_count}};
    if (!e.change.carrier.empty()) data["carrier"] = e.change.carrier;
    if (!e.change.tracking_number.empty()) data["tracking_number"] = e.change.tracking_number;
    out.push_back(TimelineEntry{e.change.at, std::string(kStatusSource), e.change.id,
                                "order." + status, std::move(summary), std::move(data)});
  }
  ECRM_ASSIGN_OR_RETURN(
      auto returns,
      repo_.return_timeline(c, customer_id, after.at, after.id_bound_for(kReturnSource), limit));
  for (const auto& r : returns) {
    json::object data{{"return_id", r.id},
                      {"order_id", r.order_id},
                      {"status", wire::enum_name(r.status)},
                      {"reason", wire::enum_name(r.reason)},
                      {"refund_amount", r.refund_amount},
                      {"currency", r.currency}};
    out.push_back(TimelineEntry{r.created_at, std::string(kReturnSource), r.id, "return.requested",
                                "Return #" + std::to_string(r.id) + " for order #" +
                                    std::to_string(r.order_id) + " (" +
                                    std::string(wire::enum_name(r.reason)) + "), now " +
                                    std::string(wire::enum_name(r.status)),
                                std::move(data)});
  }
  return out;
}

Status OrderCustomerRecords::summarize(storage::Connection& c, std::int64_t customer_id,
                                       customers::CustomerSummary& summary) {
  return repo_.summarize(c, customer_id, summary);
}

}  // namespace ecrm::orders
