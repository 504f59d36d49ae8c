// Background threads of the in-app analytics, owned by `ecrm serve`:
// - the job thread runs the recomputation when asked (POST /api/v1/analytics/recompute) and,
//   when scheduling is on, at start-up if no model exists yet and whenever the latest model is
//   older than `interval` (nightly by default). With `ecrm serve --no-worker`
//   a request queues a job for `ecrm worker` instead (core/model_worker.hpp). With several
//   processes on one database, the job row's claim (see service.hpp) lets only one of them run
//   at a time; the others skip.
// - the update thread rescores customers queued by order events (OrderScoreListener), so that
//   a new order moves its customer's scores within a second without a refit and without holding
//   up the request that placed it. Customers queued while a recomputation runs are rescored
//   again after it, against the new model.
#pragma once

#include <optional>

#include "analytics/service.hpp"
#include "core/model_worker.hpp"
#include "orders/events.hpp"

namespace ecrm::analytics {

using AnalyticsWorkerOptions = ModelWorkerOptions;

class AnalyticsWorker : public ModelWorker {
 public:
  AnalyticsWorker(AnalyticsService& service, AnalyticsWorkerOptions options);

  // Asks for a recomputation now, for `requested_by` (see ModelWorker::request_build()).
  Status request_recompute(const std::string& requested_by = {}) {
    return request_build(requested_by);
  }
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
