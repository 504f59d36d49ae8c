// A customer's stored scores (RFM, segment, tier, P(alive), CLV) are a profile of them: the
// privacy export shows them, erasure removes them (and recomputations leave erased customers
// out), and a merge drops the scores of the record merged away (the survivor is rescored by its
// orders). Nothing on the timeline; the summary has its own scores read.
#pragma once

#include "analytics/repo.hpp"
#include "customers/records_off_timeline.hpp"

namespace ecrm::analytics {

class AnalyticsCustomerRecords final : public customers::RecordsOffTimeline {
 public:
  std::string_view name() const override { return "scores"; }
  // Drops the scores of `from`; moves nothing.
  Result<std::vector<std::int64_t>> reassign(storage::Connection& c, std::int64_t from,
                                             std::int64_t to) override;
  Status restore(storage::Connection&, std::span<const std::int64_t>, std::int64_t,
                 std::int64_t) override {
    return {};
  }
  // CustomerScores (scored=false and the scores null when there are none).
  Result<boost::json::value> export_records(storage::Connection& c,
                                            std::int64_t customer_id) override;
  Status erase(storage::Connection& c, std::int64_t customer_id) override;

 private:
  AnalyticsRepo repo_;
};

}  // namespace ecrm::analytics
