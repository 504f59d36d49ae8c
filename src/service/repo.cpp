#include "service/repo.hpp"

#include <boost/json.hpp>

#include <algorithm>

#include "http/wire.hpp"

namespace ecrm::service {

namespace json = boost::json;
using storage::RowView;
using storage::Value;
using storage::done;

namespace {

// ---- interactions
#define ECRM_INTERACTION_COLUMNS                                                           \
  "id, customer_id, channel, direction, agent_id, ticket_id, occurred_at, duration_seconds, " \
  "subject, content, from_address, to_address, external_ref, message_id, outbox_message_id, " \
  "created_at"
constexpr std::string_view kInsertInteraction =
    "INSERT INTO interactions (customer_id, channel, direction, agent_id, ticket_id, occurred_at, "
    "duration_seconds, subject, content, from_address, to_address, external_ref, message_id, "
    "outbox_message_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, "
    "$13, $14, $15) RETURNING id";
constexpr std::string_view kFindInteraction =
    "SELECT " ECRM_INTERACTION_COLUMNS " FROM interactions WHERE id = $1";
constexpr std::string_view kInteractionsByExternalRef =
    "SELECT " ECRM_INTERACTION_COLUMNS
    " FROM interactions WHERE channel = $1 AND external_ref = $2 ORDER BY id LIMIT 1";
constexpr std::string_view kInteractionsOfTicket =
    "SELECT " ECRM_INTERACTION_COLUMNS " FROM interactions WHERE ticket_id = $1 ORDER BY id";
constexpr std::string_view kInteractionsByCustomer =
    "SELECT " ECRM_INTERACTION_COLUMNS " FROM interactions WHERE customer_id = $1 "
    "AND ($2::bigint = 0 OR id < $2) AND ($3::text IS NULL OR channel = $3) "
    "ORDER BY customer_id DESC, id DESC LIMIT $4";
constexpr std::string_view kInteractionsByTicket =
    "SELECT " ECRM_INTERACTION_COLUMNS " FROM interactions WHERE ticket_id = $1 "
    "AND ($2::bigint = 0 OR id < $2) AND ($3::text IS NULL OR channel = $3) "
    "ORDER BY ticket_id DESC, id DESC LIMIT $4";
constexpr std::string_view kInteractionsAll =
    "SELECT " ECRM_INTERACTION_COLUMNS " FROM interactions WHERE ($1::bigint = 0 OR id < $1) "
    "AND ($2::text IS NULL OR channel = $2) ORDER BY id DESC LIMIT $3";
constexpr std::string_view kInteractionTimeline =
    "SELECT " ECRM_INTERACTION_COLUMNS " FROM interactions WHERE customer_id = $1 "
    "AND (occurred_at < $2 OR (occurred_at = $2 AND id < $3)) "
    "ORDER BY customer_id DESC, occurred_at DESC, id DESC LIMIT $4";
constexpr std::string_view kInteractionsOfCustomer =
    "SELECT " ECRM_INTERACTION_COLUMNS " FROM interactions WHERE customer_id = $1 ORDER BY id";
#undef ECRM_INTERACTION_COLUMNS
constexpr std::string_view kSetInteractionTicket =
    "UPDATE interactions SET ticket_id = $2 WHERE id = $1";
constexpr std::string_view kSetInteractionCustomer =
    "UPDATE interactions SET customer_id = $2 WHERE id = $1";

// ---- customers and the rest of the shop
constexpr std::string_view kCustomerByEmail =
    "SELECT id FROM customers WHERE email_normalized = $1 AND merged_into IS NULL "
    "AND erased_at IS NULL ORDER BY id LIMIT 1";
constexpr std::string_view kCustomerByPhone =
    "SELECT id FROM customers WHERE phone_normalized = $1 AND merged_into IS NULL "
    "AND erased_at IS NULL ORDER BY id LIMIT 1";
constexpr std::string_view kCustomerTier =
    "SELECT tier FROM customer_scores WHERE customer_id = $1";
constexpr std::string_view kCustomerEmail =
    "SELECT coalesce(email, '') FROM customers WHERE id = $1";
constexpr std::string_view kCustomerExists =
    "SELECT 1 FROM customers WHERE id = $1 AND merged_into IS NULL AND erased_at IS NULL";
constexpr std::string_view kUserExists = "SELECT 1 FROM users WHERE id = $1";
constexpr std::string_view kProductExists = "SELECT 1 FROM products WHERE id = $1";
constexpr std::string_view kOrderCustomer = "SELECT customer_id FROM orders WHERE id = $1";

// ---- tickets
#define ECRM_TICKET_COLUMNS                                                                     \
  "id, token, customer_id, subject, status, priority, category, channel, product_id, order_id, " \
  "assignee_id, team, source_interaction_id, created_by, sla_policy_id, first_response_due, "    \
  "next_response_due, resolution_due, first_response_at, paused_at, next_due_at, warned, "       \
  "breached, solved_at, closed_at, entitlement, entitlement_reason, quote_amount, "              \
  "quote_currency, quote_status, quote_note, quote_at, quote_answered_at, merged_into, "         \
  "created_at, updated_at, sla_check_at"
constexpr std::string_view kTicketColumns = ECRM_TICKET_COLUMNS;
constexpr std::string_view kFindTicket =
    "SELECT " ECRM_TICKET_COLUMNS " FROM tickets WHERE id = $1";
constexpr std::string_view kTicketsOfCustomer =
    "SELECT " ECRM_TICKET_COLUMNS " FROM tickets WHERE customer_id = $1 ORDER BY id";
// A customer's tickets on PostgreSQL, newest first (the 360° page, the portal): the walk of
// tickets_customer (customer_id, id) backwards, cut at the limit. Planned with the limit as a
// constant, PostgreSQL weighs two equal costs for a customer of about a page of tickets (the same
// heap pages read in index order, or as a bitmap and then sorted: 200.7 against 205.3 on the
// benchmark's shop) and the custom plan takes either by a hair, depending on the customer's count
// in the statistics. A limit it cannot read at planning time (an InitPlan) counts as a tenth of
// the rows, so the ordered walk, which stops at the limit, is the plan for a customer of any size,
// custom or generic.
constexpr std::string_view kCustomerPage =
    "SELECT " ECRM_TICKET_COLUMNS " FROM tickets WHERE customer_id = $1 ORDER BY id DESC "
    "LIMIT (SELECT CAST($2 AS BIGINT))";
constexpr std::string_view kCustomerPageAfter =
    "SELECT " ECRM_TICKET_COLUMNS " FROM tickets WHERE customer_id = $1 AND id < $2 "
    "ORDER BY id DESC LIMIT (SELECT CAST($3 AS BIGINT))";
#undef ECRM_TICKET_COLUMNS
// $1..$35: every column of update_ticket's order; the token is set once the id is known.
constexpr std::string_view kInsertTicket =
    "INSERT INTO tickets (token, customer_id, subject, status, active, priority, category, "
    "channel, product_id, order_id, assignee_id, team, source_interaction_id, created_by, "
    "sla_policy_id, first_response_due, next_response_due, resolution_due, first_response_at, "
    "paused_at, next_due_at, warned, breached, solved_at, closed_at, entitlement, "
    "entitlement_reason, quote_amount, quote_currency, quote_status, quote_note, quote_at, "
    "quote_answered_at, merged_into, created_at, updated_at, sla_check_at) VALUES ($1, $2, $3, "
    "$4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, "
    "$23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36, $37) RETURNING id";
constexpr std::string_view kSetToken = "UPDATE tickets SET token = $2 WHERE id = $1";
constexpr std::string_view kUpdateTicket =
    "UPDATE tickets SET customer_id = $2, subject = $3, status = $4, active = $5, priority = $6, "
    "category = $7, channel = $8, product_id = $9, order_id = $10, assignee_id = $11, team = $12, "
    "source_interaction_id = $13, created_by = $14, sla_policy_id = $15, first_response_due = $16, "
    "next_response_due = $17, resolution_due = $18, first_response_at = $19, paused_at = $20, "
    "next_due_at = $21, warned = $22, breached = $23, solved_at = $24, closed_at = $25, "
    "entitlement = $26, entitlement_reason = $27, quote_amount = $28, quote_currency = $29, "
    "quote_status = $30, quote_note = $31, quote_at = $32, quote_answered_at = $33, "
    "merged_into = $34, updated_at = $35, sla_check_at = $36 WHERE id = $1";
constexpr std::string_view kLockTicket = "UPDATE tickets SET id = id WHERE id = $1";
constexpr std::string_view kTicketTags = "SELECT tag FROM ticket_tags WHERE ticket_id = $1 ORDER BY tag";
constexpr std::string_view kDeleteTags = "DELETE FROM ticket_tags WHERE ticket_id = $1";
constexpr std::string_view kAddTag =
    "INSERT INTO ticket_tags (ticket_id, tag) VALUES ($1, $2) ON CONFLICT DO NOTHING";
constexpr std::string_view kTicketFollowers =
    "SELECT user_id FROM ticket_followers WHERE ticket_id = $1 ORDER BY user_id";
constexpr std::string_view kDeleteFollowers = "DELETE FROM ticket_followers WHERE ticket_id = $1";
constexpr std::string_view kAddFollower =
    "INSERT INTO ticket_followers (ticket_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING";
constexpr std::string_view kTicketCc =
    "SELECT address FROM ticket_cc WHERE ticket_id = $1 ORDER BY address";
constexpr std::string_view kDeleteCc = "DELETE FROM ticket_cc WHERE ticket_id = $1";
constexpr std::string_view kAddCc =
    "INSERT INTO ticket_cc (ticket_id, address) VALUES ($1, $2) ON CONFLICT DO NOTHING";

// The ticket list: one index per leading filter (migrations 0024 and 0030: the unassigned view's
// partial index, an agent's tickets by status), the other filters on the rows it reads, newest id
// first (the breaching view: soonest due first).
constexpr std::string_view kListSelect = "SELECT ";
constexpr std::string_view kListFrom = " FROM tickets WHERE ";
constexpr std::string_view kListNewestFirst = " ORDER BY id DESC LIMIT ";
constexpr std::string_view kListSoonestFirst = " ORDER BY next_due_at, id LIMIT ";

constexpr std::string_view kAddMessageId =
    "INSERT INTO ticket_message_ids (message_id, ticket_id, interaction_id, outbound, created_at) "
    "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (message_id) DO NOTHING";
constexpr std::string_view kMessageIds =
    "SELECT message_id FROM ticket_message_ids WHERE ticket_id = $1 "
    "ORDER BY created_at, COALESCE(interaction_id, 0), message_id";  // in one millisecond: by id
constexpr std::string_view kTicketByMessageId =
    "SELECT ticket_id FROM ticket_message_ids WHERE message_id = $1";
constexpr std::string_view kTicketByToken = "SELECT id FROM tickets WHERE token = $1";

constexpr std::string_view kMoveInteractions =
    "UPDATE interactions SET ticket_id = $2 WHERE ticket_id = $1";
constexpr std::string_view kMoveMessageIds =
    "UPDATE ticket_message_ids SET ticket_id = $2 WHERE ticket_id = $1";
constexpr std::string_view kMoveInteractionMessageIds =
    "UPDATE ticket_message_ids SET ticket_id = $2 WHERE interaction_id = $1";
constexpr std::string_view kCopyFollowers =
    "INSERT INTO ticket_followers (ticket_id, user_id) SELECT $2, user_id FROM ticket_followers "
    "WHERE ticket_id = $1 ON CONFLICT DO NOTHING";
constexpr std::string_view kCopyCc =
    "INSERT INTO ticket_cc (ticket_id, address) SELECT $2, address FROM ticket_cc "
    "WHERE ticket_id = $1 ON CONFLICT DO NOTHING";
constexpr std::string_view kCopyTags =
    "INSERT INTO ticket_tags (ticket_id, tag) SELECT $2, tag FROM ticket_tags "
    "WHERE ticket_id = $1 ON CONFLICT DO NOTHING";

constexpr std::string_view kAddEvent =
    "INSERT INTO ticket_events (ticket_id, kind, actor, detail, at) VALUES ($1, $2, $3, $4, $5)";
constexpr std::string_view kEvents =
    "SELECT id, ticket_id, kind, actor, detail, at FROM ticket_events WHERE ticket_id = $1 "
    "ORDER BY id";

constexpr std::string_view kTicketsToCheck =
    "SELECT id FROM tickets WHERE sla_check_at <= $1 ORDER BY sla_check_at, id LIMIT $2";
constexpr std::string_view kCountActive = "SELECT count(*) FROM tickets WHERE active = 1";
constexpr std::string_view kCountUnassigned =
    "SELECT count(*) FROM tickets WHERE assignee_id IS NULL AND active = 1";
constexpr std::string_view kCountBreaching =
    "SELECT count(*) FROM tickets WHERE active = 1 AND next_due_at <= $1";
constexpr std::string_view kCountBreached =
    "SELECT count(*) FROM tickets WHERE active = 1 AND breached <> ''";

// ---- settings
constexpr std::string_view kBusinessHours =
    "SELECT time_zone, week, holidays, updated_at FROM business_hours WHERE id = 1";
constexpr std::string_view kPutBusinessHours =
    "INSERT INTO business_hours (id, time_zone, week, holidays, updated_at) "
    "VALUES (1, $1, $2, $3, $4) ON CONFLICT (id) DO UPDATE SET time_zone = excluded.time_zone, "
    "week = excluded.week, holidays = excluded.holidays, updated_at = excluded.updated_at";
#define ECRM_POLICY_COLUMNS                                                                   \
  "id, name, sort_order, match_priority, match_category, match_tier, first_response_minutes, " \
  "next_response_minutes, resolution_minutes, warn_before_minutes, escalate_to, "              \
  "escalate_team, raise_priority, notify_followers, active, created_at, updated_at"
constexpr std::string_view kPolicies =
    "SELECT " ECRM_POLICY_COLUMNS " FROM sla_policies ORDER BY sort_order, id";
constexpr std::string_view kFindPolicy =
    "SELECT " ECRM_POLICY_COLUMNS " FROM sla_policies WHERE id = $1";
#undef ECRM_POLICY_COLUMNS
constexpr std::string_view kInsertPolicy =
    "INSERT INTO sla_policies (name, sort_order, match_priority, match_category, match_tier, "
    "first_response_minutes, next_response_minutes, resolution_minutes, warn_before_minutes, "
    "escalate_to, escalate_team, raise_priority, notify_followers, active, created_at, "
    "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) "
    "RETURNING id";
constexpr std::string_view kUpdatePolicy =
    "UPDATE sla_policies SET name = $2, sort_order = $3, match_priority = $4, match_category = $5, "
    "match_tier = $6, first_response_minutes = $7, next_response_minutes = $8, "
    "resolution_minutes = $9, warn_before_minutes = $10, escalate_to = $11, escalate_team = $12, "
    "raise_priority = $13, notify_followers = $14, active = $15, updated_at = $16 WHERE id = $1";
constexpr std::string_view kDeletePolicy = "DELETE FROM sla_policies WHERE id = $1";
constexpr std::string_view kPolicyInUse = "UPDATE tickets SET sla_policy_id = NULL WHERE sla_policy_id = $1";

constexpr std::string_view kMacros =
    "SELECT id, name, body, public_reply, actions, created_at, updated_at FROM macros ORDER BY name, id";
constexpr std::string_view kFindMacro =
    "SELECT id, name, body, public_reply, actions, created_at, updated_at FROM macros WHERE id = $1";
constexpr std::string_view kInsertMacro =
    "INSERT INTO macros (name, body, public_reply, actions, created_at, updated_at) "
    "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
constexpr std::string_view kUpdateMacro =
    "UPDATE macros SET name = $2, body = $3, public_reply = $4, actions = $5, updated_at = $6 "
    "WHERE id = $1";
constexpr std::string_view kDeleteMacro = "DELETE FROM macros WHERE id = $1";

constexpr std::string_view kInsertContract =
    "INSERT INTO service_contracts (customer_id, product_id, reference, starts_on, ends_on, "
    "created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
constexpr std::string_view kContractsOf =
    "SELECT id, customer_id, product_id, reference, starts_on, ends_on, created_at "
    "FROM service_contracts WHERE customer_id = $1 ORDER BY ends_on DESC, id";
constexpr std::string_view kDeleteContract = "DELETE FROM service_contracts WHERE id = $1";
constexpr std::string_view kPurchaseInOrder =
    "SELECT o.id, o.placed_at, p.warranty_months FROM orders o "
    "JOIN order_lines l ON l.order_id = o.id JOIN products p ON p.id = l.product_id "
    "WHERE o.id = $3 AND o.customer_id = $1 AND l.product_id = $2 AND o.status <> 'cancelled' "
    "LIMIT 1";
constexpr std::string_view kLatestPurchase =
    "SELECT o.id, o.placed_at, p.warranty_months FROM orders o "
    "JOIN order_lines l ON l.order_id = o.id JOIN products p ON p.id = l.product_id "
    "WHERE o.customer_id = $1 AND l.product_id = $2 AND o.status <> 'cancelled' "
    "ORDER BY o.placed_at DESC, o.id DESC LIMIT 1";
constexpr std::string_view kWarrantyMonths = "SELECT warranty_months FROM products WHERE id = $1";
constexpr std::string_view kSetWarrantyMonths =
    "UPDATE products SET warranty_months = $2 WHERE id = $1";

// ---- the customer record
constexpr std::string_view kInteractionIdsOf =
    "SELECT id FROM interactions WHERE customer_id = $1 ORDER BY id";
constexpr std::string_view kReassignInteractions =
    "UPDATE interactions SET customer_id = $2 WHERE customer_id = $1";
constexpr std::string_view kReassignTickets =
    "UPDATE tickets SET customer_id = $2 WHERE customer_id = $1";
constexpr std::string_view kRestoreInteraction =
    "UPDATE interactions SET customer_id = $3 WHERE id = $1 AND customer_id = $2";
// A ticket goes back with the interactions that opened it.
constexpr std::string_view kRestoreTickets =
    "UPDATE tickets SET customer_id = $3 WHERE customer_id = $2 AND source_interaction_id = $1";
constexpr std::string_view kEraseInteractions =
    "UPDATE interactions SET subject = '', content = '', from_address = '', to_address = '' "
    "WHERE customer_id = $1";
constexpr std::string_view kEraseTickets =
    "UPDATE tickets SET subject = '(erased)' WHERE customer_id = $1";
constexpr std::string_view kEraseCc =
    "DELETE FROM ticket_cc WHERE ticket_id IN (SELECT id FROM tickets WHERE customer_id = $1)";

Value opt(const std::optional<std::int64_t>& v) { return v ? Value(*v) : storage::kNull; }
Value opt(const std::optional<std::string>& v) { return v ? Value(*v) : storage::kNull; }
template <typename E>
Value opt_enum(const std::optional<E>& v) {
  return v ? Value(std::string(wire::enum_name(*v))) : storage::kNull;
}
template <typename E>
E read_enum(const RowView& row, int column, E fallback) {
  return wire::parse_enum<E>(row.get_text(column)).value_or(fallback);
}

std::string join_targets(const std::vector<SlaTarget>& targets) {
  std::string out;
  for (SlaTarget t : targets) {
    if (!out.empty()) out += ',';
    out += wire::enum_name(t);
  }
  return out;
}

std::vector<SlaTarget> split_targets(std::string_view text) {
  std::vector<SlaTarget> out;
  while (!text.empty()) {
    const auto comma = text.find(',');
    const auto part = text.substr(0, comma);
    if (auto t = wire::parse_enum<SlaTarget>(part)) out.push_back(*t);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

Interaction read_interaction(const RowView& row) {
  Interaction x;
  x.id = row.get_int(0);
  x.customer_id = row.get_optional_int(1);
  x.channel = read_enum(row, 2, Channel::kEmail);
  x.direction = read_enum(row, 3, Direction::kInbound);
  x.agent_id = row.get_optional_int(4);
  x.ticket_id = row.get_optional_int(5);
  x.occurred_at = row.get_int(6);
  x.duration_seconds = row.get_optional_int(7);
  x.subject = row.get_string(8);
  x.content = row.get_string(9);
  x.from_address = row.get_string(10);
  x.to_address = row.get_string(11);
  x.external_ref = row.get_optional_string(12);
  x.message_id = row.get_optional_string(13);
  x.outbox_message_id = row.get_optional_int(14);
  x.created_at = row.get_int(15);
  return x;
}

Ticket read_ticket(const RowView& row) {
  Ticket t;
  t.id = row.get_int(0);
  t.token = row.get_string(1);
  t.customer_id = row.get_optional_int(2);
  t.subject = row.get_string(3);
  t.status = read_enum(row, 4, TicketStatus::kNew);
  t.priority = read_enum(row, 5, Priority::kNormal);
  t.category = row.get_string(6);
  t.channel = read_enum(row, 7, Channel::kWebForm);
  t.product_id = row.get_optional_int(8);
  t.order_id = row.get_optional_int(9);
  t.assignee_id = row.get_optional_int(10);
  t.team = row.get_string(11);
  t.source_interaction_id = row.get_optional_int(12);
  t.created_by = row.get_optional_int(13);
  t.sla_policy_id = row.get_optional_int(14);
  t.first_response_due = row.get_optional_int(15);
  t.next_response_due = row.get_optional_int(16);
  t.resolution_due = row.get_optional_int(17);
  t.first_response_at = row.get_optional_int(18);
  t.paused_at = row.get_optional_int(19);
  t.next_due_at = row.get_optional_int(20);
  t.warned = split_targets(row.get_text(21));
  t.breached = split_targets(row.get_text(22));
  t.solved_at = row.get_optional_int(23);
  t.closed_at = row.get_optional_int(24);
  t.entitlement = read_enum(row, 25, Entitlement::kPaid);
  t.entitlement_reason = row.get_string(26);
  t.quote_amount = row.get_optional_int(27);
  t.quote_currency = row.get_optional_string(28);
  t.quote_status = read_enum(row, 29, QuoteStatus::kNone);
  t.quote_note = row.get_string(30);
  t.quote_at = row.get_optional_int(31);
  t.quote_answered_at = row.get_optional_int(32);
  t.merged_into = row.get_optional_int(33);
  t.created_at = row.get_int(34);
  t.updated_at = row.get_int(35);
  t.sla_check_at = row.get_optional_int(36);
  return t;
}

// The values of every written column, in kInsertTicket's order after the token ($2..$37).
std::vector<Value> ticket_values(const Ticket& t) {
  return {opt(t.customer_id),
          t.subject,
          std::string(wire::enum_name(t.status)),
          std::int64_t{is_active(t.status) ? 1 : 0},
          std::string(wire::enum_name(t.priority)),
          t.category,
          std::string(wire::enum_name(t.channel)),
          opt(t.product_id),
          opt(t.order_id),
          opt(t.assignee_id),
          t.team,
          opt(t.source_interaction_id),
          opt(t.created_by),
          opt(t.sla_policy_id),
          opt(t.first_response_due),
          opt(t.next_response_due),
          opt(t.resolution_due),
          opt(t.first_response_at),
          opt(t.paused_at),
          opt(t.next_due_at),
          join_targets(t.warned),
          join_targets(t.breached),
          opt(t.solved_at),
          opt(t.closed_at),
          std::string(wire::enum_name(t.entitlement)),
          t.entitlement_reason,
          opt(t.quote_amount),
          opt(t.quote_currency),
          std::string(wire::enum_name(t.quote_status)),
          t.quote_note,
          opt(t.quote_at),
          opt(t.quote_answered_at),
          opt(t.merged_into),
          t.created_at,
          t.updated_at,
          opt(t.sla_check_at)};
}

SlaPolicy read_policy(const RowView& row) {
  SlaPolicy p;
  p.id = row.get_int(0);
  p.name = row.get_string(1);
  p.position = row.get_int(2);
  if (!row.is_null(3)) p.match.priority = wire::parse_enum<Priority>(row.get_text(3));
  p.match.category = row.get_optional_string(4);
  p.match.tier = row.get_optional_string(5);
  p.first_response_minutes = row.get_optional_int(6);
  p.next_response_minutes = row.get_optional_int(7);
  p.resolution_minutes = row.get_optional_int(8);
  p.warn_before_minutes = row.get_int(9);
  p.escalate_to = row.get_optional_int(10);
  p.escalate_team = row.get_optional_string(11);
  p.raise_priority = row.get_int(12) != 0;
  p.notify_followers = row.get_int(13) != 0;
  p.active = row.get_int(14) != 0;
  p.created_at = row.get_int(15);
  p.updated_at = row.get_int(16);
  return p;
}

std::vector<Value> policy_values(const SlaPolicy& p) {
  return {p.name,
          p.position,
          opt_enum(p.match.priority),
          opt(p.match.category),
          opt(p.match.tier),
          opt(p.first_response_minutes),
          opt(p.next_response_minutes),
          opt(p.resolution_minutes),
          p.warn_before_minutes,
          opt(p.escalate_to),
          opt(p.escalate_team),
          std::int64_t{p.raise_priority ? 1 : 0},
          std::int64_t{p.notify_followers ? 1 : 0},
          std::int64_t{p.active ? 1 : 0}};
}

Macro read_macro(const RowView& row) {
  Macro m;
  m.id = row.get_int(0);
  m.name = row.get_string(1);
  m.body = row.get_string(2);
  m.public_reply = row.get_int(3) != 0;
  boost::system::error_code ec;
  const json::value actions = json::parse(row.get_text(4), ec);
  if (!ec) {
    if (auto parsed = wire::read<MacroActions>(actions); parsed.ok()) m.actions = *parsed;
  }
  m.created_at = row.get_int(5);
  m.updated_at = row.get_int(6);
  return m;
}

ServiceContract read_contract(const RowView& row) {
  return ServiceContract{row.get_int(0),    row.get_int(1),    row.get_optional_int(2),
                         row.get_string(3), row.get_string(4), row.get_string(5),
                         row.get_int(6)};
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Interactions

Result<Interaction> ServiceRepo::insert_interaction(Connection& c, Interaction x) {
  ECRM_ASSIGN_OR_RETURN(
      auto id,
      c.query_int(kInsertInteraction,
                  {opt(x.customer_id), std::string(wire::enum_name(x.channel)),
                   std::string(wire::enum_name(x.direction)), opt(x.agent_id), opt(x.ticket_id),
                   x.occurred_at, opt(x.duration_seconds), x.subject, x.content, x.from_address,
                   x.to_address, opt(x.external_ref), opt(x.message_id), opt(x.outbox_message_id),
                   x.created_at}));
  if (!id) return Error::internal("insert returned no id");
  x.id = *id;
  return x;
}

Result<std::optional<Interaction>> ServiceRepo::find_interaction(Connection& c, std::int64_t id) {
  std::optional<Interaction> out;
  ECRM_RETURN_IF_ERROR(
      c.query(kFindInteraction, {id}, [&](const RowView& row) { out = read_interaction(row); }));
  return out;
}

Result<std::vector<Interaction>> ServiceRepo::list_interactions(Connection& c,
                                                                const InteractionQuery& q,
                                                                std::int64_t before, int limit) {
  std::vector<Interaction> out;
  auto add = [&](const RowView& row) { out.push_back(read_interaction(row)); };
  const Value channel = opt_enum(q.channel);
  if (q.ticket_id) {
    ECRM_RETURN_IF_ERROR(c.query(kInteractionsByTicket,
                                 {*q.ticket_id, before, channel, std::int64_t{limit}}, add));
  } else if (q.customer_id) {
    ECRM_RETURN_IF_ERROR(c.query(kInteractionsByCustomer,
                                 {*q.customer_id, before, channel, std::int64_t{limit}}, add));
  } else {
    ECRM_RETURN_IF_ERROR(c.query(kInteractionsAll, {before, channel, std::int64_t{limit}}, add));
  }
  if (q.ticket_id && q.customer_id) {
    std::erase_if(out, [&](const Interaction& x) { return x.customer_id != q.customer_id; });
  }
  return out;
}

Result<std::vector<Interaction>> ServiceRepo::ticket_interactions(Connection& c,
                                                                  std::int64_t ticket_id) {
  std::vector<Interaction> out;
  ECRM_RETURN_IF_ERROR(c.query(kInteractionsOfTicket, {ticket_id},
                               [&](const RowView& row) { out.push_back(read_interaction(row)); }));
  return out;
}

Status ServiceRepo::set_interaction_ticket(Connection& c, std::int64_t interaction_id,
                                           std::optional<std::int64_t> ticket_id) {
  return done(c.execute(kSetInteractionTicket, {interaction_id, opt(ticket_id)}));
}

Status ServiceRepo::set_interaction_customer(Connection& c, std::int64_t interaction_id,
                                             std::int64_t customer_id) {
  return done(c.execute(kSetInteractionCustomer, {interaction_id, customer_id}));
}

Result<std::optional<Interaction>> ServiceRepo::find_by_external_ref(
    Connection& c, Channel channel, const std::string& external_ref) {
  std::optional<Interaction> out;
  ECRM_RETURN_IF_ERROR(c.query(kInteractionsByExternalRef,
                               {std::string(wire::enum_name(channel)), external_ref},
                               [&](const RowView& row) { out = read_interaction(row); }));
  return out;
}

Result<std::optional<std::int64_t>> ServiceRepo::customer_by_email(Connection& c,
                                                                   const std::string& email) {
  return c.query_int(kCustomerByEmail, {email});
}

Result<std::optional<std::int64_t>> ServiceRepo::customer_by_phone(Connection& c,
                                                                   const std::string& digits) {
  return c.query_int(kCustomerByPhone, {digits});
}

Result<std::string> ServiceRepo::customer_tier(Connection& c, std::int64_t customer_id) {
  std::string out;
  ECRM_RETURN_IF_ERROR(
      c.query(kCustomerTier, {customer_id}, [&](const RowView& row) { out = row.get_string(0); }));
  return out;
}

Result<std::string> ServiceRepo::customer_email(Connection& c, std::int64_t customer_id) {
  std::string out;
  ECRM_RETURN_IF_ERROR(
      c.query(kCustomerEmail, {customer_id}, [&](const RowView& row) { out = row.get_string(0); }));
  return out;
}

Result<bool> ServiceRepo::customer_exists(Connection& c, std::int64_t customer_id) {
  ECRM_ASSIGN_OR_RETURN(auto found, c.query_int(kCustomerExists, {customer_id}));
  return found.has_value();
}

Result<bool> ServiceRepo::user_exists(Connection& c, std::int64_t user_id) {
  ECRM_ASSIGN_OR_RETURN(auto found, c.query_int(kUserExists, {user_id}));
  return found.has_value();
}

Result<bool> ServiceRepo::product_exists(Connection& c, std::int64_t product_id) {
  ECRM_ASSIGN_OR_RETURN(auto found, c.query_int(kProductExists, {product_id}));
  return found.has_value();
}

Result<std::optional<std::int64_t>> ServiceRepo::order_customer(Connection& c,
                                                                std::int64_t order_id) {
  return c.query_int(kOrderCustomer, {order_id});
}

// ---------------------------------------------------------------------------------------------
// Tickets

Result<Ticket> ServiceRepo::insert_ticket(Connection& c, Ticket t, const std::string& secret) {
  std::vector<Value> values = ticket_values(t);
  values.insert(values.begin(), Value("pending-" + secret));
  std::optional<std::int64_t> id;
  ECRM_RETURN_IF_ERROR(c.query(kInsertTicket, values, [&](const RowView& row) { id = row.get_int(0); }));
  if (!id) return Error::internal("insert returned no id");
  t.id = *id;
  t.token = "T" + std::to_string(t.id) + "-" + secret;
  ECRM_RETURN_IF_ERROR(done(c.execute(kSetToken, {t.id, t.token})));
  return t;
}

Result<std::optional<Ticket>> ServiceRepo::find_ticket(Connection& c, std::int64_t id) {
  std::optional<Ticket> out;
  ECRM_RETURN_IF_ERROR(c.query(kFindTicket, {id}, [&](const RowView& row) { out = read_ticket(row); }));
  if (!out) return out;
  ECRM_RETURN_IF_ERROR(
      c.query(kTicketTags, {id}, [&](const RowView& row) { out->tags.push_back(row.get_string(0)); }));
  ECRM_RETURN_IF_ERROR(c.query(kTicketFollowers, {id}, [&](const RowView& row) {
    out->followers.push_back(row.get_int(0));
  }));
  ECRM_RETURN_IF_ERROR(
      c.query(kTicketCc, {id}, [&](const RowView& row) { out->cc.push_back(row.get_string(0)); }));
  return out;
}

Status ServiceRepo::lock_ticket(Connection& c, std::int64_t id) {
  return done(c.execute(kLockTicket, {id}));
}

Status ServiceRepo::update_ticket(Connection& c, const Ticket& t) {
  std::vector<Value> values = ticket_values(t);
  // kUpdateTicket has no created_at: drop it (index 33 of ticket_values).
  values.erase(values.begin() + 33);
  values.insert(values.begin(), Value(t.id));
  return done(c.execute(kUpdateTicket, values));
}

Result<std::vector<Ticket>> ServiceRepo::list_tickets(Connection& c, const TicketQuery& q,
                                                      std::optional<std::int64_t> me,
                                                      UnixMs breaching_until,
                                                      const std::optional<TicketPosition>& after,
                                                      int limit) {
  const InboxView view = q.view.value_or(InboxView::kAll);
  std::vector<Ticket> out;
  auto add = [&](const RowView& row) { out.push_back(read_ticket(row)); };
  const bool only_customer = q.customer_id && view == InboxView::kAll && !q.status && !q.assignee &&
                             !q.priority && !q.team && !q.channel && !q.active;
  if (only_customer && c.backend() == storage::Backend::kPostgres) {
    ECRM_RETURN_IF_ERROR(
        after ? c.query(kCustomerPageAfter, {*q.customer_id, after->id, std::int64_t{limit}}, add)
              : c.query(kCustomerPage, {*q.customer_id, std::int64_t{limit}}, add));
    return out;
  }
  std::vector<Value> params;
  std::string where;
  auto param = [&](Value v) {
    params.push_back(std::move(v));
    return "$" + std::to_string(params.size());
  };
  auto cond = [&](const std::string& text) {
    if (!where.empty()) where += " AND ";
    where += text;
  };
  // The leading condition decides the index (migration 0024): the view's, else the most
  // selective filter's.
  if (view == InboxView::kBreaching) {
    cond("active = 1");
    cond("next_due_at <= " + param(breaching_until));
  } else if (view == InboxView::kMine) {
    cond("assignee_id = " + param(me.value_or(0)));
    cond("active = 1");
  } else if (view == InboxView::kUnassigned) {
    cond("assignee_id IS NULL");
    cond("active = 1");
  }
  if (q.customer_id) cond("customer_id = " + param(*q.customer_id));
  if (q.assignee && view != InboxView::kMine) cond("assignee_id = " + param(*q.assignee));
  if (q.status) cond("status = " + param(std::string(wire::enum_name(*q.status))));
  if (q.team) cond("team = " + param(*q.team));
  if (q.priority) cond("priority = " + param(std::string(wire::enum_name(*q.priority))));
  if (q.channel) cond("channel = " + param(std::string(wire::enum_name(*q.channel))));
  if (q.active && view == InboxView::kAll) cond(std::string("active = ") + (*q.active ? "1" : "0"));
  if (after) {
    if (view == InboxView::kBreaching) {
      const std::string due = param(after->due.value_or(0));
      const std::string id = param(after->id);
      // (next_due_at, id) after the cursor's, as one row comparison: the index range of
      // tickets_due (active, next_due_at, id) starts right after the cursor's row, instead of
      // reading and dropping the earlier pages (or the rows tied with its due time).
      cond("(next_due_at, id) > (" + due + ", " + id + ")");
    } else {
      cond("id < " + param(after->id));
    }
  }
  std::string sql;
  sql += kListSelect;
  sql += kTicketColumns;
  sql += kListFrom;
  sql += where.empty() ? "1 = 1" : where;
  sql += view == InboxView::kBreaching ? kListSoonestFirst : kListNewestFirst;
  sql += param(std::int64_t{limit});
  ECRM_RETURN_IF_ERROR(c.query(sql, params, add));
  return out;
}

Status ServiceRepo::set_tags(Connection& c, std::int64_t ticket_id,
                             const std::vector<std::string>& tags) {
  ECRM_RETURN_IF_ERROR(done(c.execute(kDeleteTags, {ticket_id})));
  for (const auto& tag : tags) ECRM_RETURN_IF_ERROR(done(c.execute(kAddTag, {ticket_id, tag})));
  return {};
}

Status ServiceRepo::set_followers(Connection& c, std::int64_t ticket_id,
                                  const std::vector<std::int64_t>& users) {
  ECRM_RETURN_IF_ERROR(done(c.execute(kDeleteFollowers, {ticket_id})));
  for (std::int64_t user : users) ECRM_RETURN_IF_ERROR(add_follower(c, ticket_id, user));
  return {};
}

Status ServiceRepo::add_follower(Connection& c, std::int64_t ticket_id, std::int64_t user_id) {
  return done(c.execute(kAddFollower, {ticket_id, user_id}));
}

Status ServiceRepo::set_cc(Connection& c, std::int64_t ticket_id,
                           const std::vector<std::string>& addresses) {
  ECRM_RETURN_IF_ERROR(done(c.execute(kDeleteCc, {ticket_id})));
  for (const auto& a : addresses) ECRM_RETURN_IF_ERROR(done(c.execute(kAddCc, {ticket_id, a})));
  return {};
}

Status ServiceRepo::add_message_id(Connection& c, std::int64_t ticket_id,
                                   const std::string& message_id,
                                   std::optional<std::int64_t> interaction_id, bool outbound,
                                   UnixMs at) {
  return done(c.execute(kAddMessageId, {message_id, ticket_id, opt(interaction_id),
                                        std::int64_t{outbound ? 1 : 0}, at}));
}

Result<std::vector<std::string>> ServiceRepo::message_ids(Connection& c, std::int64_t ticket_id) {
  std::vector<std::string> out;
  ECRM_RETURN_IF_ERROR(c.query(kMessageIds, {ticket_id},
                               [&](const RowView& row) { out.push_back(row.get_string(0)); }));
  return out;
}

Result<std::optional<std::int64_t>> ServiceRepo::ticket_by_message_ids(
    Connection& c, std::span<const std::string> message_ids) {
  for (const auto& id : message_ids) {
    ECRM_ASSIGN_OR_RETURN(auto found, c.query_int(kTicketByMessageId, {id}));
    if (found) return found;
  }
  return std::optional<std::int64_t>{};
}

Result<std::optional<std::int64_t>> ServiceRepo::ticket_by_token(Connection& c,
                                                                 const std::string& token) {
  return c.query_int(kTicketByToken, {token});
}

Status ServiceRepo::move_message_ids_of_interaction(Connection& c, std::int64_t interaction_id,
                                                    std::int64_t into) {
  return done(c.execute(kMoveInteractionMessageIds, {interaction_id, into}));
}

Status ServiceRepo::move_thread(Connection& c, std::int64_t from, std::int64_t into) {
  ECRM_RETURN_IF_ERROR(done(c.execute(kMoveInteractions, {from, into})));
  ECRM_RETURN_IF_ERROR(done(c.execute(kMoveMessageIds, {from, into})));
  ECRM_RETURN_IF_ERROR(done(c.execute(kCopyFollowers, {from, into})));
  ECRM_RETURN_IF_ERROR(done(c.execute(kCopyCc, {from, into})));
  return done(c.execute(kCopyTags, {from, into}));
}

Status ServiceRepo::add_event(Connection& c, std::int64_t ticket_id, const std::string& kind,
                              const std::string& actor, const std::string& detail, UnixMs at) {
  return done(c.execute(kAddEvent, {ticket_id, kind, actor, detail, at}));
}

Result<std::vector<TicketEvent>> ServiceRepo::events(Connection& c, std::int64_t ticket_id) {
  std::vector<TicketEvent> out;
  ECRM_RETURN_IF_ERROR(c.query(kEvents, {ticket_id}, [&](const RowView& row) {
    out.push_back(TicketEvent{row.get_int(0), row.get_int(1), row.get_string(2), row.get_string(3),
                              row.get_string(4), row.get_int(5)});
  }));
  return out;
}

Result<std::vector<std::int64_t>> ServiceRepo::tickets_to_check(Connection& c, UnixMs now,
                                                                int limit) {
  std::vector<std::int64_t> out;
  ECRM_RETURN_IF_ERROR(c.query(kTicketsToCheck, {now, std::int64_t{limit}},
                               [&](const RowView& row) { out.push_back(row.get_int(0)); }));
  return out;
}

Result<ServiceSummary> ServiceRepo::summary(Connection& c, UnixMs, UnixMs breaching_until) {
  ServiceSummary out;
  ECRM_ASSIGN_OR_RETURN(auto active, c.query_int(kCountActive));
  ECRM_ASSIGN_OR_RETURN(auto unassigned, c.query_int(kCountUnassigned));
  ECRM_ASSIGN_OR_RETURN(auto breaching, c.query_int(kCountBreaching, {breaching_until}));
  ECRM_ASSIGN_OR_RETURN(auto breached, c.query_int(kCountBreached));
  out.active = active.value_or(0);
  out.unassigned = unassigned.value_or(0);
  out.breaching = breaching.value_or(0);
  out.breached = breached.value_or(0);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Settings

Result<std::optional<BusinessHours>> ServiceRepo::business_hours(Connection& c) {
  std::optional<BusinessHours> out;
  std::string week_text, holidays_text;
  ECRM_RETURN_IF_ERROR(c.query(kBusinessHours, {}, [&](const RowView& row) {
    out = BusinessHours{};
    out->timezone = row.get_string(0);
    week_text = row.get_string(1);
    holidays_text = row.get_string(2);
    out->updated_at = row.get_int(3);
  }));
  if (!out) return out;
  boost::system::error_code ec;
  const json::value week = json::parse(week_text, ec);
  if (!ec) {
    using Week = std::map<std::string, std::vector<std::vector<std::string>>>;
    if (auto parsed = wire::read<Week>(week); parsed.ok()) out->week = std::move(*parsed);
  }
  const json::value holidays = json::parse(holidays_text, ec);
  if (!ec) {
    if (auto parsed = wire::read<std::vector<std::string>>(holidays); parsed.ok()) {
      out->holidays = std::move(*parsed);
    }
  }
  return out;
}

Status ServiceRepo::put_business_hours(Connection& c, const BusinessHours& hours) {
  return done(c.execute(kPutBusinessHours,
                        {hours.timezone, json::serialize(wire::to_json(hours.week)),
                         json::serialize(wire::to_json(hours.holidays)), hours.updated_at}));
}

Result<std::vector<SlaPolicy>> ServiceRepo::policies(Connection& c) {
  std::vector<SlaPolicy> out;
  ECRM_RETURN_IF_ERROR(
      c.query(kPolicies, {}, [&](const RowView& row) { out.push_back(read_policy(row)); }));
  return out;
}

Result<std::optional<SlaPolicy>> ServiceRepo::find_policy(Connection& c, std::int64_t id) {
  std::optional<SlaPolicy> out;
  ECRM_RETURN_IF_ERROR(c.query(kFindPolicy, {id}, [&](const RowView& row) { out = read_policy(row); }));
  return out;
}

Result<SlaPolicy> ServiceRepo::insert_policy(Connection& c, SlaPolicy p) {
  std::vector<Value> values = policy_values(p);
  values.push_back(p.created_at);
  values.push_back(p.updated_at);
  std::optional<std::int64_t> id;
  ECRM_RETURN_IF_ERROR(c.query(kInsertPolicy, values, [&](const RowView& row) { id = row.get_int(0); }));
  if (!id) return Error::internal("insert returned no id");
  p.id = *id;
  return p;
}

Status ServiceRepo::update_policy(Connection& c, const SlaPolicy& p) {
  std::vector<Value> values = policy_values(p);
  values.insert(values.begin(), Value(p.id));
  values.push_back(p.updated_at);
  return done(c.execute(kUpdatePolicy, values));
}

Result<bool> ServiceRepo::delete_policy(Connection& c, std::int64_t id) {
  ECRM_RETURN_IF_ERROR(done(c.execute(kPolicyInUse, {id})));
  ECRM_ASSIGN_OR_RETURN(auto n, c.execute(kDeletePolicy, {id}));
  return n > 0;
}

Result<std::vector<Macro>> ServiceRepo::macros(Connection& c) {
  std::vector<Macro> out;
  ECRM_RETURN_IF_ERROR(c.query(kMacros, {}, [&](const RowView& row) { out.push_back(read_macro(row)); }));
  return out;
}

Result<std::optional<Macro>> ServiceRepo::find_macro(Connection& c, std::int64_t id) {
  std::optional<Macro> out;
  ECRM_RETURN_IF_ERROR(c.query(kFindMacro, {id}, [&](const RowView& row) { out = read_macro(row); }));
  return out;
}

Result<Macro> ServiceRepo::insert_macro(Connection& c, Macro m) {
  ECRM_ASSIGN_OR_RETURN(
      auto id, c.query_int(kInsertMacro, {m.name, m.body, std::int64_t{m.public_reply ? 1 : 0},
                                          json::serialize(wire::to_json(m.actions)), m.created_at,
                                          m.updated_at}));
  if (!id) return Error::internal("insert returned no id");
  m.id = *id;
  return m;
}

Status ServiceRepo::update_macro(Connection& c, const Macro& m) {
  return done(c.execute(kUpdateMacro, {m.id, m.name, m.body, std::int64_t{m.public_reply ? 1 : 0},
                                       json::serialize(wire::to_json(m.actions)), m.updated_at}));
}

Result<bool> ServiceRepo::delete_macro(Connection& c, std::int64_t id) {
  ECRM_ASSIGN_OR_RETURN(auto n, c.execute(kDeleteMacro, {id}));
  return n > 0;
}

Result<ServiceContract> ServiceRepo::insert_contract(Connection& c, ServiceContract x) {
  ECRM_ASSIGN_OR_RETURN(auto id, c.query_int(kInsertContract,
                                             {x.customer_id, opt(x.product_id), x.reference,
                                              x.starts_on, x.ends_on, x.created_at}));
  if (!id) return Error::internal("insert returned no id");
  x.id = *id;
  return x;
}

Result<std::vector<ServiceContract>> ServiceRepo::contracts_of(Connection& c,
                                                               std::int64_t customer_id) {
  std::vector<ServiceContract> out;
  ECRM_RETURN_IF_ERROR(c.query(kContractsOf, {customer_id},
                               [&](const RowView& row) { out.push_back(read_contract(row)); }));
  return out;
}

Result<bool> ServiceRepo::delete_contract(Connection& c, std::int64_t id) {
  ECRM_ASSIGN_OR_RETURN(auto n, c.execute(kDeleteContract, {id}));
  return n > 0;
}

Result<std::optional<Purchase>> ServiceRepo::purchase(Connection& c, std::int64_t customer_id,
                                                      std::int64_t product_id,
                                                      std::optional<std::int64_t> order_id) {
  std::optional<Purchase> out;
  auto read = [&](const RowView& row) {
    out = Purchase{row.get_int(0), row.get_int(1), row.get_int(2)};
  };
  if (order_id) {
    ECRM_RETURN_IF_ERROR(c.query(kPurchaseInOrder, {customer_id, product_id, *order_id}, read));
  } else {
    ECRM_RETURN_IF_ERROR(c.query(kLatestPurchase, {customer_id, product_id}, read));
  }
  return out;
}

Result<std::int64_t> ServiceRepo::warranty_months(Connection& c, std::int64_t product_id) {
  ECRM_ASSIGN_OR_RETURN(auto months, c.query_int(kWarrantyMonths, {product_id}));
  return months.value_or(0);
}

Status ServiceRepo::set_warranty_months(Connection& c, std::int64_t product_id,
                                        std::int64_t months) {
  ECRM_ASSIGN_OR_RETURN(auto n, c.execute(kSetWarrantyMonths, {product_id, months}));
  if (n == 0) return Error::not_found("no product " + std::to_string(product_id));
  return {};
}

// ---------------------------------------------------------------------------------------------
// The customer record

Result<std::vector<std::int64_t>> ServiceRepo::reassign_customer(Connection& c, std::int64_t from,
                                                                 std::int64_t to) {
  std::vector<std::int64_t> ids;
  ECRM_RETURN_IF_ERROR(c.query(kInteractionIdsOf, {from},
                               [&](const RowView& row) { ids.push_back(row.get_int(0)); }));
  ECRM_RETURN_IF_ERROR(done(c.execute(kReassignInteractions, {from, to})));
  ECRM_RETURN_IF_ERROR(done(c.execute(kReassignTickets, {from, to})));
  return ids;
}

Status ServiceRepo::restore_customer(Connection& c, std::span<const std::int64_t> interaction_ids,
                                     std::int64_t from, std::int64_t to) {
  for (std::int64_t id : interaction_ids) {
    ECRM_RETURN_IF_ERROR(done(c.execute(kRestoreInteraction, {id, from, to})));
    ECRM_RETURN_IF_ERROR(done(c.execute(kRestoreTickets, {id, from, to})));
  }
  return {};
}

Result<std::vector<Ticket>> ServiceRepo::tickets_of_customer(Connection& c,
                                                             std::int64_t customer_id) {
  std::vector<Ticket> out;
  ECRM_RETURN_IF_ERROR(c.query(kTicketsOfCustomer, {customer_id},
                               [&](const RowView& row) { out.push_back(read_ticket(row)); }));
  return out;
}

Result<std::vector<Interaction>> ServiceRepo::interactions_of_customer(Connection& c,
                                                                       std::int64_t customer_id) {
  std::vector<Interaction> out;
  ECRM_RETURN_IF_ERROR(c.query(kInteractionsOfCustomer, {customer_id},
                               [&](const RowView& row) { out.push_back(read_interaction(row)); }));
  return out;
}

Status ServiceRepo::erase_customer(Connection& c, std::int64_t customer_id) {
  ECRM_RETURN_IF_ERROR(done(c.execute(kEraseInteractions, {customer_id})));
  ECRM_RETURN_IF_ERROR(done(c.execute(kEraseCc, {customer_id})));
  return done(c.execute(kEraseTickets, {customer_id}));
}

Result<std::vector<Interaction>> ServiceRepo::interaction_timeline(Connection& c,
                                                                   std::int64_t customer_id,
                                                                   UnixMs at,
                                                                   std::int64_t id_bound,
                                                                   int limit) {
  std::vector<Interaction> out;
  ECRM_RETURN_IF_ERROR(c.query(kInteractionTimeline, {customer_id, at, id_bound, std::int64_t{limit}},
                               [&](const RowView& row) { out.push_back(read_interaction(row)); }));
  return out;
}

}  // namespace ecrm::service
