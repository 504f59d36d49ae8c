// The product improvement report: a product's feedback as the mining job (mining.hpp) stored
// it, from the latest texts of each source (reviews, community posts, ticket messages, social
// mentions; kTextsPerSource of each): the top complaints and praised aspects with quotes and
// sentiment shares, as of the product's last mining (`generated_at`); defect report threads and
// return reasons (with their notes) are read as they are. Each complaint's trend compares its
// texts of the kTrendDays days before the mining with the kTrendDays before those; one rising
// sharply is listed in `rising`. The cost of a report does not depend on the product's texts.
#pragma once

#include <cstdint>
#include <string>

#include "core/result.hpp"
#include "feedback/mining_repo.hpp"
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
  MiningRepo mining_;
};

// The report as CSV, one row per entry: section (complaint, praise, defect_report,
// return_reason, sentiment, source), a name, a count, up to three quotes, and for complaints
// and praise the texts of the recent and the previous window.
std::string report_csv(const FeedbackProductReport& report);

}  // namespace ecrm::feedback
