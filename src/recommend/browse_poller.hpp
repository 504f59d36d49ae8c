// Browsing refreshes a customer's list: a thread polls the events log (about once a second) for
// product views and identifies of identified visitors and queues their customers for a refresh
// (RecommendWorker::customer_changed()), so a view shows in the customer's recommendations
// within about two seconds. The events capability is not involved: the log is read with an id
// watermark, which works the same when the events come from other processes sharing one
// PostgreSQL database.
//
// Event ids are taken when a row is inserted, so on PostgreSQL with several writers a row may
// become visible after a row with a higher id. The cursor therefore keeps the ids it handled in
// the last `grace` (30 s by default) and, when a count over that id range finds more rows than
// it handled, reads the range again and queues the customers of the rows it missed. A row
// committed more than `grace` after a higher id was seen is missed (its customer's list is then
// refreshed by the next view or order, or by the daily rebuild).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

#include "core/result.hpp"
#include "core/time.hpp"
#include "recommend/event_views.hpp"
#include "storage/database.hpp"

namespace ecrm::recommend {

// The watermark over the activity rows (pure; no I/O). Ids up to low() are done; ids in
// (low(), high()] that were handled are remembered until `grace_ms` after they were read.
class ActivityCursor {
 public:
  ActivityCursor(std::int64_t start, UnixMs grace_ms);

  std::int64_t low() const { return low_; }
  std::int64_t high() const { return high_; }
  // Rows handled in (low(), high()].
  std::size_t handled() const { return handled_.size(); }

  // Rows read after high() (ascending) or re-read from (low(), high()] at `now`: the distinct
  // customers of the rows not handled yet, in order of first appearance. Moves high() to the
  // largest id.
  std::vector<std::int64_t> take(std::span<const ActivityRow> rows, UnixMs now);
  // Forgets what was read more than grace ago: low() moves to high() as it was then.
  void expire(UnixMs now);

 private:
  std::int64_t low_;
  std::int64_t high_;
  UnixMs grace_ms_;
  std::map<std::int64_t, UnixMs> handled_;         // id -> when read
  std::deque<std::pair<UnixMs, std::int64_t>> marks_;  // (time, high() then)
};

struct BrowsePollerOptions {
  std::chrono::milliseconds interval = std::chrono::seconds(1);
  int batch = 1000;  // rows per read; a full batch is followed by the next read at once
  UnixMs grace_ms = 30'000;
};

class BrowsePoller {
 public:
  // `on_customer` is called on the poller's thread for every customer to refresh.
  BrowsePoller(storage::Database& db, std::function<void(std::int64_t)> on_customer,
               BrowsePollerOptions options = {});
  ~BrowsePoller();  // stops the thread
  BrowsePoller(const BrowsePoller&) = delete;
  BrowsePoller& operator=(const BrowsePoller&) = delete;

  // Starts from the current end of the log (earlier events are the rebuild's business) and
  // polls until stop(). A failure to read the end is returned (and nothing started).
  Status start();
  void stop();

  // One poll: reads new activity (and late rows, see the file comment) and hands out their
  // customers. True when a full batch was read (more may be waiting).
  Result<bool> poll_once();

 private:
  void loop();

  storage::Database& db_;
  std::function<void(std::int64_t)> on_customer_;
  BrowsePollerOptions options_;
  EventViewRepo repo_;
  ActivityCursor cursor_{0, 0};  // used on the poller's thread only (and before it starts)

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace ecrm::recommend
