// Domain events of orders: the seam through which other capabilities react to orders without
// orders knowing them. Analytics listens (a new order updates that customer's scores), and so
// will recommendations and automation. Orders depends on none of its listeners: each implements
// OrderListener and the composition root (cli/serve_command.cpp) registers it with
// OrderService::add_listener() before the server starts.
//
// Contract for listeners:
// - Events are delivered after the transaction that made the change has committed, on the thread
//   that made it (an HTTP worker thread): the change is visible to any connection by then.
// - A listener must return quickly (queue the work and do it on its own thread); it runs on the
//   request's critical path. It must not throw, and it cannot veto or fail the change.
// - Delivery is in-process and best effort: a crash between commit and delivery loses the event,
//   and other processes sharing the database do not see it. A listener that must not miss a
//   change also reconciles from the tables (analytics' nightly recomputation does).
// - Listeners are called in registration order; registration is not thread-safe and happens
//   before serving.
#pragma once

#include <cstdint>
#include <optional>

#include "orders/model.hpp"

namespace ecrm::orders {

class OrderListener {
 public:
  virtual ~OrderListener() = default;

  // A new order was stored (status `placed`), with its lines.
  virtual void on_order_placed(const Order& order) { (void)order; }

  // The order moved from `from` to its current status (order.status), by a request or because
  // every item came back (returned).
  virtual void on_order_status_changed(const Order& order, OrderStatus from) {
    (void)order;
    (void)from;
  }

  // A return was opened (from = nullopt) or moved on (e.g. to refunded, which lowers revenue).
  virtual void on_return_changed(const Return& ret, std::optional<ReturnStatus> from) {
    (void)ret;
    (void)from;
  }
};

}  // namespace ecrm::orders
