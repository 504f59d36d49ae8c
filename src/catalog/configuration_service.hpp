// Configurable products: staff read and replace a product's option groups, options and rules,
// and anyone who may read the catalog prices and checks a configuration (the configurator's
// rules, configurator.hpp). Orders check and price configured lines themselves, in their own
// transaction, with the same engine and ConfigurationRepo. No SQL here, no HTTP.
#pragma once

#include <cstdint>

#include "catalog/configuration_repo.hpp"
#include "catalog/repo.hpp"
#include "storage/database.hpp"

namespace ecrm::catalog {

class ConfigurationService {
 public:
  explicit ConfigurationService(storage::Database& db);

  // The product's configuration (no groups when it is not configurable); kNotFound for an
  // unknown product.
  Result<ProductConfiguration> get(std::int64_t product_id);
  // Replaces the product's configuration (prepare_configuration()'s rules and errors, kInvalid
  // naming the field); kUnprocessable unknown_partner naming the option's supplier_id for a
  // supplier that is not a partner; kNotFound for an unknown product. Nothing changes on error.
  Result<ProductConfiguration> replace(std::int64_t product_id,
                                       const ProductConfigurationInput& input);
  // Checks and prices a choice of options (quote_configuration()'s rules and errors);
  // kNotFound for an unknown product.
  Result<ConfigurationQuote> configure(std::int64_t product_id, const ConfigureRequest& request);

  // The shop's pages (the tracking snippet): get() and configure() of an active product, the
  // options' suppliers left out. kNotFound (field "id") for an unknown or inactive product.
  Result<ProductConfiguration> shop_configuration(std::int64_t product_id);
  Result<ConfigurationQuote> shop_quote(std::int64_t product_id, const ConfigureRequest& request);

 private:
  // The product's configuration; kNotFound for an unknown product, or an inactive one when
  // `active_only`.
  Result<ProductConfiguration> load(std::int64_t product_id, bool active_only);

  storage::Database& db_;
  CatalogRepo catalog_;
  ConfigurationRepo repo_;
};

}  // namespace ecrm::catalog
