#include "orders/search.hpp"

#include <algorithm>
#include <charconv>

#include "core/money.hpp"
#include "http/wire.hpp"
#include "search/index.hpp"

namespace ecrm::orders {

namespace {

const search::TextIndex kOrderIndex{"orders", {"search_text", "search_customer"}, "orders_search"};

// The order number a query names: "1234" or "#1234".
std::optional<std::int64_t> order_number(std::string_view text) {
  if (!text.empty() && text.front() == '#') text.remove_prefix(1);
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc{} || end != text.data() + text.size() || n <= 0) return std::nullopt;
  return n;
}

}  // namespace

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
