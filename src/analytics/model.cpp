#include "analytics/model.hpp"

namespace ecrm::analytics {

bool valid(const OrderColumns& orders) {
  if (orders.day.size() != orders.customer.size() ||
      orders.amount_minor.size() != orders.customer.size()) {
    return false;
  }
  for (std::uint32_t c : orders.customer) {
    if (c >= orders.customer_count) return false;
  }
  return true;
}

}  // namespace ecrm::analytics
