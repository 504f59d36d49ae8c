// The slow-statement log (`ecrm serve --slow-statement-ms`): a statement that ran longer than
// the threshold is logged with its time, its rows and its text (never its parameters, which may
// be a customer's data).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace ecrm::storage {

// Times one statement from construction to finish(); logs it when it took `threshold_ms` or
// longer. A threshold of 0 or less turns it off (no clock is read).
class SlowStatementTimer {
 public:
  SlowStatementTimer(int threshold_ms, std::string_view sql)
      : threshold_ms_(threshold_ms), sql_(sql) {
    if (threshold_ms_ > 0) started_ = std::chrono::steady_clock::now();
  }
  void finish(std::int64_t rows) const {
    if (threshold_ms_ > 0) report(rows);
  }

 private:
  void report(std::int64_t rows) const;

  int threshold_ms_;
  std::string_view sql_;
  std::chrono::steady_clock::time_point started_;
};

// SQLite: a write transaction that held the database's write lock `held_ms` (after waiting
// `waited_ms` for it) while other writers may have queued; `first` is the statement that took
// the lock. Logged by the caller only when held_ms reaches the slow-statement threshold.
void report_slow_write_lock(double held_ms, double waited_ms, std::string_view first);

// SQLite: a write transaction that waited `waited_ms` for the write lock, other transactions
// holding it meanwhile (none of them long enough to be logged by itself, or this is the queue
// behind one); `first` is its first statement. Logged by the caller only when waited_ms reaches
// the threshold and the transaction itself was quick (else report_slow_write_lock says both).
void report_slow_write_wait(double waited_ms, std::string_view first);

// A caller that waited `waited_ms` for a connection of the pool, all `open` of them in use.
// Logged by the caller only when waited_ms reaches the threshold.
void report_slow_connection_wait(double waited_ms, int open);

// `sql` on one line: runs of white space become one space; long statements are cut.
std::string one_line(std::string_view sql);

}  // namespace ecrm::storage
