// Plain data shared by the analytics engines: the columnar snapshot of orders they read.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace ecrm::analytics {

// Orders as parallel columns, one entry per order. Customers are dense indices in
// [0, customer_count) (the caller maps its ids to indices and back); days are days since
// 1970-01-01 (UTC); amounts are integer minor units (e.g. cents). Orders need not be sorted.
struct OrderColumns {
  std::span<const std::uint32_t> customer;
  std::span<const std::int32_t> day;
  std::span<const std::int64_t> amount_minor;
  std::size_t customer_count = 0;
};

// True when the three columns have the same length and every customer index is in range.
bool valid(const OrderColumns& orders);

}  // namespace ecrm::analytics
