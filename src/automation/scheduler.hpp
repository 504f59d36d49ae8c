// The flow worker runs alongside: every few seconds it lets the change triggers enrol (abandoned
// carts, order status, followed products), moves the waiting enrolments that are due on, and
// sends the scheduled campaigns that are due.
//
// The daily run: once a day in the shop's time zone the server runs the date-triggered flows
// for that day (AutomationService::run_date), and again after a restart or on another node
// without sending anything twice (enrolments are unique per occurrence). The last day run is
// kept in the database, so a restart does not scan the customers again.
#pragma once

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "automation/service.hpp"
#include "core/result.hpp"
#include "storage/database.hpp"

namespace ecrm::automation {

struct SchedulerOptions {
  std::string time_zone;       // IANA name ("Asia/Shanghai"); empty: the system's
  int check_every_s = 60;
  int work_every_ms = 5000;  // the flow worker: change triggers, due enrolments, campaigns
};

// The day `at` falls on in `time_zone` (IANA; empty: the system's), YYYY-MM-DD.
// kInvalidArgument (field "time_zone") for an unknown zone.
Result<std::string> local_date(const std::string& time_zone, UnixMs at);

class DailyScheduler {
 public:
  DailyScheduler(storage::Database& db, AutomationService& automation, SchedulerOptions options);
  ~DailyScheduler();
  // Checks the zone (kInvalidArgument for an unknown one) and starts the thread.
  Status start();
  void stop();
  // One check: runs today's flows unless they ran; for tests.
  Result<bool> tick(UnixMs now);
  // Called after each run with its summary (e.g. to wake the delivery worker).
  void on_run(std::function<void(const RunSummary&)> callback) { on_run_ = std::move(callback); }
  // Called after a pass of the flow worker that may have queued messages.
  void on_work(std::function<void()> callback) { on_work_ = std::move(callback); }
  // One pass of the flow worker; for tests.
  Status work(UnixMs now);

 private:
  storage::Database& db_;
  AutomationService& automation_;
  SchedulerOptions options_;
  std::function<void(const RunSummary&)> on_run_;
  std::function<void()> on_work_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
};

}  // namespace ecrm::automation
