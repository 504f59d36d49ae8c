// Imports customers, products or orders from CSV (rows.hpp has the layouts).
//
// The file is streamed: memory stays bounded by one batch, whatever the file size. Records are
// upserted by their key (customer external id or e-mail, SKU, order number) in batched write
// transactions. Without `skip_bad` the whole file is validated first (rows, and the stored
// customers and products they refer to) and nothing is written if any row is bad, so a failed
// import leaves the database as it was; with `skip_bad` good records are written as they come
// and bad rows are reported. Orders in Shopify's layout create the customers (by e-mail) and
// products (by SKU) they name that do not exist yet; orders in ecrm's layout must name stored
// ones. An order key "#<number>" (how exports key orders without an external id) names the stored
// order of that number if it has no external id, else it is the key of a new order: an export
// imports back, into the database it came from or into another one.
//
// Updating a stored order changes only its status (forward along the life cycle, recorded in
// its history), carrier and tracking number: lines and amounts of a placed order stay as they
// were.
#pragma once

#include <functional>
#include <istream>
#include <memory>

#include "catalog/service.hpp"
#include "customers/service.hpp"
#include "exchange/model.hpp"
#include "exchange/repo.hpp"
#include "storage/database.hpp"

namespace ecrm::exchange {

// Opens the input from its start; called once per pass.
using InputOpener = std::function<Result<std::unique_ptr<std::istream>>()>;

class Importer {
 public:
  // The services must outlive the importer.
  Importer(storage::Database& db, customers::CustomerService& customers,
           catalog::CatalogService& catalog);

  // Runs the import. The report says what happened, including bad rows. An error is returned
  // only when the file cannot be read at all (kInvalidArgument naming line 1 for a bad header,
  // kUnavailable when the database fails); a file that turns malformed part-way stops the import
  // with the line in the report's errors.
  Result<ImportReport> run(const InputOpener& open, const ImportOptions& options);

 private:
  class Pass;

  storage::Database& db_;
  customers::CustomerService& customers_;
  catalog::CatalogService& catalog_;
};

}  // namespace ecrm::exchange
