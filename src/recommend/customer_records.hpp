// The personal recommendation list kept for a customer is derived data about them: the privacy
// export shows it (the items with their reasons and the inferred classes), erasure removes it and
// keeps it from coming back, and a merge drops the list of the record merged away (the
// survivor's own list is refreshed by its orders). Nothing on the timeline or in the summary.
#pragma once

#include "customers/records_off_timeline.hpp"
#include "recommend/service.hpp"

namespace ecrm::recommend {

class RecommendCustomerRecords final : public customers::RecordsOffTimeline {
 public:
  explicit RecommendCustomerRecords(RecommendService& service) : service_(service) {}

  std::string_view name() const override { return "recommendations"; }
  // Drops the list of `from`; moves nothing (no ids to move back).
  Result<std::vector<std::int64_t>> reassign(storage::Connection& c, std::int64_t from,
                                             std::int64_t to) override;
  Status restore(storage::Connection&, std::span<const std::int64_t>, std::int64_t,
                 std::int64_t) override {
    return {};
  }
  // {"computed_at", "source", "classes": [...], "items": [...]}, or null without a list.
  Result<boost::json::value> export_records(storage::Connection& c,
                                            std::int64_t customer_id) override;
  Status erase(storage::Connection& c, std::int64_t customer_id) override;

 private:
  RecommendService& service_;
};

}  // namespace ecrm::recommend
