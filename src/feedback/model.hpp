// The product improvement report, described for the wire (core/describe.hpp): what customers
// complain about and praise in a product's reviews, community posts, tickets and social
// mentions, its defect reports and its return reasons. Times are unix milliseconds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/describe.hpp"
#include "core/time.hpp"

namespace ecrm::feedback {

// Where a text comes from: a product review, a community post (on the product's board or
// linking the product), a customer's message on a ticket about the product, a social mention
// naming it.
enum class FeedbackSource { kReview, kCommunity, kTicket, kMention };
ECRM_DESCRIBE_ENUM(FeedbackSource, kReview, kCommunity, kTicket, kMention)

struct FeedbackQuote {
  FeedbackSource source = FeedbackSource::kReview;
  std::int64_t id = 0;  // the review's, post's, interaction's or mention's id
  std::string quote;    // the sentence
};
ECRM_DESCRIBE(FeedbackQuote, source, id, quote)

// A key phrase with the number of texts mentioning it and example quotes; its trend: the texts
// of the last kTrendDays days and of the kTrendDays before, and whether it rises sharply (at
// least kRisingMinimum recent texts and at least twice as many as before).
struct FeedbackIssue {
  std::string phrase;
  std::int64_t count = 0;
  std::vector<FeedbackQuote> examples;
  std::int64_t recent = 0;
  std::int64_t previous = 0;
  bool rising = false;
};
ECRM_DESCRIBE(FeedbackIssue, phrase, count, examples, recent, previous, rising)

struct FeedbackSourceCount {
  FeedbackSource source = FeedbackSource::kReview;
  std::int64_t texts = 0;
};
ECRM_DESCRIBE(FeedbackSourceCount, source, texts)

struct FeedbackSentimentShare {
  std::int64_t positive = 0;
  std::int64_t neutral = 0;
  std::int64_t negative = 0;
};
ECRM_DESCRIBE(FeedbackSentimentShare, positive, neutral, negative)

// A community thread reporting a defect of the product, and the ticket it became.
struct FeedbackDefectReport {
  std::int64_t thread_id = 0;
  std::string title;
  std::string status;
  std::optional<std::int64_t> ticket_id;
  UnixMs created_at = 0;
};
ECRM_DESCRIBE(FeedbackDefectReport, thread_id, title, status, ticket_id, created_at)

// Returns of the product by reason: how many returns and units, and the latest notes.
struct FeedbackReturnReason {
  std::string reason;  // damaged | defective | wrong_item | not_as_described | no_longer_needed | other
  std::int64_t returns = 0;
  std::int64_t units = 0;
  std::vector<std::string> notes;
};
ECRM_DESCRIBE(FeedbackReturnReason, reason, returns, units, notes)

struct FeedbackProductReport {
  std::int64_t product_id = 0;
  std::string product_name;
  std::string sku;
  std::int64_t texts = 0;          // texts read
  std::int64_t texts_per_source_limit = 0;  // the latest this many of each source are read
  std::vector<FeedbackSourceCount> sources;
  FeedbackSentimentShare sentiment;
  std::vector<FeedbackIssue> complaints;
  std::vector<FeedbackIssue> praise;
  std::vector<FeedbackDefectReport> defect_reports;
  std::vector<FeedbackReturnReason> return_reasons;
  std::vector<std::string> rising;  // the complaints that rise sharply (alerts), heaviest first
  UnixMs generated_at = 0;
};
ECRM_DESCRIBE(FeedbackProductReport, product_id, product_name, sku, texts, texts_per_source_limit,
              sources, sentiment, complaints, praise, defect_reports, return_reasons, rising,
              generated_at)

enum class FeedbackReportFormat { kJson, kCsv };
ECRM_DESCRIBE_ENUM(FeedbackReportFormat, kJson, kCsv)

inline constexpr std::int64_t kMaxReportTop = 50;
inline constexpr std::int64_t kTrendDays = 30;
inline constexpr std::int64_t kRisingMinimum = 3;

struct FeedbackReportQuery {
  std::optional<FeedbackReportFormat> format;  // json (default) or csv
  std::optional<std::int64_t> top;             // complaints and praised aspects listed (10)
};
ECRM_DESCRIBE(FeedbackReportQuery, format, top)
ECRM_WIRE_RULES(FeedbackReportQuery, rule(&FeedbackReportQuery::top, {.minimum = 1, .maximum = kMaxReportTop}))

}  // namespace ecrm::feedback
