// Orders as records of a customer: they move with a merge (and back with its undo), appear in
// the privacy export, lose their free-text notes on erasure, and feed the customer's timeline
// (status changes, returns) and summary (orders, revenue, favourite categories).
#pragma once

#include "customers/records.hpp"
#include "orders/repo.hpp"

namespace ecrm::orders {

class OrderCustomerRecords final : public customers::CustomerRecords {
 public:
  std::string_view name() const override { return "orders"; }
  Result<std::vector<std::int64_t>> reassign(storage::Connection& c, std::int64_t from,
                                             std::int64_t to) override;
  Status restore(storage::Connection& c, std::span<const std::int64_t> ids, std::int64_t from,
                 std::int64_t to) override;
  // Every order of the customer with lines, history and returns.
  Result<boost::json::value> export_records(storage::Connection& c,
                                            std::int64_t customer_id) override;
  // Orders keep what accounting needs (lines, amounts, dates, statuses); the free-text notes on
  // status changes and returns, which may quote the customer, are cleared.
  Status erase(storage::Connection& c, std::int64_t customer_id) override;
  Result<std::vector<customers::TimelineEntry>> timeline(storage::Connection& c,
                                                         std::int64_t customer_id,
                                                         const customers::TimelinePosition& after,
                                                         int limit) override;
  Status summarize(storage::Connection& c, std::int64_t customer_id,
                   customers::CustomerSummary& summary) override;

 private:
  OrderRepo repo_;
};

}  // namespace ecrm::orders
