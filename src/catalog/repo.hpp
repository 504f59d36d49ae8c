// SQL for categories and products. Every statement is a named constant in repo.cpp; every
// method takes the connection to run on, so callers choose the transaction. Other capabilities
// (orders) read products through this class inside their own transactions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "catalog/model.hpp"
#include "core/result.hpp"
#include "search/index.hpp"
#include "storage/database.hpp"

namespace ecrm::catalog {

// The products' search index: their own document (name, SKU, brand, line) and their category's.
inline const search::TextIndex kProductIndex{
    "products", {"search_text", "search_category"}, "products_search", "products_numbers"};

using storage::Connection;

// The filters of the product list (query parameters).
struct ProductQuery {
  std::optional<std::string> q;          // see the rule below
  std::optional<std::int64_t> category;  // this category and its descendants
  std::optional<bool> active;
  std::optional<std::string> brand;  // exact, case-insensitive
  std::optional<PriceTier> tier;
  std::optional<std::string> line;  // exact
};
ECRM_DESCRIBE(ProductQuery, q, category, active, brand, tier, line)
ECRM_WIRE_RULES(ProductQuery,
                rule(&ProductQuery::q, {.max_length = 200,
                                        .description = "text in the name, SKU, brand, product "
                                                       "line or category name (three characters "
                                                       "or more; shorter: their beginning)"}),
                rule(&ProductQuery::category, {.description = "with its subcategories"}))

class CatalogRepo {
 public:
  // kConflict (code slug_taken, field slug) when the slug is in use.
  Result<Category> insert_category(Connection& c, const Category& category);
  Result<std::optional<Category>> find_category(Connection& c, std::int64_t id);
  // The category named exactly `name` under `parent_id` (nullopt: top level), if any.
  Result<std::optional<Category>> find_category_by_name(Connection& c,
                                                        std::optional<std::int64_t> parent_id,
                                                        const std::string& name);
  // True when a category uses `slug`.
  Result<bool> slug_exists(Connection& c, const std::string& slug);
  // Categories with id > after, ascending, at most `limit`; only children of `parent_id` when
  // given (0: top-level categories only).
  Result<std::vector<Category>> list_categories(Connection& c,
                                                std::optional<std::int64_t> parent_id,
                                                std::optional<std::int64_t> after, int limit);
  // kConflict (slug_taken) as for insert.
  Status update_category(Connection& c, const Category& category);
  Status delete_category(Connection& c, std::int64_t id);
  Result<std::int64_t> count_child_categories(Connection& c, std::int64_t id);
  Result<std::int64_t> count_category_products(Connection& c, std::int64_t id);

  // kConflict (code sku_taken, field sku) when the SKU is in use.
  Result<Product> insert_product(Connection& c, const Product& product);
  Result<std::optional<Product>> find_product(Connection& c, std::int64_t id);
  Result<std::optional<Product>> find_product_by_sku(Connection& c, const std::string& sku);
  // Products matching `query` with id > after, ascending, at most `limit`.
  Result<std::vector<Product>> list_products(Connection& c, const ProductQuery& query,
                                             std::optional<std::int64_t> after, int limit);
  // Writes every column but id, created_at and price_tier. kConflict (sku_taken) as for insert.
  Status update_product(Connection& c, const Product& product);

  // The products of one tier group: a category (or, for nullopt, the uncategorised products).
  Result<std::vector<TierInput>> tier_group(Connection& c, std::optional<std::int64_t> category_id);
  Status set_price_tier(Connection& c, std::int64_t product_id, PriceTier tier);
};

}  // namespace ecrm::catalog
