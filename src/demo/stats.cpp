#include "demo/stats.hpp"

#include "analytics/pareto.hpp"

namespace ecrm::demo {

using orders::OrderStatus;

void StatsCollector::add(const PlannedCatalog& catalog) {
  stats_.categories += static_cast<std::int64_t>(catalog.categories.size());
  for (const auto& p : catalog.products) {
    ++stats_.products;
    if (!p.product.active) ++stats_.inactive_products;
  }
}

std::int64_t net_revenue(const PlannedCustomer& customer) {
  std::int64_t revenue = 0;
  for (const auto& o : customer.orders) {
    if (o.order.status == OrderStatus::kCancelled) continue;
    revenue += o.order.total;
    for (const auto& r : o.returns) {
      if (r.ret.status == orders::ReturnStatus::kRefunded) revenue -= r.ret.refund_amount;
    }
  }
  return revenue;
}

void StatsCollector::add(const PlannedCustomer& customer) {
  ++stats_.customers;
  if (customer.referrer) ++stats_.referred;
  if (customer.duplicate_of) ++stats_.likely_duplicates;
  std::int64_t counted = 0;
  for (const auto& o : customer.orders) {
    ++stats_.orders;
    stats_.order_lines += static_cast<std::int64_t>(o.order.lines.size());
    switch (o.order.status) {
      case OrderStatus::kCancelled:
        ++stats_.cancelled;
        break;
      case OrderStatus::kPlaced:
      case OrderStatus::kPaid:
      case OrderStatus::kShipped:
        ++stats_.in_progress;
        break;
      case OrderStatus::kReturned:
        ++stats_.returned_orders;
        break;
      case OrderStatus::kDelivered:
        break;
    }
    if (o.order.status != OrderStatus::kCancelled) ++counted;
    for (const auto& h : o.order.history) {
      if (h.status == OrderStatus::kDelivered) ++stats_.delivered_or_returned;
    }
    for (const auto& r : o.returns) {
      ++stats_.returns;
      if (r.ret.status == orders::ReturnStatus::kRefunded) ++stats_.refunded_returns;
    }
  }
  if (counted > 0) {
    ++stats_.buyers;
    if (counted > 1) ++stats_.repeat_buyers;
    const std::int64_t revenue = net_revenue(customer);
    stats_.revenue += revenue;
    buyer_revenue_.push_back(revenue);
  }
}

DemoStats StatsCollector::finish() const {
  DemoStats out = stats_;
  auto pareto = analytics::pareto(buyer_revenue_, 2);
  out.top20_share = pareto.top20_share;
  out.gini = pareto.gini;
  return out;
}


}  // namespace ecrm::demo
