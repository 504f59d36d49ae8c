// Social listening's records of a customer: the mentions matched to them and their handles. A
// merge moves both (an undo moves them back), the privacy export lists them with the replies,
// erasure blanks what the author wrote (text, handle, url, replies) and drops their handles, and
// the 360° timeline shows each mention. They add nothing to the summary.
#pragma once

#include "customers/records.hpp"

namespace ecrm::social {

class SocialCustomerRecords final : public customers::CustomerRecords {
 public:
  std::string_view name() const override { return "social"; }
  // Mentions' ids as they are, handles' ids negated.
  Result<std::vector<std::int64_t>> reassign(storage::Connection& c, std::int64_t from,
                                             std::int64_t to) override;
  Status restore(storage::Connection& c, std::span<const std::int64_t> ids, std::int64_t from,
                 std::int64_t to) override;
  // {"mentions": [...with their replies], "handles": [...]}.
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

}  // namespace ecrm::social
