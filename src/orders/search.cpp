#include "orders/search.hpp"

#include <algorithm>

#include "core/money.hpp"
#include "http/wire.hpp"
#include "orders/repo.hpp"
#include "search/index.hpp"

namespace ecrm::orders {

Result<std::vector<search::Hit>> OrderSearch::search(const search::Query& query, int limit) {
  std::vector<search::RankedId> found;
  if (auto number = order_number(query.text)) found.push_back({*number, search::MatchRank::kExact});
  {
    ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
    ECRM_ASSIGN_OR_RETURN(auto ranked, search::ranked_ids(*lease, kOrderIndex, query, limit, true));
    for (const auto& r : ranked) {
      if (std::none_of(found.begin(), found.end(), [&](const auto& f) { return f.id == r.id; })) {
        found.push_back(r);
      }
    }
  }
  std::vector<search::Hit> hits;
  for (const auto& [id, rank] : found) {
    if (static_cast<int>(hits.size()) >= limit) break;
    auto order = orders_.get(id);
    if (!order.ok()) {
      if (order.error().kind == ErrorKind::kNotFound) continue;  // no such number
      return std::move(order).error();
    }
    search::Hit hit;
    hit.id = order->id;
    hit.rank = rank;
    hit.title = "#" + std::to_string(order->id);
    if (order->external_id) hit.title += " · " + *order->external_id;
    auto add = [&](std::optional<search::Highlight> h) {
      if (h) hit.highlights.push_back(std::move(*h));
    };
    add(search::highlight("external_id", order->external_id.value_or(""), query));
    for (const auto& line : order->lines) add(search::highlight("sku", line.sku, query));
    std::string who;
    if (auto customer = customers_.get(order->customer_id); customer.ok()) {
      if (!customer->merged_into && !customer->erased_at) {
        who = !customer->name.empty() ? customer->name : customer->email.value_or("");
        add(search::highlight("customer", customer->name, query));
        add(search::highlight("email", customer->email.value_or(""), query));
        add(search::highlight_phone("phone", customer->phone.value_or(""), query));
      }
    }
    hit.subtitle = (who.empty() ? "" : who + " · ") + std::string(wire::enum_name(order->status)) +
                   " · " + format_money(order->total, order->currency);
    hits.push_back(std::move(hit));
  }
  return hits;
}

}  // namespace ecrm::orders
