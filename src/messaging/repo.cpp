#include "messaging/repo.hpp"

#include <algorithm>
#include <functional>

#include "core/crypto.hpp"
#include "core/secret_box.hpp"
#include "http/wire.hpp"
#include "storage/multi_row.hpp"

namespace ecrm::messaging {

using storage::RowView;
using storage::Value;

namespace {

constexpr std::string_view kUpsertTemplate =
    "INSERT INTO message_templates (key, language, kind, subject, html, text, created_at, "
    "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) "
    "ON CONFLICT (key, language) DO UPDATE SET kind = excluded.kind, subject = excluded.subject, "
    "html = excluded.html, text = excluded.text, updated_at = excluded.updated_at "
    "RETURNING id, created_at";
constexpr std::string_view kEnsureTemplate =
    "INSERT INTO message_templates (key, language, kind, subject, html, text, created_at, "
    "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) ON CONFLICT (key, language) DO NOTHING";
#define ECRM_TEMPLATE_COLUMNS "id, key, language, kind, subject, html, text, created_at, updated_at"
constexpr std::string_view kFindTemplate =
    "SELECT " ECRM_TEMPLATE_COLUMNS " FROM message_templates WHERE key = $1 AND language = $2";
constexpr std::string_view kListTemplates =
    "SELECT " ECRM_TEMPLATE_COLUMNS " FROM message_templates ORDER BY key, language";
constexpr storage::MultiRowShape kTemplatesWithKeys{
    "SELECT " ECRM_TEMPLATE_COLUMNS " FROM message_templates WHERE key IN (", 1,
    ") ORDER BY key, language", "", true};
#undef ECRM_TEMPLATE_COLUMNS
constexpr std::string_view kDeleteTemplate =
    "DELETE FROM message_templates WHERE key = $1 AND language = $2";

constexpr std::string_view kInsertMessage =
    "INSERT INTO messages (customer_id, template_key, kind, source, dedupe_key, data, status, "
    "next_attempt_at, created_at, updated_at, on_cap, rfc_message_id, in_reply_to, "
    "thread_references) VALUES ($1, $2, $3, $4, $5, $6, 'queued', $7, $8, $8, $9, $10, $11, $12) "
    "ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING "
    "RETURNING id";
#define ECRM_MESSAGE_COLUMNS                                                                   \
  "id, customer_id, template_key, kind, source, status, reason, attempts, next_attempt_at, " \
  "language, to_address, subject, digest, smtp_reply, created_at, sent_at, data, on_cap, " \
  "rfc_message_id, in_reply_to, thread_references"
constexpr std::string_view kFindMessage =
    "SELECT " ECRM_MESSAGE_COLUMNS " FROM messages WHERE id = $1";
// $1 customer, $2 status, $3 source (NULL: any), $4 below this id (0: any), $5 limit.
constexpr std::string_view kListMessages =
    "SELECT " ECRM_MESSAGE_COLUMNS " FROM messages WHERE ($1::bigint IS NULL OR customer_id = $1) "
    "AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR source = $3) "
    "AND ($4::bigint = 0 OR id < $4) ORDER BY id DESC LIMIT $5";
constexpr std::string_view kReleaseExpired =
    "UPDATE messages SET status = 'queued', reason = 'its delivery was interrupted; sent again', "
    "lease_until = NULL, updated_at = $1 WHERE status = 'sending' AND lease_until < $1";
// A customer's marketing message is not claimed while another of theirs is being sent: the
// frequency cap of a batch is then read once, when it is claimed, and the outcomes of the
// customer's messages in the batch are known to the thread that sends them.
#define ECRM_NO_MARKETING_IN_FLIGHT                                                        \
  "NOT (kind = 'marketing' AND customer_id IN (SELECT customer_id FROM messages "        \
  "WHERE status = 'sending' AND kind = 'marketing'))"
// Claims on PostgreSQL are made one at a time (a transaction-scoped advisory lock), so that two
// claims cannot take two marketing messages of one customer, each not seeing the other's.
constexpr std::string_view kClaimLock = "SELECT pg_advisory_xact_lock(7303916584)";
constexpr std::string_view kClaimSqlite =
    "UPDATE messages SET status = 'sending', attempts = attempts + 1, lease_until = $2, "
    "updated_at = $1 WHERE id IN (SELECT id FROM messages WHERE status = 'queued' "
    "AND next_attempt_at <= $1 AND " ECRM_NO_MARKETING_IN_FLIGHT
    " ORDER BY next_attempt_at, id LIMIT $3) "
    "RETURNING " ECRM_MESSAGE_COLUMNS;
constexpr std::string_view kClaimPostgres =
    "UPDATE messages SET status = 'sending', attempts = attempts + 1, lease_until = $2, "
    "updated_at = $1 WHERE id IN (SELECT id FROM messages WHERE status = 'queued' "
    "AND next_attempt_at <= $1 AND " ECRM_NO_MARKETING_IN_FLIGHT
    " ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED) "
    "RETURNING " ECRM_MESSAGE_COLUMNS;
#undef ECRM_MESSAGE_COLUMNS
#undef ECRM_NO_MARKETING_IN_FLIGHT
// Read through the customer's index (messages_customer): `status || ''` keeps SQLite from
// choosing messages_due for status = 'sent', which would walk every message sent.
constexpr storage::MultiRowShape kMarketingSentTo{
    "SELECT customer_id, sent_at FROM messages WHERE kind = 'marketing' "
    "AND status || '' = 'sent' AND sent_at IS NOT NULL AND customer_id IN (", 1, ")", "", true};
constexpr std::string_view kFinish =
    "UPDATE messages SET status = $2, reason = $3, smtp_reply = $4, next_attempt_at = $5, "
    "language = $6, to_address = $7, subject = $8, digest = $9, lease_until = NULL, "
    "attempts = attempts - $11, "
    "sent_at = CASE WHEN $2 = 'sent' THEN $10 ELSE sent_at END, updated_at = $10 WHERE id = $1";
// Rows (id, attempts, status, reason, smtp_reply, next_attempt_at, language, to_address, subject,
// digest, attempts to give back, at).
constexpr storage::MultiRowShape kFinishClaimed{
    "UPDATE messages SET status = u.column3, reason = u.column4, smtp_reply = u.column5, "
    "next_attempt_at = u.column6, language = u.column7, to_address = u.column8, "
    "subject = u.column9, digest = u.column10, lease_until = NULL, "
    "attempts = messages.attempts - u.column11, "
    "sent_at = CASE WHEN u.column3 = 'sent' THEN u.column12 ELSE messages.sent_at END, "
    "updated_at = u.column12 FROM (VALUES ",
    12,
    ") AS u WHERE messages.id = u.column1 AND messages.status = 'sending' "
    "AND messages.attempts = u.column2 RETURNING messages.id",
    "iitttittttii"};
constexpr storage::MultiRowShape kAddEvents{
    "INSERT INTO message_events (message_id, customer_id, kind, at, detail) VALUES ", 5, ""};
// A batch's outcomes in one statement (a claim takes 20 by default).
constexpr storage::ChunkSizes kOutcomeChunks = {20, 5, 1};
constexpr std::string_view kAddEvent =
    "INSERT INTO message_events (message_id, customer_id, kind, at, detail) "
    "VALUES ($1, $2, $3, $4, $5)";
constexpr std::string_view kMarketingSentSince =
    "SELECT count(*) FROM messages WHERE customer_id = $1 "
    "AND kind = 'marketing' AND status = 'sent' AND sent_at >= $2";
constexpr std::string_view kNthMarketingSentSince =
    "SELECT sent_at FROM messages WHERE customer_id = $1 "
    "AND kind = 'marketing' AND status = 'sent' AND sent_at >= $2 ORDER BY sent_at DESC "
    "LIMIT 1 OFFSET $3";
// A customer's marketing messages the frequency cap counts: being sent with an id below $2, or
// sent at or after $3.
constexpr std::string_view kMarketingCounted =
    "SELECT status, sent_at FROM messages WHERE customer_id = $1 AND kind = 'marketing' "
    "AND ((status = 'sending' AND id < $2) OR (status = 'sent' AND sent_at >= $3))";
constexpr std::string_view kMarketingInFlightBefore =
    "SELECT count(*) FROM messages WHERE customer_id = $1 AND kind = 'marketing' "
    "AND status = 'sending' AND id < $2";
constexpr std::string_view kEventsOf =
    "SELECT id, message_id, kind, at, detail FROM message_events WHERE message_id = $1 ORDER BY id";
constexpr std::string_view kSuppressions =
    "SELECT address, reason, detail, at FROM email_suppressions "
    "WHERE ($1::text IS NULL OR address LIKE '%' || $1 || '%') ORDER BY at DESC, address LIMIT $2";
// Day of a time in ms, as text, in each database.
#define ECRM_DAY_SQLITE(col) "strftime('%Y-%m-%d', " col " / 1000, 'unixepoch')"
#define ECRM_DAY_PG(col) "to_char(to_timestamp(" col " / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
#define ECRM_FINAL "m.status IN ('sent', 'failed', 'bounced', 'suppressed')"
#define ECRM_OLD_EVENTS \
  "(e.at < $1 OR e.message_id IN (SELECT m.id FROM messages m WHERE m.created_at < $1 AND " ECRM_FINAL "))"
#define ECRM_COUNT_EVENTS(DAY)                                                                \
  "INSERT INTO message_daily (day, source, kind, n) SELECT " DAY ", m.source, e.kind, count(*) " \
  "FROM message_events e JOIN messages m ON m.id = e.message_id WHERE " ECRM_OLD_EVENTS         \
  " GROUP BY 1, 2, 3 ON CONFLICT (day, source, kind) DO UPDATE SET n = message_daily.n + excluded.n"
#define ECRM_COUNT_MESSAGES(DAY)                                                                 \
  "INSERT INTO message_daily (day, source, kind, n) SELECT " DAY ", m.source, 'message:' || m.status, " \
  "count(*) FROM messages m WHERE m.created_at < $1 AND " ECRM_FINAL                              \
  " GROUP BY 1, 2, 3 ON CONFLICT (day, source, kind) DO UPDATE SET n = message_daily.n + excluded.n"
constexpr std::string_view kCountEventsSqlite = ECRM_COUNT_EVENTS(ECRM_DAY_SQLITE("e.at"));
constexpr std::string_view kCountEventsPostgres = ECRM_COUNT_EVENTS(ECRM_DAY_PG("e.at"));
constexpr std::string_view kCountMessagesSqlite = ECRM_COUNT_MESSAGES(ECRM_DAY_SQLITE("m.created_at"));
constexpr std::string_view kCountMessagesPostgres = ECRM_COUNT_MESSAGES(ECRM_DAY_PG("m.created_at"));
constexpr std::string_view kDeleteEvents =
    "DELETE FROM message_events WHERE id IN (SELECT e.id FROM message_events e WHERE " ECRM_OLD_EVENTS ")";
constexpr std::string_view kDeleteMessages =
    "DELETE FROM messages WHERE id IN (SELECT m.id FROM messages m WHERE m.created_at < $1 AND " ECRM_FINAL ")";
#undef ECRM_COUNT_MESSAGES
#undef ECRM_COUNT_EVENTS
#undef ECRM_OLD_EVENTS
#undef ECRM_FINAL
#undef ECRM_DAY_PG
#undef ECRM_DAY_SQLITE
constexpr std::string_view kUnsuppress = "DELETE FROM email_suppressions WHERE address = $1";
constexpr std::string_view kSuppressionOf =
    "SELECT reason FROM email_suppressions WHERE address = $1";
constexpr storage::MultiRowShape kSuppressionsOf{
    "SELECT address, reason FROM email_suppressions WHERE address IN (", 1, ")", "", true};
constexpr std::string_view kSuppress =
    "INSERT INTO email_suppressions (address, reason, detail, at) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT (address) DO UPDATE SET reason = excluded.reason, detail = excluded.detail, "
    "at = excluded.at";
constexpr std::string_view kSentBySource =
    "SELECT source, count(*) FROM messages WHERE status IN ('sent', 'bounced') GROUP BY source";
constexpr std::string_view kFirstReplies =
    "SELECT m.source, m.sent_at, min(e.at) FROM message_events e "
    "JOIN messages m ON m.id = e.message_id WHERE e.kind = 'reply' "
    "GROUP BY m.source, m.id, m.sent_at";
constexpr std::string_view kMarkBounced =
    "UPDATE messages SET status = 'bounced', reason = $2, updated_at = $3 WHERE id = $1";
constexpr std::string_view kStats = "SELECT status, count(*) FROM messages GROUP BY status";
constexpr std::string_view kSecret = "SELECT secret FROM messaging_keys ORDER BY id LIMIT 1";
constexpr std::string_view kInsertSecret =
    "INSERT INTO messaging_keys (secret, created_at) VALUES ($1, $2)";

template <typename E>
E enum_at(const RowView& row, int column, E fallback) {
  return wire::parse_enum<E>(row.get_text(column)).value_or(fallback);
}
template <typename E>
Value text_of(E v) {
  return std::string(wire::enum_name(v));
}
Value opt(const std::optional<std::string>& v) { return v ? Value(*v) : storage::kNull; }
Value opt(const std::optional<std::int64_t>& v) { return v ? Value(*v) : storage::kNull; }

Template read_template(const RowView& row) {
  Template t;
  t.id = row.get_int(0);
  t.key = row.get_string(1);
  t.language = row.get_string(2);
  t.kind = enum_at(row, 3, MessageKind::kMarketing);
  t.subject = row.get_string(4);
  t.html = row.get_string(5);
  t.text = row.get_string(6);
  t.created_at = row.get_int(7);
  t.updated_at = row.get_int(8);
  return t;
}

Message read_message(const RowView& row) {
  Message m;
  m.id = row.get_int(0);
  m.customer_id = row.get_int(1);
  m.template_key = row.get_string(2);
  m.kind = enum_at(row, 3, MessageKind::kMarketing);
  m.source = row.get_string(4);
  m.status = enum_at(row, 5, MessageStatus::kQueued);
  m.reason = row.get_string(6);
  m.attempts = static_cast<int>(row.get_int(7));
  m.next_attempt_at = row.get_int(8);
  m.language = row.get_string(9);
  m.to = row.get_string(10);
  m.subject = row.get_string(11);
  m.digest = row.get_string(12);
  m.smtp_reply = row.get_string(13);
  m.created_at = row.get_int(14);
  m.sent_at = row.get_optional_int(15);
  return m;
}

}  // namespace

Result<Template> MessagingRepo::upsert_template(Connection& c, const Template& t) {
  Template out = t;
  ECRM_RETURN_IF_ERROR(c.query(kUpsertTemplate,
                               {t.key, t.language, text_of(t.kind), t.subject, t.html, t.text,
                                t.updated_at},
                               [&](const RowView& row) {
                                 out.id = row.get_int(0);
                                 out.created_at = row.get_int(1);
                               }));
  return out;
}

Status MessagingRepo::ensure_template(Connection& c, const Template& t) {
  return storage::done(c.execute(kEnsureTemplate, {t.key, t.language, text_of(t.kind), t.subject,
                                                   t.html, t.text, t.updated_at}));
}

Result<std::optional<Template>> MessagingRepo::find_template(Connection& c, const std::string& key,
                                                             const std::string& language) {
  std::optional<Template> out;
  ECRM_RETURN_IF_ERROR(c.query(kFindTemplate, {key, language},
                               [&](const RowView& row) { out = read_template(row); }));
  return out;
}

Result<std::vector<Template>> MessagingRepo::list_templates(Connection& c) {
  std::vector<Template> out;
  ECRM_RETURN_IF_ERROR(
      c.query(kListTemplates, {}, [&](const RowView& row) { out.push_back(read_template(row)); }));
  return out;
}

Result<std::vector<Template>> MessagingRepo::templates_with_keys(
    Connection& c, const std::vector<std::string>& keys) {
  std::vector<Template> out;
  std::vector<Value> params;
  ECRM_RETURN_IF_ERROR(storage::for_chunks(keys.size(), [&](std::size_t first, std::size_t n) {
    params.assign(keys.begin() + static_cast<std::ptrdiff_t>(first),
                  keys.begin() + static_cast<std::ptrdiff_t>(first + n));
    return c.query(storage::multi_row_sql(kTemplatesWithKeys, n), params,
                   [&](const RowView& row) { out.push_back(read_template(row)); });
  }));
  return out;
}

Result<bool> MessagingRepo::delete_template(Connection& c, const std::string& key,
                                            const std::string& language) {
  ECRM_ASSIGN_OR_RETURN(auto n, c.execute(kDeleteTemplate, {key, language}));
  return n > 0;
}

Result<std::optional<std::int64_t>> MessagingRepo::insert(Connection& c, const NewMessage& m,
                                                          UnixMs now) {
  std::optional<std::int64_t> id;
  ECRM_RETURN_IF_ERROR(c.query(kInsertMessage,
                               {m.customer_id, m.template_key, text_of(m.kind), m.source,
                                opt(m.dedupe_key), m.data, std::max(m.not_before, now), now,
                                std::string(m.drop_when_capped ? "drop" : "reschedule"),
                                m.thread.message_id.empty() ? storage::kNull
                                                            : Value(m.thread.message_id),
                                m.thread.in_reply_to, m.thread.references},
                               [&](const RowView& row) { id = row.get_int(0); }));
  return id;
}

Result<std::optional<Message>> MessagingRepo::find(Connection& c, std::int64_t id) {
  std::optional<Message> out;
  ECRM_RETURN_IF_ERROR(
      c.query(kFindMessage, {id}, [&](const RowView& row) { out = read_message(row); }));
  return out;
}

Result<std::vector<Message>> MessagingRepo::list(Connection& c, const MessageQuery& q,
                                                 std::int64_t before_id, int limit) {
  std::vector<Message> out;
  std::optional<std::string> status;
  if (q.status) status = std::string(wire::enum_name(*q.status));
  ECRM_RETURN_IF_ERROR(c.query(kListMessages,
                               {opt(q.customer), opt(status), opt(q.source), before_id,
                                std::int64_t{limit}},
                               [&](const RowView& row) { out.push_back(read_message(row)); }));
  return out;
}

Result<std::int64_t> MessagingRepo::release_expired(Connection& c, UnixMs now) {
  return c.execute(kReleaseExpired, {now});
}

Result<std::vector<Claimed>> MessagingRepo::claim_due(Connection& c, UnixMs now,
                                                      UnixMs lease_until, int limit) {
  std::vector<Claimed> out;
  const bool pg = c.backend() == storage::Backend::kPostgres;
  if (pg) ECRM_RETURN_IF_ERROR(c.query(kClaimLock, {}, [](const RowView&) {}));
  const std::string_view sql = pg ? kClaimPostgres : kClaimSqlite;
  ECRM_RETURN_IF_ERROR(c.query(sql, {now, lease_until, std::int64_t{limit}},
                               [&](const RowView& row) {
                                 out.push_back({read_message(row), row.get_string(16),
                                                row.get_text(17) == "drop",
                                                ThreadHeaders{row.get_string(18), row.get_string(19),
                                                              row.get_string(20)}});
                               }));
  std::sort(out.begin(), out.end(),
            [](const Claimed& a, const Claimed& b) { return a.message.id < b.message.id; });
  return out;
}

Status MessagingRepo::finish(Connection& c, std::int64_t id, const Outcome& o, UnixMs now) {
  return storage::done(c.execute(kFinish, {id, text_of(o.status), o.reason, o.smtp_reply,
                                           o.next_attempt_at, o.language, o.to, o.subject,
                                           o.digest, now, std::int64_t{o.attempted ? 0 : 1}}));
}

Result<std::set<std::int64_t>> MessagingRepo::finish_claimed(Connection& c,
                                                             std::span<const Finished> finished) {
  std::set<std::int64_t> out;
  std::vector<Value> params;
  ECRM_RETURN_IF_ERROR(storage::for_chunks(
      finished.size(),
      [&](std::size_t first, std::size_t n) -> Status {
        params.clear();
        for (std::size_t i = first; i < first + n; ++i) {
          const Finished& f = finished[i];
          const Outcome& o = *f.outcome;
          for (Value v : {Value(f.id), Value(std::int64_t{f.attempts}), text_of(o.status),
                          Value(o.reason), Value(o.smtp_reply), Value(o.next_attempt_at),
                          Value(o.language), Value(o.to), Value(o.subject), Value(o.digest),
                          Value(std::int64_t{o.attempted ? 0 : 1}), Value(f.at)}) {
            params.push_back(std::move(v));
          }
        }
        return c.query(storage::multi_row_sql(kFinishClaimed, n), params,
                       [&](const RowView& row) { out.insert(row.get_int(0)); });
      },
      kOutcomeChunks));
  return out;
}

Status MessagingRepo::add_events(Connection& c, std::span<const NewEvent> events) {
  return storage::execute_rows(
      c, kAddEvents, events.size(),
      [&](std::size_t i, std::vector<Value>& params) {
        const NewEvent& e = events[i];
        params.push_back(e.message_id);
        params.push_back(e.customer_id);
        params.push_back(std::string(e.kind));
        params.push_back(e.at);
        params.push_back(*e.detail);
      },
      kOutcomeChunks);
}

Status MessagingRepo::add_event(Connection& c, std::int64_t message_id, std::int64_t customer_id,
                                std::string_view kind, UnixMs at, const std::string& detail) {
  return storage::done(
      c.execute(kAddEvent, {message_id, customer_id, std::string(kind), at, detail}));
}

Result<std::int64_t> MessagingRepo::marketing_sent_since(Connection& c, std::int64_t customer_id,
                                                         UnixMs since) {
  ECRM_ASSIGN_OR_RETURN(auto n, c.query_int(kMarketingSentSince, {customer_id, since}));
  return n.value_or(0);
}

Result<std::optional<UnixMs>> MessagingRepo::nth_marketing_sent_since(Connection& c,
                                                                      std::int64_t customer_id,
                                                                      UnixMs since, int nth) {
  return c.query_int(kNthMarketingSentSince, {customer_id, since, std::int64_t{nth - 1}});
}

Result<MessagingRepo::CountedMarketing> MessagingRepo::marketing_counted(Connection& c,
                                                                        std::int64_t customer_id,
                                                                        std::int64_t id,
                                                                        UnixMs since) {
  CountedMarketing out;
  ECRM_RETURN_IF_ERROR(c.query(kMarketingCounted, {customer_id, id, since}, [&](const RowView& row) {
    if (row.get_text(0) == "sending") {
      ++out.in_flight;
    } else if (!row.is_null(1)) {
      out.sent_at.push_back(row.get_int(1));
    }
  }));
  std::sort(out.sent_at.begin(), out.sent_at.end(), std::greater<>());
  return out;
}

Result<std::map<std::int64_t, std::vector<UnixMs>>> MessagingRepo::marketing_sent_to(
    Connection& c, const std::vector<std::int64_t>& customers, UnixMs since) {
  std::map<std::int64_t, std::vector<UnixMs>> out;
  std::vector<Value> params;
  ECRM_RETURN_IF_ERROR(storage::for_chunks(customers.size(), [&](std::size_t first, std::size_t n) {
    params.assign(customers.begin() + static_cast<std::ptrdiff_t>(first),
                  customers.begin() + static_cast<std::ptrdiff_t>(first + n));
    return c.query(storage::multi_row_sql(kMarketingSentTo, n), params, [&](const RowView& row) {
      const UnixMs at = row.get_int(1);
      if (at >= since) out[row.get_int(0)].push_back(at);
    });
  }));
  for (auto& [customer, times] : out) std::sort(times.begin(), times.end(), std::greater<>());
  return out;
}

Result<std::int64_t> MessagingRepo::marketing_in_flight_before(Connection& c,
                                                               std::int64_t customer_id,
                                                               std::int64_t id) {
  ECRM_ASSIGN_OR_RETURN(auto n, c.query_int(kMarketingInFlightBefore, {customer_id, id}));
  return n.value_or(0);
}

Result<std::optional<std::string>> MessagingRepo::suppression_of(Connection& c,
                                                                 const std::string& address) {
  std::optional<std::string> out;
  ECRM_RETURN_IF_ERROR(
      c.query(kSuppressionOf, {address}, [&](const RowView& row) { out = row.get_string(0); }));
  return out;
}

Result<std::map<std::string, std::string>> MessagingRepo::suppressions_of(
    Connection& c, const std::vector<std::string>& addresses) {
  std::map<std::string, std::string> out;
  std::vector<Value> params;
  ECRM_RETURN_IF_ERROR(storage::for_chunks(addresses.size(), [&](std::size_t first, std::size_t n) {
    params.assign(addresses.begin() + static_cast<std::ptrdiff_t>(first),
                  addresses.begin() + static_cast<std::ptrdiff_t>(first + n));
    return c.query(storage::multi_row_sql(kSuppressionsOf, n), params, [&](const RowView& row) {
      out[row.get_string(0)] = row.get_string(1);
    });
  }));
  return out;
}

Status MessagingRepo::suppress(Connection& c, const std::string& address, std::string_view reason,
                               const std::string& detail, UnixMs at) {
  return storage::done(c.execute(kSuppress, {address, std::string(reason), detail, at}));
}

Result<OutboxStats> MessagingRepo::stats(Connection& c) {
  OutboxStats s;
  ECRM_RETURN_IF_ERROR(c.query(kStats, {}, [&](const RowView& row) {
    const auto status = wire::parse_enum<MessageStatus>(row.get_text(0));
    const std::int64_t n = row.get_int(1);
    if (!status) return;
    switch (*status) {
      case MessageStatus::kQueued: s.queued = n; break;
      case MessageStatus::kSending: s.sending = n; break;
      case MessageStatus::kSent: s.sent = n; break;
      case MessageStatus::kFailed: s.failed = n; break;
      case MessageStatus::kBounced: s.bounced = n; break;
      case MessageStatus::kSuppressed: s.suppressed = n; break;
    }
  }));
  return s;
}

Result<std::map<std::string, MessagingRepo::SourceReplies>> MessagingRepo::replies(Connection& c) {
  std::map<std::string, SourceReplies> out;
  ECRM_RETURN_IF_ERROR(c.query(kSentBySource, {}, [&](const RowView& row) {
    out[row.get_string(0)].sent = row.get_int(1);
  }));
  ECRM_RETURN_IF_ERROR(c.query(kFirstReplies, {}, [&](const RowView& row) {
    const auto sent_at = row.get_optional_int(1);
    const UnixMs first = row.get_int(2);
    out[row.get_string(0)].reply_delays.push_back(sent_at ? std::max<UnixMs>(0, first - *sent_at) : 0);
  }));
  return out;
}

Status MessagingRepo::mark_bounced(Connection& c, std::int64_t id, const std::string& reason,
                                   UnixMs now) {
  return storage::done(c.execute(kMarkBounced, {id, reason, now}));
}

Result<std::string> MessagingRepo::signing_secret(Connection& c) {
  std::optional<std::string> secret;
  ECRM_RETURN_IF_ERROR(c.query(kSecret, {}, [&](const RowView& row) { secret = row.get_string(0); }));
  if (secret) return open_secret(*secret);
  const std::string fresh = random_token(32);
  ECRM_RETURN_IF_ERROR(storage::done(c.execute(kInsertSecret, {seal_secret(fresh), now_ms()})));
  // Two processes creating one at once: both use the first stored.
  ECRM_RETURN_IF_ERROR(c.query(kSecret, {}, [&](const RowView& row) { secret = row.get_string(0); }));
  if (!secret) return fresh;
  return open_secret(*secret);
}

Result<std::vector<MessageEvent>> MessagingRepo::events_of(Connection& c, std::int64_t message_id) {
  std::vector<MessageEvent> out;
  ECRM_RETURN_IF_ERROR(c.query(kEventsOf, {message_id}, [&](const RowView& row) {
    out.push_back({row.get_int(0), row.get_int(1), row.get_string(2), row.get_int(3), row.get_string(4)});
  }));
  return out;
}

Result<std::vector<Suppression>> MessagingRepo::suppressions(Connection& c,
                                                             const std::optional<std::string>& q,
                                                             int limit) {
  std::vector<Suppression> out;
  ECRM_RETURN_IF_ERROR(c.query(kSuppressions, {q ? Value(*q) : Value(), std::int64_t{limit}},
                               [&](const RowView& row) {
                                 out.push_back({row.get_string(0), row.get_string(1),
                                                row.get_string(2), row.get_int(3)});
                               }));
  return out;
}

Result<bool> MessagingRepo::unsuppress(Connection& c, const std::string& address) {
  ECRM_ASSIGN_OR_RETURN(auto n, c.execute(kUnsuppress, {address}));
  return n > 0;
}

Result<AgeingResult> MessagingRepo::age(Connection& c, UnixMs before) {
  const bool pg = c.backend() == storage::Backend::kPostgres;
  AgeingResult out;
  out.before = before;
  ECRM_RETURN_IF_ERROR(storage::done(c.execute(pg ? kCountEventsPostgres : kCountEventsSqlite, {before})));
  ECRM_RETURN_IF_ERROR(storage::done(c.execute(pg ? kCountMessagesPostgres : kCountMessagesSqlite, {before})));
  ECRM_ASSIGN_OR_RETURN(out.events, c.execute(kDeleteEvents, {before}));
  ECRM_ASSIGN_OR_RETURN(out.messages, c.execute(kDeleteMessages, {before}));
  return out;
}

}  // namespace ecrm::messaging
