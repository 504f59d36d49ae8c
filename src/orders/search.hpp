// Orders in the search box: by order number, external id, the SKUs sold, and their customer's
// name, e-mail, phone, company (the customer's document copied next to the order's own).
#pragma once

#include "search/service.hpp"
#include "storage/database.hpp"

namespace ecrm::orders {

class OrderSearch : public search::Provider {
 public:
  explicit OrderSearch(storage::Database& db) : db_(db) {}
  std::string_view kind() const override { return "orders"; }
  std::string_view scope() const override { return "orders:read"; }
  // An order number ("1234" or "#1234") first, then the index's matches, newest first.
  Result<std::vector<search::Hit>> search(const search::Query& query, int limit) override;

 private:
  storage::Database& db_;
};

}  // namespace ecrm::orders
