#include "feedback/service.hpp"

#include <boost/json.hpp>

#include <sstream>

#include "core/csv.hpp"
#include "core/describe.hpp"
#include "http/wire.hpp"

namespace ecrm::feedback {
namespace {

constexpr std::int64_t kDefectReports = 50;
constexpr std::size_t kReturnNotes = 3;

// A stored list of a wire type; empty when it does not parse.
template <typename T>
std::vector<T> stored_list(std::string_view text) {
  boost::system::error_code ec;
  const boost::json::value parsed = boost::json::parse(text, ec);
  if (ec) return {};
  auto list = wire::read<std::vector<T>>(parsed);
  return list.ok() ? std::move(list).value() : std::vector<T>{};
}

}  // namespace

Result<FeedbackProductReport> FeedbackService::product_report(std::int64_t product_id,
                                                              const FeedbackReportQuery& query,
                                                              UnixMs now) {
  const std::int64_t top = query.top.value_or(kDefaultReportTop);
  if (top < 1 || top > kMaxReportTop) {
    return Error::invalid("top must be between 1 and " + std::to_string(kMaxReportTop), "top");
  }
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto product, repo_.product(*lease, product_id));
  if (!product) return Error::not_found("no such product");

  FeedbackProductReport report;
  report.product_id = product->id;
  report.product_name = product->name;
  report.sku = product->sku;
  report.texts_per_source_limit = kTextsPerSource;
  report.generated_at = now;

  // The mined part as the job stored it (nothing yet: no texts).
  ECRM_ASSIGN_OR_RETURN(auto figures, mining_.figures(*lease, product_id));
  if (figures) {
    report.generated_at = figures->mined_at;
    report.texts = figures->texts;
    report.sentiment = figures->sentiment;
    report.sources = stored_list<FeedbackSourceCount>(figures->sources);
    report.complaints = stored_list<FeedbackIssue>(figures->complaints);
    report.praise = stored_list<FeedbackIssue>(figures->praise);
    if (report.complaints.size() > static_cast<std::size_t>(top)) report.complaints.resize(static_cast<std::size_t>(top));
    if (report.praise.size() > static_cast<std::size_t>(top)) report.praise.resize(static_cast<std::size_t>(top));
  }
  if (report.sources.empty()) {
    for (const FeedbackSource source : {FeedbackSource::kReview, FeedbackSource::kCommunity,
                                        FeedbackSource::kTicket, FeedbackSource::kMention}) {
      report.sources.push_back({source, 0});
    }
  }
  for (const FeedbackIssue& issue : report.complaints) {
    if (issue.rising) report.rising.push_back(issue.phrase);
  }
  ECRM_ASSIGN_OR_RETURN(report.defect_reports,
                        repo_.defect_reports(*lease, product_id, kDefectReports));
  ECRM_ASSIGN_OR_RETURN(report.return_reasons,
                        repo_.return_reasons(*lease, product_id, kReturnNotes));
  return report;
}

std::string report_csv(const FeedbackProductReport& report) {
  std::ostringstream out;
  CsvWriter csv(out);
  csv.write_row({"section", "name", "count", "quote_1", "quote_2", "quote_3", "recent", "previous"});
  const auto issue_rows = [&](std::string_view section, const std::vector<FeedbackIssue>& list) {
    for (const FeedbackIssue& issue : list) {
      csv.field(section);
      csv.field(issue.phrase);
      csv.field(std::to_string(issue.count));
      for (std::size_t i = 0; i < 3; ++i) {
        csv.field(i < issue.examples.size() ? std::string_view(issue.examples[i].quote) : "");
      }
      csv.field(std::to_string(issue.recent));
      csv.field(std::to_string(issue.previous));
      csv.end_row();
    }
  };
  issue_rows("complaint", report.complaints);
  issue_rows("praise", report.praise);
  for (const FeedbackDefectReport& defect : report.defect_reports) {
    csv.write_row({"defect_report", defect.title, "1", "", "", "", "", ""});
  }
  for (const FeedbackReturnReason& reason : report.return_reasons) {
    csv.field("return_reason");
    csv.field(reason.reason);
    csv.field(std::to_string(reason.returns));
    for (std::size_t i = 0; i < 3; ++i) {
      csv.field(i < reason.notes.size() ? std::string_view(reason.notes[i]) : "");
    }
    csv.field("");
    csv.field("");
    csv.end_row();
  }
  csv.write_row({"sentiment", "positive", std::to_string(report.sentiment.positive), "", "", "", "", ""});
  csv.write_row({"sentiment", "neutral", std::to_string(report.sentiment.neutral), "", "", "", "", ""});
  csv.write_row({"sentiment", "negative", std::to_string(report.sentiment.negative), "", "", "", "", ""});
  for (const FeedbackSourceCount& source : report.sources) {
    csv.write_row({"source", std::string(wire::enum_name(source.source)),
                   std::to_string(source.texts), "", "", "", "", ""});
  }
  return out.str();
}

}  // namespace ecrm::feedback
