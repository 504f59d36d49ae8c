// Products in the search box: by name, SKU, brand, product line and category name.
#pragma once

#include "catalog/service.hpp"
#include "search/service.hpp"
#include "storage/database.hpp"

namespace ecrm::catalog {

class ProductSearch : public search::Provider {
 public:
  ProductSearch(storage::Database& db, CatalogService& catalog) : db_(db), catalog_(catalog) {}
  std::string_view kind() const override { return "products"; }
  std::string_view scope() const override { return "catalog:read"; }
  Result<std::vector<search::Hit>> search(const search::Query& query, int limit) override;

 private:
  storage::Database& db_;
  CatalogService& catalog_;
};

}  // namespace ecrm::catalog
