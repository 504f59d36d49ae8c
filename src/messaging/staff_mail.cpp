#include "messaging/staff_mail.hpp"

#include <algorithm>
#include <mutex>

#include "messaging/model.hpp"
#include "messaging/service.hpp"

namespace ecrm::messaging {
namespace {

using storage::Connection;
using storage::RowView;
using storage::TxMode;

constexpr std::string_view kQueueStaffMail =
    "INSERT INTO staff_messages (user_id, dedupe_key, source, to_address, to_name, subject, text, "
    "html, status, next_attempt_at, created_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'queued', $9, $9) "
    "ON CONFLICT (dedupe_key) DO NOTHING";
constexpr std::string_view kStaffMailStatus =
    "SELECT status FROM staff_messages WHERE dedupe_key = $1";
// A sender that died mid-send: its mail is sent again once the lease is over.
constexpr std::string_view kReleaseStaffMail =
    "UPDATE staff_messages SET status = 'queued', lease_until = NULL "
    "WHERE status = 'sending' AND lease_until < $1";
constexpr std::string_view kDueStaffMail =
    "SELECT id FROM staff_messages WHERE status = 'queued' AND next_attempt_at <= $1 "
    "ORDER BY id LIMIT $2";
// Taken only while still queued: of two workers claiming the same row, one changes it.
constexpr std::string_view kClaimStaffMail =
    "UPDATE staff_messages SET status = 'sending', lease_until = $2, attempts = attempts + 1 "
    "WHERE id = $1 AND status = 'queued'";
constexpr std::string_view kClaimedStaffMail =
    "SELECT id, to_address, to_name, subject, text, html, source, attempts, created_at "
    "FROM staff_messages WHERE id = $1";
constexpr std::string_view kFinishStaffMail =
    "UPDATE staff_messages SET status = $2, reason = $3, smtp_reply = $4, next_attempt_at = $5, "
    "sent_at = $6, lease_until = NULL WHERE id = $1 AND status = 'sending' AND attempts = $7";

struct ClaimedStaffMail {
  std::int64_t id = 0;
  std::string to;
  std::string to_name;
  Rendered content;
  std::string source;
  int attempts = 0;
  UnixMs created_at = 0;
};

std::string staff_message_id(std::int64_t id, UnixMs created_at, const std::string& from) {
  std::string out = message_id_header(id, created_at, from);
  return "<ecrm-staff." + out.substr(std::string_view("<ecrm.").size());
}

// The recipient as the To: header writes it: the name when it is plain ASCII text.
std::string to_header(const std::string& name, const std::string& address) {
  const bool plain = !name.empty() && std::all_of(name.begin(), name.end(), [](char ch) {
    return ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\' && ch != '<' && ch != '>';
  });
  return plain ? "\"" + name + "\" <" + address + ">" : "<" + address + ">";
}

}  // namespace

Result<bool> queue_staff_mail(Connection& c, const StaffMail& mail, UnixMs now) {
  ECRM_ASSIGN_OR_RETURN(auto changed,
                        c.execute(kQueueStaffMail, {mail.user_id, mail.dedupe_key, mail.source,
                                                    mail.to, mail.to_name, mail.subject, mail.text,
                                                    mail.html, now}));
  return changed == 1;
}

Result<std::string> staff_mail_status(Connection& c, const std::string& dedupe_key) {
  std::string out;
  ECRM_RETURN_IF_ERROR(c.query(kStaffMailStatus, {dedupe_key},
                               [&](const RowView& row) { out = std::string(row.get_text(0)); }));
  return out;
}

Result<int> send_staff_mail(storage::Database& db, SmtpSession& session,
                            const StaffDelivery& options, std::mutex& write_lock) {
  const UnixMs now = now_ms();
  auto claimed = [&] {
    std::lock_guard writing(write_lock);
    return storage::with_transaction<std::vector<ClaimedStaffMail>>(
        db, TxMode::kWrite, [&](Connection& c) -> Result<std::vector<ClaimedStaffMail>> {
          ECRM_RETURN_IF_ERROR(storage::done(c.execute(kReleaseStaffMail, {now})));
          std::vector<std::int64_t> due;
          ECRM_RETURN_IF_ERROR(
              c.query(kDueStaffMail, {now, static_cast<std::int64_t>(options.batch)},
                      [&](const RowView& row) { due.push_back(row.get_int(0)); }));
          std::vector<ClaimedStaffMail> out;
          for (const std::int64_t id : due) {
            ECRM_ASSIGN_OR_RETURN(auto taken,
                                  c.execute(kClaimStaffMail, {id, now + options.lease_ms}));
            if (taken != 1) continue;
            ECRM_RETURN_IF_ERROR(c.query(kClaimedStaffMail, {id}, [&](const RowView& row) {
              ClaimedStaffMail m;
              m.id = row.get_int(0);
              m.to = std::string(row.get_text(1));
              m.to_name = std::string(row.get_text(2));
              m.content.subject = std::string(row.get_text(3));
              m.content.text = std::string(row.get_text(4));
              m.content.html = std::string(row.get_text(5));
              m.source = std::string(row.get_text(6));
              m.attempts = static_cast<int>(row.get_int(7));
              m.created_at = row.get_int(8);
              out.push_back(std::move(m));
            }));
          }
          return out;
        });
  }();
  if (!claimed.ok()) return std::move(claimed).error();
  for (const ClaimedStaffMail& m : *claimed) {
    const UnixMs at = now_ms();
    const std::string mime =
        mime_message(options.mail_from, to_header(m.to_name, m.to), m.content,
                     staff_message_id(m.id, m.created_at, options.mail_from), m.source, 0,
                     std::nullopt, at);
    const SmtpOutcome sent = session.send(options.mail_from, m.to, mime);
    std::string status = "sent";
    std::string reason;
    UnixMs next_attempt_at = at;
    storage::Value sent_at = at;
    if (sent.kind != SmtpOutcome::Kind::kAccepted) {
      sent_at = storage::kNull;
      if (sent.kind == SmtpOutcome::Kind::kPermanent || m.attempts >= options.max_attempts) {
        status = "failed";
        reason = sent.kind == SmtpOutcome::Kind::kPermanent
                     ? "the relay refused it"
                     : "no attempt of " + std::to_string(m.attempts) + " got through";
      } else {
        status = "queued";
        UnixMs delay = options.first_retry_ms;
        for (int i = 1; i < m.attempts && delay < options.max_retry_ms; ++i) delay *= 2;
        next_attempt_at = at + std::min(delay, options.max_retry_ms);
        reason = "the relay deferred it; attempt " + std::to_string(m.attempts + 1) +
                 " at the next try";
      }
    }
    std::lock_guard writing(write_lock);
    ECRM_RETURN_IF_ERROR(storage::with_transaction(db, TxMode::kWrite, [&](Connection& c) {
      return storage::done(c.execute(kFinishStaffMail,
                                     {m.id, status, reason, sent.reply, next_attempt_at, sent_at,
                                      static_cast<std::int64_t>(m.attempts)}));
    }));
  }
  return static_cast<int>(claimed->size());
}

}  // namespace ecrm::messaging
