// The community's records of a customer: their posts and threads, product reviews, votes,
// follows, reports and member profile. A merge moves their posts, threads and reviews (a review
// of a product the surviving customer reviewed too stays where it is; an undo moves them back);
// the privacy export lists everything; erasure blanks what they wrote (bodies, titles, review
// texts, report reasons; the posts and reviews hidden, the search words emptied), resets their
// display name and drops their follows; the 360° timeline shows each post and review. They add
// nothing to the summary.
#pragma once

#include "customers/records.hpp"

namespace ecrm::community {

class CommunityCustomerRecords final : public customers::CustomerRecords {
 public:
  std::string_view name() const override { return "community"; }
  // Ids of the rows moved, each kind in its own residue: post * 4, thread * 4 + 1,
  // review * 4 + 2.
  Result<std::vector<std::int64_t>> reassign(storage::Connection& c, std::int64_t from,
                                             std::int64_t to) override;
  Status restore(storage::Connection& c, std::span<const std::int64_t> ids, std::int64_t from,
                 std::int64_t to) override;
  // {"member", "posts", "threads", "reviews", "votes", "follows", "reports"}.
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

}  // namespace ecrm::community
