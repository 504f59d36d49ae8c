// The lead expiry worker, owned by `ecrm serve`: every `every_ms` (ten minutes by default,
// `ecrm serve --lead-expiry-every`) it expires the leads routed to a partner and not accepted
// within the time to accept (LeadService::expire_overdue(), the job POST /api/v1/leads/expire
// runs by hand), at start-up first. Several processes may run it on one database: a lead is
// expired by one conditional UPDATE, so a second pass finds nothing left to expire.
#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>

#include "partners/leads_service.hpp"

namespace ecrm::partners {

class LeadExpiryWorker {
 public:
  LeadExpiryWorker(LeadService& leads, int every_ms);
  ~LeadExpiryWorker();
  LeadExpiryWorker(const LeadExpiryWorker&) = delete;
  LeadExpiryWorker& operator=(const LeadExpiryWorker&) = delete;

  void start();
  // Idempotent; waits for a pass under way.
  void stop();

 private:
  void run();

  LeadService& leads_;
  int every_ms_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace ecrm::partners
