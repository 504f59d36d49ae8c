#include "home/repo.hpp"

namespace ecrm::home {

using storage::RowView;

namespace {

constexpr std::string_view kOrderTotals =
    "SELECT currency, COUNT(*), COALESCE(SUM(total), 0) FROM orders "
    "WHERE placed_at >= $1 AND placed_at < $2 AND status <> 'cancelled' "
    "GROUP BY currency ORDER BY currency";
// Along orders_customer (customer_id, placed_at) for the earlier orders.
constexpr std::string_view kBuyers =
    "SELECT COUNT(DISTINCT o.customer_id), COUNT(DISTINCT CASE WHEN EXISTS ("
    "SELECT 1 FROM orders p WHERE p.customer_id = o.customer_id AND p.placed_at < $1 "
    "AND p.status <> 'cancelled') THEN o.customer_id END) FROM orders o "
    "WHERE o.placed_at >= $1 AND o.placed_at < $2 AND o.status <> 'cancelled'";
constexpr std::string_view kSignups =
    "SELECT COUNT(*) FROM customers WHERE created_at >= $1 AND created_at < $2 "
    "AND merged_into IS NULL";
constexpr std::string_view kCustomers = "SELECT COUNT(*) FROM customers WHERE merged_into IS NULL";
constexpr std::string_view kTiers =
    "SELECT s.tier, COUNT(*) FROM customer_scores s JOIN customers c ON c.id = s.customer_id "
    "WHERE c.merged_into IS NULL GROUP BY s.tier ORDER BY s.tier";
constexpr std::string_view kTierBuyers =
    "SELECT s.tier, COUNT(DISTINCT o.customer_id) FROM orders o "
    "JOIN customer_scores s ON s.customer_id = o.customer_id "
    "WHERE o.placed_at >= $1 AND o.placed_at < $2 AND o.status <> 'cancelled' "
    "GROUP BY s.tier ORDER BY s.tier";
constexpr std::string_view kScoredAt = "SELECT MAX(fitted_at) FROM analytics_models";
// $1/$2 the span, $3 the abandonment limit, $4 now (as the traffic's abandonment figures).
constexpr std::string_view kClosedCarts =
    "SELECT x.purchased, x.recovered, x.currency, COUNT(*), COALESCE(SUM(x.value), 0) FROM ("
    "SELECT CASE WHEN status = 'open' THEN updated_at + $3 ELSE closed_at END AS at, "
    "CASE WHEN status = 'purchased' THEN 1 ELSE 0 END AS purchased, "
    "CASE WHEN recovered_from IS NOT NULL THEN 1 ELSE 0 END AS recovered, currency, value "
    "FROM carts WHERE item_count > 0 AND (status <> 'open' OR updated_at + $3 <= $4)) x "
    "WHERE x.at >= $1 AND x.at < $2 GROUP BY x.purchased, x.recovered, x.currency "
    "ORDER BY x.purchased, x.recovered, x.currency";
constexpr std::string_view kMessageEvents =
    "SELECT kind, COUNT(DISTINCT message_id) FROM message_events "
    "WHERE at >= $1 AND at < $2 AND kind IN ('sent', 'open', 'click', 'reply', 'bounce') "
    "GROUP BY kind ORDER BY kind";
constexpr std::string_view kQueuedMessages =
    "SELECT COUNT(*) FROM messages WHERE status = 'queued'";
constexpr std::string_view kFlows =
    "SELECT COUNT(*), COALESCE(SUM(CASE WHEN enabled <> 0 THEN 1 ELSE 0 END), 0) "
    "FROM automation_flows";
constexpr std::string_view kWaitingEnrolments =
    "SELECT COUNT(*) FROM flow_enrolments WHERE status = 'waiting'";
constexpr std::string_view kScheduledCampaigns =
    "SELECT COUNT(*) FROM campaigns WHERE status = 'scheduled'";
// The inbox, read from the tickets' indexes (active, assignee, next due time).
constexpr std::string_view kActiveTickets = "SELECT COUNT(*) FROM tickets WHERE active = 1";
constexpr std::string_view kUnassignedTickets =
    "SELECT COUNT(*) FROM tickets WHERE assignee_id IS NULL AND active = 1";
constexpr std::string_view kBreachingTickets =
    "SELECT COUNT(*) FROM tickets WHERE active = 1 AND next_due_at <= $1";
constexpr std::string_view kBreachedTickets =
    "SELECT COUNT(*) FROM tickets WHERE active = 1 AND (breached <> '' OR next_due_at < $1)";
constexpr std::string_view kTicketsOpened =
    "SELECT COUNT(*) FROM tickets WHERE created_at >= $1 AND created_at <= $2";
constexpr std::string_view kSentCampaigns =
    "SELECT COUNT(*) FROM campaigns WHERE status = 'sent' AND sent_at >= $1 AND sent_at < $2";

Result<std::int64_t> count(Connection& c, std::string_view sql,
                           std::initializer_list<storage::Value> params = {}) {
  std::int64_t n = 0;
  ECRM_RETURN_IF_ERROR(c.query(sql, params, [&](const RowView& row) { n = row.get_int(0); }));
  return n;
}

Result<std::vector<NamedCount>> named_counts(Connection& c, std::string_view sql,
                                             std::initializer_list<storage::Value> params) {
  std::vector<NamedCount> out;
  ECRM_RETURN_IF_ERROR(c.query(sql, params, [&](const RowView& row) {
    out.push_back(NamedCount{row.get_string(0), row.get_int(1)});
  }));
  return out;
}

}  // namespace

Result<std::vector<CurrencyTotal>> HomeRepo::order_totals(Connection& c, UnixMs from, UnixMs to) {
  std::vector<CurrencyTotal> out;
  ECRM_RETURN_IF_ERROR(c.query(kOrderTotals, {from, to}, [&](const RowView& row) {
    out.push_back(CurrencyTotal{row.get_string(0), row.get_int(1), row.get_int(2)});
  }));
  return out;
}

Result<std::pair<std::int64_t, std::int64_t>> HomeRepo::buyers(Connection& c, UnixMs from,
                                                               UnixMs to) {
  std::pair<std::int64_t, std::int64_t> out;
  ECRM_RETURN_IF_ERROR(c.query(kBuyers, {from, to}, [&](const RowView& row) {
    out = {row.get_int(0), row.get_int(1)};
  }));
  return out;
}

Result<std::int64_t> HomeRepo::signups(Connection& c, UnixMs from, UnixMs to) {
  return count(c, kSignups, {from, to});
}

Result<std::int64_t> HomeRepo::customers(Connection& c) { return count(c, kCustomers); }

Result<std::vector<NamedCount>> HomeRepo::tiers(Connection& c) {
  return named_counts(c, kTiers, {});
}

Result<std::vector<NamedCount>> HomeRepo::tier_buyers(Connection& c, UnixMs from, UnixMs to) {
  return named_counts(c, kTierBuyers, {from, to});
}

Result<std::optional<UnixMs>> HomeRepo::scored_at(Connection& c) { return c.query_int(kScoredAt); }

Result<std::vector<ClosedCarts>> HomeRepo::closed_carts(Connection& c, UnixMs from, UnixMs to,
                                                        UnixMs abandon_after, UnixMs now) {
  std::vector<ClosedCarts> out;
  ECRM_RETURN_IF_ERROR(
      c.query(kClosedCarts, {from, to, abandon_after, now}, [&](const RowView& row) {
        out.push_back(ClosedCarts{row.get_int(0) != 0, row.get_int(1) != 0, row.get_string(2),
                                  row.get_int(3), row.get_int(4)});
      }));
  return out;
}

Result<std::vector<NamedCount>> HomeRepo::message_events(Connection& c, UnixMs from, UnixMs to) {
  return named_counts(c, kMessageEvents, {from, to});
}

Result<std::int64_t> HomeRepo::queued_messages(Connection& c) { return count(c, kQueuedMessages); }

Result<AutomationSection> HomeRepo::automation(Connection& c, UnixMs week_from, UnixMs to) {
  AutomationSection out;
  ECRM_RETURN_IF_ERROR(c.query(kFlows, {}, [&](const RowView& row) {
    out.flows = row.get_int(0);
    out.flows_enabled = row.get_int(1);
  }));
  ECRM_ASSIGN_OR_RETURN(out.enrolments_waiting, count(c, kWaitingEnrolments));
  ECRM_ASSIGN_OR_RETURN(out.campaigns_scheduled, count(c, kScheduledCampaigns));
  ECRM_ASSIGN_OR_RETURN(out.campaigns_sent_this_week, count(c, kSentCampaigns, {week_from, to}));
  return out;
}

Result<ServiceSection> HomeRepo::service(Connection& c, UnixMs at, UnixMs breaching_until,
                                         UnixMs today_from) {
  ServiceSection out;
  ECRM_ASSIGN_OR_RETURN(out.active, count(c, kActiveTickets));
  ECRM_ASSIGN_OR_RETURN(out.unassigned, count(c, kUnassignedTickets));
  ECRM_ASSIGN_OR_RETURN(out.breaching, count(c, kBreachingTickets, {breaching_until}));
  ECRM_ASSIGN_OR_RETURN(out.breached, count(c, kBreachedTickets, {at}));
  ECRM_ASSIGN_OR_RETURN(out.opened_today, count(c, kTicketsOpened, {today_from, at}));
  return out;
}

}  // namespace ecrm::home
