// Mail to staff (staff_messages, migration 0047): a notice to a colleague, not customer mail.
// It is rendered when queued (the caller writes subject, text and HTML), needs no consent and
// counts against no frequency cap, and is queued at most once per dedupe key, so a job that runs
// again queues nothing new. The delivery worker sends it on its own SMTP connections, next to the
// customers' outbox (delivery.cpp), with the same retries: queued again with backoff on a 4xx
// or no answer, failed on a 5xx or when out of attempts. Its Message-ID
// (<ecrm-staff.ID.CREATED@DOMAIN>) and its X-Ecrm-Message of 0 keep bounces and replies from
// being taken for a customer message's.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/time.hpp"
#include "messaging/smtp.hpp"
#include "storage/database.hpp"

namespace ecrm::messaging {

// A staff mail to queue.
struct StaffMail {
  std::int64_t user_id = 0;
  std::string to;       // the bare address
  std::string to_name;  // the staff user's name ('' for none)
  std::string subject;
  std::string text;
  std::string html;
  std::string source;      // what queued it: feedback_alert
  std::string dedupe_key;  // at most one mail per key
};

// Queues `mail` inside the caller's transaction on `c`: true when queued, false when a mail with
// its dedupe key exists already.
Result<bool> queue_staff_mail(storage::Connection& c, const StaffMail& mail, UnixMs now);

// The status of the staff mail with `dedupe_key` (queued, sending, sent, failed); '' when none.
Result<std::string> staff_mail_status(storage::Connection& c, const std::string& dedupe_key);

struct StaffDelivery {
  std::string mail_from;
  UnixMs lease_ms = 120'000;
  int batch = 20;
  int max_attempts = 8;
  UnixMs first_retry_ms = 30'000;
  UnixMs max_retry_ms = 3'600'000;
};

// Claims the staff mail due now (a lease on each, as the outbox's), sends each over `session`
// and writes its outcome, one transaction per mail; `write_lock` is held around each write (the
// delivery worker's writes to the database go one at a time). Returns how many were claimed.
Result<int> send_staff_mail(storage::Database& db, SmtpSession& session,
                            const StaffDelivery& options, std::mutex& write_lock);

}  // namespace ecrm::messaging
