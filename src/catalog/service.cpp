#include "catalog/service.hpp"

#include <algorithm>

namespace ecrm::catalog {

using storage::Connection;
using storage::TxMode;
using storage::with_transaction;

namespace {

// Category trees deeper than this are refused; it also bounds the cycle check.
constexpr int kMaxDepth = 32;

bool is_ascii_alnum(char ch) {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
}

std::string trim(const std::string& text) {
  auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

bool has_control(const std::string& text) {
  for (unsigned char ch : text) {
    if (ch < 0x20 || ch == 0x7f) return true;
  }
  return false;
}

Status check_text(const std::string& value, std::string_view field, std::size_t max_length,
                  bool required) {
  if (required && value.empty()) {
    return Error::invalid(std::string(field) + " is required", std::string(field), "required");
  }
  if (value.size() > max_length) {
    return Error::invalid(
        std::string(field) + " is longer than " + std::to_string(max_length) + " bytes",
        std::string(field));
  }
  if (has_control(value)) {
    return Error::invalid(std::string(field) + " must not contain control characters",
                          std::string(field));
  }
  return {};
}

Status check_slug(const std::string& slug) {
  if (slug.empty() || slug.size() > kMaxSlug) {
    return Error::invalid("slug must be 1 to " + std::to_string(kMaxSlug) + " bytes", "slug");
  }
  for (char ch : slug) {
    auto byte = static_cast<unsigned char>(ch);
    bool ok = byte >= 0x80 || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-';
    if (!ok) {
      return Error::invalid("slug may hold lower-case letters, digits and '-' only", "slug");
    }
  }
  if (slug.front() == '-' || slug.back() == '-') {
    return Error::invalid("slug must not start or end with '-'", "slug");
  }
  return {};
}

Result<std::string> normalize_currency(const std::string& text) {
  std::string out;
  for (char ch : text) {
    out += (ch >= 'a' && ch <= 'z') ? static_cast<char>(ch - 'a' + 'A') : ch;
  }
  if (out.size() != 3 ||
      !std::all_of(out.begin(), out.end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; })) {
    return Error::invalid("currency must be a three-letter ISO 4217 code", "currency");
  }
  return out;
}

Error unknown_category(std::int64_t id, std::string field) {
  return Error::unprocessable("there is no category " + std::to_string(id), std::move(field),
                              "unknown_category");
}

}  // namespace

std::string slug_from_name(const std::string& name) {
  std::string out;
  bool dash = false;
  for (char ch : name) {
    auto byte = static_cast<unsigned char>(ch);
    if (byte >= 0x80 || is_ascii_alnum(ch)) {
      if (dash && !out.empty()) out += '-';
      dash = false;
      out += (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch - 'A' + 'a') : ch;
    } else {
      dash = true;
    }
  }
  if (out.size() > kMaxSlug) {
    out.resize(kMaxSlug);
    // Do not leave half a UTF-8 sequence or a trailing dash behind.
    while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
    if (!out.empty() && static_cast<unsigned char>(out.back()) >= 0xC0) out.pop_back();
    while (!out.empty() && out.back() == '-') out.pop_back();
  }
  return out;
}

CatalogService::CatalogService(storage::Database& db, CatalogConfig config)
    : db_(db), config_(std::move(config)) {}

Result<Category> CatalogService::create_category(const CategoryInput& request) {
  Category category;
  category.name = trim(request.name);
  ECRM_RETURN_IF_ERROR(check_text(category.name, "name", kMaxName, true));
  category.slug = request.slug ? trim(*request.slug) : slug_from_name(category.name);
  if (!request.slug && category.slug.empty()) {
    return Error::invalid("slug is required when the name gives none", "slug", "required");
  }
  ECRM_RETURN_IF_ERROR(check_slug(category.slug));
  category.parent_id = request.parent_id;
  category.created_at = now_ms();
  return with_transaction<Category>(db_, TxMode::kWrite, [&](Connection& c) -> Result<Category> {
    if (category.parent_id) {
      ECRM_ASSIGN_OR_RETURN(auto parent, repo_.find_category(c, *category.parent_id));
      if (!parent) return unknown_category(*category.parent_id, "parent_id");
    }
    return repo_.insert_category(c, category);
  });
}

Result<Category> CatalogService::get_category(std::int64_t id) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto found, repo_.find_category(*lease, id));
  if (!found) return Error::not_found("no such category: " + std::to_string(id));
  return *found;
}

Result<std::vector<Category>> CatalogService::list_categories(const CategoryQuery& query,
                                                              std::optional<std::int64_t> after,
                                                              int limit) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return repo_.list_categories(*lease, query.parent, after, limit);
}

Result<Category> CatalogService::update_category(std::int64_t id, const CategoryChanges& changes) {
  std::optional<std::string> name;
  if (changes.name) {
    name = trim(*changes.name);
    ECRM_RETURN_IF_ERROR(check_text(*name, "name", kMaxName, true));
  }
  std::optional<std::string> slug;
  if (changes.slug) {
    slug = trim(*changes.slug);
    ECRM_RETURN_IF_ERROR(check_slug(*slug));
  }
  return with_transaction<Category>(db_, TxMode::kWrite, [&](Connection& c) -> Result<Category> {
    ECRM_ASSIGN_OR_RETURN(auto found, repo_.find_category(c, id));
    if (!found) return Error::not_found("no such category: " + std::to_string(id));
    Category category = *found;
    if (name) category.name = *name;
    if (slug) category.slug = *slug;
    if (changes.parent_id) {
      category.parent_id = *changes.parent_id;
      // Walk up from the new parent: meeting this category would close a cycle.
      std::optional<std::int64_t> cursor = category.parent_id;
      for (int depth = 0; cursor; ++depth) {
        if (*cursor == id || depth >= kMaxDepth) {
          return Error::unprocessable(
              "parent_id would make the category its own ancestor (or nest deeper than " +
                  std::to_string(kMaxDepth) + " levels)",
              "parent_id", "category_cycle");
        }
        ECRM_ASSIGN_OR_RETURN(auto ancestor, repo_.find_category(c, *cursor));
        if (!ancestor) return unknown_category(*cursor, "parent_id");
        cursor = ancestor->parent_id;
      }
    }
    category.updated_at = now_ms();
    ECRM_RETURN_IF_ERROR(repo_.update_category(c, category));
    return category;
  });
}

Status CatalogService::delete_category(std::int64_t id) {
  return with_transaction(db_, TxMode::kWrite, [&](Connection& c) -> Status {
    ECRM_ASSIGN_OR_RETURN(auto found, repo_.find_category(c, id));
    if (!found) return Error::not_found("no such category: " + std::to_string(id));
    ECRM_ASSIGN_OR_RETURN(auto children, repo_.count_child_categories(c, id));
    ECRM_ASSIGN_OR_RETURN(auto products, repo_.count_category_products(c, id));
    if (children > 0 || products > 0) {
      return Error::conflict("the category still has " + std::to_string(children) +
                                 " subcategories and " + std::to_string(products) + " products",
                             {}, "category_in_use");
    }
    return repo_.delete_category(c, id);
  });
}

Status CatalogService::validate(const Product& p) const {
  ECRM_RETURN_IF_ERROR(check_text(p.sku, "sku", kMaxSku, true));
  ECRM_RETURN_IF_ERROR(check_text(p.name, "name", kMaxName, true));
  ECRM_RETURN_IF_ERROR(check_text(p.brand, "brand", kMaxBrand, false));
  ECRM_RETURN_IF_ERROR(check_text(p.line, "line", kMaxLine, false));
  if (p.price < 0) return Error::invalid("price must not be negative", "price");
  if (p.cost && *p.cost < 0) return Error::invalid("cost must not be negative", "cost");
  if (p.version < 1 || p.version > kMaxVersion) {
    return Error::invalid("version must be from 1 to " + std::to_string(kMaxVersion), "version");
  }
  if (p.repurchase_days) {
    if (*p.repurchase_days < 1 || *p.repurchase_days > kMaxRepurchaseDays) {
      return Error::invalid(
          "repurchase_days must be from 1 to " + std::to_string(kMaxRepurchaseDays),
          "repurchase_days");
    }
    if (!p.consumable) {
      return Error::invalid("repurchase_days applies to consumable products only",
                            "repurchase_days");
    }
  }
  return {};
}

Status CatalogService::recompute_price_tiers(Connection& c,
                                             std::optional<std::int64_t> category_id) {
  ECRM_ASSIGN_OR_RETURN(auto group, repo_.tier_group(c, category_id));
  auto tiers = price_tiers(group);
  for (std::size_t i = 0; i < group.size(); ++i) {
    if (tiers[i] != group[i].stored) {
      ECRM_RETURN_IF_ERROR(repo_.set_price_tier(c, group[i].id, tiers[i]));
    }
  }
  return {};
}

Result<Product> CatalogService::create_product(const ProductInput& request) {
  ECRM_ASSIGN_OR_RETURN(Product p, prepare_product(request));
  return with_transaction<Product>(db_, TxMode::kWrite, [&](Connection& c) -> Result<Product> {
    if (p.category_id) {
      ECRM_ASSIGN_OR_RETURN(auto category, repo_.find_category(c, *p.category_id));
      if (!category) return unknown_category(*p.category_id, "category_id");
    }
    ECRM_ASSIGN_OR_RETURN(auto existing, repo_.find_product_by_sku(c, p.sku));
    if (existing) {
      return Error::conflict("a product with SKU '" + p.sku + "' already exists", "sku",
                             "sku_taken");
    }
    ECRM_ASSIGN_OR_RETURN(auto created, repo_.insert_product(c, p));
    ECRM_RETURN_IF_ERROR(recompute_price_tiers(c, created.category_id));
    ECRM_ASSIGN_OR_RETURN(auto stored, repo_.find_product(c, created.id));
    if (!stored) return Error::internal("product vanished after insert");
    return *stored;
  });
}

Result<Product> CatalogService::prepare_product(const ProductInput& request) const {
  Product p;
  p.sku = trim(request.sku);
  p.name = trim(request.name);
  p.category_id = request.category_id;
  p.brand = trim(request.brand.value_or(""));
  p.price = request.price;
  p.cost = request.cost;
  ECRM_ASSIGN_OR_RETURN(p.currency,
                        normalize_currency(request.currency.value_or(config_.default_currency)));
  p.line = trim(request.line.value_or(""));
  p.version = request.version.value_or(1);
  p.stock_on_hand = request.stock_on_hand.value_or(0);
  p.active = request.active.value_or(true);
  p.consumable = request.consumable.value_or(false);
  p.repurchase_days = request.repurchase_days;
  ECRM_RETURN_IF_ERROR(validate(p));
  p.created_at = p.updated_at = now_ms();
  return p;
}

Result<Product> CatalogService::get_product(std::int64_t id) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto found, repo_.find_product(*lease, id));
  if (!found) return Error::not_found("no such product: " + std::to_string(id));
  return *found;
}

Result<std::vector<Product>> CatalogService::list_products(const ProductQuery& query,
                                                           std::optional<std::int64_t> after,
                                                           int limit) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return repo_.list_products(*lease, query, after, limit);
}

Result<Product> CatalogService::update_product(std::int64_t id, const ProductChanges& changes) {
  std::optional<std::string> currency;
  if (changes.currency) {
    ECRM_ASSIGN_OR_RETURN(currency, normalize_currency(*changes.currency));
  }
  return with_transaction<Product>(db_, TxMode::kWrite, [&](Connection& c) -> Result<Product> {
    ECRM_ASSIGN_OR_RETURN(auto found, repo_.find_product(c, id));
    if (!found) return Error::not_found("no such product: " + std::to_string(id));
    const Product before = *found;
    Product p = before;
    if (changes.sku) p.sku = trim(*changes.sku);
    if (changes.name) p.name = trim(*changes.name);
    if (changes.category_id) p.category_id = *changes.category_id;
    if (changes.brand) p.brand = trim(*changes.brand);
    if (changes.price) p.price = *changes.price;
    if (changes.cost) p.cost = *changes.cost;
    if (currency) p.currency = *currency;
    if (changes.line) p.line = trim(*changes.line);
    if (changes.version) p.version = *changes.version;
    if (changes.stock_on_hand) p.stock_on_hand = *changes.stock_on_hand;
    if (changes.active) p.active = *changes.active;
    if (changes.consumable) p.consumable = *changes.consumable;
    if (changes.repurchase_days) p.repurchase_days = *changes.repurchase_days;
    if (!p.consumable && !changes.repurchase_days) p.repurchase_days.reset();
    ECRM_RETURN_IF_ERROR(validate(p));
    if (p.category_id && p.category_id != before.category_id) {
      ECRM_ASSIGN_OR_RETURN(auto category, repo_.find_category(c, *p.category_id));
      if (!category) return unknown_category(*p.category_id, "category_id");
    }
    if (p.sku != before.sku) {
      ECRM_ASSIGN_OR_RETURN(auto existing, repo_.find_product_by_sku(c, p.sku));
      if (existing) {
        return Error::conflict("a product with SKU '" + p.sku + "' already exists", "sku",
                               "sku_taken");
      }
    }
    p.updated_at = now_ms();
    ECRM_RETURN_IF_ERROR(repo_.update_product(c, p));
    if (p.price != before.price || p.active != before.active ||
        p.category_id != before.category_id) {
      ECRM_RETURN_IF_ERROR(recompute_price_tiers(c, p.category_id));
      if (p.category_id != before.category_id) {
        ECRM_RETURN_IF_ERROR(recompute_price_tiers(c, before.category_id));
      }
    }
    ECRM_ASSIGN_OR_RETURN(auto stored, repo_.find_product(c, id));
    if (!stored) return Error::internal("product vanished after update");
    return *stored;
  });
}

}  // namespace ecrm::catalog
