// The product improvement report: a product's feedback mined on request. The latest texts of
// each source (reviews, community posts, ticket messages, social mentions; kTextsPerSource of
// each) go through the engine (sentiment, PhraseMiner) for the top complaints and praised
// aspects with quotes; defect report threads and return reasons (with their notes) are read as
// they are. Each complaint's trend compares its texts of the last kTrendDays days with the
// kTrendDays before; one rising sharply is listed in `rising` (an alert). Nothing is stored:
// the report is as fresh as the tables.
#pragma once

#include <cstdint>
#include <string>

#include "core/result.hpp"
#include "feedback/model.hpp"
#include "feedback/repo.hpp"
#include "storage/database.hpp"

namespace ecrm::feedback {

inline constexpr std::int64_t kTextsPerSource = 2000;
inline constexpr std::int64_t kDefaultReportTop = 10;

class FeedbackService {
 public:
  explicit FeedbackService(storage::Database& db) : db_(db) {}

  // The report of product `product_id`: kNotFound when there is no such product; kInvalidArgument
  // naming `top` outside 1..kMaxReportTop.
  Result<FeedbackProductReport> product_report(std::int64_t product_id,
                                               const FeedbackReportQuery& query, UnixMs now);

 private:
  storage::Database& db_;
  FeedbackRepo repo_;
};

// The report as CSV, one row per entry: section (complaint, praise, defect_report,
// return_reason, sentiment, source), a name, a count, up to three quotes, and for complaints
// and praise the texts of the recent and the previous window.
std::string report_csv(const FeedbackProductReport& report);

}  // namespace ecrm::feedback
