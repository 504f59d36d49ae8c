// SQL for imports and exports: batched look-ups of the keys rows refer to, import job records,
// and the streaming reads behind the exports. Every statement is a named constant in repo.cpp.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/result.hpp"
#include "exchange/model.hpp"
#include "orders/model.hpp"
#include "storage/database.hpp"

namespace ecrm::exchange {

using storage::Connection;

struct StoredOrderState {
  std::int64_t id = 0;
  orders::OrderStatus status = orders::OrderStatus::kPlaced;
  std::string carrier;
  std::string tracking_number;
  UnixMs last_change_at = 0;
};

class ExchangeRepo {
 public:
  // Live customer ids by external id; a merged customer's id is replaced by its survivor's.
  Result<std::unordered_map<std::string, std::int64_t>> customers_by_external_id(
      Connection& c, std::span<const std::string> external_ids);
  // Live customer ids by normalised e-mail (the oldest customer when several share one).
  Result<std::unordered_map<std::string, std::int64_t>> customers_by_email(
      Connection& c, std::span<const std::string> emails);
  struct ProductKey {
    std::int64_t id = 0;
    std::string name;
  };
  // Products (id and name) by SKU.
  Result<std::unordered_map<std::string, ProductKey>> products_by_sku(
      Connection& c, std::span<const std::string> skus);
  // Stored orders by external id.
  Result<std::unordered_map<std::string, StoredOrderState>> orders_by_external_id(
      Connection& c, std::span<const std::string> external_ids);
  // Stored orders without an external id by their number (id): the key an export gives them
  // ("#<id>"), so that such an export imports back into the database it came from.
  Result<std::unordered_map<std::int64_t, StoredOrderState>> orders_without_external_id(
      Connection& c, std::span<const std::int64_t> ids);
  // Sets an imported order's status, carrier and tracking number.
  Status update_order_state(Connection& c, std::int64_t id, orders::OrderStatus status,
                            const std::string& carrier, const std::string& tracking_number,
                            UnixMs at);

  Result<std::int64_t> insert_job(Connection& c, const ImportJob& job);
  // Writes the progress and outcome columns of `job`.
  Status update_job(Connection& c, const ImportJob& job);
  Result<std::optional<ImportJob>> find_job(Connection& c, std::int64_t id);
  // Jobs newest first, continuing after job `after` (the older ones; all when nullopt).
  Result<std::vector<ImportJob>> list_jobs(Connection& c, std::optional<std::int64_t> after,
                                           int limit);
  // Marks jobs still queued or running as failed (a previous process stopped mid-way).
  Result<std::int64_t> fail_unfinished_jobs(Connection& c, UnixMs at, const std::string& message);

  // For the orders export: one row per order line of the orders with after < id <= up_to, in
  // order id and line id order. Columns: order id, external id, customer external id, customer
  // e-mail, placed_at, channel, status, time of the last status change, currency, subtotal,
  // discount, shipping, tax, total, carrier, tracking number, customer id, sku, line name,
  // quantity, unit price.
  Status read_order_lines(Connection& c, std::int64_t after, std::int64_t up_to,
                          const storage::RowCallback& on_row);
  // The largest order id (0 when there are none).
  Result<std::int64_t> max_order_id(Connection& c);
};

}  // namespace ecrm::exchange
