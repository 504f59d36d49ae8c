// Messages as records of a customer: a merge moves the customer's messages and what happened to
// them (and an undo moves them back), the privacy export lists them, erasure blanks the address,
// subject and data they hold, and the 360° timeline shows each send, suppression, bounce,
// unsubscribe, open, click and reply. They add nothing to the summary.
#pragma once

#include "customers/records.hpp"

namespace ecrm::messaging {

class MessageCustomerRecords final : public customers::CustomerRecords {
 public:
  std::string_view name() const override { return "messages"; }
  Result<std::vector<std::int64_t>> reassign(storage::Connection& c, std::int64_t from,
                                             std::int64_t to) override;
  Status restore(storage::Connection& c, std::span<const std::int64_t> ids, std::int64_t from,
                 std::int64_t to) override;
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
};

}  // namespace ecrm::messaging
