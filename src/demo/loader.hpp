// Writes a generated demo shop into a database through the capabilities' repositories
// (catalog::CatalogRepo, customers::CustomerRepo, orders::OrderRepo), in batched
// transactions: the catalog in one, then customers and their orders in batches, generated
// batch by batch so that memory stays flat however many customers are asked for. The site
// traffic goes through the events pipeline (events::validate_event, events::IngestWriter) as
// the tracking snippet's events would: each batch's customers' devices once the batch is in,
// the anonymous visitors at the end.
#pragma once

#include <cstdint>
#include <functional>

#include "core/result.hpp"
#include "demo/model.hpp"
#include "demo/stats.hpp"
#include "storage/database.hpp"

namespace ecrm::demo {

struct LoadOptions {
  std::int64_t batch = 500;  // customers per transaction, and orders per transaction
  // Called after each batch with the customers written so far and the total.
  std::function<void(std::int64_t done, std::int64_t total)> progress;
};

class DemoLoader {
 public:
  explicit DemoLoader(storage::Database& db);

  // Customer rows in the database (of any kind).
  Result<std::int64_t> count_customers();

  // Generates the demo shop for `config` and writes it. Refuses a database that already has
  // customers, products, categories or orders: kConflict (code database_not_empty). Validates
  // config.customers (kInvalidArgument, field customers). A failure part-way leaves the
  // batches already committed in place. Returns figures about what was written (the traffic's
  // events as the pipeline stored them).
  Result<DemoStats> load(const DemoConfig& config, const LoadOptions& options = {});

 private:
  storage::Database& db_;
};

}  // namespace ecrm::demo
