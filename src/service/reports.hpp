// Satisfaction and loyalty reports of the service desk: per channel, team, category or product,
// over the tickets opened in a period: first-response and resolution times (median and p90),
// SLA attainment, CSAT, NPS and the repeat-purchase rate.
//
// The rows are fetched with plain SQL that both SQLite and PostgreSQL run; the figures are
// computed in C++ by the pure function compute_report() (percentiles are awkward in portable
// SQL). Times are wall-clock minutes (the field names say so): the SLA engine stores due times,
// not business minutes between two moments.
//
// Definitions:
// - median: the middle value, or the mean of the two middle values; p90: nearest rank
//   (the value at rank ceil(0.9 n) of the sorted values).
// - SLA attainment: among the tickets with a due time whose outcome is known (responded/solved,
//   or the due time has passed by `now`), the share that met it (at or before the due time).
// - CSAT: the answers to the group's tickets' surveys; satisfied = 4 or 5.
// - NPS: the answers given in the period by the group's customers; promoters 9-10, detractors
//   0-6, score = (promoters - detractors) / answers x 100, rounded.
// - repeat purchase: the share of the group's customers with an order placed after their first
//   ticket of the group was opened and before the period's end.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/describe.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "storage/database.hpp"

namespace ecrm::service {

enum class ReportBy { kChannel, kTeam, kCategory, kProduct };
ECRM_DESCRIBE_ENUM(ReportBy, kChannel, kTeam, kCategory, kProduct)

// GET /api/v1/service/reports query. from/to: ISO-8601 dates or date-times (to exclusive);
// default the 30 days up to now.
struct ReportQuery {
  std::optional<std::string> from;
  std::optional<std::string> to;
  std::optional<ReportBy> by;
};
ECRM_DESCRIBE(ReportQuery, from, to, by)

// ---- the input rows
struct ReportTicket {
  std::int64_t id = 0;
  std::optional<std::int64_t> customer_id;
  std::string group;  // the key of its group
  std::string label;  // the group's name for people
  UnixMs opened_at = 0;
  std::optional<UnixMs> first_response_at;
  std::optional<UnixMs> first_response_due;
  std::optional<UnixMs> solved_at;
  std::optional<UnixMs> resolution_due;
};
struct ReportCsat {
  std::int64_t ticket_id = 0;
  std::int64_t score = 0;
};
struct ReportNps {
  std::int64_t customer_id = 0;
  std::int64_t score = 0;
};
struct ReportOrder {
  std::int64_t customer_id = 0;
  UnixMs placed_at = 0;
};

// ---- the output
struct DurationStats {
  std::int64_t count = 0;
  std::optional<double> median;  // minutes, one decimal
  std::optional<double> p90;
};
ECRM_DESCRIBE(DurationStats, count, median, p90)

struct Attainment {
  std::int64_t measured = 0;
  std::int64_t met = 0;
  std::optional<double> percent;  // one decimal; null when nothing was measured
};
ECRM_DESCRIBE(Attainment, measured, met, percent)

struct CsatStats {
  std::int64_t answers = 0;
  std::optional<double> average;            // two decimals
  std::optional<double> satisfied_percent;  // share of 4 and 5, one decimal
};
ECRM_DESCRIBE(CsatStats, answers, average, satisfied_percent)

struct NpsStats {
  std::int64_t answers = 0;
  std::int64_t promoters = 0;
  std::int64_t passives = 0;
  std::int64_t detractors = 0;
  std::optional<std::int64_t> score;  // -100..100
};
ECRM_DESCRIBE(NpsStats, answers, promoters, passives, detractors, score)

struct RepeatPurchase {
  std::int64_t customers = 0;
  std::int64_t repeat_customers = 0;
  std::optional<double> percent;
};
ECRM_DESCRIBE(RepeatPurchase, customers, repeat_customers, percent)

struct ReportGroup {
  std::string key;    // the channel, team, category or product id ("" for none)
  std::string label;  // for people (the product's name)
  std::int64_t tickets = 0;
  DurationStats first_response_wall_minutes;
  DurationStats resolution_wall_minutes;
  Attainment sla_first_response;
  Attainment sla_resolution;
  CsatStats csat;
  NpsStats nps;
  RepeatPurchase repeat_purchase;
};
ECRM_DESCRIBE(ReportGroup, key, label, tickets, first_response_wall_minutes,
              resolution_wall_minutes, sla_first_response, sla_resolution, csat, nps,
              repeat_purchase)

struct ServiceReport {
  std::string from;  // ISO-8601 UTC
  std::string to;
  ReportBy by = ReportBy::kChannel;
  std::vector<ReportGroup> groups;  // by ticket count, then key
  ReportGroup total;                // every ticket of the period
};
ECRM_DESCRIBE(ServiceReport, from, to, by, groups, total)

// The median and nearest-rank p90 of `values` (any order); nullopt when empty.
std::optional<double> median(std::vector<double> values);
std::optional<double> percentile_nearest_rank(std::vector<double> values, double p);

// The report over fetched rows (see the header comment); `period_end` bounds repeat purchases,
// `now` decides whether a due time without its event has passed.
ServiceReport compute_report(const std::vector<ReportTicket>& tickets,
                             const std::vector<ReportCsat>& csat, const std::vector<ReportNps>& nps,
                             const std::vector<ReportOrder>& orders, UnixMs period_end, UnixMs now);

class ServiceReports {
 public:
  explicit ServiceReports(storage::Database& db) : db_(db) {}
  // kInvalidArgument naming `from`, `to` (unparsable, to before from, more than 366 days) or
  // `by`.
  Result<ServiceReport> report(const ReportQuery& query, UnixMs now);

 private:
  storage::Database& db_;
};

}  // namespace ecrm::service
