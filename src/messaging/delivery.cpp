#include "messaging/delivery.hpp"

#include "messaging/staff_mail.hpp"
#include "core/thread_name.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <optional>

namespace ecrm::messaging {

using storage::Connection;
using storage::TxMode;

DeliveryWorker::DeliveryWorker(storage::Database& db, MessagingService& messaging,
                               DeliveryOptions options)
    : db_(db), messaging_(messaging), options_(std::move(options)) {
  options_.connections = std::max(1, options_.connections);
  options_.batch = std::max(1, options_.batch);
}

DeliveryWorker::~DeliveryWorker() { stop(); }

void DeliveryWorker::start() {
  if (options_.smtp.url.empty() || !threads_.empty()) return;
  {
    std::lock_guard lock(mutex_);
    stopping_ = false;
  }
  {
    std::lock_guard lock(journal_mutex_);
    journal_path_.clear();
    if (options_.journal == "none") {
    } else if (!options_.journal.empty()) {
      journal_path_ = options_.journal;
    } else if (db_.backend() == storage::Backend::kSqlite) {
      // The database's own file (none for an in-memory database).
      if (auto lease = db_.acquire(); lease.ok()) {
        std::string file;
        auto read = (*lease)->query("PRAGMA database_list", {}, [&](const storage::RowView& row) {
          if (row.get_text(1) == "main") file = std::string(row.get_text(2));
        });
        if (read.ok() && !file.empty()) journal_path_ = file + "-delivery";
      }
    }
  }
  // What a process before left in the journal is folded before anything is claimed.
  take_journal(true);
  for (int i = 0; i < options_.connections; ++i) {
    threads_.emplace_back([this] {
      name_this_thread("mail-delivery");
      run();
    });
  }
}

void DeliveryWorker::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

void DeliveryWorker::wake() {
  {
    std::lock_guard lock(mutex_);
    ++wakes_;
  }
  wake_.notify_all();
}

void DeliveryWorker::run() {
  SmtpSession session(options_.smtp);
  Lane lane;
  for (;;) {
    const std::uint64_t seen = wakes_.load();
    {
      std::lock_guard lock(mutex_);
      if (stopping_) break;
    }
    auto claimed = round(session, lane);
    if (!claimed.ok()) {
      spdlog::warn("message delivery: {}", claimed.error().message);
    } else if (*claimed > 0) {
      continue;  // more may be due
    }
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, std::chrono::milliseconds(options_.poll_ms),
                   [&] { return stopping_ || wakes_.load() != seen; });
    if (stopping_) break;
  }
  close_lane(lane);
}

void DeliveryWorker::take_journal(bool now_or_never) {
  std::lock_guard lock(journal_mutex_);
  if (journal_ || journal_path_.empty()) return;
  const UnixMs now = now_ms();
  if (!now_or_never && now - journal_tried_at_ < 1000) return;
  journal_tried_at_ = now;
  auto opened = OutcomeJournal::open(journal_path_);
  if (!opened.ok()) {
    if (now_or_never) {
      spdlog::warn("message delivery: {}; outcomes are committed one group at a time",
                   opened.error().message);
    }
    return;
  }
  if (!*opened) {
    if (now_or_never) {
      spdlog::info("message delivery: the outcome journal {} is another process's; outcomes are "
                   "committed one group at a time until it is free",
                   journal_path_);
    }
    return;
  }
  auto left = (*opened)->read_segments();
  Status status = left.ok() ? Status{} : Status(std::move(left).error());
  if (status.ok() && !left->empty()) {
    std::lock_guard writing(db_write_mutex_);
    status = storage::with_transaction(db_, TxMode::kWrite,
                                       [&](Connection& c) { return fold(c, *left); });
  }
  if (status.ok()) status = (*opened)->remove_segments();
  if (!status.ok()) {
    spdlog::warn("message delivery: the outcome journal {} could not be folded: {}", journal_path_,
                 status.error().message);
    return;  // the lock is released; tried again later
  }
  if (left.ok() && !left->empty()) {
    spdlog::info("message delivery: folded {} outcomes a stopped process left in {}", left->size(),
                 journal_path_);
  }
  journal_ = std::move(*opened);
}

void DeliveryWorker::join_journal(Lane& lane) {
  if (lane.writer) return;
  take_journal(false);
  std::lock_guard lock(journal_mutex_);
  if (!journal_) return;
  auto writer = journal_->writer(next_segment_++);
  if (!writer.ok()) {
    spdlog::warn("message delivery: {}", writer.error().message);
    return;
  }
  lane.writer = std::move(*writer);
}

Status DeliveryWorker::fold(Connection& c, const std::vector<JournalRecord>& records) {
  if (records.empty()) return {};
  std::vector<MessagingRepo::Finished> finished;
  finished.reserve(records.size());
  for (const JournalRecord& r : records) {
    finished.push_back({r.message_id, r.attempts, &r.outcome, r.at});
  }
  ECRM_ASSIGN_OR_RETURN(auto written, repo_.finish_claimed(c, finished));
  std::vector<MessagingRepo::NewEvent> events;
  for (const JournalRecord& r : records) {
    if (r.event.empty() || !written.contains(r.message_id)) continue;
    events.push_back({r.message_id, r.customer_id, r.event, r.at, &r.detail});
  }
  return repo_.add_events(c, events);
}

void DeliveryWorker::folded(Lane& lane) {
  lane.pending.clear();
  if (!lane.writer) return;
  if (auto cleared = lane.writer->clear(); !cleared.ok()) {
    // Its records are folded: folding them again changes nothing, but the segment is not used
    // any more.
    spdlog::warn("message delivery: {}", cleared.error().message);
    lane.writer.reset();
  }
}

Status DeliveryWorker::fold_now(Lane& lane) {
  if (lane.pending.empty()) return {};
  std::lock_guard writing(db_write_mutex_);
  ECRM_RETURN_IF_ERROR(storage::with_transaction(
      db_, TxMode::kWrite, [&](Connection& c) { return fold(c, lane.pending); }));
  folded(lane);
  return {};
}

void DeliveryWorker::close_lane(Lane& lane) {
  if (auto written = fold_now(lane); !written.ok()) {
    // The segment keeps them for the next start.
    spdlog::warn("message delivery: {} outcomes are left in the journal: {}", lane.pending.size(),
                 written.error().message);
    return;
  }
  if (lane.writer) lane.writer->remove();
  lane.writer.reset();
}

Result<int> DeliveryWorker::round(SmtpSession& session, Lane& lane) {
  join_journal(lane);
  // Mail to staff (staff_mail.hpp) first: few, and not held back by any customer's rules.
  const StaffDelivery staff_options{.mail_from = messaging_.options().mail_from,
                                    .lease_ms = options_.lease_ms,
                                    .batch = options_.batch,
                                    .max_attempts = options_.max_attempts,
                                    .first_retry_ms = options_.first_retry_ms,
                                    .max_retry_ms = options_.max_retry_ms};
  ECRM_ASSIGN_OR_RETURN(const int staff,
                        send_staff_mail(db_, session, staff_options, db_write_mutex_));
  const UnixMs now = now_ms();
  auto claimed = [&] {
    std::lock_guard writing(db_write_mutex_);
    return storage::with_transaction<std::vector<Claimed>>(
        db_, TxMode::kWrite, [&](Connection& c) -> Result<std::vector<Claimed>> {
          // The outcomes of the lane's last batch, in the transaction of its next claim.
          ECRM_RETURN_IF_ERROR(fold(c, lane.pending));
          ECRM_RETURN_IF_ERROR(storage::done(repo_.release_expired(c, now)));
          return repo_.claim_due(c, now, now + options_.lease_ms, options_.batch);
        });
  }();
  if (!claimed.ok()) return std::move(claimed).error();
  folded(lane);
  if (claimed->empty()) return staff;
  ECRM_ASSIGN_OR_RETURN(auto batch, storage::with_transaction<DeliveryBatch>(
                                        db_, TxMode::kRead, [&](Connection& c) {
                                          return messaging_.read_batch(c, *claimed);
                                        }));
  auto prepare = [&](const Claimed& x) { return messaging_.prepare(batch, x, now_ms()); };
  // A message sent counts against its customer's frequency cap for the rest of the batch.
  auto count = [&](const Claimed& x, const Written& w) {
    if (w.outcome.status == MessageStatus::kSent) MessagingService::sent(batch, x, now_ms());
  };
  const auto& messages = *claimed;
  if (lane.writer) {
    for (const Claimed& x : messages) {
      {
        std::lock_guard lock(mutex_);
        if (stopping_) break;  // the rest are sent again after their lease
      }
      ECRM_ASSIGN_OR_RETURN(auto prepared, prepare(x));
      Written w{.message = &x.message};
      deliver(session, x, prepared, w);
      count(x, w);
      lane.pending.push_back(JournalRecord{x.message.id, x.message.customer_id, x.message.attempts,
                                           std::move(w.outcome), std::move(w.event),
                                           std::move(w.detail), now_ms()});
      if (auto appended = lane.writer->append(lane.pending.back()); !appended.ok()) {
        // Not in the journal: committed now, before the next message, and the segment (perhaps
        // ending in part of a line) emptied.
        spdlog::warn("message delivery: {}", appended.error().message);
        ECRM_RETURN_IF_ERROR(fold_now(lane));
      }
    }
    return static_cast<int>(messages.size()) + staff;
  }
  std::optional<Result<Prepared>> ahead;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) break;  // the rest are sent again after their lease
    }
    Result<Prepared> prepared = ahead ? std::move(*ahead) : prepare(messages[i]);
    ahead.reset();
    if (!prepared.ok()) return std::move(prepared).error();
    Written w{.message = &messages[i].message};
    deliver(session, messages[i], *prepared, w);
    count(messages[i], w);
    submit(w);
    // The next message is prepared while this outcome is being committed, unless it is for the
    // same customer: its rules (the frequency cap) then depend on this outcome.
    if (i + 1 < messages.size() &&
        messages[i + 1].message.customer_id != messages[i].message.customer_id) {
      ahead = prepare(messages[i + 1]);
    }
    ECRM_RETURN_IF_ERROR(wait(w));
  }
  return static_cast<int>(messages.size()) + staff;
}

void DeliveryWorker::deliver(SmtpSession& session, const Claimed& claimed,
                             const Prepared& prepared, Written& w) {
  const Message& m = claimed.message;
  const UnixMs now = now_ms();
  Outcome& outcome = w.outcome;
  outcome.language = prepared.language;
  outcome.to = prepared.to_display;
  outcome.subject = prepared.subject;
  outcome.digest = prepared.digest;
  outcome.next_attempt_at = m.next_attempt_at;
  std::string& event = w.event;
  std::string& detail = w.detail;
  switch (prepared.action) {
    case Prepared::Action::kSuppress:
      outcome.status = MessageStatus::kSuppressed;
      outcome.attempted = false;
      outcome.reason = prepared.reason;
      event = "suppressed";
      detail = prepared.reason;
      break;
    case Prepared::Action::kDefer:
      // Held back by a cap: not an attempt.
      outcome.status = MessageStatus::kQueued;
      outcome.reason = prepared.reason;
      outcome.next_attempt_at = prepared.retry_at;
      outcome.attempted = false;
      break;
    case Prepared::Action::kSend: {
      const SmtpOutcome sent =
          session.send(messaging_.options().mail_from, prepared.envelope_to, prepared.mime);
      outcome.smtp_reply = sent.reply;
      if (sent.kind == SmtpOutcome::Kind::kAccepted) {
        outcome.status = MessageStatus::kSent;
        event = "sent";
      } else if (sent.kind == SmtpOutcome::Kind::kPermanent || m.attempts >= options_.max_attempts) {
        outcome.status = MessageStatus::kFailed;
        outcome.reason = sent.kind == SmtpOutcome::Kind::kPermanent
                             ? "the relay refused it"
                             : "no attempt of " + std::to_string(m.attempts) + " got through";
        event = "failed";
        detail = sent.reply;
      } else {
        outcome.status = MessageStatus::kQueued;
        UnixMs delay = options_.first_retry_ms;
        for (int i = 1; i < m.attempts && delay < options_.max_retry_ms; ++i) delay *= 2;
        outcome.next_attempt_at = now + std::min(delay, options_.max_retry_ms);
        outcome.reason = "the relay deferred it; attempt " + std::to_string(m.attempts + 1) +
                         " at the next try";
      }
      break;
    }
  }
}

void DeliveryWorker::submit(Written& w) {
  std::lock_guard lock(write_mutex_);
  to_write_.push_back(&w);
}

Status DeliveryWorker::wait(Written& w) {
  std::unique_lock lock(write_mutex_);
  while (!w.done) {
    if (writing_) {
      written_.wait(lock);
      continue;
    }
    // Nobody is writing: this thread writes the group waiting now, its own outcome included.
    writing_ = true;
    std::vector<Written*> group;
    group.swap(to_write_);
    lock.unlock();
    std::unique_lock db_writing(db_write_mutex_);
    const Status result = storage::with_transaction(db_, TxMode::kWrite, [&](Connection& c) -> Status {
      const UnixMs at = now_ms();
      for (const Written* x : group) {
        ECRM_RETURN_IF_ERROR(repo_.finish(c, x->message->id, x->outcome, at));
        if (x->event.empty()) continue;
        ECRM_RETURN_IF_ERROR(
            repo_.add_event(c, x->message->id, x->message->customer_id, x->event, at, x->detail));
      }
      return {};
    });
    db_writing.unlock();
    lock.lock();
    for (Written* x : group) {
      x->result = result;
      x->done = true;
    }
    writing_ = false;
    written_.notify_all();
  }
  return w.result;
}

Result<std::int64_t> DeliveryWorker::drain() {
  SmtpSession session(options_.smtp);
  Lane lane;
  std::int64_t total = 0;
  for (;;) {
    auto n = round(session, lane);
    if (!n.ok() || *n == 0) {
      close_lane(lane);
      if (!n.ok()) return std::move(n).error();
      return total;
    }
    total += *n;
  }
}

Result<SmtpOutcome> DeliveryWorker::send_now(const std::string& to, const std::string& mime) {
  if (options_.smtp.url.empty()) {
    return Error::conflict("no SMTP relay is configured (ecrm serve --smtp-url)", {}, "no_relay");
  }
  SmtpSession session(options_.smtp);
  return session.send(messaging_.options().mail_from, to, mime);
}

}  // namespace ecrm::messaging
