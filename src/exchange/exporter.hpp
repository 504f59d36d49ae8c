// Exports customers, products or orders as CSV in ecrm's own layout (rows.hpp), which the
// importer reads back. The data is read in id-ordered pages and written as it is read, so memory
// stays bounded however large the shop. Customers merged into others and erased customers are
// left out; orders come one row per order line, keyed by their external id, or "#<number>" for
// orders without one.
#pragma once

#include <functional>
#include <string_view>

#include "core/result.hpp"
#include "exchange/model.hpp"
#include "storage/database.hpp"

namespace ecrm::exchange {

// Receives the CSV text piece by piece; returns false to stop (the reader has gone).
using CsvSink = std::function<bool(std::string_view)>;

class Exporter {
 public:
  explicit Exporter(storage::Database& db) : db_(db) {}

  // Writes the header and every row to `sink`. Returns the number of data rows;
  // kUnavailable when the sink stopped accepting.
  Result<std::int64_t> run(Entity entity, const CsvSink& sink);

 private:
  storage::Database& db_;
};

}  // namespace ecrm::exchange
