// The catalog: a category tree and products with prices, price tiers, product lines with
// versions, and stock. Validation lives here (errors name the offending field); price tiers are
// recomputed within a product's category whenever a write changes a price, a category or the
// active flag (the rule is price_tiers() in model.hpp). No SQL here (repo.cpp), no HTTP
// (http_routes.cpp).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "catalog/model.hpp"
#include "catalog/repo.hpp"
#include "storage/database.hpp"

namespace ecrm::catalog {

struct CatalogConfig {
  std::string default_currency = "USD";  // for products created without one
};

struct NewCategory {
  std::string name;
  std::optional<std::string> slug;  // derived from the name when absent
  std::optional<std::int64_t> parent_id;
};

struct CategoryChanges {
  std::optional<std::string> name;
  std::optional<std::string> slug;
  std::optional<std::optional<std::int64_t>> parent_id;  // engaged nullopt: make it top-level
};

struct NewProduct {
  std::string sku;
  std::string name;
  std::optional<std::int64_t> category_id;
  std::string brand;
  std::optional<std::int64_t> price;  // required
  std::optional<std::int64_t> cost;
  std::optional<std::string> currency;
  std::string line;
  int version = 1;
  std::int64_t stock_on_hand = 0;
  bool active = true;
  bool consumable = false;
  std::optional<int> repurchase_days;
};

struct ProductChanges {
  std::optional<std::string> sku;
  std::optional<std::string> name;
  std::optional<std::optional<std::int64_t>> category_id;  // engaged nullopt: uncategorise
  std::optional<std::string> brand;
  std::optional<std::int64_t> price;
  std::optional<std::optional<std::int64_t>> cost;  // engaged nullopt: unknown
  std::optional<std::string> currency;
  std::optional<std::string> line;
  std::optional<int> version;
  std::optional<std::int64_t> stock_on_hand;
  std::optional<bool> active;
  std::optional<bool> consumable;
  std::optional<std::optional<int>> repurchase_days;  // engaged nullopt: clear
};

class CatalogService {
 public:
  explicit CatalogService(storage::Database& db, CatalogConfig config = {});

  // Creates a category. Errors: kInvalidArgument naming name/slug; kUnprocessable
  // (unknown_category, field parent_id) for a parent that does not exist; kConflict slug_taken.
  Result<Category> create_category(const NewCategory& request);
  // kNotFound when there is no such category.
  Result<Category> get_category(std::int64_t id);
  // Categories after `after` by id; children of `parent_id` only when given (0: top level).
  Result<std::vector<Category>> list_categories(std::optional<std::int64_t> parent_id,
                                                std::optional<std::int64_t> after, int limit);
  // Applies changes. Besides create's errors: kUnprocessable (category_cycle, field parent_id)
  // when the new parent is the category itself or one of its descendants; kNotFound.
  Result<Category> update_category(std::int64_t id, const CategoryChanges& changes);
  // Deletes an empty category: kConflict (category_in_use) while it has subcategories or
  // products; kNotFound.
  Status delete_category(std::int64_t id);

  // Validates and creates a product, then recomputes its category's price tiers. Errors:
  // kInvalidArgument naming the field; kUnprocessable (unknown_category, field category_id);
  // kConflict sku_taken.
  Result<Product> create_product(const NewProduct& request);
  // The product create_product() would store, validated (kInvalidArgument naming the field),
  // without touching the database: for bulk writers (import) that check the category and the
  // SKU and store through CatalogRepo themselves.
  Result<Product> prepare_product(const NewProduct& request) const;
  // Validates a product's fields as create and update do.
  Status validate(const Product& product) const;
  // kNotFound when there is no such product.
  Result<Product> get_product(std::int64_t id);
  Result<std::vector<Product>> list_products(const ProductFilter& filter,
                                             std::optional<std::int64_t> after, int limit);
  // Applies changes with create's validation; recomputes the price tiers of the old and the
  // new category when the price, category or active flag changed. kNotFound.
  Result<Product> update_product(std::int64_t id, const ProductChanges& changes);

  // Recomputes the stored price tiers of one group (a category, or nullopt: uncategorised
  // products) on `c`, writing only the tiers that change. For bulk writers that skip the
  // per-product recomputation.
  Status recompute_price_tiers(storage::Connection& c, std::optional<std::int64_t> category_id);

 private:

  storage::Database& db_;
  CatalogConfig config_;
  CatalogRepo repo_;
};

// "Baby & Kids" -> "baby-kids": ASCII letters lower-cased, digits kept, other ASCII characters
// folded into single '-', non-ASCII (e.g. Chinese) characters kept as they are.
std::string slug_from_name(const std::string& name);

}  // namespace ecrm::catalog
