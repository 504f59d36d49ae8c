#include "catalog/repo.hpp"

#include "search/index.hpp"

namespace ecrm::catalog {

using storage::done;

using storage::kNull;
using storage::RowView;
using storage::Value;

namespace {

constexpr std::string_view kInsertCategory =
    "INSERT INTO categories (parent_id, name, slug, created_at, updated_at) "
    "VALUES ($1, $2, $3, $4, $4) RETURNING id";
constexpr std::string_view kFindCategory =
    "SELECT id, parent_id, name, slug, created_at, updated_at FROM categories WHERE id = $1";
constexpr std::string_view kFindTopCategoryByName =
    "SELECT id, parent_id, name, slug, created_at, updated_at FROM categories "
    "WHERE parent_id IS NULL AND name = $1 ORDER BY id LIMIT 1";
constexpr std::string_view kFindChildCategoryByName =
    "SELECT id, parent_id, name, slug, created_at, updated_at FROM categories "
    "WHERE parent_id = $1 AND name = $2 ORDER BY id LIMIT 1";
constexpr std::string_view kSlugExists = "SELECT COUNT(*) FROM categories WHERE slug = $1";
constexpr std::string_view kListCategories =
    "SELECT id, parent_id, name, slug, created_at, updated_at FROM categories "
    "WHERE id > $1 AND (CAST($2 AS BIGINT) IS NULL "
    "OR (CAST($2 AS BIGINT) = 0 AND parent_id IS NULL) OR parent_id = CAST($2 AS BIGINT)) "
    "ORDER BY id LIMIT $3";
constexpr std::string_view kUpdateCategory =
    "UPDATE categories SET parent_id = $2, name = $3, slug = $4, updated_at = $5 WHERE id = $1";
constexpr std::string_view kDeleteCategory = "DELETE FROM categories WHERE id = $1";
constexpr std::string_view kCountChildCategories =
    "SELECT COUNT(*) FROM categories WHERE parent_id = $1";
constexpr std::string_view kCountCategoryProducts =
    "SELECT COUNT(*) FROM products WHERE category_id = $1";

#define ECRM_PRODUCT_COLUMNS                                                              \
  "id, sku, name, category_id, brand, price, cost, currency, price_tier, line, version, " \
  "stock_on_hand, active, consumable, repurchase_days, created_at, updated_at"

constexpr std::string_view kInsertProduct =
    "INSERT INTO products (sku, name, category_id, brand, price, cost, currency, price_tier, "
    "line, version, stock_on_hand, active, consumable, repurchase_days, created_at, updated_at, "
    "search_text, search_category) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15, $16, "
    "coalesce((SELECT $17 || lower(trim(g.name)) || $18 FROM categories g WHERE g.id = $3), '')) "
    "RETURNING id";
constexpr std::string_view kFindProduct =
    "SELECT " ECRM_PRODUCT_COLUMNS " FROM products WHERE id = $1";
constexpr std::string_view kFindProductBySku =
    "SELECT " ECRM_PRODUCT_COLUMNS " FROM products WHERE sku = $1";
// The product columns for statements built at run time (the list).
constexpr std::string_view kProductColumns = ECRM_PRODUCT_COLUMNS;
constexpr std::string_view kUpdateProduct =
    "UPDATE products SET sku = $2, name = $3, category_id = $4, brand = $5, price = $6, "
    "cost = $7, currency = $8, line = $9, version = $10, stock_on_hand = $11, active = $12, "
    "consumable = $13, repurchase_days = $14, updated_at = $15, search_text = $16 WHERE id = $1";
constexpr std::string_view kTierGroup =
    "SELECT id, price, active, price_tier FROM products WHERE category_id = $1 ORDER BY id";
constexpr std::string_view kTierGroupUncategorised =
    "SELECT id, price, active, price_tier FROM products WHERE category_id IS NULL ORDER BY id";
constexpr std::string_view kSetPriceTier = "UPDATE products SET price_tier = $2 WHERE id = $1";

#undef ECRM_PRODUCT_COLUMNS

Category read_category(const RowView& row) {
  Category category;
  category.id = row.get_int(0);
  category.parent_id = row.get_optional_int(1);
  category.name = row.get_string(2);
  category.slug = row.get_string(3);
  category.created_at = row.get_int(4);
  category.updated_at = row.get_int(5);
  return category;
}

Product read_product(const RowView& row) {
  Product p;
  p.id = row.get_int(0);
  p.sku = row.get_string(1);
  p.name = row.get_string(2);
  p.category_id = row.get_optional_int(3);
  p.brand = row.get_string(4);
  p.price = row.get_int(5);
  p.cost = row.get_optional_int(6);
  p.currency = row.get_string(7);
  p.price_tier = wire::parse_enum<PriceTier>(row.get_text(8)).value_or(PriceTier::kMid);
  p.line = row.get_string(9);
  p.version = static_cast<int>(row.get_int(10));
  p.stock_on_hand = row.get_int(11);
  p.active = row.get_int(12) != 0;
  p.consumable = row.get_int(13) != 0;
  if (auto days = row.get_optional_int(14)) p.repurchase_days = static_cast<int>(*days);
  p.created_at = row.get_int(15);
  p.updated_at = row.get_int(16);
  return p;
}

Value optional_value(const std::optional<std::int64_t>& v) { return v ? Value(*v) : kNull; }
Value optional_value(const std::optional<int>& v) { return v ? Value(std::int64_t{*v}) : kNull; }
Value optional_value(const std::optional<std::string>& v) { return v ? Value(*v) : kNull; }
Value flag(bool b) { return std::int64_t{b ? 1 : 0}; }

Error slug_taken(const std::string& slug) {
  return Error::conflict("a category with slug '" + slug + "' already exists", "slug",
                         "slug_taken");
}

Error sku_taken(const std::string& sku) {
  return Error::conflict("a product with SKU '" + sku + "' already exists", "sku", "sku_taken");
}

std::string lower_ascii(std::string text) {
  for (char& ch : text) {
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  }
  return text;
}

}  // namespace

Result<std::optional<Category>> CatalogRepo::find_category_by_name(
    Connection& c, std::optional<std::int64_t> parent_id, const std::string& name) {
  std::optional<Category> found;
  auto on_row = [&](const RowView& row) { found = read_category(row); };
  Status status = parent_id ? c.query(kFindChildCategoryByName, {*parent_id, name}, on_row)
                            : c.query(kFindTopCategoryByName, {name}, on_row);
  ECRM_RETURN_IF_ERROR(status);
  return found;
}

Result<bool> CatalogRepo::slug_exists(Connection& c, const std::string& slug) {
  ECRM_ASSIGN_OR_RETURN(auto count, c.query_int(kSlugExists, {slug}));
  return count.value_or(0) > 0;
}

Result<Category> CatalogRepo::insert_category(Connection& c, const Category& category) {
  auto id = c.query_int(kInsertCategory, {optional_value(category.parent_id), category.name,
                                          category.slug, category.created_at});
  if (!id.ok()) {
    if (id.error().kind == ErrorKind::kConflict) return slug_taken(category.slug);
    return std::move(id).error();
  }
  Category created = category;
  created.id = id->value_or(0);
  created.updated_at = category.created_at;
  return created;
}

Result<std::optional<Category>> CatalogRepo::find_category(Connection& c, std::int64_t id) {
  std::optional<Category> found;
  ECRM_RETURN_IF_ERROR(
      c.query(kFindCategory, {id}, [&](const RowView& row) { found = read_category(row); }));
  return found;
}

Result<std::vector<Category>> CatalogRepo::list_categories(Connection& c,
                                                           std::optional<std::int64_t> parent_id,
                                                           std::optional<std::int64_t> after,
                                                           int limit) {
  std::vector<Category> out;
  ECRM_RETURN_IF_ERROR(c.query(kListCategories,
                               {after.value_or(0), optional_value(parent_id), std::int64_t{limit}},
                               [&](const RowView& row) { out.push_back(read_category(row)); }));
  return out;
}

Status CatalogRepo::update_category(Connection& c, const Category& category) {
  auto changed = c.execute(kUpdateCategory, {category.id, optional_value(category.parent_id),
                                             category.name, category.slug, category.updated_at});
  if (!changed.ok() && changed.error().kind == ErrorKind::kConflict) {
    return slug_taken(category.slug);
  }
  return done(std::move(changed));
}

Status CatalogRepo::delete_category(Connection& c, std::int64_t id) {
  return done(c.execute(kDeleteCategory, {id}));
}

Result<std::int64_t> CatalogRepo::count_child_categories(Connection& c, std::int64_t id) {
  ECRM_ASSIGN_OR_RETURN(auto n, c.query_int(kCountChildCategories, {id}));
  return n.value_or(0);
}

Result<std::int64_t> CatalogRepo::count_category_products(Connection& c, std::int64_t id) {
  ECRM_ASSIGN_OR_RETURN(auto n, c.query_int(kCountCategoryProducts, {id}));
  return n.value_or(0);
}

namespace {

// The product's own search document: name, SKU, brand and line (its category's name is written
// next to it by the INSERT and kept in step by triggers).
std::string search_document(const Product& p) {
  search::Document doc;
  doc.field(p.name).field(p.sku).field(p.brand).field(p.line);
  return doc.release();
}

}  // namespace

Result<Product> CatalogRepo::insert_product(Connection& c, const Product& p) {
  auto id =
      c.query_int(kInsertProduct,
                  {p.sku, p.name, optional_value(p.category_id), p.brand, p.price,
                   optional_value(p.cost), p.currency, std::string(wire::enum_name(p.price_tier)),
                   p.line, std::int64_t{p.version}, p.stock_on_hand, flag(p.active),
                   flag(p.consumable), optional_value(p.repurchase_days), p.created_at,
                   search_document(p), std::string(2, search::kStart), std::string(1, search::kEnd)});
  if (!id.ok()) {
    if (id.error().kind == ErrorKind::kConflict) return sku_taken(p.sku);
    return std::move(id).error();
  }
  Product created = p;
  created.id = id->value_or(0);
  created.updated_at = p.created_at;
  return created;
}

Result<std::optional<Product>> CatalogRepo::find_product(Connection& c, std::int64_t id) {
  std::optional<Product> found;
  ECRM_RETURN_IF_ERROR(
      c.query(kFindProduct, {id}, [&](const RowView& row) { found = read_product(row); }));
  return found;
}

Result<std::optional<Product>> CatalogRepo::find_product_by_sku(Connection& c,
                                                                const std::string& sku) {
  std::optional<Product> found;
  ECRM_RETURN_IF_ERROR(
      c.query(kFindProductBySku, {sku}, [&](const RowView& row) { found = read_product(row); }));
  return found;
}

namespace {


// The product list: with a search text the search index drives in id order and the filters are
// checked on the rows it yields ('+' keeps SQLite's planner on the index); without, the table.
search::Sql list_statement(storage::Backend backend, const ProductQuery& query,
                           std::int64_t after, int limit) {
  search::Sql sql(backend);
  const bool search = query.q && !search::parse_query(*query.q).empty();
  const std::string plus = search && backend == storage::Backend::kSqlite ? "+" : "";
  std::string key = "id";
  sql << "SELECT " << kProductColumns << " FROM ";
  if (search) {
    const auto source = search::match_source(backend, kProductIndex, "products");
    sql << source.from << " WHERE ";
    search::append_any_match(sql, kProductIndex, "products", search::parse_query(*query.q));
    key = source.key;
  } else {
    sql << "products WHERE 1 = 1";
  }
  sql << " AND " << key << " > ";
  sql.bind(after);
  if (query.category) {
    sql << " AND " << plus << "category_id IN (WITH RECURSIVE subtree(id) AS (SELECT CAST(";
    sql.bind(*query.category);
    sql << " AS BIGINT) UNION ALL SELECT c.id FROM categories c JOIN subtree s "
           "ON c.parent_id = s.id) SELECT id FROM subtree)";
  }
  if (query.active) {
    sql << " AND " << plus << "active = ";
    sql.bind(std::int64_t{*query.active ? 1 : 0});
  }
  if (query.brand) {
    sql << " AND lower(brand) = ";
    sql.bind(lower_ascii(*query.brand));
  }
  if (query.tier) {
    sql << " AND " << plus << "price_tier = ";
    sql.bind(std::string(wire::enum_name(*query.tier)));
  }
  if (query.line) {
    sql << " AND " << plus << "line = ";
    sql.bind(*query.line);
  }
  sql << " ORDER BY " << key << " LIMIT ";
  sql.bind(std::int64_t{limit});
  return sql;
}

}  // namespace

Result<std::vector<Product>> CatalogRepo::list_products(Connection& c, const ProductQuery& query,
                                                        std::optional<std::int64_t> after,
                                                        int limit) {
  std::vector<Product> out;
  const search::Sql sql = list_statement(c.backend(), query, after.value_or(0), limit);
  ECRM_RETURN_IF_ERROR(c.query(sql.text(), sql.params(),
                               [&](const RowView& row) { out.push_back(read_product(row)); }));
  return out;
}

Status CatalogRepo::update_product(Connection& c, const Product& p) {
  auto changed = c.execute(
      kUpdateProduct,
      {p.id, p.sku, p.name, optional_value(p.category_id), p.brand, p.price, optional_value(p.cost),
       p.currency, p.line, std::int64_t{p.version}, p.stock_on_hand, flag(p.active),
       flag(p.consumable), optional_value(p.repurchase_days), p.updated_at, search_document(p)});
  if (!changed.ok() && changed.error().kind == ErrorKind::kConflict) return sku_taken(p.sku);
  return done(std::move(changed));
}

Result<std::vector<TierInput>> CatalogRepo::tier_group(Connection& c,
                                                       std::optional<std::int64_t> category_id) {
  std::vector<TierInput> out;
  auto on_row = [&](const RowView& row) {
    out.push_back(
        TierInput{row.get_int(0), row.get_int(1), row.get_int(2) != 0,
                  wire::parse_enum<PriceTier>(row.get_text(3)).value_or(PriceTier::kMid)});
  };
  if (category_id) {
    ECRM_RETURN_IF_ERROR(c.query(kTierGroup, {*category_id}, on_row));
  } else {
    ECRM_RETURN_IF_ERROR(c.query(kTierGroupUncategorised, {}, on_row));
  }
  return out;
}

Status CatalogRepo::set_price_tier(Connection& c, std::int64_t product_id, PriceTier tier) {
  return done(c.execute(kSetPriceTier, {product_id, std::string(wire::enum_name(tier))}));
}

}  // namespace ecrm::catalog
