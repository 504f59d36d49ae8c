// Group commit for event ingestion. Request threads hand their validated batch to a writer
// thread (one on SQLite, WriterOptions::postgres_writers on PostgreSQL) and wait on a future; a
// writer takes every batch queued while its previous commit ran and stores them all in one
// transaction on a connection whose commits are durable
// (SQLite synchronous=FULL, PostgreSQL synchronous_commit on). A future resolves only after
// that commit returned, so a batch answered 200 survives kill -9 and power loss; a batch whose
// transaction failed is answered with the error and nothing of it is stored.
//
// Inside the transaction, per visitor (rows locked in anonymous-id order): duplicates are
// skipped (by client event id, within the group and against the log), events are applied in
// time order to the visitor's identity, sessions and cart (VisitorTracker), the events are
// appended in multi-row statements, and an identify gives the visitor's earlier events to the
// customer.
//
// On SQLite the durable part of a commit is split off so that the next group need not wait for
// it: the writer commits without syncing (synchronous=NORMAL: the commit is in the
// write-ahead log, which survives kill -9 but not yet a power loss) and hands the group to a
// second thread, which syncs the log file (fdatasync, once for every group committed meanwhile)
// and only then answers the group's requests. Syncing the log file makes every commit written
// to it before durable, as synchronous=FULL would, while the writer already stores the next
// group. (SQLite itself syncs the log before a checkpoint copies it and the header when it
// starts to reuse the file.) On PostgreSQL the server's own group commit does this.
#pragma once

#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "core/metrics.hpp"
#include "events/model.hpp"
#include "events/repo.hpp"
#include "storage/database.hpp"

namespace ecrm::events {

struct WriterOptions {
  UnixMs abandon_after = 60 * 60 * 1000;  // carts without activity this long are abandoned
  std::size_t max_group_events = 20000;   // events per transaction, at most (one batch may exceed)
  // PostgreSQL: groups stored at once, each by its own thread on its own connection (while one
  // group's statements run in the database, the next is prepared and sent). Visitors are locked
  // in one order, so concurrent groups wait for each other rather than deadlock; a deadlock the
  // database still detects (two groups naming the same event ids in different orders) fails
  // one transaction, which is stored again. SQLite has one writer at a time: always 1 there.
  int postgres_writers = 2;
};

class IngestWriter {
 public:
  // Starts the writer thread. `db` (and `metrics`, which may be null) must outlive it.
  IngestWriter(storage::Database& db, WriterOptions options, MetricsRegistry* metrics);
  // Commits what was submitted, then stops the thread.
  ~IngestWriter();
  IngestWriter(const IngestWriter&) = delete;
  IngestWriter& operator=(const IngestWriter&) = delete;

  // Queues a batch. The future holds, once the batch is committed, how many events were new
  // and how many duplicates, plus the events refused while storing (unknown_customer); or the
  // error that failed the transaction (kUnavailable when shutting down).
  std::future<Result<BatchOutcome>> submit(std::vector<IncomingEvent> events);

 private:
  struct Pending {
    std::vector<IncomingEvent> events;
    std::promise<Result<BatchOutcome>> promise;
  };
  // A group committed on SQLite, waiting for the log to be synced.
  struct Committed {
    std::vector<Pending> group;
    std::vector<BatchOutcome> outcomes;
  };

  void run();
  void sync_loop();
  // Answers every batch of `group` with its outcome.
  static void answer(std::vector<Pending>& group, std::vector<BatchOutcome>& outcomes);
  // Stores `group` in one transaction on `c`; one outcome per pending batch.
  Result<std::vector<BatchOutcome>> store(storage::Connection& c, std::vector<Pending>& group);
  // The steps of store(), one per group of set-based statements (writer.cpp).
  class GroupStore;

  storage::Database& db_;
  WriterOptions options_;
  MetricsRegistry* metrics_;
  EventRepo repo_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Pending> queue_;
  bool stopping_ = false;
  std::string wal_path_;               // SQLite: the log file the syncer syncs (set by run())
  std::deque<Committed> committed_;    // under mutex_
  bool writer_done_ = false;           // under mutex_: nothing more will be committed
  std::condition_variable synced_;     // committed_ or writer_done_ changed
  std::vector<std::thread> threads_;  // the writers
  std::thread syncer_;
};

}  // namespace ecrm::events
