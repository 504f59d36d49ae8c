// CustomerRecords that put nothing on the 360° timeline and nothing in the summary: a stored
// profile (scores, a recommendation list), answers, devices. Only merges, the privacy export
// and erasure reach them.
#pragma once

#include "customers/records.hpp"

namespace ecrm::customers {

class RecordsOffTimeline : public CustomerRecords {
 public:
  Result<std::vector<TimelineEntry>> timeline(storage::Connection&, std::int64_t,
                                              const TimelinePosition&, int) override {
    return std::vector<TimelineEntry>{};
  }
  Status summarize(storage::Connection&, std::int64_t, CustomerSummary&) override { return {}; }
};

}  // namespace ecrm::customers
