// The delivery worker: sends the outbox over SMTP.
//
// Each of `connections` threads holds one SMTP session and claims due messages in small
// batches (a lease on each row: status sending until lease_until; a customer's marketing
// message is not claimed while another of theirs is being sent), reads what the batch needs
// (its customers, their suppressions, its templates, the marketing mail its customers were sent
// in the last week, which the frequency cap counts) in one go, and then prepares each message
// when it is sent (service.hpp: the rules, then rendering), hands it to the relay once, and
// writes its outcome to its row: sent; queued again with backoff on a 4xx or a connection failure (up to
// `max_attempts`, then failed); failed on a 5xx. A message whose sender died mid-send (a crash, a
// kill) keeps status sending until its lease ends, then is sent again with the same Message-ID:
// the relay may have taken it just before, so a duplicate is possible only for the messages in
// flight on the connections open at that moment, and the receiver can recognise it.
//
// That bound holds because a thread hands its next message to the relay only once the outcome of
// the previous one is recorded where a restart finds it. With an outcome journal (journal.hpp:
// by default next to the SQLite database file; on PostgreSQL when one is configured), the thread
// appends the outcome to the journal with one write() and moves on; the outcomes are folded into
// the outbox once per batch, in the transaction that claims the thread's next batch, and a
// journal left by a process that died is folded when the worker starts, before anything is
// claimed. Without one (or while another process holds it), each outcome is committed before the
// next message: the threads' outcomes together (a thread whose outcome is ready writes those of
// every thread waiting at that moment in one transaction, a group commit), and while it waits
// the thread prepares its next message.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/metrics.hpp"
#include "messaging/journal.hpp"
#include "messaging/service.hpp"
#include "messaging/smtp.hpp"
#include "storage/database.hpp"

namespace ecrm::messaging {

struct DeliveryOptions {
  SmtpConfig smtp;                 // no url: nothing is sent (messages stay queued)
  int connections = 2;
  int batch = 20;                  // messages one thread claims at a time
  UnixMs lease_ms = 120'000;       // a claim's life: longer than a batch takes to send
  UnixMs poll_ms = 500;            // how often an idle thread looks for due messages
  int max_attempts = 8;
  UnixMs first_retry_ms = 30'000;  // doubled on each attempt, at most max_retry_ms
  UnixMs max_retry_ms = 3'600'000;
  // The outcome journal's path; empty: next to the database file on SQLite (FILE-delivery), none
  // on PostgreSQL; "none": no journal.
  std::string journal;
};

class DeliveryWorker {
 public:
  DeliveryWorker(storage::Database& db, MessagingService& messaging, DeliveryOptions options);
  ~DeliveryWorker();

  // Starts the threads (nothing when no SMTP URL is configured); stop() ends them after their
  // current message.
  void start();
  void stop();
  // Wakes idle threads: messages were queued.
  void wake();

  // Claims and sends what is due now on the calling thread, until nothing is due; for tests and
  // the command line. Returns the messages handled.
  Result<std::int64_t> drain();
  // Sends one message at once on a connection of its own (a test send); kConflict when no
  // relay is configured.
  Result<SmtpOutcome> send_now(const std::string& to, const std::string& mime);

 private:
  // What one thread (or drain()) sends with: its segment of the journal, when it has one, and
  // the outcomes written there that are not folded into the outbox yet.
  struct Lane {
    std::unique_ptr<OutcomeJournal::Writer> writer;
    std::vector<JournalRecord> pending;
  };
  // One round of a thread: fold what the lane holds, claim a batch and send it; returns how many
  // were claimed.
  Result<int> round(SmtpSession& session, Lane& lane);
  void run();

  // A message's outcome waiting to be written.
  struct Written {
    const Message* message;
    Outcome outcome;
    std::string event;  // the customer's timeline entry; empty: none
    std::string detail;
    Status result;
    bool done = false;
  };
  // Sends `claimed` as `prepared` says (or holds or suppresses it) and fills in its outcome.
  void deliver(SmtpSession& session, const Claimed& claimed, const Prepared& prepared, Written& w);
  // Queues `w` to be written; wait() returns once it is committed (or failed), writing it
  // together with the outcomes other threads queued meanwhile when no thread is writing. Every
  // submitted outcome must be waited for before it goes out of scope.
  void submit(Written& w);
  Status wait(Written& w);

  // Takes the journal when it is free (at start, and later when another process held it), folding
  // what a process before left in it; at most once a second unless `now_or_never`. Gives the lane
  // a segment once the journal is this process's.
  void take_journal(bool now_or_never);
  void join_journal(Lane& lane);
  // Writes `records` to their rows and the customers' timelines (the rows still sent by them).
  Status fold(Connection& c, const std::vector<JournalRecord>& records);
  // Folds the lane's pending outcomes in a transaction of their own, then empties its segment.
  Status fold_now(Lane& lane);
  // After a fold of the lane's pending outcomes committed.
  void folded(Lane& lane);
  // Ends a lane: folds what it holds and removes its segment.
  void close_lane(Lane& lane);

  storage::Database& db_;
  MessagingService& messaging_;
  DeliveryOptions options_;
  MessagingRepo repo_;
  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::atomic<std::uint64_t> wakes_{0};

  // Held around this worker's write transactions (claims and group commits), so that its threads
  // queue for the database's one writer here, woken when it is free, instead of in SQLite's
  // busy handler, which sleeps a millisecond or more at a time.
  std::mutex db_write_mutex_;
  std::mutex write_mutex_;
  std::condition_variable written_;
  std::vector<Written*> to_write_;
  bool writing_ = false;  // a thread is committing a group

  std::mutex journal_mutex_;
  std::string journal_path_;  // empty: none
  std::unique_ptr<OutcomeJournal> journal_;
  UnixMs journal_tried_at_ = 0;
  int next_segment_ = 0;
};

}  // namespace ecrm::messaging
