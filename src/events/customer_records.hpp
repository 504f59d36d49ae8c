// Tracking as records of a customer, in two kinds so that a merge can be undone exactly:
//  - "events": the customer's events move with a merge (and back with its undo), appear in the
//    privacy export and the 360° timeline (page and product views, searches, cart, checkout,
//    purchase and identify events, next to orders);
//  - "visitors": the browsers and devices linked to the customer move too, so that what these
//    visitors do after the merge is attributed to the survivor.
// Erasure unlinks both, gives each visitor a fresh random anonymous id and clears event
// properties, landing pages and referrers; the anonymous counts that traffic analytics need stay.
// Neither adds to the customer summary.
#pragma once

#include "customers/records_off_timeline.hpp"
#include "events/repo.hpp"

namespace ecrm::events {

class EventCustomerRecords final : public customers::CustomerRecords {
 public:
  std::string_view name() const override { return "events"; }
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

 private:
  EventRepo repo_;
};

class VisitorCustomerRecords final : public customers::RecordsOffTimeline {
 public:
  std::string_view name() const override { return "visitors"; }
  Result<std::vector<std::int64_t>> reassign(storage::Connection& c, std::int64_t from,
                                             std::int64_t to) override;
  Status restore(storage::Connection& c, std::span<const std::int64_t> ids, std::int64_t from,
                 std::int64_t to) override;
  Result<boost::json::value> export_records(storage::Connection& c,
                                            std::int64_t customer_id) override;
  // Done by EventCustomerRecords::erase (events and visitors together).
  Status erase(storage::Connection&, std::int64_t) override { return {}; }

 private:
  EventRepo repo_;
};

}  // namespace ecrm::events
