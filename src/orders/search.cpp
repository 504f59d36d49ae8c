#include "orders/search.hpp"

#include <algorithm>
#include <unordered_map>

#include "core/money.hpp"
#include "customers/repo.hpp"
#include "http/wire.hpp"
#include "orders/repo.hpp"
#include "search/index.hpp"

namespace ecrm::orders {

Result<std::vector<search::Hit>> OrderSearch::search(const search::Query& query, int limit) {
  std::vector<search::RankedId> found;
  if (auto number = order_number(query.text)) found.push_back({*number, search::MatchRank::kExact});
  std::vector<Order> orders;
  std::unordered_map<std::int64_t, customers::Customer> customers;
  {
    ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
    ECRM_ASSIGN_OR_RETURN(auto ranked, search::ranked_ids(*lease, kOrderIndex, query, limit, true));
    for (const auto& r : ranked) {
      if (std::none_of(found.begin(), found.end(), [&](const auto& f) { return f.id == r.id; })) {
        found.push_back(r);
      }
    }
    // The hits' orders and customers, a statement each (not a look-up per hit).
    std::vector<std::int64_t> ids;
    for (const auto& f : found) ids.push_back(f.id);
    ECRM_ASSIGN_OR_RETURN(orders, OrderRepo().find_many(*lease, ids));
    std::vector<std::int64_t> customer_ids;
    for (const auto& o : orders) customer_ids.push_back(o.customer_id);
    ECRM_ASSIGN_OR_RETURN(auto people, customers::CustomerRepo().find_many(*lease, customer_ids));
    for (auto& x : people) customers.emplace(x.id, std::move(x));
  }
  std::vector<search::Hit> hits;
  for (const auto& order : orders) {  // in `found` order: a number that names no order is gone
    if (static_cast<int>(hits.size()) >= limit) break;
    search::Hit hit;
    hit.id = order.id;
    hit.rank = std::find_if(found.begin(), found.end(), [&](const auto& f) {
                 return f.id == order.id;
               })->rank;
    hit.title = "#" + std::to_string(order.id);
    if (order.external_id) hit.title += " · " + *order.external_id;
    auto add = [&](std::optional<search::Highlight> h) {
      if (h) hit.highlights.push_back(std::move(*h));
    };
    add(search::highlight("external_id", order.external_id.value_or(""), query));
    for (const auto& line : order.lines) add(search::highlight("sku", line.sku, query));
    std::string who;
    if (auto it = customers.find(order.customer_id); it != customers.end()) {
      const customers::Customer& customer = it->second;
      if (!customer.merged_into && !customer.erased_at) {
        who = !customer.name.empty() ? customer.name : customer.email.value_or("");
        add(search::highlight("customer", customer.name, query));
        add(search::highlight("email", customer.email.value_or(""), query));
        add(search::highlight_phone("phone", customer.phone.value_or(""), query));
      }
    }
    hit.subtitle = (who.empty() ? "" : who + " · ") + std::string(wire::enum_name(order.status)) +
                   " · " + format_money(order.total, order.currency);
    hits.push_back(std::move(hit));
  }
  return hits;
}

}  // namespace ecrm::orders
