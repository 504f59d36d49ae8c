#include "demo/repo.hpp"

namespace ecrm::demo {

namespace {

constexpr std::string_view kCountCustomers = "SELECT COUNT(*) FROM customers";
constexpr std::string_view kCountCatalog =
    "SELECT (SELECT COUNT(*) FROM products) + (SELECT COUNT(*) FROM categories)";
constexpr std::string_view kCountOrders = "SELECT COUNT(*) FROM orders";

}  // namespace

Result<std::int64_t> DemoRepo::count_customers(storage::Connection& c) {
  ECRM_ASSIGN_OR_RETURN(auto n, c.query_int(kCountCustomers));
  return n.value_or(0);
}

Result<std::int64_t> DemoRepo::count_catalog(storage::Connection& c) {
  ECRM_ASSIGN_OR_RETURN(auto n, c.query_int(kCountCatalog));
  return n.value_or(0);
}

Result<std::int64_t> DemoRepo::count_orders(storage::Connection& c) {
  ECRM_ASSIGN_OR_RETURN(auto n, c.query_int(kCountOrders));
  return n.value_or(0);
}

}  // namespace ecrm::demo
