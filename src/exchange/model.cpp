#include "exchange/model.hpp"

namespace ecrm::exchange {

std::string_view to_string(Entity entity) {
  switch (entity) {
    case Entity::kCustomers: return "customers";
    case Entity::kProducts: return "products";
    case Entity::kOrders: return "orders";
  }
  return "customers";
}

std::optional<Entity> parse_entity(std::string_view text) {
  if (text == "customers") return Entity::kCustomers;
  if (text == "products") return Entity::kProducts;
  if (text == "orders") return Entity::kOrders;
  return std::nullopt;
}

std::string_view to_string(Format format) {
  switch (format) {
    case Format::kAuto: return "auto";
    case Format::kEcrm: return "ecrm";
    case Format::kShopify: return "shopify";
  }
  return "auto";
}

std::optional<Format> parse_format(std::string_view text) {
  if (text == "auto" || text.empty()) return Format::kAuto;
  if (text == "ecrm") return Format::kEcrm;
  if (text == "shopify") return Format::kShopify;
  return std::nullopt;
}

void ImportReport::add_error(RowError error) {
  ++bad_rows;
  if (errors.size() < kMaxReportedErrors) errors.push_back(std::move(error));
}

void ImportReport::add_warning(std::string warning) {
  if (warnings.size() < kMaxReportedWarnings) warnings.push_back(std::move(warning));
}

}  // namespace ecrm::exchange
