#include "automation/repo.hpp"

#include <boost/json.hpp>

#include <algorithm>

#include "http/wire.hpp"

namespace ecrm::automation {

using storage::RowView;
using storage::Value;

namespace {

#define ECRM_FLOW_COLUMNS \
  "key, name, trigger_kind, enabled, description, updated_at, definition, enabled_at"
constexpr std::string_view kFlows =
    "SELECT " ECRM_FLOW_COLUMNS " FROM automation_flows ORDER BY key";
constexpr std::string_view kFlow = "SELECT " ECRM_FLOW_COLUMNS " FROM automation_flows WHERE key = $1";
#undef ECRM_FLOW_COLUMNS
constexpr std::string_view kEnsureFlow =
    "INSERT INTO automation_flows (key, name, trigger_kind, enabled, description, updated_at, "
    "definition, enabled_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (key) DO NOTHING";
// A flow keeps the definition it was shipped with until staff change it; the shipped
// definition is written where none is stored yet.
constexpr std::string_view kEnsureDefinition =
    "UPDATE automation_flows SET definition = $2 WHERE key = $1 AND definition = '{}'";
constexpr std::string_view kPutFlow =
    "INSERT INTO automation_flows (key, name, trigger_kind, enabled, description, updated_at, "
    "definition, enabled_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (key) DO UPDATE "
    "SET name = excluded.name, trigger_kind = excluded.trigger_kind, enabled = excluded.enabled, "
    "description = excluded.description, updated_at = excluded.updated_at, "
    "definition = excluded.definition, enabled_at = CASE WHEN automation_flows.enabled = 1 "
    "AND excluded.enabled = 1 THEN automation_flows.enabled_at ELSE excluded.enabled_at END";
constexpr std::string_view kDeleteFlow = "DELETE FROM automation_flows WHERE key = $1";
constexpr std::string_view kSetEnabled =
    "UPDATE automation_flows SET enabled = $2, updated_at = $3, "
    "enabled_at = CASE WHEN $2 = 1 AND enabled = 0 THEN $3 WHEN $2 = 1 THEN enabled_at "
    "ELSE NULL END WHERE key = $1";
constexpr std::string_view kPolicy =
    "SELECT tier, communication, allowed FROM care_policy";
constexpr std::string_view kSetPolicy =
    "INSERT INTO care_policy (tier, communication, allowed) VALUES ($1, $2, $3) "
    "ON CONFLICT (tier, communication) DO UPDATE SET allowed = excluded.allowed";
// $1, $2: month-days (the same twice when there is one).
constexpr std::string_view kBirthdays =
    "SELECT c.id, s.tier, c.birthday FROM customers c "
    "JOIN customer_scores s ON s.customer_id = c.id "
    "WHERE c.birthday IS NOT NULL AND substr(c.birthday, 6, 5) IN ($1, $2) "
    "AND c.merged_into IS NULL AND c.erased_at IS NULL AND c.email IS NOT NULL "
    "AND c.email_consent = 1 ORDER BY c.id";
constexpr std::string_view kAnniversaries =
    "SELECT c.id, s.tier, a.kind, a.label, a.date FROM customer_anniversaries a "
    "JOIN customers c ON c.id = a.customer_id JOIN customer_scores s ON s.customer_id = c.id "
    "WHERE substr(a.date, 6, 5) IN ($1, $2) "
    "AND c.merged_into IS NULL AND c.erased_at IS NULL AND c.email IS NOT NULL "
    "AND c.email_consent = 1 ORDER BY c.id, a.id";
constexpr std::string_view kEarlierBuyers =
    "SELECT DISTINCT o.customer_id FROM products p "
    "JOIN order_lines l ON l.product_id = p.id JOIN orders o ON o.id = l.order_id "
    "JOIN customers c ON c.id = o.customer_id "
    "WHERE p.line = $1 AND p.version < $2 AND o.status <> 'cancelled' "
    "AND c.merged_into IS NULL AND c.erased_at IS NULL AND c.email IS NOT NULL "
    "AND c.email_consent = 1 ORDER BY o.customer_id";
constexpr std::string_view kEnrol =
    "INSERT INTO flow_enrolments (flow_key, customer_id, occurrence, status, step, next_at, "
    "context, triggered_at, created_at, updated_at) VALUES ($1, $2, $3, 'waiting', $4, $5, $6, "
    "$7, $5, $5) ON CONFLICT (flow_key, customer_id, occurrence) DO NOTHING RETURNING id";
#define ECRM_ENROLMENT_COLUMNS                                                              \
  "id, flow_key, customer_id, occurrence, status, step, next_at, variant, context, "     \
  "coalesce(triggered_at, created_at), reason, message_id"
constexpr std::string_view kLockEnrolmentSqlite =
    "SELECT " ECRM_ENROLMENT_COLUMNS " FROM flow_enrolments WHERE id = $1";
constexpr std::string_view kLockEnrolmentPostgres =
    "SELECT " ECRM_ENROLMENT_COLUMNS " FROM flow_enrolments WHERE id = $1 FOR UPDATE";
#undef ECRM_ENROLMENT_COLUMNS
constexpr std::string_view kSaveEnrolment =
    "UPDATE flow_enrolments SET status = $2, step = $3, next_at = $4, variant = $5, reason = $6, "
    "message_id = $7, updated_at = $8 WHERE id = $1";
constexpr std::string_view kDueEnrolments =
    "SELECT id FROM flow_enrolments WHERE status = 'waiting' AND next_at <= $1 "
    "ORDER BY next_at, id LIMIT $2";
// $1 flow, $2 customer (NULL: any), $3 below this id (0: any), $4 limit.
constexpr std::string_view kEnrolments =
    "SELECT id, flow_key, customer_id, occurrence, status, step, next_at, variant, reason, "
    "created_at FROM flow_enrolments WHERE flow_key = $1 "
    "AND ($2::bigint IS NULL OR customer_id = $2) AND ($3::bigint = 0 OR id < $3) "
    "ORDER BY id DESC LIMIT $4";
constexpr std::string_view kEnrolmentCounts =
    "SELECT status, count(*) FROM flow_enrolments WHERE flow_key = $1 GROUP BY status";

constexpr std::string_view kMessageCounts =
    "SELECT status, count(*) FROM messages WHERE source = $1 GROUP BY status";
constexpr std::string_view kEventCounts =
    "SELECT e.kind, count(DISTINCT e.message_id) FROM messages m JOIN message_events e "
    "ON e.message_id = m.id WHERE m.source = $1 AND e.kind IN ('open', 'click', 'reply', "
    "'unsubscribe', 'bounce') GROUP BY e.kind";
constexpr std::string_view kFacts =
    "SELECT c.type, c.language, c.email_consent, s.tier, s.segment, s.clv, s.p_alive, "
    "s.last_order_at, s.monetary, "
    "(SELECT max(m.sent_at) FROM messages m WHERE m.customer_id = c.id AND m.sent_at IS NOT NULL) "
    "FROM customers c LEFT JOIN customer_scores s ON s.customer_id = c.id "
    "WHERE c.id = $1 AND c.merged_into IS NULL AND c.erased_at IS NULL";
constexpr std::string_view kTags = "SELECT tag FROM customer_tags WHERE customer_id = $1";
constexpr std::string_view kBoughtSku =
    "SELECT 1 FROM orders o JOIN order_lines l ON l.order_id = o.id "
    "JOIN products p ON p.id = l.product_id WHERE o.customer_id = $1 AND o.status <> 'cancelled' "
    "AND p.sku = $2 LIMIT 1";
constexpr std::string_view kBoughtCategory =
    "SELECT 1 FROM orders o JOIN order_lines l ON l.order_id = o.id "
    "JOIN products p ON p.id = l.product_id JOIN categories k ON k.id = p.category_id "
    "WHERE o.customer_id = $1 AND o.status <> 'cancelled' "
    "AND (lower(k.name) = lower($2) OR k.slug = lower($2)) LIMIT 1";
constexpr std::string_view kOrderedSince =
    "SELECT 1 FROM orders WHERE customer_id = $1 AND placed_at > $2 AND status <> 'cancelled' "
    "LIMIT 1";
constexpr std::string_view kCartPurchased =
    "SELECT 1 FROM carts WHERE id = $1 AND status = 'purchased'";
constexpr std::string_view kAddTask =
    "INSERT INTO staff_tasks (customer_id, title, source, status, due_at, created_at) "
    "VALUES ($1, $2, $3, 'open', $4, $5)";
constexpr std::string_view kAddWebhook =
    "INSERT INTO webhook_calls (url, body, source, status, next_attempt_at, created_at, "
    "updated_at) VALUES ($1, $2, $3, 'queued', $4, $4, $4)";
constexpr std::string_view kCursor = "SELECT position FROM automation_cursors WHERE name = $1";
constexpr std::string_view kSetCursor =
    "INSERT INTO automation_cursors (name, position) VALUES ($1, $2) "
    "ON CONFLICT (name) DO UPDATE SET position = excluded.position";
// Open carts with items whose last activity is old enough, and carts closed as abandoned:
// $1 abandon_after, $2 from, $3 to (abandonment times).
constexpr std::string_view kAbandonedCarts =
    "SELECT k.id, v.customer_id, k.updated_at + $1::bigint, k.items, k.value, k.currency FROM carts k "
    "JOIN visitors v ON v.id = k.visitor_id "
    "WHERE k.status IN ('open', 'abandoned') AND k.item_count > 0 "
    "AND k.updated_at >= $2::bigint - $1::bigint AND k.updated_at < $3::bigint - $1::bigint AND v.customer_id IS NOT NULL "
    "ORDER BY k.updated_at, k.id";
constexpr std::string_view kChangedOrders =
    "SELECT id, customer_id, status, external_id, total, currency, updated_at FROM orders "
    "WHERE (updated_at > $1 OR (updated_at = $1 AND id > $2)) ORDER BY updated_at, id LIMIT $3";
constexpr std::string_view kMaxOrderUpdate = "SELECT max(updated_at) FROM orders";
constexpr std::string_view kLastOrderedBetween =
    "SELECT s.customer_id, s.last_order_at FROM customer_scores s "
    "JOIN customers c ON c.id = s.customer_id WHERE s.last_order_at >= $1 AND s.last_order_at < $2 "
    "AND c.merged_into IS NULL AND c.erased_at IS NULL ORDER BY s.customer_id";
constexpr std::string_view kPAliveBelow =
    "SELECT s.customer_id, s.last_order_at FROM customer_scores s "
    "JOIN customers c ON c.id = s.customer_id WHERE s.p_alive IS NOT NULL AND s.p_alive < $1 "
    "AND c.merged_into IS NULL AND c.erased_at IS NULL ORDER BY s.customer_id";
// $1, $2: month-days.
constexpr std::string_view kFirstOrderAnniversariesSqlite =
    "SELECT c.id, s.tier, s.first_order_at FROM customer_scores s "
    "JOIN customers c ON c.id = s.customer_id "
    "WHERE strftime('%m-%d', s.first_order_at / 1000, 'unixepoch') IN ($1, $2) "
    "AND c.merged_into IS NULL AND c.erased_at IS NULL ORDER BY c.id";
constexpr std::string_view kFirstOrderAnniversariesPostgres =
    "SELECT c.id, s.tier, s.first_order_at FROM customer_scores s "
    "JOIN customers c ON c.id = s.customer_id "
    "WHERE to_char(to_timestamp(s.first_order_at / 1000.0) AT TIME ZONE 'UTC', 'MM-DD') IN ($1, $2) "
    "AND c.merged_into IS NULL AND c.erased_at IS NULL ORDER BY c.id";
constexpr std::string_view kTierChanges =
    "SELECT s.customer_id, coalesce(w.tier, ''), s.tier, coalesce(w.segment, ''), s.segment "
    "FROM customer_scores s LEFT JOIN automation_tier_seen w ON w.customer_id = s.customer_id "
    "WHERE w.customer_id IS NULL OR w.tier <> s.tier OR w.segment <> s.segment "
    "ORDER BY s.customer_id";
constexpr std::string_view kSeeTier =
    "INSERT INTO automation_tier_seen (customer_id, tier, segment) VALUES ($1, $2, $3) "
    "ON CONFLICT (customer_id) DO UPDATE SET tier = excluded.tier, segment = excluded.segment";
constexpr std::string_view kProductChanges =
    "SELECT p.id, p.price, CASE WHEN p.stock_on_hand > 0 THEN 1 ELSE 0 END, w.price, w.in_stock "
    "FROM products p LEFT JOIN product_watch w ON w.product_id = p.id "
    "WHERE w.product_id IS NULL OR w.price <> p.price "
    "OR w.in_stock <> CASE WHEN p.stock_on_hand > 0 THEN 1 ELSE 0 END ORDER BY p.id";
constexpr std::string_view kWatch =
    "INSERT INTO product_watch (product_id, price, in_stock) VALUES ($1, $2, $3) "
    "ON CONFLICT (product_id) DO UPDATE SET price = excluded.price, in_stock = excluded.in_stock";
// Followers of the product itself, of its category, or of another version of its line.
constexpr std::string_view kFollowers =
    "SELECT DISTINCT f.customer_id FROM products p JOIN follows f ON "
    "(f.target_kind = 'product' AND f.target_id IN (SELECT q.id FROM products q WHERE q.id = p.id "
    "OR (p.line <> '' AND q.line = p.line))) "
    "OR (f.target_kind = 'category' AND f.target_id = p.category_id) "
    "JOIN customers c ON c.id = f.customer_id "
    "WHERE p.id = $1 AND c.merged_into IS NULL AND c.erased_at IS NULL ORDER BY f.customer_id";
constexpr std::string_view kFollowEvents =
    "SELECT id, customer_id, properties FROM events WHERE id > $1 AND id <= $2 AND type = 'custom' "
    "AND customer_id IS NOT NULL ORDER BY id";
constexpr std::string_view kMaxEventId = "SELECT max(id) FROM events";
constexpr std::string_view kProductBySku = "SELECT id FROM products WHERE sku = $1";
constexpr std::string_view kCategoryBySlug = "SELECT id FROM categories WHERE slug = $1";
constexpr std::string_view kFollow =
    "INSERT INTO follows (customer_id, target_kind, target_id, created_at) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT (customer_id, target_kind, target_id) DO NOTHING";
constexpr std::string_view kUnfollow =
    "DELETE FROM follows WHERE customer_id = $1 AND target_kind = $2 AND target_id = $3";
constexpr std::string_view kFollows =
    "SELECT id, customer_id, target_kind, target_id, created_at FROM follows "
    "WHERE customer_id = $1 ORDER BY id";

Flow read_flow(const RowView& row) {
  Flow f;
  f.key = row.get_string(0);
  f.name = row.get_string(1);
  f.trigger = row.get_string(2);
  f.enabled = row.get_int(3) != 0;
  f.description = row.get_string(4);
  f.updated_at = row.get_int(5);
  boost::system::error_code ec;
  const auto doc = boost::json::parse(row.get_string(6), ec);
  if (!ec) {
    if (auto d = wire::read<FlowDefinition>(doc); d.ok()) f.definition = std::move(*d);
  }
  if (!row.is_null(7)) f.enabled_at = row.get_int(7);
  return f;
}

std::string definition_text(const FlowDefinition& d) {
  return boost::json::serialize(wire::to_json(d));
}

std::pair<Value, Value> days(const std::vector<std::string>& month_days) {
  const std::string first = month_days.empty() ? std::string("--") : month_days.front();
  return {first, month_days.size() > 1 ? month_days[1] : first};
}

}  // namespace

Result<std::vector<Flow>> AutomationRepo::flows(Connection& c) {
  std::vector<Flow> out;
  ECRM_RETURN_IF_ERROR(c.query(kFlows, {}, [&](const RowView& row) { out.push_back(read_flow(row)); }));
  return out;
}

Result<std::optional<Flow>> AutomationRepo::flow(Connection& c, const std::string& key) {
  std::optional<Flow> out;
  ECRM_RETURN_IF_ERROR(c.query(kFlow, {key}, [&](const RowView& row) { out = read_flow(row); }));
  return out;
}

Status AutomationRepo::ensure_flow(Connection& c, const Flow& f) {
  const std::string definition = definition_text(f.definition);
  ECRM_RETURN_IF_ERROR(storage::done(c.execute(
      kEnsureFlow, {f.key, f.name, f.trigger, std::int64_t{f.enabled ? 1 : 0}, f.description,
                    f.updated_at, definition, f.enabled ? Value(f.updated_at) : Value()})));
  return storage::done(c.execute(kEnsureDefinition, {f.key, definition}));
}

Status AutomationRepo::put_flow(Connection& c, const Flow& f) {
  return storage::done(c.execute(
      kPutFlow, {f.key, f.name, f.trigger, std::int64_t{f.enabled ? 1 : 0}, f.description,
                 f.updated_at, definition_text(f.definition),
                 f.enabled ? Value(f.updated_at) : Value()}));
}

Result<bool> AutomationRepo::delete_flow(Connection& c, const std::string& key) {
  ECRM_ASSIGN_OR_RETURN(auto n, c.execute(kDeleteFlow, {key}));
  return n > 0;
}

Result<bool> AutomationRepo::set_enabled(Connection& c, const std::string& key, bool enabled,
                                         UnixMs now) {
  ECRM_ASSIGN_OR_RETURN(auto n, c.execute(kSetEnabled, {key, std::int64_t{enabled ? 1 : 0}, now}));
  return n > 0;
}

Result<CarePolicy> AutomationRepo::policy(Connection& c) {
  CarePolicy out;
  for (const char* tier : {"very_loyal", "loyal", "occasional"}) out.tiers.push_back({tier});
  ECRM_RETURN_IF_ERROR(c.query(kPolicy, {}, [&](const RowView& row) {
    for (auto& t : out.tiers) {
      if (t.tier != row.get_text(0)) continue;
      const bool allowed = row.get_int(2) != 0;
      if (row.get_text(1) == "card") t.card = allowed;
      if (row.get_text(1) == "recommendations") t.recommendations = allowed;
    }
  }));
  return out;
}

Status AutomationRepo::set_policy(Connection& c, const PolicyRow& row) {
  ECRM_RETURN_IF_ERROR(storage::done(
      c.execute(kSetPolicy, {row.tier, std::string("card"), std::int64_t{row.card ? 1 : 0}})));
  return storage::done(c.execute(
      kSetPolicy, {row.tier, std::string("recommendations"), std::int64_t{row.recommendations ? 1 : 0}}));
}

Result<std::vector<DateCandidate>> AutomationRepo::birthdays(
    Connection& c, const std::vector<std::string>& month_days) {
  std::vector<DateCandidate> out;
  auto [a, b] = days(month_days);
  ECRM_RETURN_IF_ERROR(c.query(kBirthdays, {a, b}, [&](const RowView& row) {
    out.push_back({row.get_int(0), row.get_string(1), "", "", row.get_string(2)});
  }));
  return out;
}

Result<std::vector<DateCandidate>> AutomationRepo::anniversaries(
    Connection& c, const std::vector<std::string>& month_days) {
  std::vector<DateCandidate> out;
  auto [a, b] = days(month_days);
  ECRM_RETURN_IF_ERROR(c.query(kAnniversaries, {a, b}, [&](const RowView& row) {
    out.push_back({row.get_int(0), row.get_string(1), row.get_string(2), row.get_string(3),
                   row.get_string(4)});
  }));
  return out;
}

Result<std::vector<std::int64_t>> AutomationRepo::earlier_buyers(Connection& c,
                                                                 const std::string& line,
                                                                 int version) {
  std::vector<std::int64_t> out;
  ECRM_RETURN_IF_ERROR(c.query(kEarlierBuyers, {line, std::int64_t{version}},
                               [&](const RowView& row) { out.push_back(row.get_int(0)); }));
  return out;
}

Result<std::optional<std::int64_t>> AutomationRepo::enrol(Connection& c, const NewEnrolment& e,
                                                          UnixMs now) {
  std::optional<std::int64_t> id;
  ECRM_RETURN_IF_ERROR(c.query(kEnrol,
                               {e.flow_key, e.customer_id, e.occurrence,
                                e.step ? Value(*e.step) : Value(), now, e.context,
                                e.triggered_at ? e.triggered_at : now},
                               [&](const RowView& row) { id = row.get_int(0); }));
  return id;
}

Result<std::optional<EnrolmentRow>> AutomationRepo::lock_enrolment(Connection& c, std::int64_t id) {
  std::optional<EnrolmentRow> out;
  const auto sql = c.backend() == storage::Backend::kPostgres ? kLockEnrolmentPostgres
                                                                : kLockEnrolmentSqlite;
  ECRM_RETURN_IF_ERROR(c.query(sql, {id}, [&](const RowView& row) {
    EnrolmentRow e;
    e.id = row.get_int(0);
    e.flow_key = row.get_string(1);
    e.customer_id = row.get_int(2);
    e.occurrence = row.get_string(3);
    e.status = row.get_string(4);
    if (!row.is_null(5)) e.step = row.get_string(5);
    if (!row.is_null(6)) e.next_at = row.get_int(6);
    e.variant = row.get_string(7);
    e.context = row.get_string(8);
    e.triggered_at = row.get_int(9);
    e.reason = row.get_string(10);
    if (!row.is_null(11)) e.message_id = row.get_int(11);
    out = std::move(e);
  }));
  return out;
}

Status AutomationRepo::save_enrolment(Connection& c, const EnrolmentRow& e, UnixMs now) {
  return storage::done(c.execute(
      kSaveEnrolment, {e.id, e.status, e.step ? Value(*e.step) : Value(),
                       e.next_at ? Value(*e.next_at) : Value(), e.variant, e.reason,
                       e.message_id ? Value(*e.message_id) : Value(), now}));
}

Result<std::vector<std::int64_t>> AutomationRepo::due_enrolments(Connection& c, UnixMs now,
                                                                 int limit) {
  std::vector<std::int64_t> out;
  ECRM_RETURN_IF_ERROR(c.query(kDueEnrolments, {now, std::int64_t{limit}},
                               [&](const RowView& row) { out.push_back(row.get_int(0)); }));
  return out;
}

Result<std::vector<Enrolment>> AutomationRepo::enrolments(Connection& c,
                                                          const std::string& flow_key,
                                                          std::optional<std::int64_t> customer_id,
                                                          std::int64_t before_id, int limit) {
  std::vector<Enrolment> out;
  ECRM_RETURN_IF_ERROR(c.query(
      kEnrolments,
      {flow_key, customer_id ? Value(*customer_id) : Value(), before_id, std::int64_t{limit}},
      [&](const RowView& row) {
        Enrolment e;
        e.id = row.get_int(0);
        e.flow_key = row.get_string(1);
        e.customer_id = row.get_int(2);
        e.occurrence = row.get_string(3);
        e.status = row.get_string(4);
        if (!row.is_null(5)) e.step = row.get_string(5);
        if (!row.is_null(6)) e.next_at = row.get_int(6);
        e.variant = row.get_string(7);
        e.reason = row.get_string(8);
        e.created_at = row.get_int(9);
        out.push_back(std::move(e));
      }));
  return out;
}

namespace {

// Counts by the first column of a two-column statement taking one key.
Result<std::map<std::string, std::int64_t>> counts(Connection& c, std::string_view sql,
                                                   const std::string& key) {
  std::map<std::string, std::int64_t> out;
  ECRM_RETURN_IF_ERROR(c.query(sql, {key}, [&](const RowView& row) {
    out[row.get_string(0)] = row.get_int(1);
  }));
  return out;
}

}  // namespace

Result<std::map<std::string, std::int64_t>> AutomationRepo::enrolment_counts(
    Connection& c, const std::string& flow_key) {
  return counts(c, kEnrolmentCounts, flow_key);
}

Result<std::map<std::string, std::int64_t>> AutomationRepo::message_counts(Connection& c,
                                                                         const std::string& source) {
  return counts(c, kMessageCounts, source);
}

Result<std::map<std::string, std::int64_t>> AutomationRepo::event_counts(Connection& c,
                                                                       const std::string& source) {
  return counts(c, kEventCounts, source);
}

Result<std::optional<CustomerFacts>> AutomationRepo::facts(Connection& c, std::int64_t customer_id,
                                                           UnixMs now) {
  std::optional<CustomerFacts> out;
  constexpr double kDay = 86'400'000.0;
  ECRM_RETURN_IF_ERROR(c.query(kFacts, {customer_id}, [&](const RowView& row) {
    CustomerFacts f;
    f.type = row.get_string(0);
    f.language = row.get_string(1);
    f.email_consent = !row.is_null(2) && row.get_int(2) == 1;
    if (!row.is_null(3)) f.tier = row.get_string(3);
    if (!row.is_null(4)) f.segment = row.get_string(4);
    if (!row.is_null(5)) f.clv = static_cast<double>(row.get_int(5));
    if (!row.is_null(6)) f.p_alive = row.get_double(6);
    if (!row.is_null(7)) f.days_since_order = static_cast<double>(now - row.get_int(7)) / kDay;
    if (!row.is_null(8)) f.total_spend = static_cast<double>(row.get_int(8));
    if (!row.is_null(9)) f.days_since_contact = static_cast<double>(now - row.get_int(9)) / kDay;
    out = std::move(f);
  }));
  if (out) {
    ECRM_RETURN_IF_ERROR(c.query(kTags, {customer_id}, [&](const RowView& row) {
      out->tags.push_back(row.get_string(0));
    }));
  }
  return out;
}

Result<bool> AutomationRepo::bought(Connection& c, std::int64_t customer_id, ConditionField field,
                                    const std::vector<std::string>& values) {
  const auto sql = field == ConditionField::kBoughtProduct ? kBoughtSku : kBoughtCategory;
  for (const auto& v : values) {
    ECRM_ASSIGN_OR_RETURN(auto found, c.query_int(sql, {customer_id, v}));
    if (found) return true;
  }
  return false;
}

Result<bool> AutomationRepo::purchased_since(Connection& c, std::int64_t customer_id, UnixMs t,
                                             std::optional<std::int64_t> cart_id) {
  ECRM_ASSIGN_OR_RETURN(auto ordered, c.query_int(kOrderedSince, {customer_id, t}));
  if (ordered) return true;
  if (cart_id) {
    ECRM_ASSIGN_OR_RETURN(auto purchased, c.query_int(kCartPurchased, {*cart_id}));
    if (purchased) return true;
  }
  return false;
}

Status AutomationRepo::add_task(Connection& c, std::optional<std::int64_t> customer_id,
                                const std::string& title, const std::string& source,
                                std::optional<UnixMs> due_at, UnixMs now) {
  return storage::done(c.execute(kAddTask, {customer_id ? Value(*customer_id) : Value(), title,
                                            source, due_at ? Value(*due_at) : Value(), now}));
}

Status AutomationRepo::add_webhook_call(Connection& c, const std::string& url,
                                        const std::string& body, const std::string& source,
                                        UnixMs now) {
  return storage::done(c.execute(kAddWebhook, {url, body, source, now}));
}

Result<std::optional<std::int64_t>> AutomationRepo::cursor(Connection& c, const std::string& name) {
  return c.query_int(kCursor, {name});
}

Status AutomationRepo::set_cursor(Connection& c, const std::string& name, std::int64_t position) {
  return storage::done(c.execute(kSetCursor, {name, position}));
}

Result<std::vector<AbandonedCart>> AutomationRepo::abandoned_carts(Connection& c, UnixMs from,
                                                                   UnixMs to, UnixMs abandon_after) {
  std::vector<AbandonedCart> out;
  ECRM_RETURN_IF_ERROR(c.query(kAbandonedCarts, {abandon_after, from, to}, [&](const RowView& row) {
    out.push_back({row.get_int(0), row.get_int(1), row.get_int(2), row.get_string(3),
                   row.get_int(4), row.get_string(5)});
  }));
  return out;
}

Result<std::vector<ChangedOrder>> AutomationRepo::changed_orders(Connection& c,
                                                                 UnixMs after_updated,
                                                                 std::int64_t after_id, int limit) {
  std::vector<ChangedOrder> out;
  ECRM_RETURN_IF_ERROR(c.query(kChangedOrders, {after_updated, after_id, std::int64_t{limit}},
                               [&](const RowView& row) {
                                 ChangedOrder o;
                                 o.id = row.get_int(0);
                                 o.customer_id = row.get_int(1);
                                 o.status = row.get_string(2);
                                 if (!row.is_null(3)) o.external_id = row.get_string(3);
                                 o.total = row.get_int(4);
                                 o.currency = row.get_string(5);
                                 o.updated_at = row.get_int(6);
                                 out.push_back(std::move(o));
                               }));
  return out;
}

Result<std::optional<std::int64_t>> AutomationRepo::max_order_update(Connection& c) {
  return c.query_int(kMaxOrderUpdate);
}

Result<std::vector<std::pair<std::int64_t, UnixMs>>> AutomationRepo::last_ordered_between(
    Connection& c, UnixMs from, UnixMs to) {
  std::vector<std::pair<std::int64_t, UnixMs>> out;
  ECRM_RETURN_IF_ERROR(c.query(kLastOrderedBetween, {from, to}, [&](const RowView& row) {
    out.emplace_back(row.get_int(0), row.get_int(1));
  }));
  return out;
}

Result<std::vector<std::pair<std::int64_t, UnixMs>>> AutomationRepo::p_alive_below(
    Connection& c, double threshold) {
  std::vector<std::pair<std::int64_t, UnixMs>> out;
  ECRM_RETURN_IF_ERROR(c.query(kPAliveBelow, {threshold}, [&](const RowView& row) {
    out.emplace_back(row.get_int(0), row.get_int(1));
  }));
  return out;
}

Result<std::vector<DateCandidate>> AutomationRepo::first_order_anniversaries(
    Connection& c, const std::vector<std::string>& month_days) {
  std::vector<DateCandidate> out;
  auto [a, b] = days(month_days);
  const auto sql = c.backend() == storage::Backend::kPostgres ? kFirstOrderAnniversariesPostgres
                                                                : kFirstOrderAnniversariesSqlite;
  ECRM_RETURN_IF_ERROR(c.query(sql, {a, b}, [&](const RowView& row) {
    out.push_back({row.get_int(0), row.get_string(1), "first_order", "", format_date(row.get_int(2))});
  }));
  return out;
}

Result<std::vector<TierChange>> AutomationRepo::tier_changes(Connection& c) {
  std::vector<TierChange> out;
  ECRM_RETURN_IF_ERROR(c.query(kTierChanges, {}, [&](const RowView& row) {
    out.push_back({row.get_int(0), row.get_string(1), row.get_string(2), row.get_string(3),
                   row.get_string(4)});
  }));
  for (const auto& t : out) {
    ECRM_RETURN_IF_ERROR(storage::done(c.execute(kSeeTier, {t.customer_id, t.new_tier, t.new_segment})));
  }
  return out;
}

Result<std::vector<ProductChange>> AutomationRepo::product_changes(Connection& c) {
  std::vector<ProductChange> out;
  struct Seen {
    std::int64_t id, price, in_stock;
  };
  std::vector<Seen> seen;
  ECRM_RETURN_IF_ERROR(c.query(kProductChanges, {}, [&](const RowView& row) {
    const std::int64_t id = row.get_int(0), price = row.get_int(1), in_stock = row.get_int(2);
    seen.push_back({id, price, in_stock});
    if (row.is_null(3)) return;  // first look
    const std::int64_t old_price = row.get_int(3), old_stock = row.get_int(4);
    if (old_stock == 0 && in_stock == 1) {
      out.push_back({id, ChangeKind::kBackInStock, old_price, price});
    }
    if (price < old_price) out.push_back({id, ChangeKind::kPriceDrop, old_price, price});
  }));
  for (const auto& s : seen) {
    ECRM_RETURN_IF_ERROR(storage::done(c.execute(kWatch, {s.id, s.price, s.in_stock})));
  }
  return out;
}

Result<std::vector<std::int64_t>> AutomationRepo::followers(Connection& c, std::int64_t product_id) {
  std::vector<std::int64_t> out;
  ECRM_RETURN_IF_ERROR(c.query(kFollowers, {product_id},
                               [&](const RowView& row) { out.push_back(row.get_int(0)); }));
  return out;
}

Result<std::vector<AutomationRepo::FollowEvent>> AutomationRepo::follow_events(Connection& c,
                                                                             std::int64_t after,
                                                                             std::int64_t upto) {
  std::vector<FollowEvent> out;
  ECRM_RETURN_IF_ERROR(c.query(kFollowEvents, {after, upto}, [&](const RowView& row) {
    out.push_back({row.get_int(0), row.get_int(1), row.get_string(2)});
  }));
  return out;
}

Result<std::optional<std::int64_t>> AutomationRepo::max_event_id(Connection& c) {
  return c.query_int(kMaxEventId);
}

Result<std::optional<std::int64_t>> AutomationRepo::product_by_sku(Connection& c, const std::string& sku) {
  return c.query_int(kProductBySku, {sku});
}

Result<std::optional<std::int64_t>> AutomationRepo::category_by_slug(Connection& c,
                                                                     const std::string& slug) {
  return c.query_int(kCategoryBySlug, {slug});
}

Status AutomationRepo::follow(Connection& c, std::int64_t customer_id, const std::string& kind,
                              std::int64_t target_id, UnixMs now) {
  return storage::done(c.execute(kFollow, {customer_id, kind, target_id, now}));
}

Result<bool> AutomationRepo::unfollow(Connection& c, std::int64_t customer_id,
                                      const std::string& kind, std::int64_t target_id) {
  ECRM_ASSIGN_OR_RETURN(auto n, c.execute(kUnfollow, {customer_id, kind, target_id}));
  return n > 0;
}

Result<std::vector<Follow>> AutomationRepo::follows(Connection& c, std::int64_t customer_id) {
  std::vector<Follow> out;
  ECRM_RETURN_IF_ERROR(c.query(kFollows, {customer_id}, [&](const RowView& row) {
    Follow f;
    f.id = row.get_int(0);
    f.customer_id = row.get_int(1);
    f.target_kind = row.get_text(2) == "category" ? FollowKind::kCategory : FollowKind::kProduct;
    f.target_id = row.get_int(3);
    f.created_at = row.get_int(4);
    out.push_back(f);
  }));
  return out;
}

}  // namespace ecrm::automation
