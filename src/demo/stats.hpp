// Figures about a generated demo shop, computed from the plan (so they are known before and
// without reading the database back): counts, revenue, and how concentrated revenue is.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "demo/model.hpp"

namespace ecrm::demo {

struct DemoStats {
  std::int64_t categories = 0;
  std::int64_t products = 0;
  std::int64_t inactive_products = 0;  // older versions in product lines
  std::int64_t customers = 0;
  std::int64_t referred = 0;
  std::int64_t likely_duplicates = 0;
  std::int64_t buyers = 0;         // customers with at least one order that was not cancelled
  std::int64_t repeat_buyers = 0;  // buyers with two or more such orders
  std::int64_t orders = 0;
  std::int64_t order_lines = 0;
  std::int64_t cancelled = 0;
  std::int64_t in_progress = 0;  // placed, paid or shipped
  std::int64_t returned_orders = 0;
  std::int64_t delivered_or_returned = 0;  // orders that reached delivery
  std::int64_t returns = 0;
  std::int64_t refunded_returns = 0;
  // Order totals (orders not cancelled) less refunded returns, minor units of kCurrency —
  // the same rule as the customer summary's lifetime revenue.
  std::int64_t revenue = 0;
  double top20_share = 0;  // share of revenue from the top 20% of buyers
  double gini = 0;         // Gini coefficient of revenue across buyers
  // Site traffic of the last kTrafficDays days, as written through the events pipeline.
  std::int64_t visitors = 0;           // devices (anonymous ids)
  std::int64_t customer_visitors = 0;  // of them, customers' devices
  std::int64_t events = 0;             // events stored
  std::int64_t carts_purchased = 0;    // closed in the window
  std::int64_t carts_abandoned = 0;
  double repeat_share() const {
    return buyers == 0 ? 0.0 : static_cast<double>(repeat_buyers) / static_cast<double>(buyers);
  }
};

// Accumulates DemoStats over a catalog and customers added one by one.
class StatsCollector {
 public:
  void add(const PlannedCatalog& catalog);
  void add(const PlannedCustomer& customer);
  // The figures so far, with the Pareto measures over the buyers added.
  DemoStats finish() const;

 private:
  DemoStats stats_;
  std::vector<std::int64_t> buyer_revenue_;
};

// A customer's net revenue by the summary's rule (totals of orders not cancelled, less refunded
// returns).
std::int64_t net_revenue(const PlannedCustomer& customer);

// "1,234,567.89" for 123456789 minor units.


}  // namespace ecrm::demo
