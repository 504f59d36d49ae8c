// Service's records of a customer: a merge moves their interactions and tickets (an undo moves
// back the interactions and the tickets they opened), the privacy export lists both, erasure
// blanks what was written (contents, subjects, addresses, the tickets' subjects and CC) and
// keeps the tickets' numbers, times and statuses, and the 360° timeline shows every contact
// (internal notes included, for staff). They add nothing to the summary.
#pragma once

#include "customers/records.hpp"
#include "service/repo.hpp"

namespace ecrm::service {

class ServiceCustomerRecords final : public customers::CustomerRecords {
 public:
  std::string_view name() const override { return "interactions"; }
  Result<std::vector<std::int64_t>> reassign(storage::Connection& c, std::int64_t from,
                                             std::int64_t to) override;
  Status restore(storage::Connection& c, std::span<const std::int64_t> ids, std::int64_t from,
                 std::int64_t to) override;
  // {"interactions": [...], "tickets": [...]}.
  Result<boost::json::value> export_records(storage::Connection& c,
                                            std::int64_t customer_id) override;
  Status erase(storage::Connection& c, std::int64_t customer_id) override;
  Result<std::vector<customers::TimelineEntry>> timeline(storage::Connection& c,
                                                         std::int64_t customer_id,
                                                         const customers::TimelinePosition& after,
                                                         int limit) override;
  Status summarize(storage::Connection&, std::int64_t, customers::CustomerSummary&) override {
    return {};
  }

 private:
  ServiceRepo repo_;
};

}  // namespace ecrm::service
