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

// Limits of the contract, checked by the service and declared for the wire.
inline constexpr std::size_t kMaxName = 300;
inline constexpr std::size_t kMaxSlug = 100;
inline constexpr std::size_t kMaxSku = 64;
inline constexpr std::size_t kMaxBrand = 100;
inline constexpr std::size_t kMaxLine = 200;
inline constexpr int kMaxVersion = 1'000'000;
inline constexpr int kMaxRepurchaseDays = 3650;

struct CategoryInput {
  std::string name;
  std::optional<std::string> slug;  // derived from the name when absent
  std::optional<std::int64_t> parent_id;
};
ECRM_DESCRIBE(CategoryInput, name, slug, parent_id)
ECRM_WIRE_RULES(CategoryInput, rule(&CategoryInput::name, {.max_length = kMaxName}),
                rule(&CategoryInput::slug, {.max_length = kMaxSlug}))

struct CategoryChanges {
  std::optional<std::string> name;
  std::optional<std::string> slug;
  std::optional<std::optional<std::int64_t>> parent_id;  // null: make it top-level
};
ECRM_DESCRIBE(CategoryChanges, name, slug, parent_id)
ECRM_WIRE_RULES(CategoryChanges, rule(&CategoryChanges::name, {.max_length = kMaxName}),
                rule(&CategoryChanges::slug, {.max_length = kMaxSlug}))

// The filter of the category list (query parameters).
struct CategoryQuery {
  std::optional<std::int64_t> parent;  // children of this category only; 0: top level
};
ECRM_DESCRIBE(CategoryQuery, parent)

struct ProductInput {
  std::string sku;
  std::string name;
  std::optional<std::int64_t> category_id;
  std::optional<std::string> brand;
  std::int64_t price = 0;
  std::optional<std::int64_t> cost;
  std::optional<std::string> currency;  // default: CatalogConfig::default_currency
  std::optional<std::string> line;
  std::optional<int> version;  // default 1
  std::optional<std::int64_t> stock_on_hand;
  std::optional<bool> active;      // default true
  std::optional<bool> consumable;  // default false
  std::optional<int> repurchase_days;
};
ECRM_DESCRIBE(ProductInput, sku, name, category_id, brand, price, cost, currency, line, version,
              stock_on_hand, active, consumable, repurchase_days)
ECRM_WIRE_RULES(ProductInput, rule(&ProductInput::sku, {.max_length = kMaxSku}),
                rule(&ProductInput::name, {.max_length = kMaxName}),
                rule(&ProductInput::brand, {.max_length = kMaxBrand}),
                rule(&ProductInput::line, {.max_length = kMaxLine}),
                rule(&ProductInput::price, {.minimum = 0, .description = "minor units"}),
                rule(&ProductInput::cost, {.minimum = 0, .description = "minor units"}),
                rule(&ProductInput::version, {.minimum = 1, .maximum = kMaxVersion}),
                rule(&ProductInput::repurchase_days, {.minimum = 1, .maximum = kMaxRepurchaseDays}))

// A PATCH of a product: absent members keep their value; null clears category_id, cost and
// repurchase_days.
struct ProductChanges {
  std::optional<std::string> sku;
  std::optional<std::string> name;
  std::optional<std::optional<std::int64_t>> category_id;
  std::optional<std::string> brand;
  std::optional<std::int64_t> price;
  std::optional<std::optional<std::int64_t>> cost;
  std::optional<std::string> currency;
  std::optional<std::string> line;
  std::optional<int> version;
  std::optional<std::int64_t> stock_on_hand;
  std::optional<bool> active;
  std::optional<bool> consumable;
  std::optional<std::optional<int>> repurchase_days;
};
ECRM_DESCRIBE(ProductChanges, sku, name, category_id, brand, price, cost, currency, line, version,
              stock_on_hand, active, consumable, repurchase_days)
ECRM_WIRE_RULES(ProductChanges, rule(&ProductChanges::sku, {.max_length = kMaxSku}),
                rule(&ProductChanges::name, {.max_length = kMaxName}),
                rule(&ProductChanges::brand, {.max_length = kMaxBrand}),
                rule(&ProductChanges::line, {.max_length = kMaxLine}),
                rule(&ProductChanges::price, {.minimum = 0, .description = "minor units"}),
                rule(&ProductChanges::cost, {.minimum = 0, .description = "minor units"}),
                rule(&ProductChanges::version, {.minimum = 1, .maximum = kMaxVersion}),
                rule(&ProductChanges::repurchase_days,
                     {.minimum = 1, .maximum = kMaxRepurchaseDays}))

class CatalogService {
 public:
  explicit CatalogService(storage::Database& db, CatalogConfig config = {});

  // Creates a category. Errors: kInvalidArgument naming name/slug; kUnprocessable
  // (unknown_category, field parent_id) for a parent that does not exist; kConflict slug_taken.
  Result<Category> create_category(const CategoryInput& request);
  // kNotFound when there is no such category.
  Result<Category> get_category(std::int64_t id);
  // Categories after `after` by id, filtered by `query`.
  Result<std::vector<Category>> list_categories(const CategoryQuery& query,
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
  Result<Product> create_product(const ProductInput& request);
  // The product create_product() would store, validated (kInvalidArgument naming the field),
  // without touching the database: for bulk writers (import) that check the category and the
  // SKU and store through CatalogRepo themselves.
  Result<Product> prepare_product(const ProductInput& request) const;
  // Validates a product's fields as create and update do.
  Status validate(const Product& product) const;
  // kNotFound when there is no such product.
  Result<Product> get_product(std::int64_t id);
  // Products after `after` by id, filtered by `query`.
  Result<std::vector<Product>> list_products(const ProductQuery& query,
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
