// Background threads of the in-app recommendations, owned by `ecrm serve`:
// - the job thread runs the rebuild when asked (POST /api/v1/recommendations/rebuild) and, when
//   scheduling is on, at start-up if nothing has been built yet and whenever the latest build is
//   older than `interval` (daily by default). Scheduling is off with `ecrm serve --no-worker`;
//   on-demand runs still happen. With several processes on one PostgreSQL, the job row's claim
//   (see service.hpp) lets only one of them run at a time; the others skip.
// - the refresh thread recomputes the lists of customers queued by order events
//   (OrderRecommendListener), so that a new order changes its customer's recommendations within
//   a second without a rebuild and without holding up the request that placed it. Customers
//   queued while a rebuild runs are refreshed again after it, against the new model.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "recommend/service.hpp"
#include "orders/events.hpp"

namespace ecrm::recommend {

struct WorkerOptions {
  bool schedule = true;                           // start-up and periodic runs
  std::chrono::milliseconds interval = std::chrono::hours(24);
  std::chrono::milliseconds check_every = std::chrono::minutes(1);
  std::string owner;  // the claim's owner name; default host:pid
};

class RecommendWorker {
 public:
  RecommendWorker(RecommendService& service, WorkerOptions options);
  ~RecommendWorker();  // stops the threads
  RecommendWorker(const RecommendWorker&) = delete;
  RecommendWorker& operator=(const RecommendWorker&) = delete;

  void start();
  // Stops the threads after the current unit of work (a running rebuild finishes first).
  void stop();

  // Asks for a rebuild now. kConflict `already_running` when one is running or queued
  // in this process or claimed by another; otherwise the job thread starts it shortly.
  Status request_rebuild();
  // True while this process runs or has queued a rebuild.
  bool busy() const;

  // Queues customer `customer_id` for a refresh of their list. Cheap; never blocks on the
  // database.
  void customer_changed(std::int64_t customer_id);

 private:
  void job_loop();
  void update_loop();
  void run_rebuild(const char* why);

  RecommendService& service_;
  WorkerOptions options_;

  mutable std::mutex mutex_;
  std::condition_variable job_wake_;
  std::condition_variable update_wake_;
  bool stopping_ = false;
  bool requested_ = false;
  bool running_ = false;
  std::set<std::int64_t> pending_;       // customers waiting for a refresh
  std::set<std::int64_t> during_run_;    // customers refreshed while a rebuild ran
  std::thread job_thread_;
  std::thread update_thread_;
};

// The order events recommendations react to: a new order, a status change (a cancellation
// takes items out of the history) or a return (returned items are never recommended) queues a
// refresh of that customer's list.
class OrderRecommendListener : public orders::OrderListener {
 public:
  explicit OrderRecommendListener(RecommendWorker& worker) : worker_(worker) {}
  void on_order_placed(const orders::Order& order) override;
  void on_order_status_changed(const orders::Order& order, orders::OrderStatus from) override;
  void on_return_changed(const orders::Return& ret,
                         std::optional<orders::ReturnStatus> from) override;

 private:
  RecommendWorker& worker_;
};

}  // namespace ecrm::recommend
