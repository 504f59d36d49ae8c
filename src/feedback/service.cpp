#include "feedback/service.hpp"

#include <charconv>
#include <map>
#include <sstream>

#include "core/csv.hpp"
#include "core/describe.hpp"
#include "feedback/issues.hpp"
#include "search/segment.hpp"

namespace ecrm::feedback {
namespace {

constexpr std::int64_t kDefectReports = 50;
constexpr std::size_t kReturnNotes = 3;

// The miner's example ids are "<source>:<id>".
FeedbackQuote quote_of(const Quote& quote) {
  FeedbackQuote out;
  const std::size_t colon = quote.id.find(':');
  out.source = static_cast<FeedbackSource>(std::stoi(quote.id.substr(0, colon)));
  const std::string_view id = std::string_view(quote.id).substr(colon + 1);
  std::from_chars(id.data(), id.data() + id.size(), out.id);
  out.quote = quote.quote;
  return out;
}

std::vector<FeedbackIssue> issues_of(const std::vector<Issue>& issues) {
  std::vector<FeedbackIssue> out;
  for (const Issue& issue : issues) {
    FeedbackIssue view{issue.phrase, issue.count, {}, issue.recent, issue.previous, false};
    view.rising = issue.recent >= kRisingMinimum && issue.recent >= 2 * issue.previous;
    for (const Quote& quote : issue.examples) view.examples.push_back(quote_of(quote));
    out.push_back(std::move(view));
  }
  return out;
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

  PhraseMiner miner(SentimentScorer::shared(), search::Segmenter::shared());
  std::map<FeedbackSource, std::int64_t> per_source;
  ECRM_RETURN_IF_ERROR(repo_.texts(*lease, product_id, kTextsPerSource, [&](SourcedText&& text) {
    const std::string id =
        std::to_string(static_cast<int>(text.source)) + ":" + std::to_string(text.id);
    const UnixMs window = kTrendDays * kMsPerDay;
    const int period = text.at > now - window ? 0 : text.at > now - 2 * window ? 1 : -1;
    const Sentiment sentiment = miner.add(id, text.text, period);
    ++per_source[text.source];
    ++report.texts;
    switch (sentiment.polarity) {
      case Polarity::kPositive: ++report.sentiment.positive; break;
      case Polarity::kNeutral: ++report.sentiment.neutral; break;
      case Polarity::kNegative: ++report.sentiment.negative; break;
    }
  }));
  for (const FeedbackSource source : {FeedbackSource::kReview, FeedbackSource::kCommunity,
                                      FeedbackSource::kTicket, FeedbackSource::kMention}) {
    report.sources.push_back({source, per_source[source]});
  }
  report.complaints = issues_of(miner.complaints(static_cast<std::size_t>(top)));
  report.praise = issues_of(miner.praise(static_cast<std::size_t>(top)));
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
