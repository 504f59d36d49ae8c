// CSV import and export of customers, products and orders as plain values: what an import was
// asked to do, how far it got, and what it found wrong, row by row.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/describe.hpp"

namespace ecrm::exchange {

enum class Entity { kCustomers, kProducts, kOrders };
ECRM_DESCRIBE_ENUM(Entity, kCustomers, kProducts, kOrders)

// Column layouts. kAuto picks one from the header row.
enum class Format { kAuto, kEcrm, kShopify };
ECRM_DESCRIBE_ENUM(Format, kAuto, kEcrm, kShopify)

// A row that cannot be imported: its physical line in the file (a multi-line quoted field
// counts from its first line), the column at fault (empty for the row as a whole) and why.
struct RowError {
  std::int64_t line = 0;
  std::string field;
  std::string message;
};
ECRM_DESCRIBE(RowError, line, field, message)

// The first errors an import keeps; further ones are only counted.
inline constexpr std::size_t kMaxReportedErrors = 1000;
inline constexpr std::size_t kMaxReportedWarnings = 100;

struct ImportProgress {
  std::string phase;  // "validating" or "importing"
  std::uint64_t bytes_done = 0;
  std::uint64_t bytes_total = 0;  // 0 when unknown (a pipe)
  std::int64_t rows_read = 0;
};

struct ImportOptions {
  Entity entity = Entity::kCustomers;
  Format format = Format::kAuto;
  // Validate every row (including references to stored customers and products) and store
  // nothing.
  bool dry_run = false;
  // Store the good rows and report the bad ones. Without it, one bad row means nothing is
  // stored: the whole file is validated before the first write.
  bool skip_bad = false;
  // Records (customers, products or orders) per write transaction.
  int batch_size = 10000;
  std::uint64_t bytes_total = 0;  // size of the input, for progress; 0 when unknown
  // Called every few thousand rows and at the end of each phase, on the importing thread.
  std::function<void(const ImportProgress&)> on_progress;
  std::string actor;  // recorded on order history rows the import writes
};

struct ImportReport {
  Entity entity = Entity::kCustomers;
  Format format = Format::kAuto;  // the layout used (detected when kAuto was asked)
  bool dry_run = false;
  bool skip_bad = false;
  bool committed = false;  // something was written
  std::int64_t rows_read = 0;   // data rows (the header excluded)
  std::int64_t records = 0;     // customers, products or orders read (an order spans rows)
  std::int64_t inserted = 0;
  std::int64_t updated = 0;
  std::int64_t unchanged = 0;
  std::int64_t bad_rows = 0;    // exact, however many errors are kept
  std::int64_t created_customers = 0;  // orders: customers created from e-mail addresses
  std::int64_t created_products = 0;   // orders: products created from unknown SKUs
  std::vector<RowError> errors;        // the first kMaxReportedErrors
  std::vector<std::string> warnings;   // the first kMaxReportedWarnings
  std::string message;                 // one line for people
  double seconds = 0;

  void add_error(RowError error);
  void add_warning(std::string warning);
};

enum class JobStatus { kQueued, kRunning, kSucceeded, kFailed };
ECRM_DESCRIBE_ENUM(JobStatus, kQueued, kRunning, kSucceeded, kFailed)

// An import run by the server (see migrations/0005_exchange.sql), as the API shows it; its
// times are ISO-8601 text.
struct ImportJob {
  std::int64_t id = 0;
  Entity entity = Entity::kCustomers;
  Format format = Format::kAuto;
  JobStatus status = JobStatus::kQueued;
  std::string phase;
  bool dry_run = false;
  bool skip_bad = false;
  std::string file_name;
  std::int64_t bytes_total = 0;
  std::int64_t bytes_done = 0;
  std::int64_t rows_read = 0;
  std::int64_t records = 0;
  std::int64_t inserted = 0;
  std::int64_t updated = 0;
  std::int64_t unchanged = 0;
  std::int64_t bad_rows = 0;
  std::vector<RowError> errors;
  std::vector<std::string> warnings;
  std::string message;
  std::string created_by;
  std::string created_at;
  std::optional<std::string> started_at;
  std::optional<std::string> finished_at;
};
ECRM_DESCRIBE(ImportJob, id, entity, format, status, phase, dry_run, skip_bad, file_name,
              bytes_total, bytes_done, rows_read, records, inserted, updated, unchanged, bad_rows,
              errors, warnings, message, created_by, created_at, started_at, finished_at)

// The query parameters of an upload; the body is the CSV file.
struct ImportQuery {
  Format format = Format::kAuto;
  bool dry_run = false;
  bool skip_bad = false;
  std::optional<std::string> file_name;  // for people, when the body is the bare file
};
ECRM_DESCRIBE(ImportQuery, format, dry_run, skip_bad, file_name)

}  // namespace ecrm::exchange
