// The product improvement report, described for the wire (core/describe.hpp): what customers
// complain about and praise in a product's reviews, community posts, tickets and social
// mentions, its defect reports and its return reasons. Times are unix milliseconds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/describe.hpp"
#include "core/job_status.hpp"
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

// ---- the mining job --------------------------------------------------------------------------

// The mining job as callers see it (JobStatus) with what its last run did: the products whose
// texts changed since the run before (the watermark), the texts it mined (new or changed: the
// others are not read again), the texts it dropped (gone, hidden or past the latest
// kTextsPerSource), the alerts it raised and how long it took; and the texts stored in all.
struct FeedbackMiningStatus {
  JobPhase state = JobPhase::kIdle;
  std::string claimed_by;
  std::optional<UnixMs> started_at;
  std::optional<UnixMs> finished_at;
  std::string last_status;  // '' before the first run, ok or failed
  std::string last_error;
  std::optional<UnixMs> watermark;  // changes up to this time are mined
  bool full = false;                // the last run looked at every product
  std::int64_t products = 0;
  std::int64_t texts_mined = 0;
  std::int64_t texts_removed = 0;
  std::int64_t alerts = 0;
  std::int64_t duration_ms = 0;
  std::int64_t texts_stored = 0;
};
ECRM_DESCRIBE(FeedbackMiningStatus, state, claimed_by, started_at, finished_at, last_status,
              last_error, watermark, full, products, texts_mined, texts_removed, alerts,
              duration_ms, texts_stored)

struct FeedbackMineRequest {
  std::optional<bool> full;  // look at every product, not only those changed since the last run
};
ECRM_DESCRIBE(FeedbackMineRequest, full)

// ---- alerts -------------------------------------------------------------------------------

// An issue of a product rising this week, or its negative share jumping (feedback/trends.hpp).
enum class FeedbackAlertKind { kIssueRising, kNegativeJump };
ECRM_DESCRIBE_ENUM(FeedbackAlertKind, kIssueRising, kNegativeJump)

struct FeedbackTextRef {
  FeedbackSource source = FeedbackSource::kReview;
  std::int64_t id = 0;
};
ECRM_DESCRIBE(FeedbackTextRef, source, id)

// One alert, raised once per product, kind, phrase and calendar week (from Monday, UTC).
struct FeedbackAlert {
  std::int64_t id = 0;
  std::int64_t product_id = 0;
  std::string product_name;
  std::string sku;
  std::optional<std::int64_t> category_id;
  FeedbackAlertKind kind = FeedbackAlertKind::kIssueRising;
  std::string phrase;        // the issue; '' for a negative jump
  UnixMs week_start = 0;
  std::int64_t count = 0;    // texts of the last seven days naming the issue, or negative ones
  double baseline = 0;       // the trailing weekly average, or the trailing negative share
  std::optional<double> share;  // a negative jump: the last seven days' negative share
  std::vector<FeedbackTextRef> examples;
  UnixMs created_at = 0;
  std::optional<UnixMs> acknowledged_at;
  std::optional<std::int64_t> acknowledged_by;
};
ECRM_DESCRIBE(FeedbackAlert, id, product_id, product_name, sku, category_id, kind, phrase,
              week_start, count, baseline, share, examples, created_at, acknowledged_at,
              acknowledged_by)

enum class FeedbackAlertState { kOpen, kAcknowledged, kAll };
ECRM_DESCRIBE_ENUM(FeedbackAlertState, kOpen, kAcknowledged, kAll)

inline constexpr std::int64_t kMaxAlertPage = 200;

struct FeedbackAlertQuery {
  std::optional<FeedbackAlertState> state;  // open (default), acknowledged or all
  std::optional<std::int64_t> product_id;
  std::optional<std::int64_t> category_id;
  std::optional<std::int64_t> limit;        // newest first (50)
};
ECRM_DESCRIBE(FeedbackAlertQuery, state, product_id, category_id, limit)
ECRM_WIRE_RULES(FeedbackAlertQuery,
                rule(&FeedbackAlertQuery::limit, {.minimum = 1, .maximum = kMaxAlertPage}))

struct FeedbackAlertList {
  std::vector<FeedbackAlert> items;
  std::int64_t open = 0;  // open alerts in all (of the filter's product or category)
};
ECRM_DESCRIBE(FeedbackAlertList, items, open)

// ---- stored trends ------------------------------------------------------------------------

enum class FeedbackPeriod { kDay, kWeek };
ECRM_DESCRIBE_ENUM(FeedbackPeriod, kDay, kWeek)

struct FeedbackTrendQuery {
  std::optional<std::int64_t> product_id;   // one of the two
  std::optional<std::int64_t> category_id;
  std::optional<FeedbackPeriod> period;     // week (default) or day
  std::optional<std::int64_t> periods;      // the latest this many (12)
};
ECRM_DESCRIBE(FeedbackTrendQuery, product_id, category_id, period, periods)
ECRM_WIRE_RULES(FeedbackTrendQuery, rule(&FeedbackTrendQuery::periods, {.minimum = 1, .maximum = 400}))

struct FeedbackTrendPoint {
  UnixMs period_start = 0;
  std::int64_t texts = 0;
  std::int64_t positive = 0;
  std::int64_t neutral = 0;
  std::int64_t negative = 0;
};
ECRM_DESCRIBE(FeedbackTrendPoint, period_start, texts, positive, neutral, negative)

// A product's weekly issues as of its last mining: the complaints of its last five weeks' texts
// with their texts per week (week 0 the last seven days).
struct FeedbackWeeklyIssue {
  std::string phrase;
  std::int64_t count = 0;
  std::vector<std::int64_t> weeks;
  std::vector<FeedbackTextRef> examples;
};
ECRM_DESCRIBE(FeedbackWeeklyIssue, phrase, count, weeks, examples)

struct FeedbackTrends {
  FeedbackPeriod period = FeedbackPeriod::kWeek;
  std::vector<FeedbackTrendPoint> points;      // oldest first
  std::vector<FeedbackWeeklyIssue> issues;     // a product's: heaviest first
  std::optional<UnixMs> mined_at;
};
ECRM_DESCRIBE(FeedbackTrends, period, points, issues, mined_at)

}  // namespace ecrm::feedback
