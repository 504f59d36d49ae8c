#include "exchange/repo.hpp"

#include <algorithm>
#include <limits>
#include <string_view>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/time.hpp"
#include "http/wire.hpp"
#include "storage/multi_row.hpp"

namespace ecrm::exchange {
namespace {

using storage::done;
using storage::kNull;
using storage::RowView;
using storage::Value;

// Look-ups bind a fixed number of keys per statement (the last key repeated to fill the list),
// so each look-up is one prepared statement whatever the batch size; the lists are long, as a
// batch of 10,000 records looks up 10,000 keys of each kind and each statement is a round trip
// to PostgreSQL.
constexpr std::size_t kKeysPerLookup = 512;

constexpr storage::MultiRowShape kCustomersByExternalId{
    "SELECT external_id, id, merged_into, erased_at FROM customers WHERE external_id IN (", 1, ")",
    {}, true};
constexpr std::string_view kCustomerMergedInto =
    "SELECT merged_into FROM customers WHERE id = $1";
constexpr storage::MultiRowShape kCustomersByEmail{
    "SELECT email_normalized, MIN(id) FROM customers WHERE merged_into IS NULL AND erased_at IS NULL "
    "AND email_normalized IN (",
    1, ") GROUP BY email_normalized", {}, true};
constexpr storage::MultiRowShape kProductsBySku{"SELECT sku, id, name FROM products WHERE sku IN (",
                                                1, ")", {}, true};
constexpr storage::MultiRowShape kOrdersByExternalId{
    "SELECT o.external_id, o.id, o.status, o.carrier, o.tracking_number, "
    "(SELECT MAX(h.at) FROM order_status_history h WHERE h.order_id = o.id) "
    "FROM orders o WHERE o.external_id IN (",
    1, ")", {}, true};
constexpr storage::MultiRowShape kOrdersWithoutExternalId{
    "SELECT o.id, o.status, o.carrier, o.tracking_number, "
    "(SELECT MAX(h.at) FROM order_status_history h WHERE h.order_id = o.id) "
    "FROM orders o WHERE o.external_id IS NULL AND o.id IN (",
    1, ")", {}, true};
constexpr std::string_view kUpdateOrderState =
    "UPDATE orders SET status = $2, carrier = $3, tracking_number = $4, updated_at = $5 WHERE id = $1";

#define ECRM_JOB_COLUMNS                                                                      \
  "id, entity, format, status, phase, dry_run, skip_bad, file_name, bytes_total, bytes_done, " \
  "rows_read, records, inserted, updated, unchanged, bad_rows, errors, warnings, message, "     \
  "created_by, created_at, started_at, finished_at"
constexpr std::string_view kInsertJob =
    "INSERT INTO import_jobs (entity, format, status, phase, dry_run, skip_bad, file_name, "
    "bytes_total, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
    "RETURNING id";
constexpr std::string_view kUpdateJob =
    "UPDATE import_jobs SET format = $2, status = $3, phase = $4, bytes_total = $5, "
    "bytes_done = $6, rows_read = $7, records = $8, inserted = $9, updated = $10, unchanged = $11, "
    "bad_rows = $12, errors = $13, warnings = $14, message = $15, started_at = $16, "
    "finished_at = $17 WHERE id = $1";
constexpr std::string_view kFindJob = "SELECT " ECRM_JOB_COLUMNS " FROM import_jobs WHERE id = $1";
constexpr std::string_view kListJobs = "SELECT " ECRM_JOB_COLUMNS
                                       " FROM import_jobs WHERE id < $1 ORDER BY id DESC LIMIT $2";
#undef ECRM_JOB_COLUMNS
constexpr std::string_view kFailUnfinishedJobs =
    "UPDATE import_jobs SET status = 'failed', phase = '', message = $2, finished_at = $1 "
    "WHERE status IN ('queued', 'running')";

constexpr std::string_view kOrderLinesForExport =
    "SELECT o.id, o.external_id, cu.external_id, cu.email, o.placed_at, o.channel, o.status, "
    "(SELECT MAX(h.at) FROM order_status_history h WHERE h.order_id = o.id), o.currency, "
    "o.subtotal, o.discount, o.shipping, o.tax, o.total, o.carrier, o.tracking_number, "
    "o.customer_id, l.sku, l.name, l.quantity, l.unit_price "
    "FROM orders o JOIN customers cu ON cu.id = o.customer_id "
    "JOIN order_lines l ON l.order_id = o.id "
    "WHERE o.id > $1 AND o.id <= $2 ORDER BY o.id, l.id";
constexpr std::string_view kMaxOrderId = "SELECT MAX(id) FROM orders";

// Job times: ISO-8601 text in the record, unix milliseconds in the table.
Value stored_time(const std::optional<std::string>& text) {
  auto ms = text ? parse_iso8601(*text) : std::nullopt;
  return ms ? Value(*ms) : kNull;
}
std::optional<std::string> time_text(const std::optional<std::int64_t>& ms) {
  return ms ? std::optional<std::string>(format_iso8601(*ms)) : std::nullopt;
}

// Stored JSON text of a described value (the errors and warnings of a job).
template <typename T>
T read_stored(std::string_view text) {
  boost::json::error_code ec;
  auto parsed = boost::json::parse(text, ec);
  if (ec) return T{};
  auto value = wire::read<T>(parsed);
  return value.ok() ? std::move(value).value() : T{};
}

template <typename T>
std::string stored(const T& value) {
  return boost::json::serialize(wire::to_json(value));
}

template <typename E>
std::string text(E value) {
  return std::string(wire::enum_name(value));
}

ImportJob read_job(const RowView& row) {
  ImportJob j;
  j.id = row.get_int(0);
  j.entity = wire::parse_enum<Entity>(row.get_text(1)).value_or(Entity::kCustomers);
  j.format = wire::parse_enum<Format>(row.get_text(2)).value_or(Format::kAuto);
  j.status = wire::parse_enum<JobStatus>(row.get_text(3)).value_or(JobStatus::kFailed);
  j.phase = row.get_string(4);
  j.dry_run = row.get_int(5) != 0;
  j.skip_bad = row.get_int(6) != 0;
  j.file_name = row.get_string(7);
  j.bytes_total = row.get_int(8);
  j.bytes_done = row.get_int(9);
  j.rows_read = row.get_int(10);
  j.records = row.get_int(11);
  j.inserted = row.get_int(12);
  j.updated = row.get_int(13);
  j.unchanged = row.get_int(14);
  j.bad_rows = row.get_int(15);
  j.errors = read_stored<std::vector<RowError>>(row.get_text(16));
  j.warnings = read_stored<std::vector<std::string>>(row.get_text(17));
  j.message = row.get_string(18);
  j.created_by = row.get_string(19);
  j.created_at = format_iso8601(row.get_int(20));
  j.started_at = time_text(row.get_optional_int(21));
  j.finished_at = time_text(row.get_optional_int(22));
  return j;
}

// Runs `sql` for the keys in chunks of kKeysPerLookup.
Status lookup(Connection& c, const storage::MultiRowShape& shape, std::span<const std::string> keys,
              const storage::RowCallback& on_row) {
  std::vector<std::string> unique(keys.begin(), keys.end());
  std::sort(unique.begin(), unique.end());
  unique.erase(std::unique(unique.begin(), unique.end()), unique.end());
  std::vector<Value> params(kKeysPerLookup);
  for (std::size_t start = 0; start < unique.size(); start += kKeysPerLookup) {
    std::size_t n = std::min(kKeysPerLookup, unique.size() - start);
    for (std::size_t i = 0; i < kKeysPerLookup; ++i) {
      params[i] = unique[start + std::min(i, n - 1)];
    }
    ECRM_RETURN_IF_ERROR(c.query(storage::multi_row_sql(shape, kKeysPerLookup), params, on_row));
  }
  return {};
}

// An order's state as both order look-ups read it: id, status, carrier, tracking number and the
// time of its last status change, from column `first` on.
StoredOrderState order_state(const RowView& row, int first) {
  StoredOrderState s;
  s.id = row.get_int(first);
  s.status = wire::parse_enum<orders::OrderStatus>(row.get_text(first + 1))
                 .value_or(orders::OrderStatus::kPlaced);
  s.carrier = row.get_string(first + 2);
  s.tracking_number = row.get_string(first + 3);
  s.last_change_at = row.get_int(first + 4);
  return s;
}

}  // namespace

Result<std::unordered_map<std::string, std::int64_t>> ExchangeRepo::customers_by_external_id(
    Connection& c, std::span<const std::string> external_ids) {
  std::unordered_map<std::string, std::int64_t> out;
  std::vector<std::pair<std::string, std::int64_t>> merged;
  ECRM_RETURN_IF_ERROR(lookup(c, kCustomersByExternalId, external_ids, [&](const RowView& row) {
    if (!row.is_null(3)) return;  // erased: no longer matchable
    if (!row.is_null(2)) {
      merged.emplace_back(row.get_string(0), row.get_int(2));
    } else {
      out.emplace(row.get_string(0), row.get_int(1));
    }
  }));
  for (auto& [key, id] : merged) {
    // Follow the merge chain to the surviving customer.
    std::int64_t current = id;
    for (int hop = 0; hop < 100; ++hop) {
      ECRM_ASSIGN_OR_RETURN(auto next, c.query_int(kCustomerMergedInto, {current}));
      if (!next) break;
      current = *next;
    }
    out.emplace(key, current);
  }
  return out;
}

Result<std::unordered_map<std::string, std::int64_t>> ExchangeRepo::customers_by_email(
    Connection& c, std::span<const std::string> emails) {
  std::unordered_map<std::string, std::int64_t> out;
  ECRM_RETURN_IF_ERROR(lookup(c, kCustomersByEmail, emails, [&](const RowView& row) {
    out.emplace(row.get_string(0), row.get_int(1));
  }));
  return out;
}

Result<std::unordered_map<std::string, ExchangeRepo::ProductKey>> ExchangeRepo::products_by_sku(
    Connection& c, std::span<const std::string> skus) {
  std::unordered_map<std::string, ProductKey> out;
  ECRM_RETURN_IF_ERROR(lookup(c, kProductsBySku, skus, [&](const RowView& row) {
    out.emplace(row.get_string(0), ProductKey{row.get_int(1), row.get_string(2)});
  }));
  return out;
}

Result<std::unordered_map<std::string, StoredOrderState>> ExchangeRepo::orders_by_external_id(
    Connection& c, std::span<const std::string> external_ids) {
  std::unordered_map<std::string, StoredOrderState> out;
  ECRM_RETURN_IF_ERROR(lookup(c, kOrdersByExternalId, external_ids, [&](const RowView& row) {
    out.emplace(row.get_string(0), order_state(row, 1));
  }));
  return out;
}

Result<std::unordered_map<std::int64_t, StoredOrderState>> ExchangeRepo::orders_without_external_id(
    Connection& c, std::span<const std::int64_t> ids) {
  std::unordered_map<std::int64_t, StoredOrderState> out;
  ECRM_RETURN_IF_ERROR(storage::query_in_list(c, kOrdersWithoutExternalId, ids, [&](const RowView& row) {
    StoredOrderState s = order_state(row, 0);
    const std::int64_t id = s.id;
    out.emplace(id, std::move(s));
  }));
  return out;
}

Status ExchangeRepo::update_order_state(Connection& c, std::int64_t id, orders::OrderStatus status,
                                        const std::string& carrier,
                                        const std::string& tracking_number, UnixMs at) {
  return done(c.execute(kUpdateOrderState,
                        {id, std::string(wire::enum_name(status)), carrier, tracking_number, at}));
}

Result<std::int64_t> ExchangeRepo::insert_job(Connection& c, const ImportJob& j) {
  ECRM_ASSIGN_OR_RETURN(
      auto id, c.query_int(kInsertJob,
                           {text(j.entity), text(j.format), text(j.status), j.phase,
                            std::int64_t{j.dry_run}, std::int64_t{j.skip_bad}, j.file_name,
                            j.bytes_total, j.created_by, parse_iso8601(j.created_at).value_or(0)}));
  if (!id) return Error::internal("import job insert returned no id");
  return *id;
}

Status ExchangeRepo::update_job(Connection& c, const ImportJob& j) {
  std::vector<Value> params = {j.id,
                               text(j.format),
                               text(j.status),
                               j.phase,
                               j.bytes_total,
                               j.bytes_done,
                               j.rows_read,
                               j.records,
                               j.inserted,
                               j.updated,
                               j.unchanged,
                               j.bad_rows,
                               stored(j.errors),
                               stored(j.warnings),
                               j.message,
                               stored_time(j.started_at),
                               stored_time(j.finished_at)};
  return done(c.execute(kUpdateJob, params));
}

Result<std::optional<ImportJob>> ExchangeRepo::find_job(Connection& c, std::int64_t id) {
  std::optional<ImportJob> found;
  ECRM_RETURN_IF_ERROR(c.query(kFindJob, {id}, [&](const RowView& row) { found = read_job(row); }));
  return found;
}

Result<std::vector<ImportJob>> ExchangeRepo::list_jobs(Connection& c,
                                                       std::optional<std::int64_t> after,
                                                       int limit) {
  std::vector<ImportJob> out;
  ECRM_RETURN_IF_ERROR(c.query(
      kListJobs, {after.value_or(std::numeric_limits<std::int64_t>::max()), std::int64_t{limit}},
      [&](const RowView& row) { out.push_back(read_job(row)); }));
  return out;
}

Result<std::int64_t> ExchangeRepo::fail_unfinished_jobs(Connection& c, UnixMs at,
                                                        const std::string& message) {
  return c.execute(kFailUnfinishedJobs, {at, message});
}

Status ExchangeRepo::read_order_lines(Connection& c, std::int64_t after, std::int64_t up_to,
                                      const storage::RowCallback& on_row) {
  return c.query(kOrderLinesForExport, {after, up_to}, on_row);
}

Result<std::int64_t> ExchangeRepo::max_order_id(Connection& c) {
  ECRM_ASSIGN_OR_RETURN(auto id, c.query_int(kMaxOrderId));
  return id.value_or(0);
}

}  // namespace ecrm::exchange
