#include "orders/line_options.hpp"

#include <unordered_map>

namespace ecrm::orders {

using storage::Connection;
using storage::done;
using storage::kNull;
using storage::RowView;
using storage::Value;

namespace {

constexpr std::string_view kInsertLineOption =
    "INSERT INTO order_line_options (order_line_id, order_id, option_id, group_id, group_key, "
    "group_name, group_name_zh, sku, name, name_zh, price_delta, supplier_id) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";
constexpr std::string_view kLineOptionsOfOrder =
    "SELECT order_line_id, option_id, group_id, group_key, group_name, group_name_zh, sku, name, "
    "name_zh, price_delta, supplier_id FROM order_line_options WHERE order_id = $1 ORDER BY id";

Value text_or_null(const std::optional<std::string>& s) { return s ? Value{*s} : kNull; }
std::optional<std::string> optional_text(const RowView& row, int column) {
  if (row.is_null(column)) return std::nullopt;
  return row.get_string(column);
}

}  // namespace

Status LineOptionRepo::insert(Connection& c, std::int64_t order_id, std::int64_t order_line_id,
                              const std::vector<catalog::ChosenOption>& options) {
  for (const auto& o : options) {
    const Value params[] = {order_line_id,
                            order_id,
                            o.option_id,
                            o.group_id,
                            o.group_key,
                            o.group_name,
                            text_or_null(o.group_name_zh),
                            o.sku,
                            o.name,
                            text_or_null(o.name_zh),
                            o.price_delta,
                            o.supplier_id ? Value{*o.supplier_id} : kNull};
    ECRM_RETURN_IF_ERROR(done(c.execute(kInsertLineOption, params)));
  }
  return {};
}

Status LineOptionRepo::load(Connection& c, Order& order) {
  std::unordered_map<std::int64_t, OrderLine*> by_id;
  for (auto& line : order.lines) by_id[line.id] = &line;
  return c.query(kLineOptionsOfOrder, {order.id}, [&](const RowView& row) {
    auto it = by_id.find(row.get_int(0));
    if (it == by_id.end()) return;
    catalog::ChosenOption o;
    o.option_id = row.get_int(1);
    o.group_id = row.get_int(2);
    o.group_key = row.get_string(3);
    o.group_name = row.get_string(4);
    o.group_name_zh = optional_text(row, 5);
    o.sku = row.get_string(6);
    o.name = row.get_string(7);
    o.name_zh = optional_text(row, 8);
    o.price_delta = row.get_int(9);
    o.supplier_id = row.get_optional_int(10);
    it->second->options.push_back(std::move(o));
  });
}

}  // namespace ecrm::orders
