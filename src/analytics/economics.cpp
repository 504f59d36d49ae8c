#include "analytics/economics.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <string_view>

#include "analytics/json_output.hpp"
#include "core/csv.hpp"

namespace ecrm::analytics {

namespace {

using storage::Connection;
using storage::RowView;
using storage::Value;

constexpr std::size_t kMaxImportRows = 100'000;
constexpr double kDaysPerMonth = 365.2425 / 12;
constexpr std::int64_t kDayMs = 86'400'000;

constexpr std::string_view kUpsert =
    "INSERT INTO economics_costs (month, kind, dimension, name, amount, updated_at) "
    "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (month, kind, dimension, name) "
    "DO UPDATE SET amount = excluded.amount, updated_at = excluded.updated_at";
constexpr std::string_view kCosts =
    "SELECT month, kind, dimension, name, amount, updated_at FROM economics_costs "
    "WHERE month >= $1 AND month <= $2 ORDER BY month, kind, dimension, name";
constexpr std::string_view kAcquired =
    "SELECT c.channel, c.source, c.attributes, c.referred_by, c.created_at, s.clv, s.monetary "
    "FROM customers c LEFT JOIN customer_scores s ON s.customer_id = c.id "
    "WHERE c.created_at >= $1 AND c.created_at < $2 AND c.merged_into IS NULL";
// Automation's campaigns sent in the period, and what their recipients and holdout bought.
constexpr std::string_view kCampaignsSent =
    "SELECT id, name, sent_at, conversion_days, holdout FROM campaigns "
    "WHERE status = 'sent' AND sent_at >= $1 AND sent_at < $2 ORDER BY sent_at, id";
constexpr std::string_view kCampaignRecipients =
    "SELECT COUNT(*) FROM messages WHERE source = $1 AND status = 'sent'";
constexpr std::string_view kCampaignRevenue =
    "SELECT CAST(COALESCE(SUM(o.total), 0) AS BIGINT) FROM messages m JOIN orders o "
    "ON o.customer_id = m.customer_id AND o.placed_at >= m.sent_at "
    "AND o.placed_at < m.sent_at + $2 AND o.status <> 'cancelled' "
    "WHERE m.source = $1 AND m.status = 'sent'";
constexpr std::string_view kHoldoutRevenue =
    "SELECT CAST(COALESCE(SUM(o.total), 0) AS BIGINT) FROM campaign_holdouts h JOIN orders o "
    "ON o.customer_id = h.customer_id AND o.placed_at >= $2 AND o.placed_at < $3 "
    "AND o.status <> 'cancelled' WHERE h.campaign_id = $1";
constexpr std::string_view kCampaignCost =
    "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM economics_costs "
    "WHERE kind = 'campaign' AND name = $1";
constexpr std::string_view kTickets =
    "SELECT COUNT(*) FROM tickets WHERE created_at >= $1 AND created_at < $2";

struct Month {
  int year = 0;
  unsigned month = 0;
};

// "YYYY-MM" with a month 01..12.
std::optional<Month> parse_month(std::string_view text) {
  if (text.size() != 7 || text[4] != '-') return std::nullopt;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u}) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  }
  Month m;
  m.year = (text[0] - '0') * 1000 + (text[1] - '0') * 100 + (text[2] - '0') * 10 + (text[3] - '0');
  m.month = static_cast<unsigned>((text[5] - '0') * 10 + (text[6] - '0'));
  if (m.year < 1970 || m.month < 1 || m.month > 12) return std::nullopt;
  return m;
}

UnixMs month_start(Month m) { return days_from_civil(m.year, m.month, 1) * kDayMs; }

UnixMs month_end(Month m) {  // the next month's start
  return m.month == 12 ? month_start({m.year + 1, 1}) : month_start({m.year, m.month + 1});
}

Error month_error(const std::string& field) {
  return Error::invalid(field + " must be a month written YYYY-MM", field, "invalid_month");
}

std::int64_t rounded_div(std::int64_t a, std::int64_t b) {
  return static_cast<std::int64_t>(std::llround(static_cast<double>(a) / static_cast<double>(b)));
}

std::string ratio(double value) { return format_decimal(value, 6, 2); }

// Checks and normalises one entry; `field` prefixes the member names in errors ("entries[2]" or
// "line 3").
Status check(CostEntry& e, const std::string& field) {
  auto at = [&](const char* member) { return field + "." + member; };
  if (!parse_month(e.month)) return month_error(at("month"));
  if (e.kind != "acquisition" && e.kind != "retention" && e.kind != "service" &&
      e.kind != "campaign") {
    return Error::invalid(at("kind") + " must be acquisition, retention, service or campaign",
                          at("kind"), "invalid_kind");
  }
  std::string dimension = e.dimension.value_or("");
  std::string name = e.name.value_or("");
  if (e.kind == "service") {
    dimension.clear();
    name.clear();
  } else if (e.kind == "campaign") {
    dimension.clear();
    if (name.empty()) {
      return Error::invalid(at("name") +
                                " is required for campaign costs: the campaign's key "
                                "(campaign_12)",
                            at("name"), "invalid_name");
    }
  } else if (dimension.empty() && e.kind == "acquisition") {
    return Error::invalid(at("dimension") + " is required for acquisition costs: channel, "
                          "source or campaign",
                          at("dimension"), "invalid_dimension");
  }
  if (!dimension.empty() && dimension != "channel" && dimension != "source" &&
      dimension != "campaign") {
    return Error::invalid(at("dimension") + " must be channel, source or campaign",
                          at("dimension"), "invalid_dimension");
  }
  if (name.size() > 200) {
    return Error::invalid(at("name") + " is longer than 200 bytes", at("name"), "too_long");
  }
  if (e.amount < 0) {
    return Error::invalid(at("amount") + " must not be negative (minor units)", at("amount"),
                          "negative_amount");
  }
  e.dimension = std::move(dimension);
  e.name = std::move(name);
  return {};
}

Status store(Connection& c, const std::vector<CostEntry>& entries, UnixMs now) {
  for (const auto& e : entries) {
    ECRM_RETURN_IF_ERROR(storage::done(c.execute(
        kUpsert, {e.month, e.kind, *e.dimension, *e.name, e.amount, std::int64_t{now}})));
  }
  return {};
}

Result<CostList> read_costs(Connection& c, const std::string& from, const std::string& to) {
  CostList out;
  ECRM_RETURN_IF_ERROR(c.query(kCosts, {from, to}, [&](const RowView& row) {
    out.entries.push_back(CostEntry{.month = row.get_string(0),
                                    .kind = row.get_string(1),
                                    .dimension = row.get_string(2),
                                    .name = row.get_string(3),
                                    .amount = row.get_int(4),
                                    .updated_at = row.get_int(5)});
  }));
  return out;
}

std::string campaign_of(std::string_view attributes) {
  boost::system::error_code ec;
  auto v = boost::json::parse(attributes, ec);
  if (ec || !v.is_object()) return {};
  for (const char* key : {"campaign", "utm_campaign"}) {
    if (const auto* c = v.as_object().if_contains(key); c && c->is_string()) {
      return std::string(c->as_string());
    }
  }
  return {};
}

struct Sums {
  std::int64_t customers = 0;
  std::int64_t clv = 0;
  std::int64_t revenue = 0;
  double customer_months = 0;
  std::int64_t acquisition_cost = 0;
  std::int64_t retention_cost = 0;
};

// The campaigns sent in [start, end) with their return against the holdout.
Result<std::vector<CampaignRoi>> campaign_rois(Connection& c, UnixMs start, UnixMs end) {
  std::vector<CampaignRoi> out;
  ECRM_RETURN_IF_ERROR(c.query(kCampaignsSent, {start, end}, [&](const RowView& row) {
    CampaignRoi x;
    x.campaign_id = row.get_int(0);
    x.key = "campaign_" + std::to_string(x.campaign_id);
    x.name = row.get_string(1);
    x.sent_at = row.get_int(2);
    x.conversion_days = row.get_int(3);
    x.holdout = row.get_int(4);
    out.push_back(std::move(x));
  }));
  for (auto& x : out) {
    const std::int64_t window = x.conversion_days * kDayMs;
    ECRM_ASSIGN_OR_RETURN(auto recipients, c.query_int(kCampaignRecipients, {x.key}));
    x.recipients = recipients.value_or(0);
    ECRM_ASSIGN_OR_RETURN(auto revenue, c.query_int(kCampaignRevenue, {x.key, window}));
    x.revenue = revenue.value_or(0);
    ECRM_ASSIGN_OR_RETURN(
        auto held, c.query_int(kHoldoutRevenue, {x.campaign_id, x.sent_at, x.sent_at + window}));
    x.holdout_revenue = held.value_or(0);
    ECRM_ASSIGN_OR_RETURN(auto cost, c.query_int(kCampaignCost, {x.key}));
    x.cost = cost.value_or(0);
    if (x.holdout > 0) {
      const double expected = static_cast<double>(x.holdout_revenue) *
                              static_cast<double>(x.recipients) / static_cast<double>(x.holdout);
      const double incremental = static_cast<double>(x.revenue) - expected;
      x.incremental_revenue = std::llround(incremental);
      if (x.cost > 0)
        x.roi = ratio((incremental - static_cast<double>(x.cost)) / static_cast<double>(x.cost));
    }
  }
  return out;
}

EconomicsGroup group_of(const std::string& name, const Sums& s) {
  EconomicsGroup g;
  g.name = name;
  g.customers = s.customers;
  g.acquisition_cost = s.acquisition_cost;
  g.retention_cost = s.retention_cost;
  if (s.customers > 0) {
    g.cac = rounded_div(s.acquisition_cost, s.customers);
    g.average_clv = rounded_div(s.clv, s.customers);
    const double cac = static_cast<double>(s.acquisition_cost) / static_cast<double>(s.customers);
    const double avg_clv = static_cast<double>(s.clv) / static_cast<double>(s.customers);
    if (s.acquisition_cost > 0) g.clv_cac = ratio(avg_clv / cac);
    if (s.customer_months > 0) {
      const double monthly = static_cast<double>(s.revenue) / s.customer_months;
      g.monthly_revenue_per_customer = std::llround(monthly);
      if (monthly > 0 && s.acquisition_cost > 0) g.payback_months = ratio(cac / monthly);
    }
  }
  return g;
}

}  // namespace

Result<CostList> EconomicsService::put_costs(std::vector<CostEntry> entries) {
  if (entries.empty()) return Error::invalid("entries must hold at least one cost", "entries");
  for (std::size_t i = 0; i < entries.size(); ++i) {
    ECRM_RETURN_IF_ERROR(check(entries[i], "entries[" + std::to_string(i) + "]"));
  }
  const UnixMs now = now_ms();
  ECRM_RETURN_IF_ERROR(storage::with_transaction(
      db_, storage::TxMode::kWrite, [&](Connection& c) { return store(c, entries, now); }));
  std::string from = entries.front().month, to = from;
  for (const auto& e : entries) {
    from = std::min(from, e.month);
    to = std::max(to, e.month);
  }
  return costs(CostQuery{from, to});
}

Result<CostList> EconomicsService::costs(const CostQuery& query) {
  const std::string from = query.from.value_or("0000-00");
  const std::string to = query.to.value_or("9999-99");
  if (query.from && !parse_month(*query.from)) return month_error("from");
  if (query.to && !parse_month(*query.to)) return month_error("to");
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return read_costs(*lease, from, to);
}

Result<CostImportReport> EconomicsService::import_costs(std::istream& in) {
  CsvReader reader(in);
  std::vector<std::string> fields;
  ECRM_ASSIGN_OR_RETURN(bool has_header, reader.next(fields));
  if (!has_header) return Error::invalid("the file is empty", "file");
  CsvHeader header(fields);
  ECRM_ASSIGN_OR_RETURN(auto col_month, header.require("month"));
  ECRM_ASSIGN_OR_RETURN(auto col_amount, header.require("amount"));
  const auto col_kind = header.find("kind");
  const auto col_dimension = header.find("dimension");
  const auto col_name = header.find("name");

  std::vector<CostEntry> entries;
  for (;;) {
    ECRM_ASSIGN_OR_RETURN(bool more, reader.next(fields));
    if (!more) break;
    if (entries.size() >= kMaxImportRows) {
      return Error::invalid("a file holds at most 100,000 costs", "file");
    }
    const std::string line = "line " + std::to_string(reader.line());
    auto field = [&](std::optional<std::size_t> col) {
      return col && *col < fields.size() ? fields[*col] : std::string();
    };
    CostEntry e;
    e.month = field(col_month);
    e.kind = field(col_kind);
    if (e.kind.empty()) e.kind = "acquisition";
    e.dimension = field(col_dimension);
    e.name = field(col_name);
    const std::string amount = field(col_amount);
    const char* begin = amount.data();
    const char* end = begin + amount.size();
    auto [ptr, ec] = std::from_chars(begin, end, e.amount);
    if (amount.empty() || ec != std::errc() || ptr != end) {
      return Error::invalid(line + ".amount must be an integer amount in minor units",
                            line + ".amount", "not_an_amount");
    }
    ECRM_RETURN_IF_ERROR(check(e, line));
    entries.push_back(std::move(e));
  }
  if (entries.empty()) return Error::invalid("the file holds no costs", "file");
  const UnixMs now = now_ms();
  ECRM_RETURN_IF_ERROR(storage::with_transaction(
      db_, storage::TxMode::kWrite, [&](Connection& c) { return store(c, entries, now); }));
  const auto n = static_cast<std::int64_t>(entries.size());
  return CostImportReport{n, n};
}

Result<EconomicsReport> EconomicsService::report(const EconomicsQuery& query) {
  const auto from = parse_month(query.from);
  if (!from) return month_error("from");
  const auto to = parse_month(query.to);
  if (!to) return month_error("to");
  if (query.to < query.from) return Error::invalid("to must not be before from", "to");
  const std::string by = query.by.value_or("channel");
  if (by != "channel" && by != "source" && by != "campaign") {
    return Error::invalid("by must be channel, source or campaign", "by", "invalid_dimension");
  }
  const UnixMs start = month_start(*from);
  const UnixMs end = month_end(*to);
  const UnixMs now = now_ms();

  EconomicsReport out;
  out.from = query.from;
  out.to = query.to;
  out.by = by;
  std::map<std::string, Sums> groups;
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  Connection& c = *lease;
  ECRM_RETURN_IF_ERROR(c.query(kAcquired, {start, end}, [&](const RowView& row) {
    std::string name;
    if (by == "channel") {
      name = row.is_null(3) ? row.get_string(0) : "referral";
    } else if (by == "source") {
      name = row.get_string(1);
    } else {
      name = campaign_of(row.get_text(2));
    }
    Sums& s = groups[name];
    ++s.customers;
    s.clv += row.get_int(5);       // NULL (no score) reads as 0
    s.revenue += row.get_int(6);
    const double months =
        static_cast<double>(now - row.get_int(4)) / static_cast<double>(kDayMs) / kDaysPerMonth;
    s.customer_months += std::max(1.0, months);
  }));
  ECRM_ASSIGN_OR_RETURN(auto costs, read_costs(c, query.from, query.to));
  for (const auto& e : costs.entries) {
    if (e.kind == "campaign") continue;  // the campaigns' own (campaign_rois)
    if (e.kind == "service") {
      out.service_cost += e.amount;
      continue;
    }
    if (e.kind == "retention") out.retention_cost += e.amount;
    if (*e.dimension != by) continue;
    Sums& s = groups[*e.name];
    (e.kind == "acquisition" ? s.acquisition_cost : s.retention_cost) += e.amount;
  }
  Sums total;
  for (const auto& [name, s] : groups) {
    out.groups.push_back(group_of(name, s));
    total.customers += s.customers;
    total.clv += s.clv;
    total.revenue += s.revenue;
    total.customer_months += s.customer_months;
    total.acquisition_cost += s.acquisition_cost;
    total.retention_cost += s.retention_cost;
  }
  out.total = group_of("", total);
  ECRM_ASSIGN_OR_RETURN(auto tickets, c.query_int(kTickets, {start, end}));
  out.tickets = tickets.value_or(0);
  if (out.tickets > 0) out.service_cost_per_ticket = rounded_div(out.service_cost, out.tickets);
  ECRM_ASSIGN_OR_RETURN(out.campaigns, campaign_rois(c, start, end));
  return out;
}

}  // namespace ecrm::analytics
