// The API's JSON forms of orders, returns and the customer-facing tracking view, shared by the
// handlers and the customer record's privacy export.
#pragma once

#include <boost/json/object.hpp>

#include "orders/model.hpp"

namespace ecrm::orders {

// The order; with lines, history (internal notes included) and next statuses when
// `with_details`.
boost::json::object order_json(const Order& order, bool with_details);

boost::json::object return_json(const Return& ret);

// What the customer may see: the status history with times, carrier and tracking number, but
// no internal notes or staff names.
boost::json::object tracking_json(const Order& order);

}  // namespace ecrm::orders
