// Satisfaction and loyalty surveys: CSAT (1 to 5) asked when a ticket is solved, NPS (0 to 10)
// asked of buyers every so often, and the answers, wherever they come from, in one table
// (`surveys`, migration 0029).
//
// Asking: a survey row and a mail queued through messaging's outbox in one transaction. CSAT is
// service mail (transactional: no consent needed; erased customers, customers without an address
// and suppressed addresses still get nothing, as messaging decides at send time), asked once per
// ticket ever: a ticket reopened and solved again is not asked again. NPS is marketing mail
// (e-mail consent granted, the frequency cap and quiet hours apply), asked of customers with at
// least one order whose latest NPS survey is older than the interval (90 days by default) by the
// daily run.
//
// Answering: the mail links to /s/{token}, a page that needs no sign-in; the token is the
// survey's id signed with messaging's link secret (MessagingService::sign_link), so a forged or
// altered token is refused (400 naming `token`) and writes nothing. The portal's rating form
// answers the ticket's CSAT survey through answer_csat(). A second answer replaces the first
// (the latest is kept, with its channel and time). Answers are ticket events (csat_answered) and
// entries on the customer's timeline.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/describe.hpp"
#include "core/result.hpp"
#include "customers/records.hpp"
#include "messaging/service.hpp"
#include "service/model.hpp"
#include "storage/database.hpp"

namespace ecrm::service {

enum class SurveyKind { kCsat, kNps };
ECRM_DESCRIBE_ENUM(SurveyKind, kCsat, kNps)

// How an answer came: the mail's link, or the portal's rating form.
enum class SurveyChannel { kEmail, kPortal };
ECRM_DESCRIBE_ENUM(SurveyChannel, kEmail, kPortal)

struct Survey {
  std::int64_t id = 0;
  SurveyKind kind = SurveyKind::kCsat;
  std::int64_t customer_id = 0;
  std::optional<std::int64_t> ticket_id;
  std::optional<std::int64_t> outbox_message_id;
  std::optional<UnixMs> sent_at;
  std::optional<std::int64_t> score;
  std::string comment;
  std::optional<SurveyChannel> channel;
  std::optional<UnixMs> answered_at;
  UnixMs created_at = 0;
};
ECRM_DESCRIBE(Survey, id, kind, customer_id, ticket_id, outbox_message_id, sent_at, score, comment,
              channel, answered_at, created_at)
ECRM_WIRE_RULES(Survey, rule(&Survey::sent_at, {.format = "date-time"}),
                rule(&Survey::answered_at, {.format = "date-time"}),
                rule(&Survey::created_at, {.format = "date-time"}))

inline constexpr std::size_t kMaxSurveyComment = 2000;

// POST /api/v1/surveys/{token}: the answer (score 1-5 for CSAT, 0-10 for NPS).
struct SurveyAnswer {
  std::int64_t score = 0;
  std::optional<std::string> comment;
};
ECRM_DESCRIBE(SurveyAnswer, score, comment)
ECRM_WIRE_RULES(SurveyAnswer, rule(&SurveyAnswer::score, {.minimum = 0, .maximum = 10}),
                rule(&SurveyAnswer::comment, {.max_length = kMaxSurveyComment}))

// What the answer page shows of a survey (nothing personal beyond the ticket's subject).
struct SurveyPage {
  SurveyKind kind = SurveyKind::kCsat;
  std::int64_t min_score = 1;
  std::int64_t max_score = 5;
  std::optional<std::int64_t> ticket_number;
  std::string ticket_subject;
  std::optional<std::int64_t> score;  // the answer given, if any
  std::string comment;
  std::string shop_name;
};
ECRM_DESCRIBE(SurveyPage, kind, min_score, max_score, ticket_number, ticket_subject, score,
              comment, shop_name)

// GET /api/v1/service/surveys: a customer's or a ticket's surveys.
struct SurveyQuery {
  std::optional<std::int64_t> customer_id;
  std::optional<std::int64_t> ticket_id;
};
ECRM_DESCRIBE(SurveyQuery, customer_id, ticket_id)

// What one NPS pass did.
struct NpsRun {
  std::int64_t asked = 0;
  std::int64_t interval_days = 90;
};
ECRM_DESCRIBE(NpsRun, asked, interval_days)

struct SurveyOptions {
  std::int64_t nps_interval_days = 90;  // a buyer is asked again once their latest is older
  int nps_batch = 1000;                 // buyers asked per statement batch of a pass
};

class Surveys {
 public:
  Surveys(storage::Database& db, messaging::MessagingService& messaging, SurveyOptions options = {});

  // Adds the shipped templates (csat_survey, nps_survey; en and zh-CN) unless staff have theirs.
  Status install_templates();

  // The solved hook (ServiceDesk::on_solved): asks the ticket's customer for CSAT, once per
  // ticket, inside the caller's transaction. A ticket without a customer is not asked.
  Status ticket_solved(storage::Connection& c, const Ticket& ticket, UnixMs now);

  // One NPS pass at `now`: asks every buyer due (see the header comment). Several processes may
  // run it: a buyer asked meanwhile is skipped.
  Result<NpsRun> ask_nps(UnixMs now);

  // The signed link token of survey `id`, and its page's URL for a given score.
  Result<std::string> token(std::int64_t id);

  // The answer page's view of the survey of `token`; kInvalidArgument naming `token` when forged.
  Result<SurveyPage> page(const std::string& token);
  // Records the answer to the survey of `token` (the mail's link). kInvalidArgument naming
  // `token` (forged, altered) or `score` (out of the kind's range); kNotFound when the customer
  // was erased. Nothing is written on a refusal.
  Result<Survey> answer(const std::string& token, const SurveyAnswer& answer, UnixMs now);

  Result<std::vector<Survey>> list(const SurveyQuery& query);

  const SurveyOptions& options() const { return options_; }

 private:
  storage::Database& db_;
  messaging::MessagingService& messaging_;
  SurveyOptions options_;
};

// The CSAT answer of `customer_id` to ticket `ticket_id` (the portal's rating form, or the mail
// link through Surveys::answer), inside the caller's transaction: the ticket's survey row is
// answered, or made when the ticket was never asked; the latest answer replaces an earlier one.
// Adds a csat_answered ticket event. kInvalidArgument naming `score` out of 1..5.
Result<Survey> answer_csat(storage::Connection& c, std::int64_t ticket_id, std::int64_t customer_id,
                           std::int64_t score, const std::string& comment, SurveyChannel channel,
                           UnixMs now);
// The CSAT survey of a ticket, if any.
Result<std::optional<Survey>> csat_of_ticket(storage::Connection& c, std::int64_t ticket_id);

// Surveys on the customer record: a merge moves them, the export lists them, erasure blanks the
// comments, and the timeline shows each answer.
class SurveyCustomerRecords final : public customers::CustomerRecords {
 public:
  std::string_view name() const override { return "surveys"; }
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
};

}  // namespace ecrm::service
