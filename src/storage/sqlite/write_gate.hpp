// SQLite lets one writer at a time into a database; a writer that finds it locked waits in the
// busy handler, which sleeps (1, 2, 5, ... up to 100 ms) between tries, so writers queue behind
// each other with idle gaps and a newcomer can overtake one that is asleep. Within one process
// the writers queue on this gate instead: a connection holds it from its first write (BEGIN
// IMMEDIATE, or a statement that writes) until it is back in autocommit mode. The busy handler
// still arbitrates between processes.
//
// The queue is first come, first served: release() hands the gate to the writer that has waited
// longest, so a thread that writes in a loop (a rebuild writing its lists batch after batch, the
// event writer) cannot take it back before the writers already waiting, however quickly it asks
// again. (A plain mutex lets the releasing thread win again while the one it woke is still being
// scheduled: under load writers waited 1.5 s behind batches that each held it under 100 ms.)
// A writer that cannot have the gate within its timeout leaves the queue and fails as SQLITE_BUSY
// would.
#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>

namespace ecrm::storage {

class WriteGate {
 public:
  // True once this caller holds the gate; false when it was not its turn within `timeout`.
  bool acquire(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    if (!held_ && queue_.empty()) {
      held_ = true;
      return true;
    }
    Waiter me;
    queue_.push_back(&me);
    if (me.turn.wait_for(lock, timeout, [&] { return me.granted; })) return true;
    queue_.erase(std::find(queue_.begin(), queue_.end(), &me));
    return false;
  }

  // Hands the gate to the longest-waiting writer, or frees it.
  void release() {
    std::lock_guard lock(mutex_);
    if (queue_.empty()) {
      held_ = false;
      return;
    }
    Waiter* next = queue_.front();
    queue_.pop_front();
    next->granted = true;  // the gate stays held: it is the next writer's now
    // Notified under the lock: once it sees `granted` the waiter returns and its Waiter is gone.
    next->turn.notify_one();
  }

  // Writers waiting for the gate.
  std::size_t waiting() const {
    std::lock_guard lock(mutex_);
    return queue_.size();
  }

 private:
  struct Waiter {
    std::condition_variable turn;
    bool granted = false;
  };
  mutable std::mutex mutex_;
  std::deque<Waiter*> queue_;
  bool held_ = false;
};

}  // namespace ecrm::storage
