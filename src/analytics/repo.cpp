#include "analytics/repo.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>

#include "storage/multi_row.hpp"

namespace ecrm::analytics {

using storage::done;
using storage::kNull;
using storage::RowView;
using storage::Value;

namespace {

constexpr std::string_view kMainCurrency =
    "SELECT currency, COUNT(*) FROM orders WHERE status <> 'cancelled' GROUP BY currency "
    "ORDER BY COUNT(*) DESC, currency LIMIT 1";
// The snapshot is two reads: refunded returns per order (few), kept in a hash map, and then the
// orders in one pass, each less its refunds. (A correlated subquery per order costs an index
// probe per order: most of the snapshot time at a million orders.)
constexpr std::string_view kRefundsByOrder =
    "SELECT r.order_id, SUM(r.refund_amount) FROM returns r JOIN orders o ON o.id = r.order_id "
    "WHERE r.status = 'refunded' AND o.status <> 'cancelled' AND o.currency = $1 "
    "AND o.placed_at <= $2 GROUP BY r.order_id";
// "+o.placed_at" keeps SQLite from walking the placed_at index for a range that covers nearly
// every order (an index probe plus a table lookup per row, against one sequential scan).
constexpr std::string_view kSnapshot =
    "SELECT o.id, o.customer_id, o.placed_at, o.total FROM orders o "
    "WHERE o.status <> 'cancelled' AND o.currency = $1 AND +o.placed_at <= $2";
constexpr std::string_view kCustomerSnapshot =
    "SELECT o.placed_at, o.total - COALESCE((SELECT SUM(r.refund_amount) FROM returns r "
    "WHERE r.order_id = o.id AND r.status = 'refunded'), 0) "
    "FROM orders o WHERE o.customer_id = $1 AND o.status <> 'cancelled' AND o.currency = $2 "
    "AND o.placed_at <= $3";

constexpr std::string_view kClaim =
    "UPDATE analytics_jobs SET claimed_by = $2, claimed_until = $4, started_at = $3 "
    "WHERE name = $1 AND (claimed_until IS NULL OR claimed_until < $3)";
constexpr std::string_view kReleaseClaim =
    "UPDATE analytics_jobs SET claimed_until = NULL WHERE name = $1 AND claimed_by = $2";
constexpr std::string_view kExtendClaim =
    "UPDATE analytics_jobs SET claimed_until = $3 WHERE name = $1 AND claimed_by = $2";
constexpr std::string_view kFinish =
    "UPDATE analytics_jobs SET claimed_until = NULL, finished_at = $3, last_status = $4, "
    "last_error = $5, last_model_id = COALESCE($6, last_model_id), last_timings = $7 "
    "WHERE name = $1 AND claimed_by = $2";
constexpr std::string_view kJob =
    "SELECT claimed_by, claimed_until, started_at, finished_at, last_status, last_error, "
    "last_model_id, last_timings FROM analytics_jobs WHERE name = $1";
constexpr std::string_view kJobName = "recompute";

constexpr std::string_view kInsertModel =
    "INSERT INTO analytics_models (as_of, as_of_day, currency, period, customers, orders, "
    "log_likelihood, params, report, fitted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
    "RETURNING id";
constexpr std::string_view kLatestModel =
    "SELECT id, as_of, as_of_day, currency, period, customers, orders, log_likelihood, params, "
    "report, fitted_at FROM analytics_models ORDER BY id DESC LIMIT 1";
constexpr std::string_view kLatestModelId = "SELECT MAX(id) FROM analytics_models";

// The multi-row upsert is built from these three parts (kUpsertScores).
constexpr std::string_view kUpsertScoresHead =
    "INSERT INTO customer_scores (customer_id, model_id, recency_days, frequency, monetary, "
    "r_score, f_score, m_score, segment, tier, p_alive, expected_orders_90d, expected_avg_value, "
    "clv, first_order_at, last_order_at, computed_at, source) VALUES ";
constexpr int kScoreColumns = 18;
constexpr std::string_view kUpsertScoresTail =
    " ON CONFLICT (customer_id) DO UPDATE SET model_id = excluded.model_id, "
    "recency_days = excluded.recency_days, frequency = excluded.frequency, "
    "monetary = excluded.monetary, r_score = excluded.r_score, f_score = excluded.f_score, "
    "m_score = excluded.m_score, segment = excluded.segment, tier = excluded.tier, "
    "p_alive = excluded.p_alive, expected_orders_90d = excluded.expected_orders_90d, "
    "expected_avg_value = excluded.expected_avg_value, clv = excluded.clv, "
    "first_order_at = excluded.first_order_at, last_order_at = excluded.last_order_at, "
    "computed_at = excluded.computed_at, source = excluded.source "
    "WHERE customer_scores.computed_at <= excluded.computed_at";
constexpr storage::ChunkSizes kUpsertChunks = {250, 25, 1};
constexpr std::string_view kDeleteScoresBefore =
    "DELETE FROM customer_scores WHERE computed_at < $1";
constexpr std::string_view kDeleteScore = "DELETE FROM customer_scores WHERE customer_id = $1";
constexpr std::string_view kErasedCustomers =
    "SELECT id FROM customers WHERE erased_at IS NOT NULL ORDER BY id";
constexpr std::string_view kCustomerErased =
    "SELECT COUNT(*) FROM customers WHERE id = $1 AND erased_at IS NOT NULL";
constexpr std::string_view kDeleteScoresOfErased =
    "DELETE FROM customer_scores WHERE customer_id IN "
    "(SELECT id FROM customers WHERE erased_at IS NOT NULL)";
constexpr std::string_view kFindScore =
    "SELECT customer_id, model_id, recency_days, frequency, monetary, r_score, f_score, m_score, "
    "segment, tier, p_alive, expected_orders_90d, expected_avg_value, clv, first_order_at, "
    "last_order_at, computed_at, source FROM customer_scores WHERE customer_id = $1";

#define ECRM_SCORED_CUSTOMERS \
  " FROM customer_scores s JOIN customers c ON c.id = s.customer_id WHERE c.merged_into IS NULL "
constexpr std::string_view kMonetaryValues = "SELECT s.monetary" ECRM_SCORED_CUSTOMERS;
constexpr std::string_view kClvValues =
    "SELECT s.clv" ECRM_SCORED_CUSTOMERS "AND s.clv IS NOT NULL";
constexpr std::string_view kTierCounts =
    "SELECT s.tier, COUNT(*), SUM(s.monetary)" ECRM_SCORED_CUSTOMERS "GROUP BY s.tier";
constexpr std::string_view kSegmentCounts =
    "SELECT s.segment, COUNT(*), SUM(s.monetary)" ECRM_SCORED_CUSTOMERS "GROUP BY s.segment";
constexpr std::string_view kRfGrid =
    "SELECT s.r_score, s.f_score, COUNT(*)" ECRM_SCORED_CUSTOMERS "GROUP BY s.r_score, s.f_score";
constexpr std::string_view kChurnRisk =
    "SELECT s.customer_id, c.name, COALESCE(c.email, ''), s.frequency, s.monetary, s.p_alive, "
    "s.clv, s.tier, s.segment, s.last_order_at" ECRM_SCORED_CUSTOMERS
    "AND c.erased_at IS NULL AND s.p_alive IS NOT NULL AND s.p_alive < $1 AND s.frequency >= $2 "
    "ORDER BY s.monetary DESC, s.customer_id LIMIT $3 OFFSET $4";
#undef ECRM_SCORED_CUSTOMERS

constexpr std::string_view kProfileOrders =
    "SELECT o.id, o.currency, o.status, o.placed_at, o.subtotal, o.discount, o.total, "
    "COALESCE((SELECT SUM(r.refund_amount) FROM returns r WHERE r.order_id = o.id "
    "AND r.status = 'refunded'), 0) FROM orders o WHERE o.customer_id = $1 ORDER BY o.id";
// Cost is known when the product has one in the order's currency.
constexpr std::string_view kProfileLines =
    "SELECT COALESCE(p.category_id, 0), COALESCE(k.name, ''), l.quantity, l.line_total, "
    "CASE WHEN p.currency = o.currency THEN p.cost ELSE NULL END "
    "FROM order_lines l JOIN orders o ON o.id = l.order_id "
    "JOIN products p ON p.id = l.product_id LEFT JOIN categories k ON k.id = p.category_id "
    "WHERE o.customer_id = $1 AND o.status <> 'cancelled' AND o.currency = $2 ORDER BY l.id";

Value opt(const std::optional<std::int64_t>& v) { return v ? Value(*v) : kNull; }
Value opt(const std::optional<double>& v) { return v ? Value(*v) : kNull; }
// Enums are stored as their wire names.
template <typename E>
Value text(E value) {
  return Value(std::string(wire::enum_name(value)));
}
template <typename E>
E stored_enum(const std::string& text, E fallback) {
  return wire::parse_enum<E>(text).value_or(fallback);
}

// A stored double; nullopt for NULL and for a value that is not finite (JSON has no NaN).
std::optional<double> optional_double(const RowView& row, int column) {
  if (row.is_null(column) || !std::isfinite(row.get_double(column))) return std::nullopt;
  return row.get_double(column);
}

// The multi-row upsert: the head, one "($1, …, $18)" tuple per row, the tail.
constexpr storage::MultiRowShape kUpsertScores{kUpsertScoresHead, kScoreColumns, kUpsertScoresTail};

}  // namespace

Result<std::optional<std::string>> AnalyticsRepo::main_currency(Connection& c) {
  std::optional<std::string> out;
  ECRM_RETURN_IF_ERROR(c.query(kMainCurrency, {}, [&](const RowView& row) {
    out = row.get_string(0);
  }));
  return out;
}

Status AnalyticsRepo::snapshot(Connection& c, const std::string& currency, UnixMs as_of,
                               OrderSnapshot& out) {
  out = OrderSnapshot{};
  out.currency = currency;
  std::unordered_map<std::int64_t, std::int64_t> refunds;
  ECRM_RETURN_IF_ERROR(c.query(kRefundsByOrder, {currency, as_of}, [&](const RowView& row) {
    refunds.emplace(row.get_int(0), row.get_int(1));
  }));
  std::unordered_map<std::int64_t, std::uint32_t> index;
  return c.query(kSnapshot, {currency, as_of}, [&](const RowView& row) {
    const std::int64_t id = row.get_int(1);
    auto [it, inserted] = index.try_emplace(id, static_cast<std::uint32_t>(out.customer_id.size()));
    if (inserted) out.customer_id.push_back(id);
    std::int64_t amount = row.get_int(3);
    if (!refunds.empty()) {
      if (auto refund = refunds.find(row.get_int(0)); refund != refunds.end()) {
        amount -= refund->second;
      }
    }
    out.customer.push_back(it->second);
    out.day.push_back(static_cast<std::int32_t>(row.get_int(2) / kMsPerDay));
    out.amount_minor.push_back(std::max<std::int64_t>(0, amount));
  });
}

Status AnalyticsRepo::customer_snapshot(Connection& c, std::int64_t customer_id,
                                        const std::string& currency, UnixMs as_of,
                                        std::vector<std::int32_t>& days,
                                        std::vector<std::int64_t>& amounts) {
  days.clear();
  amounts.clear();
  return c.query(kCustomerSnapshot, {customer_id, currency, as_of}, [&](const RowView& row) {
    days.push_back(static_cast<std::int32_t>(row.get_int(0) / kMsPerDay));
    amounts.push_back(std::max<std::int64_t>(0, row.get_int(1)));
  });
}

Result<bool> AnalyticsRepo::claim(Connection& c, const std::string& owner, UnixMs now,
                                  UnixMs until) {
  ECRM_ASSIGN_OR_RETURN(auto changed, c.execute(kClaim, {std::string(kJobName), owner, now, until}));
  return changed == 1;
}

Status AnalyticsRepo::release_claim(Connection& c, const std::string& owner) {
  return done(c.execute(kReleaseClaim, {std::string(kJobName), owner}));
}

Status AnalyticsRepo::extend_claim(Connection& c, const std::string& owner, UnixMs until) {
  return done(c.execute(kExtendClaim, {std::string(kJobName), owner, until}));
}

Status AnalyticsRepo::finish(Connection& c, const std::string& owner, UnixMs at,
                             const std::string& status, const std::string& error,
                             std::optional<std::int64_t> model_id, const std::string& timings) {
  return done(c.execute(kFinish, {std::string(kJobName), owner, at, status, error, opt(model_id),
                                  timings}));
}

Result<JobState> AnalyticsRepo::job(Connection& c) {
  JobState state;
  ECRM_RETURN_IF_ERROR(c.query(kJob, {std::string(kJobName)}, [&](const RowView& row) {
    state.claimed_by = row.get_string(0);
    state.claimed_until = row.get_optional_int(1);
    state.started_at = row.get_optional_int(2);
    state.finished_at = row.get_optional_int(3);
    state.last_status = row.get_string(4);
    state.last_error = row.get_string(5);
    state.last_model_id = row.get_optional_int(6);
    state.last_timings = row.get_string(7);
  }));
  return state;
}

Result<std::int64_t> AnalyticsRepo::insert_model(Connection& c, const StoredModel& m) {
  std::optional<std::int64_t> id;
  ECRM_RETURN_IF_ERROR(c.query(kInsertModel,
                               {m.as_of, std::int64_t{m.as_of_day}, m.currency, m.period,
                                m.customers, m.orders, opt(m.log_likelihood), m.params, m.report,
                                m.fitted_at},
                               [&](const RowView& row) { id = row.get_int(0); }));
  if (!id) return Error::internal("analytics_models insert returned no id");
  return *id;
}

Result<std::optional<StoredModel>> AnalyticsRepo::latest_model(Connection& c) {
  std::optional<StoredModel> out;
  ECRM_RETURN_IF_ERROR(c.query(kLatestModel, {}, [&](const RowView& row) {
    StoredModel m;
    m.id = row.get_int(0);
    m.as_of = row.get_int(1);
    m.as_of_day = static_cast<std::int32_t>(row.get_int(2));
    m.currency = row.get_string(3);
    m.period = row.get_string(4);
    m.customers = row.get_int(5);
    m.orders = row.get_int(6);
    m.log_likelihood = optional_double(row, 7);
    m.params = row.get_string(8);
    m.report = row.get_string(9);
    m.fitted_at = row.get_int(10);
    out = std::move(m);
  }));
  return out;
}

Result<std::optional<std::int64_t>> AnalyticsRepo::latest_model_id(Connection& c) {
  return c.query_int(kLatestModelId);
}

Status AnalyticsRepo::upsert_scores(Connection& c, std::span<const StoredScore> scores) {
  return storage::execute_rows(
      c, kUpsertScores, scores.size(),
      [&](std::size_t i, std::vector<Value>& p) {
        const StoredScore& s = scores[i];
        p.insert(p.end(), {Value(s.customer_id), Value(s.model_id), Value(s.recency_days),
                           Value(s.frequency), Value(s.monetary), Value(std::int64_t{s.r}),
                           Value(std::int64_t{s.f}), Value(std::int64_t{s.m}), text(s.segment),
                           text(s.tier), opt(s.p_alive), opt(s.expected_orders_90d),
                           opt(s.expected_avg_value), opt(s.clv), Value(s.first_order_at),
                           Value(s.last_order_at), Value(s.computed_at), text(s.source)});
      },
      kUpsertChunks);
}

Result<std::int64_t> AnalyticsRepo::delete_scores_before(Connection& c, UnixMs before) {
  return c.execute(kDeleteScoresBefore, {before});
}

Status AnalyticsRepo::delete_score(Connection& c, std::int64_t customer_id) {
  return done(c.execute(kDeleteScore, {customer_id}));
}

Result<std::vector<std::int64_t>> AnalyticsRepo::erased_customers(Connection& c) {
  std::vector<std::int64_t> ids;
  ECRM_RETURN_IF_ERROR(
      c.query(kErasedCustomers, {}, [&](const RowView& row) { ids.push_back(row.get_int(0)); }));
  return ids;
}

Result<bool> AnalyticsRepo::customer_erased(Connection& c, std::int64_t customer_id) {
  ECRM_ASSIGN_OR_RETURN(auto count, c.query_int(kCustomerErased, {customer_id}));
  return count > 0;
}

Result<std::int64_t> AnalyticsRepo::delete_scores_of_erased(Connection& c) {
  return c.execute(kDeleteScoresOfErased, {});
}

Result<std::optional<StoredScore>> AnalyticsRepo::find_score(Connection& c,
                                                             std::int64_t customer_id) {
  std::optional<StoredScore> out;
  ECRM_RETURN_IF_ERROR(c.query(kFindScore, {customer_id}, [&](const RowView& row) {
    StoredScore s;
    s.customer_id = row.get_int(0);
    s.model_id = row.get_int(1);
    s.recency_days = row.get_int(2);
    s.frequency = row.get_int(3);
    s.monetary = row.get_int(4);
    s.r = static_cast<int>(row.get_int(5));
    s.f = static_cast<int>(row.get_int(6));
    s.m = static_cast<int>(row.get_int(7));
    s.segment = stored_enum(row.get_string(8), Segment::kNeedAttention);
    s.tier = stored_enum(row.get_string(9), Tier::kOccasional);
    s.p_alive = optional_double(row, 10);
    s.expected_orders_90d = optional_double(row, 11);
    s.expected_avg_value = row.get_optional_int(12);
    s.clv = row.get_optional_int(13);
    s.first_order_at = row.get_int(14);
    s.last_order_at = row.get_int(15);
    s.computed_at = row.get_int(16);
    s.source = stored_enum(row.get_string(17), ScoreSource::kRecompute);
    out = std::move(s);
  }));
  return out;
}

Result<std::vector<std::int64_t>> AnalyticsRepo::monetary_values(Connection& c) {
  std::vector<std::int64_t> out;
  ECRM_RETURN_IF_ERROR(
      c.query(kMonetaryValues, {}, [&](const RowView& row) { out.push_back(row.get_int(0)); }));
  return out;
}

Result<std::vector<std::int64_t>> AnalyticsRepo::clv_values(Connection& c) {
  std::vector<std::int64_t> out;
  ECRM_RETURN_IF_ERROR(
      c.query(kClvValues, {}, [&](const RowView& row) { out.push_back(row.get_int(0)); }));
  return out;
}

namespace {
Result<std::vector<GroupCount>> group_counts(Connection& c, std::string_view sql) {
  std::vector<GroupCount> out;
  ECRM_RETURN_IF_ERROR(c.query(sql, {}, [&](const RowView& row) {
    out.push_back({row.get_string(0), row.get_int(1), row.get_int(2)});
  }));
  return out;
}
}  // namespace

Result<std::vector<GroupCount>> AnalyticsRepo::tier_counts(Connection& c) {
  return group_counts(c, kTierCounts);
}

Result<std::vector<GroupCount>> AnalyticsRepo::segment_counts(Connection& c) {
  return group_counts(c, kSegmentCounts);
}

Result<std::vector<GridCell>> AnalyticsRepo::rf_grid(Connection& c) {
  std::vector<GridCell> out;
  ECRM_RETURN_IF_ERROR(c.query(kRfGrid, {}, [&](const RowView& row) {
    out.push_back({static_cast<int>(row.get_int(0)), static_cast<int>(row.get_int(1)),
                   row.get_int(2)});
  }));
  return out;
}

Result<std::vector<ChurnRisk>> AnalyticsRepo::churn_risk(Connection& c, double max_p_alive,
                                                         std::int64_t min_orders, int limit,
                                                         int offset) {
  std::vector<ChurnRisk> out;
  ECRM_RETURN_IF_ERROR(c.query(
      kChurnRisk, {max_p_alive, min_orders, std::int64_t{limit}, std::int64_t{offset}},
      [&](const RowView& row) {
        ChurnRisk r;
        r.customer_id = row.get_int(0);
        r.name = row.get_string(1);
        r.email = row.get_string(2);
        r.frequency = row.get_int(3);
        r.monetary = row.get_int(4);
        r.p_alive = row.get_double(5);
        r.clv = row.get_optional_int(6);
        r.tier = stored_enum(row.get_string(7), Tier::kOccasional);
        r.segment = stored_enum(row.get_string(8), Segment::kNeedAttention);
        r.last_order_at = row.get_int(9);
        out.push_back(std::move(r));
      }));
  return out;
}

Status AnalyticsRepo::customer_orders(Connection& c, std::int64_t customer_id,
                                      CustomerOrders& out) {
  out = CustomerOrders{};
  struct Row {
    std::string currency;
    std::string status;
    ProfileOrder order;
  };
  std::vector<Row> rows;
  ECRM_RETURN_IF_ERROR(c.query(kProfileOrders, {customer_id}, [&](const RowView& row) {
    Row r;
    r.currency = row.get_string(1);
    r.status = row.get_string(2);
    r.order.placed_at = row.get_int(3);
    r.order.subtotal = row.get_int(4);
    r.order.discount = row.get_int(5);
    r.order.total = row.get_int(6);
    r.order.refunded = row.get_int(7);
    rows.push_back(std::move(r));
  }));
  std::map<std::string, std::int64_t> per_currency;
  for (const Row& r : rows) {
    if (r.status == "cancelled") {
      ++out.cancelled_orders;
    } else {
      ++per_currency[r.currency];
    }
  }
  std::int64_t best = 0;
  for (const auto& [currency, count] : per_currency) {
    if (count > best) {
      best = count;
      out.currency = currency;
    }
  }
  for (Row& r : rows) {
    if (r.status == "cancelled") continue;
    if (r.currency == out.currency) {
      out.orders.push_back(r.order);
    } else {
      ++out.other_currency_orders;
    }
  }
  if (out.currency.empty()) return {};
  return c.query(kProfileLines, {customer_id, out.currency}, [&](const RowView& row) {
    ProfileLine line;
    line.category_id = row.get_int(0);
    line.category = row.get_string(1);
    line.quantity = row.get_int(2);
    line.line_total = row.get_int(3);
    line.unit_cost = row.get_optional_int(4);
    out.lines.push_back(std::move(line));
  });
}

}  // namespace ecrm::analytics
