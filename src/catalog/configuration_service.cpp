#include "catalog/configuration_service.hpp"

#include <string>

namespace ecrm::catalog {

using storage::Connection;
using storage::TxMode;
using storage::with_transaction;

namespace {

Error no_product(std::int64_t id) {
  Error e = Error::not_found("no such product: " + std::to_string(id));
  e.field = "id";
  return e;
}

}  // namespace

ConfigurationService::ConfigurationService(storage::Database& db) : db_(db) {}

Result<ProductConfiguration> ConfigurationService::load(std::int64_t product_id,
                                                        bool active_only) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto product, catalog_.find_product(*lease, product_id));
  if (!product || (active_only && !product->active)) return no_product(product_id);
  return repo_.load(*lease, *product);
}

Result<ProductConfiguration> ConfigurationService::get(std::int64_t product_id) {
  return load(product_id, false);
}

Result<ProductConfiguration> ConfigurationService::replace(
    std::int64_t product_id, const ProductConfigurationInput& input) {
  ECRM_ASSIGN_OR_RETURN(auto prepared, prepare_configuration(input));
  return with_transaction<ProductConfiguration>(
      db_, TxMode::kWrite, [&](Connection& c) -> Result<ProductConfiguration> {
        ECRM_ASSIGN_OR_RETURN(auto product, catalog_.find_product(c, product_id));
        if (!product) return no_product(product_id);
        for (std::size_t g = 0; g < prepared.groups.size(); ++g) {
          const auto& options = prepared.groups[g].options;
          for (std::size_t o = 0; o < options.size(); ++o) {
            if (!options[o].supplier_id) continue;
            ECRM_ASSIGN_OR_RETURN(auto known, repo_.partner_exists(c, *options[o].supplier_id));
            if (!known) {
              return Error::unprocessable(
                  "there is no partner " + std::to_string(*options[o].supplier_id),
                  "groups[" + std::to_string(g) + "].options[" + std::to_string(o) +
                      "].supplier_id",
                  "unknown_partner");
            }
          }
        }
        ECRM_RETURN_IF_ERROR(repo_.replace(c, product_id, prepared, now_ms()));
        return repo_.load(c, *product);
      });
}

Result<ConfigurationQuote> ConfigurationService::configure(std::int64_t product_id,
                                                           const ConfigureRequest& request) {
  ECRM_ASSIGN_OR_RETURN(auto config, load(product_id, false));
  return quote_configuration(config, request.options, request.quantity.value_or(1));
}

Result<ProductConfiguration> ConfigurationService::shop_configuration(std::int64_t product_id) {
  ECRM_ASSIGN_OR_RETURN(auto config, load(product_id, true));
  for (auto& group : config.groups) {
    for (auto& option : group.options) option.supplier_id.reset();
  }
  return config;
}

Result<ConfigurationQuote> ConfigurationService::shop_quote(std::int64_t product_id,
                                                            const ConfigureRequest& request) {
  ECRM_ASSIGN_OR_RETURN(auto config, load(product_id, true));
  ECRM_ASSIGN_OR_RETURN(auto quote,
                        quote_configuration(config, request.options, request.quantity.value_or(1)));
  for (auto& option : quote.options) option.supplier_id.reset();
  return quote;
}

}  // namespace ecrm::catalog
