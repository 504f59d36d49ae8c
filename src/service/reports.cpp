#include "service/reports.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace ecrm::service {

using storage::Connection;
using storage::RowView;

namespace {

constexpr UnixMs kMaxPeriod = 366 * kMsPerDay;
constexpr UnixMs kDefaultPeriod = 30 * kMsPerDay;

// The period's tickets (merged-away ones left out: their conversation lives on the other) with
// every column a grouping needs.
constexpr std::string_view kTickets =
    "SELECT t.id, t.customer_id, t.channel, t.team, t.category, t.product_id, "
    "COALESCE(p.name, ''), t.created_at, t.first_response_at, t.first_response_due, t.solved_at, "
    "t.resolution_due FROM tickets t LEFT JOIN products p ON p.id = t.product_id "
    "WHERE t.created_at >= $1 AND t.created_at < $2 AND t.merged_into IS NULL ORDER BY t.id";
constexpr std::string_view kCsat =
    "SELECT s.ticket_id, s.score FROM surveys s JOIN tickets t ON t.id = s.ticket_id "
    "WHERE s.kind = 'csat' AND s.score IS NOT NULL AND t.created_at >= $1 AND t.created_at < $2";
constexpr std::string_view kNps =
    "SELECT customer_id, score FROM surveys WHERE kind = 'nps' AND score IS NOT NULL "
    "AND answered_at >= $1 AND answered_at < $2";
constexpr std::string_view kOrders =
    "SELECT o.customer_id, o.placed_at FROM orders o WHERE o.placed_at >= $1 AND o.placed_at < $2 "
    "AND o.status <> 'cancelled' AND o.customer_id IN (SELECT t.customer_id FROM tickets t "
    "WHERE t.created_at >= $1 AND t.created_at < $2 AND t.customer_id IS NOT NULL)";

double round_to(double value, int decimals) {
  const double scale = std::pow(10.0, decimals);
  return std::round(value * scale) / scale;
}

std::optional<double> percent(std::int64_t part, std::int64_t whole) {
  if (whole <= 0) return std::nullopt;
  return round_to(100.0 * static_cast<double>(part) / static_cast<double>(whole), 1);
}

DurationStats durations(std::vector<double> minutes) {
  DurationStats out;
  out.count = static_cast<std::int64_t>(minutes.size());
  if (auto m = median(minutes)) out.median = round_to(*m, 1);
  if (auto p = percentile_nearest_rank(std::move(minutes), 0.9)) out.p90 = round_to(*p, 1);
  return out;
}

// Met / measured for one target: known outcome when done, or the due time passed by `now`.
void attain(Attainment& a, const std::optional<UnixMs>& due, const std::optional<UnixMs>& done,
            UnixMs now) {
  if (!due) return;
  if (done) {
    ++a.measured;
    if (*done <= *due) ++a.met;
  } else if (now > *due) {
    ++a.measured;
  }
}

ReportGroup group_of(const std::string& key, const std::string& label,
                     const std::vector<const ReportTicket*>& tickets,
                     const std::map<std::int64_t, std::vector<std::int64_t>>& csat_by_ticket,
                     const std::map<std::int64_t, std::vector<std::int64_t>>& nps_by_customer,
                     const std::map<std::int64_t, std::vector<UnixMs>>& orders_by_customer,
                     UnixMs period_end, UnixMs now) {
  ReportGroup g;
  g.key = key;
  g.label = label;
  g.tickets = static_cast<std::int64_t>(tickets.size());
  std::vector<double> first, resolution;
  std::map<std::int64_t, UnixMs> first_ticket_of;  // customer -> their first ticket's opening
  std::int64_t csat_sum = 0, satisfied = 0;
  for (const ReportTicket* t : tickets) {
    if (t->first_response_at) {
      first.push_back(static_cast<double>(*t->first_response_at - t->opened_at) / 60000.0);
    }
    if (t->solved_at) resolution.push_back(static_cast<double>(*t->solved_at - t->opened_at) / 60000.0);
    attain(g.sla_first_response, t->first_response_due, t->first_response_at, now);
    attain(g.sla_resolution, t->resolution_due, t->solved_at, now);
    if (auto it = csat_by_ticket.find(t->id); it != csat_by_ticket.end()) {
      for (std::int64_t score : it->second) {
        ++g.csat.answers;
        csat_sum += score;
        if (score >= 4) ++satisfied;
      }
    }
    if (t->customer_id) {
      auto [it, added] = first_ticket_of.emplace(*t->customer_id, t->opened_at);
      if (!added) it->second = std::min(it->second, t->opened_at);
    }
  }
  g.first_response_wall_minutes = durations(std::move(first));
  g.resolution_wall_minutes = durations(std::move(resolution));
  g.sla_first_response.percent = percent(g.sla_first_response.met, g.sla_first_response.measured);
  g.sla_resolution.percent = percent(g.sla_resolution.met, g.sla_resolution.measured);
  if (g.csat.answers > 0) {
    g.csat.average = round_to(static_cast<double>(csat_sum) / static_cast<double>(g.csat.answers), 2);
    g.csat.satisfied_percent = percent(satisfied, g.csat.answers);
  }
  for (const auto& [customer, first_opened] : first_ticket_of) {
    ++g.repeat_purchase.customers;
    if (auto it = orders_by_customer.find(customer); it != orders_by_customer.end()) {
      const UnixMs opened = first_opened;  // a lambda may not capture a structured binding (clang 14)
      const bool again = std::any_of(it->second.begin(), it->second.end(), [&](UnixMs at) {
        return at > opened && at < period_end;
      });
      if (again) ++g.repeat_purchase.repeat_customers;
    }
    if (auto it = nps_by_customer.find(customer); it != nps_by_customer.end()) {
      for (std::int64_t score : it->second) {
        ++g.nps.answers;
        if (score >= 9) {
          ++g.nps.promoters;
        } else if (score <= 6) {
          ++g.nps.detractors;
        } else {
          ++g.nps.passives;
        }
      }
    }
  }
  g.repeat_purchase.percent = percent(g.repeat_purchase.repeat_customers, g.repeat_purchase.customers);
  if (g.nps.answers > 0) {
    g.nps.score = static_cast<std::int64_t>(
        std::lround(100.0 * static_cast<double>(g.nps.promoters - g.nps.detractors) /
                    static_cast<double>(g.nps.answers)));
  }
  return g;
}

Result<UnixMs> time_param(const std::optional<std::string>& text, UnixMs fallback,
                          const char* field) {
  if (!text || text->empty()) return fallback;
  auto parsed = parse_iso8601(*text);
  if (!parsed) {
    return Error::invalid(std::string(field) + " must be an ISO-8601 date or date-time", field,
                          "invalid_time");
  }
  return *parsed;
}

}  // namespace

std::optional<double> median(std::vector<double> values) {
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2.0;
}

std::optional<double> percentile_nearest_rank(std::vector<double> values, double p) {
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  const auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(values.size())));
  return values[std::clamp<std::size_t>(rank, 1, values.size()) - 1];
}

ServiceReport compute_report(const std::vector<ReportTicket>& tickets,
                             const std::vector<ReportCsat>& csat, const std::vector<ReportNps>& nps,
                             const std::vector<ReportOrder>& orders, UnixMs period_end, UnixMs now) {
  std::map<std::int64_t, std::vector<std::int64_t>> csat_by_ticket, nps_by_customer;
  for (const auto& a : csat) csat_by_ticket[a.ticket_id].push_back(a.score);
  for (const auto& a : nps) nps_by_customer[a.customer_id].push_back(a.score);
  std::map<std::int64_t, std::vector<UnixMs>> orders_by_customer;
  for (const auto& o : orders) orders_by_customer[o.customer_id].push_back(o.placed_at);

  std::map<std::string, std::vector<const ReportTicket*>> by_group;
  std::map<std::string, std::string> labels;
  std::vector<const ReportTicket*> all;
  for (const auto& t : tickets) {
    by_group[t.group].push_back(&t);
    labels[t.group] = t.label;
    all.push_back(&t);
  }
  ServiceReport report;
  for (const auto& [key, members] : by_group) {
    report.groups.push_back(group_of(key, labels[key], members, csat_by_ticket, nps_by_customer,
                                     orders_by_customer, period_end, now));
  }
  std::stable_sort(report.groups.begin(), report.groups.end(),
                   [](const ReportGroup& a, const ReportGroup& b) { return a.tickets > b.tickets; });
  report.total = group_of("", "", all, csat_by_ticket, nps_by_customer, orders_by_customer,
                          period_end, now);
  return report;
}

Result<ServiceReport> ServiceReports::report(const ReportQuery& query, UnixMs now) {
  ECRM_ASSIGN_OR_RETURN(const UnixMs to, time_param(query.to, now, "to"));
  ECRM_ASSIGN_OR_RETURN(const UnixMs from, time_param(query.from, to - kDefaultPeriod, "from"));
  if (to <= from) return Error::invalid("to must come after from", "to", "invalid_period");
  if (to - from > kMaxPeriod) {
    return Error::invalid("the period is at most 366 days", "from", "period_too_long");
  }
  const ReportBy by = query.by.value_or(ReportBy::kChannel);
  std::vector<ReportTicket> tickets;
  std::vector<ReportCsat> csat;
  std::vector<ReportNps> nps;
  std::vector<ReportOrder> orders;
  ECRM_RETURN_IF_ERROR(storage::with_transaction(db_, storage::TxMode::kRead, [&](Connection& c) -> Status {
    ECRM_RETURN_IF_ERROR(c.query(kTickets, {from, to}, [&](const RowView& row) {
      ReportTicket t;
      t.id = row.get_int(0);
      t.customer_id = row.get_optional_int(1);
      switch (by) {
        case ReportBy::kChannel: t.group = row.get_string(2); break;
        case ReportBy::kTeam: t.group = row.get_string(3); break;
        case ReportBy::kCategory: t.group = row.get_string(4); break;
        case ReportBy::kProduct:
          t.group = row.is_null(5) ? "" : std::to_string(row.get_int(5));
          t.label = row.get_string(6);
          break;
      }
      if (t.label.empty()) t.label = t.group;
      t.opened_at = row.get_int(7);
      t.first_response_at = row.get_optional_int(8);
      t.first_response_due = row.get_optional_int(9);
      t.solved_at = row.get_optional_int(10);
      t.resolution_due = row.get_optional_int(11);
      tickets.push_back(std::move(t));
    }));
    ECRM_RETURN_IF_ERROR(c.query(kCsat, {from, to}, [&](const RowView& row) {
      csat.push_back(ReportCsat{row.get_int(0), row.get_int(1)});
    }));
    ECRM_RETURN_IF_ERROR(c.query(kNps, {from, to}, [&](const RowView& row) {
      nps.push_back(ReportNps{row.get_int(0), row.get_int(1)});
    }));
    return c.query(kOrders, {from, to}, [&](const RowView& row) {
      orders.push_back(ReportOrder{row.get_int(0), row.get_int(1)});
    });
  }));
  ServiceReport report = compute_report(tickets, csat, nps, orders, to, now);
  report.from = format_iso8601(from);
  report.to = format_iso8601(to);
  report.by = by;
  return report;
}

}  // namespace ecrm::service
