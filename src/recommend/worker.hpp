// Background threads of the in-app recommendations, owned by `ecrm serve`:
// - the job thread runs the rebuild when asked (POST /api/v1/recommendations/rebuild) and, when
//   scheduling is on, at start-up if nothing has been built yet and whenever the latest build is
//   older than `interval` (daily by default). With `ecrm serve --no-worker`
//   a request queues a job for `ecrm worker` instead (core/model_worker.hpp). With several
//   processes on one database, the job row's claim (see service.hpp) lets only one of them run
//   at a time; the others skip.
// - the refresh thread recomputes the lists of customers queued by order events
//   (OrderRecommendListener) and by browsing (BrowsePoller, browse_poller.hpp), so that a new
//   order or a product view changes its customer's recommendations within seconds without a
//   rebuild and without holding up the request that caused it. Customers queued while a rebuild
//   runs are refreshed again after it, against the new model.
#pragma once

#include <optional>

#include "core/model_worker.hpp"
#include "orders/events.hpp"
#include "recommend/service.hpp"

namespace ecrm::recommend {

using RecommendWorkerOptions = ModelWorkerOptions;

class RecommendWorker : public ModelWorker {
 public:
  RecommendWorker(RecommendService& service, RecommendWorkerOptions options);

  // Asks for a rebuild now (see ModelWorker::request_build()).
  Status request_rebuild(const std::string& requested_by = {}) {
    return request_build(requested_by);
  }
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
