// Background threads of the in-app analytics, owned by `ecrm serve`:
// - the job thread runs the recomputation when asked (POST /api/v1/analytics/recompute) and,
//   when scheduling is on, at start-up if no model exists yet and whenever the latest model is
//   older than `interval` (nightly by default). Scheduling is off with `ecrm serve --no-worker`;
//   on-demand runs still happen. With several processes on one PostgreSQL, the job row's claim
//   (see service.hpp) lets only one of them run at a time; the others skip.
// - the update thread rescores customers queued by order events (OrderScoreListener), so that
//   a new order moves its customer's scores within a second without a refit and without holding
//   up the request that placed it. Customers queued while a recomputation runs are rescored
//   again after it, against the new model.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "analytics/service.hpp"
#include "orders/events.hpp"

namespace ecrm::analytics {

struct WorkerOptions {
  bool schedule = true;                           // start-up and periodic runs
  std::chrono::milliseconds interval = std::chrono::hours(24);
  std::chrono::milliseconds check_every = std::chrono::minutes(1);
  std::string owner;  // the claim's owner name; default host:pid
};

class AnalyticsWorker {
 public:
  AnalyticsWorker(AnalyticsService& service, WorkerOptions options);
  ~AnalyticsWorker();  // stops the threads
  AnalyticsWorker(const AnalyticsWorker&) = delete;
  AnalyticsWorker& operator=(const AnalyticsWorker&) = delete;

  void start();
  // Stops the threads after the current unit of work (a running recomputation finishes first).
  void stop();

  // Asks for a recomputation now. kConflict `already_running` when one is running or queued
  // in this process or claimed by another; otherwise the job thread starts it shortly.
  Status request_recompute();
  // True while this process runs or has queued a recomputation.
  bool busy() const;

  // Queues customer `customer_id` for an incremental rescore. Cheap; never blocks on the
  // database.
  void customer_changed(std::int64_t customer_id);

 private:
  void job_loop();
  void update_loop();
  void run_recompute(const char* why);

  AnalyticsService& service_;
  WorkerOptions options_;

  mutable std::mutex mutex_;
  std::condition_variable job_wake_;
  std::condition_variable update_wake_;
  bool stopping_ = false;
  bool requested_ = false;
  bool running_ = false;
  std::set<std::int64_t> pending_;       // customers waiting for a rescore
  std::set<std::int64_t> during_run_;    // customers rescored while a recomputation ran
  std::thread job_thread_;
  std::thread update_thread_;
};

// The order events analytics reacts to: any change to a customer's orders or refunds queues an
// incremental rescore of that customer.
class OrderScoreListener : public orders::OrderListener {
 public:
  explicit OrderScoreListener(AnalyticsWorker& worker) : worker_(worker) {}
  void on_order_placed(const orders::Order& order) override;
  void on_order_status_changed(const orders::Order& order, orders::OrderStatus from) override;
  void on_return_changed(const orders::Return& ret,
                         std::optional<orders::ReturnStatus> from) override;

 private:
  AnalyticsWorker& worker_;
};

}  // namespace ecrm::analytics
