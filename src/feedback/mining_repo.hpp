// The mining job's tables (migration 0046; SQL as named constants in mining_repo.cpp): the job
// row (claim, outcome, watermark), the mined texts per product, each product's figures, its
// texts per day and week, and the alerts. It also finds the products whose texts changed since a
// time, in the tables of reviews, community posts, tickets and their messages, and mentions.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "feedback/model.hpp"
#include "feedback/sentiment.hpp"
#include "storage/database.hpp"

namespace ecrm::feedback {

struct MiningJobRow {
  std::string claimed_by;
  std::optional<UnixMs> claimed_until;
  std::optional<UnixMs> started_at;
  std::optional<UnixMs> finished_at;
  std::string last_status;
  std::string last_error;
  std::optional<UnixMs> watermark;
  bool full = false;
  std::int64_t products = 0;
  std::int64_t texts_mined = 0;
  std::int64_t texts_removed = 0;
  std::int64_t alerts = 0;
  std::int64_t duration_ms = 0;
};

// What a run did, written to the job row when it finishes.
struct MiningOutcome {
  bool full = false;
  std::int64_t products = 0;
  std::int64_t texts_mined = 0;
  std::int64_t texts_removed = 0;
  std::int64_t alerts = 0;
  std::int64_t duration_ms = 0;
};

// A stored text of a product.
struct StoredText {
  FeedbackSource source = FeedbackSource::kReview;
  std::int64_t id = 0;
  UnixMs written_at = 0;
  std::string digest;
  Polarity polarity = Polarity::kNeutral;
  double score = 0;
  std::string mined;  // JSON (MinedText)
};

// A product's stored figures (the lists as JSON texts of their wire form).
struct ProductFigures {
  std::int64_t product_id = 0;
  std::optional<std::int64_t> category_id;
  std::int64_t texts = 0;
  FeedbackSentimentShare sentiment;
  std::string sources = "[]";
  std::string complaints = "[]";
  std::string praise = "[]";
  std::string weekly_issues = "[]";
  UnixMs mined_at = 0;
};

struct PeriodRow {
  FeedbackPeriod period = FeedbackPeriod::kWeek;
  UnixMs start = 0;
  std::int64_t texts = 0;
  std::int64_t positive = 0;
  std::int64_t neutral = 0;
  std::int64_t negative = 0;
};

class MiningRepo {
 public:
  // The job row. Claims it for `owner` until `until` unless another's claim holds at `now`.
  Result<MiningJobRow> job(storage::Connection& c);
  Result<bool> claim(storage::Connection& c, const std::string& owner, UnixMs now, UnixMs until);
  // Whether a full run was asked for and not yet taken by a run (migration 0056); setting it.
  Result<bool> full_requested(storage::Connection& c);
  Status set_full_requested(storage::Connection& c, bool requested);
  // Releases the claim and records the run (the watermark only when the run succeeded).
  Status finish(storage::Connection& c, const std::string& owner, UnixMs at,
                const std::string& status, const std::string& error,
                std::optional<UnixMs> watermark, const MiningOutcome& outcome);

  // The products whose feedback texts were written or changed after `since`, and every product.
  Result<std::vector<std::int64_t>> changed_products(storage::Connection& c, UnixMs since);
  Result<std::vector<std::int64_t>> all_products(storage::Connection& c);
  // The products whose figures were computed before `before`.
  Result<std::vector<std::int64_t>> stale_products(storage::Connection& c, UnixMs before);
  Result<std::optional<std::int64_t>> category_of(storage::Connection& c, std::int64_t product_id);

  // The product's stored texts, in no order.
  Status texts(storage::Connection& c, std::int64_t product_id,
               const std::function<void(StoredText&&)>& each);
  Status put_text(storage::Connection& c, std::int64_t product_id, const StoredText& text,
                  UnixMs now);
  Status remove_text(storage::Connection& c, std::int64_t product_id, FeedbackSource source,
                     std::int64_t text_id);
  Result<std::int64_t> texts_stored(storage::Connection& c);

  Status put_figures(storage::Connection& c, const ProductFigures& figures);
  Result<std::optional<ProductFigures>> figures(storage::Connection& c, std::int64_t product_id);
  // Replaces the product's day and week rows.
  Status put_periods(storage::Connection& c, std::int64_t product_id,
                     std::optional<std::int64_t> category_id, const std::vector<PeriodRow>& rows);
  Result<std::vector<FeedbackTrendPoint>> trend(storage::Connection& c,
                                                std::optional<std::int64_t> product_id,
                                                std::optional<std::int64_t> category_id,
                                                FeedbackPeriod period, std::int64_t periods);

  // Stores the alert unless one of its product, kind, phrase and week exists: its id when
  // stored, nullopt when not.
  Result<std::optional<std::int64_t>> add_alert(storage::Connection& c, const FeedbackAlert& alert);
  Result<std::vector<FeedbackAlert>> alerts(storage::Connection& c, const FeedbackAlertQuery& query,
                                            std::int64_t limit);
  Result<std::int64_t> open_alerts(storage::Connection& c, const FeedbackAlertQuery& query);
  Result<std::optional<FeedbackAlert>> alert(storage::Connection& c, std::int64_t id);
  // Acknowledges an open alert; false when there is none or it was acknowledged before.
  Result<bool> acknowledge(storage::Connection& c, std::int64_t id, std::int64_t user_id,
                           UnixMs now);
};

}  // namespace ecrm::feedback
