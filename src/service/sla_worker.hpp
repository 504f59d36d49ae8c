// The SLA worker, owned by `ecrm serve`: every few seconds it asks the service desk for the
// tickets whose next SLA moment has come (ServiceDesk::check_breaches): warnings before a due
// time, breaches and escalation at it, recorded as ticket events. Several processes may run it on
// one database: each ticket is checked under its row lock and only while still due.
#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>

#include "service/service.hpp"

namespace ecrm::service {

class SlaWorker {
 public:
  SlaWorker(ServiceDesk& desk, int every_ms);
  ~SlaWorker();
  SlaWorker(const SlaWorker&) = delete;
  SlaWorker& operator=(const SlaWorker&) = delete;

  void start();
  // Idempotent; waits for a pass under way.
  void stop();

 private:
  void run();

  ServiceDesk& desk_;
  int every_ms_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace ecrm::service
