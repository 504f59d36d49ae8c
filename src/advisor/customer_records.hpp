// The advisor's records of a customer: the answers they gave (or staff took for them) with the
// advice. A merge moves them (an undo moves them back), the privacy export lists them, erasure
// unlinks them from the customer and blanks the answers (the advised products stay, counted as
// anonymous answers). They add nothing to the timeline or the summary (RecordsOffTimeline).
#pragma once

#include "advisor/repo.hpp"
#include "customers/records_off_timeline.hpp"

namespace ecrm::advisor {

class AdvisorCustomerRecords final : public customers::RecordsOffTimeline {
 public:
  std::string_view name() const override { return "advisor"; }
  Result<std::vector<std::int64_t>> reassign(storage::Connection& c, std::int64_t from,
                                             std::int64_t to) override;
  Status restore(storage::Connection& c, std::span<const std::int64_t> ids, std::int64_t from,
                 std::int64_t to) override;
  // {"answers": [Advice…]}, newest first.
  Result<boost::json::value> export_records(storage::Connection& c,
                                            std::int64_t customer_id) override;
  Status erase(storage::Connection& c, std::int64_t customer_id) override;

 private:
  AdvisorRepo repo_;
};

}  // namespace ecrm::advisor
