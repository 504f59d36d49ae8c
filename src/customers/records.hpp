// The seam between the customer record and the capabilities that keep rows about a customer
// (orders now; events, messages and tickets later). Customers depends on none of them: each
// implements CustomerRecords and the composition root attaches it to the CustomerService, which
// then moves those rows on a merge (and back on an undo), includes them in the privacy export
// and scrubs them on an erase, and builds the 360° timeline and summary from them.
//
// Every method runs on the connection it is given, inside the caller's transaction.
#pragma once

#include <boost/json/value.hpp>

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "customers/model.hpp"
#include "storage/database.hpp"

namespace ecrm::customers {

class CustomerRecords {
 public:
  virtual ~CustomerRecords() = default;

  // A stable name for this kind of record ("orders"): the key of its moved ids in merge
  // snapshots and of its data in the privacy export.
  virtual std::string_view name() const = 0;

  // Moves every record of customer `from` to customer `to`; returns the ids of the rows moved
  // (what an undo needs to move back).
  virtual Result<std::vector<std::int64_t>> reassign(storage::Connection& c, std::int64_t from,
                                                     std::int64_t to) = 0;

  // Moves back the rows `ids` that still belong to `from` to customer `to` (undoes reassign()).
  virtual Status restore(storage::Connection& c, std::span<const std::int64_t> ids,
                         std::int64_t from, std::int64_t to) = 0;

  // Everything held about the customer, for the privacy export.
  virtual Result<boost::json::value> export_records(storage::Connection& c,
                                                    std::int64_t customer_id) = 0;

  // Removes the personal data these records hold about an erased customer, keeping what
  // accounting needs.
  virtual Status erase(storage::Connection& c, std::int64_t customer_id) = 0;

  // The customer's timeline entries that come after `after` in timeline order (newest first),
  // at most `limit` of them, in timeline order.
  virtual Result<std::vector<TimelineEntry>> timeline(storage::Connection& c,
                                                      std::int64_t customer_id,
                                                      const TimelinePosition& after, int limit) = 0;

  // Adds what these records say to the customer's summary.
  virtual Status summarize(storage::Connection& c, std::int64_t customer_id,
                           CustomerSummary& summary) = 0;
};

}  // namespace ecrm::customers
