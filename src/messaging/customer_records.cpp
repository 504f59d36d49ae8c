#include "messaging/customer_records.hpp"

#include <boost/json.hpp>

#include "http/wire.hpp"
#include "messaging/model.hpp"

namespace ecrm::messaging {

namespace json = boost::json;
using customers::TimelineEntry;
using storage::RowView;

namespace {

constexpr std::string_view kSource = "message";

constexpr std::string_view kReassignMessages =
    "UPDATE messages SET customer_id = $2 WHERE customer_id = $1 RETURNING id";
constexpr std::string_view kReassignEvents =
    "UPDATE message_events SET customer_id = $2 WHERE customer_id = $1";
constexpr std::string_view kRestoreMessage =
    "UPDATE messages SET customer_id = $3 WHERE id = $1 AND customer_id = $2";
constexpr std::string_view kRestoreEvents =
    "UPDATE message_events SET customer_id = $3 WHERE message_id = $1 AND customer_id = $2";
constexpr std::string_view kEraseMessages =
    "UPDATE messages SET to_address = '', subject = '', data = '{}', smtp_reply = '' "
    "WHERE customer_id = $1";
constexpr std::string_view kEraseEvents =
    "UPDATE message_events SET detail = '' WHERE customer_id = $1";
constexpr std::string_view kMessagesOf =
    "SELECT id, template_key, kind, source, status, reason, to_address, subject, created_at, "
    "sent_at FROM messages WHERE customer_id = $1 ORDER BY id";
constexpr std::string_view kTimeline =
    "SELECT e.id, e.kind, e.at, e.detail, e.message_id, m.subject, m.source, m.template_key "
    "FROM message_events e JOIN messages m ON m.id = e.message_id WHERE e.customer_id = $1 "
    "AND (e.at, e.id) < ($2, $3) ORDER BY e.at DESC, e.id DESC LIMIT $4";

std::string describe(const std::string& kind, const std::string& subject,
                     const std::string& source, const std::string& detail) {
  const std::string what = (subject.empty() ? std::string("a message") : "\"" + subject + "\"") +
                           " (" + source + ")";
  if (kind == "sent") return "Sent " + what;
  if (kind == "failed") return "Could not send " + what + (detail.empty() ? "" : ": " + detail);
  if (kind == "suppressed") return "Did not send " + what + ": " + detail;
  if (kind == "bounced" || kind == "bounce") return "Bounced: " + what;
  if (kind == "open") return "Opened " + what;
  if (kind == "click") return "Clicked a link in " + what;
  if (kind == "reply") return "Replied to " + what;
  if (kind == "unsubscribe") return "Unsubscribed from marketing e-mail (" + detail + ")";
  return kind + ": " + what;
}

}  // namespace

Result<std::vector<std::int64_t>> MessageCustomerRecords::reassign(storage::Connection& c,
                                                                   std::int64_t from,
                                                                   std::int64_t to) {
  std::vector<std::int64_t> ids;
  ECRM_RETURN_IF_ERROR(
      c.query(kReassignMessages, {from, to}, [&](const RowView& row) { ids.push_back(row.get_int(0)); }));
  ECRM_RETURN_IF_ERROR(storage::done(c.execute(kReassignEvents, {from, to})));
  return ids;
}

Status MessageCustomerRecords::restore(storage::Connection& c, std::span<const std::int64_t> ids,
                                       std::int64_t from, std::int64_t to) {
  for (std::int64_t id : ids) {
    ECRM_RETURN_IF_ERROR(storage::done(c.execute(kRestoreMessage, {id, from, to})));
    ECRM_RETURN_IF_ERROR(storage::done(c.execute(kRestoreEvents, {id, from, to})));
  }
  return {};
}

Result<json::value> MessageCustomerRecords::export_records(storage::Connection& c,
                                                           std::int64_t customer_id) {
  json::array out;
  ECRM_RETURN_IF_ERROR(c.query(kMessagesOf, {customer_id}, [&](const RowView& row) {
    json::object m{{"id", row.get_int(0)},
                   {"template_key", row.get_string(1)},
                   {"kind", row.get_string(2)},
                   {"source", row.get_string(3)},
                   {"status", row.get_string(4)},
                   {"reason", row.get_string(5)},
                   {"to", row.get_string(6)},
                   {"subject", row.get_string(7)},
                   {"created_at", row.get_int(8)}};
    if (auto sent = row.get_optional_int(9)) m["sent_at"] = *sent;
    out.push_back(std::move(m));
  }));
  return json::value(std::move(out));
}

Status MessageCustomerRecords::erase(storage::Connection& c, std::int64_t customer_id) {
  ECRM_RETURN_IF_ERROR(storage::done(c.execute(kEraseMessages, {customer_id})));
  return storage::done(c.execute(kEraseEvents, {customer_id}));
}

Result<std::vector<TimelineEntry>> MessageCustomerRecords::timeline(
    storage::Connection& c, std::int64_t customer_id, const customers::TimelinePosition& after,
    int limit) {
  std::vector<TimelineEntry> out;
  ECRM_RETURN_IF_ERROR(c.query(
      kTimeline, {customer_id, after.at, after.id_bound_for(kSource), std::int64_t{limit}},
      [&](const RowView& row) {
        const std::string kind = row.get_string(1);
        const std::string detail = row.get_string(3);
        const std::string subject = row.get_string(5);
        const std::string source = row.get_string(6);
        json::object data{{"message_id", row.get_int(4)},
                          {"event", kind},
                          {"subject", subject},
                          {"source", source},
                          {"template_key", row.get_string(7)},
                          {"detail", detail}};
        out.push_back(TimelineEntry{row.get_int(2), std::string(kSource), row.get_int(0),
                                    "message." + kind, describe(kind, subject, source, detail),
                                    std::move(data)});
      }));
  return out;
}

}  // namespace ecrm::messaging
