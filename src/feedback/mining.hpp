// Feedback mining as a stored job. A run (one process at a time, through the job row's claim):
//   1. the products to look at: those whose texts were written, edited, moderated or re-linked
//      since the watermark (the start of the last successful run, less a minute for writes that
//      committed late) and those whose figures are a day old (their windows have moved on: they
//      are counted again without mining), or every product on a full run (the first run is one);
//   2. per product, its current texts (the latest kTextsPerSource of each source, as the report
//      always read them) against the stored ones: texts new or changed (by a digest of the text)
//      are mined (sentiment, PhraseMiner::analyse) and stored, texts gone are dropped, the others
//      are not read again;
//   3. the product's figures from its stored texts without mining them again
//      (PhraseMiner::replay in the report's order): sentiment and source counts, the top
//      complaints and praise with their 30-day trends, the weekly issues of its last five weeks,
//      its texts per day and week; stored in one transaction;
//   4. alerts (trends.hpp): an issue rising this week or the negative share jumping is stored once
//      per product, kind, phrase and calendar week, however often the job runs.
// The improvement report reads the stored figures; the alerts are listed for staff.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "feedback/issues.hpp"
#include "feedback/mining_repo.hpp"
#include "feedback/model.hpp"
#include "feedback/trends.hpp"
#include "storage/database.hpp"

namespace ecrm::feedback {

struct MiningOptions {
  RiseOptions rise;
};

// A text serialised for feedback_texts.mined, and read back; nullopt when malformed.
std::string mined_to_json(const MinedText& mined);
std::optional<MinedText> mined_from_json(std::string_view text);

// The miner's issues for the wire: examples as quotes of their texts, `rising` after the
// report's rule (at least kRisingMinimum recent texts and twice the previous window's).
std::vector<FeedbackIssue> issue_views(const std::vector<Issue>& issues);

// What staff following the product are told of a stored alert (its id and product name set):
// the event key (feedback_alert:ID), a one-line title, a sentence with the figures, and the
// improvement report's path in the app.
struct AlertNotice {
  std::string event_key;
  std::string title;
  std::string body;
  std::string link;
};
AlertNotice alert_notice(const FeedbackAlert& alert);

// Called inside a run's transaction for each alert stored for the first time, as the alerts are
// listed (its id and product name set); an error rolls the product's figures back and fails the
// run, so the alert is raised (and the listener called) again on the next run.
using AlertListener = std::function<Status(storage::Connection&, const FeedbackAlert&)>;

// A stable digest of a text (64-bit FNV-1a, hex).
std::string text_digest(std::string_view text);

class FeedbackMining {
 public:
  FeedbackMining(storage::Database& db, MiningOptions options);

  // Who hears of new alerts (staff notices); set before the first run.
  void on_alert(AlertListener listener) { on_alert_ = std::move(listener); }

  // Runs the job as `owner` at `now` (see above): a full run when request_full asked for one or
  // nothing was mined yet. kConflict `already_running` when another run holds the claim; storage
  // errors otherwise (recorded on the job row as failed).
  Result<MiningOutcome> run(const std::string& owner, UnixMs now);
  // Records that the next run is to be full (or drops that request): the run that next takes the
  // claim, in any process, mines every product, and puts the request back if it fails.
  Status request_full(bool requested);

  // The job row's status; `queued` when this process has a run asked for or running.
  Result<FeedbackMiningStatus> status(bool queued, UnixMs now);
  // Who holds the claim at `now` (nullopt: nobody).
  Result<std::optional<std::string>> claim_holder(UnixMs now);
  // When the latest successful run finished (nullopt: never).
  Result<std::optional<UnixMs>> last_run();

  // Alerts, newest first: kInvalidArgument naming `limit` outside 1..kMaxAlertPage.
  Result<FeedbackAlertList> alerts(const FeedbackAlertQuery& query);
  // Acknowledges alert `id` by `user_id`: kNotFound when there is none; acknowledging again
  // answers the alert as it is.
  Result<FeedbackAlert> acknowledge(std::int64_t id, std::int64_t user_id, UnixMs now);
  // A product's or a category's texts per day or week, and a product's weekly issues:
  // kInvalidArgument naming `product_id` when neither or both are given.
  Result<FeedbackTrends> trends(const FeedbackTrendQuery& query);

 private:
  struct ProductRun {
    std::int64_t mined = 0;
    std::int64_t removed = 0;
    std::int64_t alerts = 0;
  };
  Result<ProductRun> mine_product(std::int64_t product_id, UnixMs now);

  storage::Database& db_;
  MiningOptions options_;
  MiningRepo repo_;
  AlertListener on_alert_;
};

}  // namespace ecrm::feedback
