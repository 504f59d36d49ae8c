#include "orders/repo.hpp"

#include "orders/line_options.hpp"

#include <algorithm>
#include <charconv>
#include <iterator>
#include <map>
#include <unordered_map>

#include "search/index.hpp"
#include "storage/multi_row.hpp"

namespace ecrm::orders {

using storage::done;

using storage::kNull;
using storage::RowView;
using storage::Value;

namespace {

#define ECRM_ORDER_COLUMNS                                                                     \
  "o.id, o.external_id, o.customer_id, o.channel, o.status, o.currency, o.subtotal, "          \
  "o.discount, o.shipping, o.total, o.carrier, o.tracking_number, o.placed_at, o.created_at, " \
  "o.updated_at, (SELECT COALESCE(SUM(l.quantity), 0) FROM order_lines l "                     \
  "WHERE l.order_id = o.id), o.tax"

constexpr std::string_view kInsertOrder =
    "INSERT INTO orders (external_id, customer_id, channel, status, currency, subtotal, discount, "
    "shipping, total, carrier, tracking_number, placed_at, created_at, updated_at, tax, "
    "search_text, search_customer) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14, $15, "
    "coalesce((SELECT c.search_text FROM customers c WHERE c.id = $2), '')) RETURNING id";
constexpr std::string_view kInsertLine =
    "INSERT INTO order_lines (order_id, product_id, sku, name, quantity, unit_price, line_total) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";
// No-op updates: portable row locks (SELECT … FOR UPDATE is not SQLite).
constexpr std::string_view kLockOrder = "UPDATE orders SET updated_at = updated_at WHERE id = $1";
constexpr std::string_view kLockReturn = "UPDATE returns SET updated_at = updated_at WHERE id = $1";
constexpr std::string_view kFindOrder =
    "SELECT " ECRM_ORDER_COLUMNS " FROM orders o WHERE o.id = $1";
constexpr std::string_view kLinesOf =
    "SELECT l.id, l.product_id, l.sku, l.name, l.quantity, l.unit_price, l.line_total, "
    "(SELECT COALESCE(SUM(rl.quantity), 0) FROM return_lines rl "
    "JOIN returns r ON r.id = rl.return_id "
    "WHERE rl.order_line_id = l.id AND r.status <> 'rejected') "
    "FROM order_lines l WHERE l.order_id = $1 ORDER BY l.id";
// The lines of several orders (an IN list), for lists of orders.
constexpr storage::MultiRowShape kSkusOfOrders{
    "SELECT order_id, sku FROM order_lines WHERE order_id IN (", 1, ") ORDER BY order_id, id", "",
    true};
constexpr storage::MultiRowShape kOrdersById{
    "SELECT " ECRM_ORDER_COLUMNS " FROM orders o WHERE o.id IN (", 1, ")", "", true};
constexpr std::string_view kHistoryOf =
    "SELECT id, status, at, note, carrier, tracking_number, actor FROM order_status_history "
    "WHERE order_id = $1 ORDER BY at, id";
// $2 customer, $3 status, $4 channel, $5/$6 placed range; NULL leaves a filter out.
#define ECRM_ORDER_FILTERS                                                 \
  "AND (CAST($3 AS TEXT) IS NULL OR o.status = CAST($3 AS TEXT)) "         \
  "AND (CAST($4 AS TEXT) IS NULL OR o.channel = CAST($4 AS TEXT)) "        \
  "AND (CAST($5 AS BIGINT) IS NULL OR o.placed_at >= CAST($5 AS BIGINT)) " \
  "AND (CAST($6 AS BIGINT) IS NULL OR o.placed_at < CAST($6 AS BIGINT)) "
constexpr std::string_view kListOrders =
    "SELECT " ECRM_ORDER_COLUMNS
    " FROM orders o WHERE o.id < $1 "
    "AND (CAST($2 AS BIGINT) IS NULL OR o.customer_id = CAST($2 AS BIGINT)) " ECRM_ORDER_FILTERS
    "ORDER BY o.id DESC LIMIT $7";
// One customer's orders: a plain equality on customer_id lets both planners use the index.
constexpr std::string_view kListCustomerOrders =
    "SELECT " ECRM_ORDER_COLUMNS
    " FROM orders o WHERE o.id < $1 "
    "AND o.customer_id = $2 " ECRM_ORDER_FILTERS "ORDER BY o.id DESC LIMIT $7";
#undef ECRM_ORDER_FILTERS
// History rows and returns hold their order's customer (for the customer's timeline).
constexpr std::string_view kInsertStatus =
    "INSERT INTO order_status_history (order_id, status, at, note, carrier, tracking_number, "
    "actor, customer_id) VALUES ($1, $2, $3, $4, $5, $6, $7, "
    "(SELECT o.customer_id FROM orders o WHERE o.id = $1))";
constexpr std::string_view kUpdateStatus =
    "UPDATE orders SET status = $2, carrier = $3, tracking_number = $4, updated_at = $5 "
    "WHERE id = $1";

#define ECRM_RETURN_COLUMNS                                                                    \
  "r.id, r.order_id, o.customer_id, r.status, r.reason, r.note, r.refund_amount, o.currency, " \
  "r.created_at, r.updated_at"

constexpr std::string_view kInsertReturn =
    "INSERT INTO returns (order_id, status, reason, note, refund_amount, created_at, updated_at, "
    "customer_id) VALUES ($1, $2, $3, $4, $5, $6, $6, "
    "(SELECT o.customer_id FROM orders o WHERE o.id = $1)) RETURNING id";
constexpr std::string_view kInsertReturnLine =
    "INSERT INTO return_lines (return_id, order_line_id, quantity) VALUES ($1, $2, $3) "
    "RETURNING id";
constexpr std::string_view kFindReturn = "SELECT " ECRM_RETURN_COLUMNS
                                         " FROM returns r JOIN orders o ON o.id = r.order_id "
                                         "WHERE r.id = $1";
constexpr std::string_view kReturnsOfOrder = "SELECT " ECRM_RETURN_COLUMNS
                                             " FROM returns r JOIN orders o ON o.id = r.order_id "
                                             "WHERE r.order_id = $1 ORDER BY r.id";
constexpr std::string_view kReturnLinesOf =
    "SELECT rl.id, rl.order_line_id, l.product_id, l.sku, rl.quantity, rl.quantity * l.unit_price "
    "FROM return_lines rl JOIN order_lines l ON l.id = rl.order_line_id "
    "WHERE rl.return_id = $1 ORDER BY rl.id";
constexpr std::string_view kUpdateReturnStatus =
    "UPDATE returns SET status = $2, note = $3, updated_at = $4 WHERE id = $1";
constexpr std::string_view kReturnedQuantities =
    "SELECT rl.order_line_id, SUM(rl.quantity) FROM return_lines rl "
    "JOIN returns r ON r.id = rl.return_id WHERE r.order_id = $1 AND r.status <> 'rejected' "
    "GROUP BY rl.order_line_id";
constexpr std::string_view kSettledQuantities =
    "SELECT rl.order_line_id, SUM(rl.quantity) FROM return_lines rl "
    "JOIN returns r ON r.id = rl.return_id "
    "WHERE r.order_id = $1 AND r.status IN ('received', 'refunded') GROUP BY rl.order_line_id";

constexpr std::string_view kReassignCustomer =
    "UPDATE orders SET customer_id = $2 WHERE customer_id = $1 RETURNING id";
constexpr std::string_view kReassignHistory =
    "UPDATE order_status_history SET customer_id = $2 WHERE customer_id = $1";
constexpr std::string_view kReassignReturns =
    "UPDATE returns SET customer_id = $2 WHERE customer_id = $1";
constexpr std::string_view kRestoreCustomer =
    "UPDATE orders SET customer_id = $3 WHERE id = $1 AND customer_id = $2";
constexpr std::string_view kRestoreHistory =
    "UPDATE order_status_history SET customer_id = $3 WHERE order_id = $1 AND customer_id = $2";
constexpr std::string_view kRestoreReturns =
    "UPDATE returns SET customer_id = $3 WHERE order_id = $1 AND customer_id = $2";
constexpr std::string_view kOrderIdsOfCustomer =
    "SELECT id FROM orders WHERE customer_id = $1 ORDER BY id";
constexpr std::string_view kClearHistoryNotes =
    "UPDATE order_status_history SET note = '' WHERE customer_id = $1";
constexpr std::string_view kClearReturnNotes =
    "UPDATE returns SET note = '' WHERE customer_id = $1";
// A page of the customer's timeline: keyset reads along (customer_id, time, id), so a page deep
// in a long history costs what the first one does. The row-value comparison is a range of the
// index on both databases (the expanded OR is a filter to PostgreSQL).
constexpr std::string_view kStatusTimeline =
    "SELECT h.id, h.status, h.at, h.note, h.carrier, h.tracking_number, h.actor, o.id, o.total, "
    "o.currency, (SELECT COALESCE(SUM(l.quantity), 0) FROM order_lines l WHERE l.order_id = o.id) "
    "FROM order_status_history h JOIN orders o ON o.id = h.order_id "
    "WHERE h.customer_id = $1 AND (h.at, h.id) < ($2, $3) "
    "ORDER BY h.at DESC, h.id DESC LIMIT $4";
constexpr std::string_view kReturnTimeline =
    "SELECT " ECRM_RETURN_COLUMNS
    " FROM returns r JOIN orders o ON o.id = r.order_id "
    "WHERE r.customer_id = $1 AND (r.created_at, r.id) < ($2, $3) "
    "ORDER BY r.created_at DESC, r.id DESC LIMIT $4";

constexpr std::string_view kOrderTotals =
    "SELECT currency, COUNT(*), SUM(total), MIN(placed_at), MAX(placed_at) FROM orders "
    "WHERE customer_id = $1 AND status <> 'cancelled' GROUP BY currency";
constexpr std::string_view kRefunds =
    "SELECT o.currency, SUM(r.refund_amount) FROM returns r JOIN orders o ON o.id = r.order_id "
    "WHERE o.customer_id = $1 AND r.status = 'refunded' GROUP BY o.currency";
constexpr std::string_view kCountReturns =
    "SELECT COUNT(*) FROM returns r JOIN orders o ON o.id = r.order_id "
    "WHERE o.customer_id = $1 AND r.status <> 'rejected'";
constexpr std::string_view kFavouriteCategories =
    "SELECT p.category_id, c.name, SUM(l.quantity), SUM(l.line_total) FROM order_lines l "
    "JOIN orders o ON o.id = l.order_id JOIN products p ON p.id = l.product_id "
    "JOIN categories c ON c.id = p.category_id "
    "WHERE o.customer_id = $1 AND o.status <> 'cancelled' "
    "GROUP BY p.category_id, c.name ORDER BY SUM(l.quantity) DESC, SUM(l.line_total) DESC, "
    "p.category_id LIMIT $2";
constexpr std::string_view kProductSales =
    "SELECT o.currency, COUNT(DISTINCT o.id), COUNT(DISTINCT o.customer_id), SUM(l.quantity), "
    "SUM(l.line_total), MIN(o.placed_at), MAX(o.placed_at) FROM order_lines l "
    "JOIN orders o ON o.id = l.order_id WHERE l.product_id = $1 AND o.status <> 'cancelled' "
    "GROUP BY o.currency";
constexpr std::string_view kProductReturnedUnits =
    "SELECT o.currency, SUM(rl.quantity) FROM order_lines l "
    "JOIN return_lines rl ON rl.order_line_id = l.id JOIN returns r ON r.id = rl.return_id "
    "JOIN orders o ON o.id = l.order_id WHERE l.product_id = $1 AND r.status <> 'rejected' "
    "GROUP BY o.currency";

// The order columns for statements built at run time (searches).
constexpr std::string_view kOrderColumns = ECRM_ORDER_COLUMNS;

#undef ECRM_ORDER_COLUMNS
#undef ECRM_RETURN_COLUMNS

constexpr int kFavouriteCategoryCount = 3;

Value opt(const std::optional<std::string>& v) { return v ? Value(*v) : kNull; }
Value opt(const std::optional<std::int64_t>& v) { return v ? Value(*v) : kNull; }
// Enumerators are stored as their wire names.
template <typename E>
Value text_of(E v) {
  return std::string(wire::enum_name(v));
}
template <typename E>
Value text_of(const std::optional<E>& v) {
  return v ? text_of(*v) : kNull;
}
template <typename E>
E enum_at(const RowView& row, int column, E fallback) {
  return wire::parse_enum<E>(row.get_text(column)).value_or(fallback);
}

Order read_order(const RowView& row) {
  Order o;
  o.id = row.get_int(0);
  o.external_id = row.get_optional_string(1);
  o.customer_id = row.get_int(2);
  o.channel = enum_at(row, 3, Channel::kWeb);
  o.status = enum_at(row, 4, OrderStatus::kPlaced);
  o.currency = row.get_string(5);
  o.subtotal = row.get_int(6);
  o.discount = row.get_int(7);
  o.shipping = row.get_int(8);
  o.total = row.get_int(9);
  o.carrier = row.get_string(10);
  o.tracking_number = row.get_string(11);
  o.placed_at = row.get_int(12);
  o.created_at = row.get_int(13);
  o.updated_at = row.get_int(14);
  o.item_count = row.get_int(15);
  o.tax = row.get_int(16);
  return o;
}

StatusChange read_change(const RowView& row) {
  StatusChange change;
  change.id = row.get_int(0);
  change.status = enum_at(row, 1, OrderStatus::kPlaced);
  change.at = row.get_int(2);
  change.note = row.get_string(3);
  change.carrier = row.get_string(4);
  change.tracking_number = row.get_string(5);
  change.actor = row.get_string(6);
  return change;
}

Return read_return(const RowView& row) {
  Return r;
  r.id = row.get_int(0);
  r.order_id = row.get_int(1);
  r.customer_id = row.get_int(2);
  r.status = enum_at(row, 3, ReturnStatus::kRequested);
  r.reason = enum_at(row, 4, ReturnReason::kOther);
  r.note = row.get_string(5);
  r.refund_amount = row.get_int(6);
  r.currency = row.get_string(7);
  r.created_at = row.get_int(8);
  r.updated_at = row.get_int(9);
  return r;
}

Status load_return_lines(Connection& c, Return& r) {
  return c.query(kReturnLinesOf, {r.id}, [&](const RowView& row) {
    r.lines.push_back(ReturnLine{row.get_int(0), row.get_int(1), row.get_int(2), row.get_string(3),
                                 row.get_int(4), row.get_int(5)});
  });
}

}  // namespace

namespace {

// Inserts the order's own row; returns its id. kConflict external_id_taken.
// The order's own search document: its external id and the SKUs of its lines (its customer's
// document is copied next to it by the INSERT and kept in step by triggers).
std::string search_document(const Order& o) {
  search::Document doc;
  doc.field(o.external_id.value_or(""));
  for (const auto& line : o.lines) doc.field(line.sku);
  return doc.release();
}

Result<std::int64_t> insert_order_row(Connection& c, const Order& o) {
  auto id = c.query_int(kInsertOrder,
                        {opt(o.external_id), o.customer_id, text_of(o.channel), text_of(o.status),
                         o.currency, o.subtotal, o.discount, o.shipping, o.total, o.carrier,
                         o.tracking_number, o.placed_at, o.created_at, o.tax,
                         search_document(o)});
  if (!id.ok()) {
    if (id.error().kind == ErrorKind::kConflict && o.external_id) {
      return Error::conflict("an order with external id '" + *o.external_id + "' already exists",
                             "external_id", "external_id_taken");
    }
    return std::move(id).error();
  }
  return id->value_or(0);
}

}  // namespace

Result<Order> OrderRepo::insert(Connection& c, Order o) {
  ECRM_ASSIGN_OR_RETURN(o.id, insert_order_row(c, o));
  o.updated_at = o.created_at;
  for (auto& line : o.lines) {
    ECRM_ASSIGN_OR_RETURN(
        auto line_id, c.query_int(kInsertLine, {o.id, line.product_id, line.sku, line.name,
                                                line.quantity, line.unit_price, line.line_total}));
    line.id = line_id.value_or(0);
  }
  return o;
}

namespace {

constexpr std::string_view kInsertLinesHead =
    "INSERT INTO order_lines (order_id, product_id, sku, name, quantity, unit_price, line_total) "
    "VALUES ";
constexpr std::string_view kInsertHistoryHead =
    "INSERT INTO order_status_history (order_id, status, at, note, carrier, tracking_number, "
    "actor, customer_id) VALUES ";
constexpr storage::MultiRowShape kInsertLines{kInsertLinesHead, 7, ""};
constexpr storage::MultiRowShape kInsertHistory{kInsertHistoryHead, 8, ""};
constexpr std::size_t kRowsPerFlush = 256;
// Orders with ids given (read first for the whole batch), each taking its customer's search text.
constexpr storage::MultiRowShape kInsertOrders{
    "INSERT INTO orders (id, external_id, customer_id, channel, status, currency, subtotal, "
    "discount, shipping, total, carrier, tracking_number, placed_at, created_at, updated_at, tax, "
    "search_text, search_customer) SELECT v.column1, v.column2, v.column3, v.column4, v.column5, "
    "v.column6, v.column7, v.column8, v.column9, v.column10, v.column11, v.column12, v.column13, "
    "v.column14, v.column15, v.column16, v.column17, coalesce(c.search_text, '') FROM (VALUES ",
    17, ") AS v LEFT JOIN customers c ON c.id = v.column3", "ititttiiiittiiiit"};
// The last order id (SQLite gives max + 1 next; its write transactions hold the database lock).
constexpr std::string_view kLastOrderId = "SELECT coalesce(max(id), 0) FROM orders";
// `$1` new order ids from the sequence (PostgreSQL).
constexpr std::string_view kNextOrderIds =
    "SELECT nextval(pg_get_serial_sequence('orders', 'id')) FROM generate_series(1, $1)";

// True when `values` holds a flush's worth of rows of `shape`.
bool full(const storage::MultiRowShape& shape, const std::vector<Value>& values) {
  return values.size() >= static_cast<std::size_t>(shape.columns) * kRowsPerFlush;
}

// Inserts the rows held in `values` (shape.columns values each) and removes them: all of them
// when `all`, else the whole statements of kRowsPerFlush rows they fill (the rest stays for the
// next call), so that a flush is one statement, not a statement per chunk size.
Status insert_rows(Connection& c, const storage::MultiRowShape& shape, std::vector<Value>& values,
                   bool all = true) {
  const auto columns = static_cast<std::size_t>(shape.columns);
  std::size_t rows = values.size() / columns;
  if (!all) rows -= rows % kRowsPerFlush;
  ECRM_RETURN_IF_ERROR(storage::execute_rows(
      c, shape, rows,
      [&](std::size_t row, std::vector<Value>& params) {
        auto first = values.begin() + static_cast<std::ptrdiff_t>(row * columns);
        params.insert(params.end(), std::make_move_iterator(first),
                      std::make_move_iterator(first + static_cast<std::ptrdiff_t>(columns)));
      },
      all ? storage::kDefaultChunks : storage::ChunkSizes{kRowsPerFlush}));
  values.erase(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(rows * columns));
  return {};
}

// Fills in the ids of `orders`, read for all of them with one statement.
Status assign_order_ids(Connection& c, std::vector<Order>& orders) {
  if (orders.empty()) return {};
  if (c.backend() == storage::Backend::kSqlite) {
    ECRM_ASSIGN_OR_RETURN(auto last, c.query_int(kLastOrderId));
    std::int64_t next = last.value_or(0);
    for (auto& o : orders) o.id = ++next;
    return {};
  }
  std::size_t at = 0;
  ECRM_RETURN_IF_ERROR(c.query(kNextOrderIds, {static_cast<std::int64_t>(orders.size())},
                               [&](const RowView& row) {
                                 if (at < orders.size()) orders[at++].id = row.get_int(0);
                               }));
  if (at != orders.size()) return Error::internal("the order id sequence gave too few ids");
  return {};
}

}  // namespace

Status OrderRepo::insert_many(Connection& c, std::vector<Order>& orders) {
  ECRM_RETURN_IF_ERROR(assign_order_ids(c, orders));
  auto inserted = storage::execute_rows(
      c, kInsertOrders, orders.size(), [&](std::size_t i, std::vector<Value>& params) {
        const Order& o = orders[i];
        params.insert(params.end(),
                      {o.id, opt(o.external_id), o.customer_id, text_of(o.channel),
                       text_of(o.status), o.currency, o.subtotal, o.discount, o.shipping, o.total,
                       o.carrier, o.tracking_number, o.placed_at, o.created_at, o.created_at, o.tax,
                       search_document(o)});
      });
  if (!inserted.ok()) {
    if (inserted.error().kind == ErrorKind::kConflict) {
      return Error::conflict("an order with one of these external ids already exists",
                             "external_id", "external_id_taken");
    }
    return inserted;
  }
  std::vector<Value> lines, history;
  for (auto& o : orders) {
    for (const auto& line : o.lines) {
      lines.insert(lines.end(), {o.id, line.product_id, line.sku, line.name, line.quantity,
                                 line.unit_price, line.line_total});
    }
    for (const auto& s : o.history) {
      history.insert(history.end(), {o.id, text_of(s.status), s.at, s.note, s.carrier,
                                     s.tracking_number, s.actor, o.customer_id});
    }
    if (full(kInsertLines, lines)) {
      ECRM_RETURN_IF_ERROR(insert_rows(c, kInsertLines, lines, false));
    }
    if (full(kInsertHistory, history)) {
      ECRM_RETURN_IF_ERROR(insert_rows(c, kInsertHistory, history, false));
    }
  }
  ECRM_RETURN_IF_ERROR(insert_rows(c, kInsertLines, lines));
  return insert_rows(c, kInsertHistory, history);
}

Status OrderRepo::lock(Connection& c, std::int64_t order_id) {
  return done(c.execute(kLockOrder, {order_id}));
}

Status OrderRepo::lock_return(Connection& c, std::int64_t return_id) {
  return done(c.execute(kLockReturn, {return_id}));
}

Result<std::optional<Order>> OrderRepo::find(Connection& c, std::int64_t id) {
  std::optional<Order> found;
  ECRM_RETURN_IF_ERROR(
      c.query(kFindOrder, {id}, [&](const RowView& row) { found = read_order(row); }));
  if (!found) return found;
  ECRM_RETURN_IF_ERROR(c.query(kLinesOf, {id}, [&](const RowView& row) {
    found->lines.push_back(OrderLine{row.get_int(0), row.get_int(1), row.get_string(2),
                                     row.get_string(3), row.get_int(4), row.get_int(5),
                                     row.get_int(6), row.get_int(7)});
  }));
  ECRM_RETURN_IF_ERROR(c.query(
      kHistoryOf, {id}, [&](const RowView& row) { found->history.push_back(read_change(row)); }));
  ECRM_RETURN_IF_ERROR(LineOptionRepo{}.load(c, *found));
  return found;
}

Result<std::vector<Order>> OrderRepo::find_many(Connection& c, std::span<const std::int64_t> ids) {
  std::unordered_map<std::int64_t, Order> by_id;
  ECRM_RETURN_IF_ERROR(storage::query_in_list(c, kOrdersById, ids, [&](const RowView& row) {
    Order o = read_order(row);
    by_id.emplace(o.id, std::move(o));
  }));
  ECRM_RETURN_IF_ERROR(storage::query_in_list(c, kSkusOfOrders, ids, [&](const RowView& row) {
    if (auto it = by_id.find(row.get_int(0)); it != by_id.end()) {
      OrderLine line;
      line.sku = row.get_string(1);
      it->second.lines.push_back(std::move(line));
    }
  }));
  std::vector<Order> out;
  for (std::int64_t id : ids) {
    if (auto it = by_id.find(id); it != by_id.end()) out.push_back(std::move(it->second));
    by_id.erase(id);
  }
  return out;
}

namespace {

// The list with a search text: the search index drives in id order (newest first), the other
// filters are checked on the rows it yields ('+' keeps SQLite's planner on the index); `number`
// adds the order of that number.
search::Sql search_statement(storage::Backend backend, const OrderQuery& q,
                             const search::Query& text, std::optional<std::int64_t> number,
                             std::int64_t before, int limit) {
  search::Sql sql(backend);
  const std::string plus = backend == storage::Backend::kSqlite ? "+" : "";
  const auto source = search::match_source(backend, kOrderIndex, "o");
  if (number) {
    sql << "SELECT " << kOrderColumns << " FROM orders o WHERE o.id = ";
    sql.bind(*number);
  } else {
    sql << "SELECT " << kOrderColumns << " FROM " << source.from << " WHERE ";
    search::append_any_match(sql, kOrderIndex, "o", text);
  }
  const std::string key = number ? "o.id" : source.key;
  sql << " AND " << key << " < ";
  sql.bind(before);
  auto filter = [&](std::string_view column, storage::Value value, std::string_view op = " = ") {
    sql << " AND " << plus << std::string(column) << std::string(op);
    sql.bind(std::move(value));
  };
  if (q.customer) filter("o.customer_id", *q.customer);
  if (q.status) filter("o.status", std::string(wire::enum_name(*q.status)));
  if (q.channel) filter("o.channel", std::string(wire::enum_name(*q.channel)));
  if (q.placed_from) filter("o.placed_at", *q.placed_from, " >= ");
  if (q.placed_to) filter("o.placed_at", *q.placed_to, " < ");
  sql << " ORDER BY " << key << " DESC LIMIT ";
  sql.bind(std::int64_t{limit});
  return sql;
}

}  // namespace

std::optional<std::int64_t> order_number(std::string_view text) {
  if (!text.empty() && text.front() == '#') text.remove_prefix(1);
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc{} || end != text.data() + text.size() || n <= 0) return std::nullopt;
  return n;
}

search::Sql OrderRepo::search_sql(storage::Backend backend, const OrderQuery& q) {
  return search_statement(backend, q, search::parse_query(q.q.value_or("")), std::nullopt,
                          INT64_MAX, 50);
}

Result<std::vector<Order>> OrderRepo::list(Connection& c, const OrderQuery& q,
                                           std::optional<std::int64_t> before, int limit) {
  std::vector<Order> out;
  if (q.q) {
    const search::Query text = search::parse_query(*q.q);
    if (text.empty()) return out;
    auto read = [&](const search::Sql& sql) {
      return c.query(sql.text(), sql.params(),
                     [&](const RowView& row) { out.push_back(read_order(row)); });
    };
    const std::int64_t bound = before.value_or(INT64_MAX);
    ECRM_RETURN_IF_ERROR(read(search_statement(c.backend(), q, text, std::nullopt, bound, limit)));
    // The order of that number joins the matches in id order (the index knows no numbers).
    if (auto number = order_number(text.text); number && *number < bound) {
      const std::size_t found = out.size();
      ECRM_RETURN_IF_ERROR(read(search_statement(c.backend(), q, text, number, bound, 1)));
      if (out.size() > found) {
        Order numbered = std::move(out.back());
        out.pop_back();
        const bool listed = std::any_of(out.begin(), out.end(),
                                        [&](const Order& o) { return o.id == numbered.id; });
        if (!listed) {
          auto at = std::find_if(out.begin(), out.end(),
                                 [&](const Order& o) { return o.id < numbered.id; });
          out.insert(at, std::move(numbered));
          if (static_cast<int>(out.size()) > limit) out.pop_back();
        }
      }
    }
    return out;
  }
  // With a customer, the statement whose plain equality both planners serve from
  // orders_customer_id; the general one would walk every order by id.
  ECRM_RETURN_IF_ERROR(
      c.query(q.customer ? kListCustomerOrders : kListOrders,
              {before.value_or(INT64_MAX), opt(q.customer), text_of(q.status), text_of(q.channel),
               opt(q.placed_from), opt(q.placed_to), std::int64_t{limit}},
              [&](const RowView& row) { out.push_back(read_order(row)); }));
  return out;
}

Status OrderRepo::insert_status(Connection& c, std::int64_t order_id, const StatusChange& s) {
  return done(c.execute(kInsertStatus, {order_id, text_of(s.status), s.at, s.note, s.carrier,
                                        s.tracking_number, s.actor}));
}

Status OrderRepo::update_status(Connection& c, const Order& o) {
  return done(c.execute(kUpdateStatus,
                        {o.id, text_of(o.status), o.carrier, o.tracking_number, o.updated_at}));
}

Result<Return> OrderRepo::insert_return(Connection& c, Return r) {
  ECRM_ASSIGN_OR_RETURN(
      auto id, c.query_int(kInsertReturn, {r.order_id, text_of(r.status), text_of(r.reason), r.note,
                                           r.refund_amount, r.created_at}));
  r.id = id.value_or(0);
  r.updated_at = r.created_at;
  for (auto& line : r.lines) {
    ECRM_ASSIGN_OR_RETURN(
        auto line_id, c.query_int(kInsertReturnLine, {r.id, line.order_line_id, line.quantity}));
    line.id = line_id.value_or(0);
  }
  return r;
}

Result<std::optional<Return>> OrderRepo::find_return(Connection& c, std::int64_t id) {
  std::optional<Return> found;
  ECRM_RETURN_IF_ERROR(
      c.query(kFindReturn, {id}, [&](const RowView& row) { found = read_return(row); }));
  if (found) ECRM_RETURN_IF_ERROR(load_return_lines(c, *found));
  return found;
}

Result<std::vector<Return>> OrderRepo::returns_of(Connection& c, std::int64_t order_id) {
  std::vector<Return> out;
  ECRM_RETURN_IF_ERROR(c.query(kReturnsOfOrder, {order_id},
                               [&](const RowView& row) { out.push_back(read_return(row)); }));
  for (auto& r : out) ECRM_RETURN_IF_ERROR(load_return_lines(c, r));
  return out;
}

Status OrderRepo::update_return_status(Connection& c, std::int64_t id, ReturnStatus status,
                                       const std::string& note, UnixMs at) {
  return done(c.execute(kUpdateReturnStatus, {id, text_of(status), note, at}));
}

Result<std::vector<std::pair<std::int64_t, std::int64_t>>> OrderRepo::returned_quantities(
    Connection& c, std::int64_t order_id, bool settled_only) {
  std::vector<std::pair<std::int64_t, std::int64_t>> out;
  ECRM_RETURN_IF_ERROR(
      c.query(settled_only ? kSettledQuantities : kReturnedQuantities, {order_id},
              [&](const RowView& row) { out.emplace_back(row.get_int(0), row.get_int(1)); }));
  return out;
}

Result<std::vector<std::int64_t>> OrderRepo::reassign_customer(Connection& c, std::int64_t from,
                                                               std::int64_t to) {
  std::vector<std::int64_t> ids;
  ECRM_RETURN_IF_ERROR(c.query(kReassignCustomer, {from, to},
                               [&](const RowView& row) { ids.push_back(row.get_int(0)); }));
  std::sort(ids.begin(), ids.end());
  ECRM_RETURN_IF_ERROR(done(c.execute(kReassignHistory, {from, to})));
  ECRM_RETURN_IF_ERROR(done(c.execute(kReassignReturns, {from, to})));
  return ids;
}

Status OrderRepo::restore_customer(Connection& c, std::int64_t order_id, std::int64_t from,
                                   std::int64_t to) {
  ECRM_RETURN_IF_ERROR(done(c.execute(kRestoreCustomer, {order_id, from, to})));
  ECRM_RETURN_IF_ERROR(done(c.execute(kRestoreHistory, {order_id, from, to})));
  return done(c.execute(kRestoreReturns, {order_id, from, to}));
}

Result<std::vector<std::int64_t>> OrderRepo::order_ids_of_customer(Connection& c,
                                                                   std::int64_t customer_id) {
  std::vector<std::int64_t> ids;
  ECRM_RETURN_IF_ERROR(c.query(kOrderIdsOfCustomer, {customer_id},
                               [&](const RowView& row) { ids.push_back(row.get_int(0)); }));
  return ids;
}

Status OrderRepo::clear_customer_notes(Connection& c, std::int64_t customer_id) {
  ECRM_RETURN_IF_ERROR(done(c.execute(kClearHistoryNotes, {customer_id})));
  return done(c.execute(kClearReturnNotes, {customer_id}));
}

Result<std::vector<CustomerStatusEntry>> OrderRepo::status_timeline(
    Connection& c, std::int64_t customer_id, UnixMs at, std::int64_t id_bound, int limit) {
  std::vector<CustomerStatusEntry> out;
  ECRM_RETURN_IF_ERROR(c.query(kStatusTimeline, {customer_id, at, id_bound, std::int64_t{limit}},
                               [&](const RowView& row) {
                                 CustomerStatusEntry e;
                                 e.change = read_change(row);
                                 e.order_id = row.get_int(7);
                                 e.total = row.get_int(8);
                                 e.currency = row.get_string(9);
                                 e.item_count = row.get_int(10);
                                 out.push_back(std::move(e));
                               }));
  return out;
}

Result<std::vector<Return>> OrderRepo::return_timeline(Connection& c, std::int64_t customer_id,
                                                       UnixMs at, std::int64_t id_bound,
                                                       int limit) {
  std::vector<Return> out;
  ECRM_RETURN_IF_ERROR(c.query(kReturnTimeline, {customer_id, at, id_bound, std::int64_t{limit}},
                               [&](const RowView& row) { out.push_back(read_return(row)); }));
  return out;
}

Status OrderRepo::summarize(Connection& c, std::int64_t customer_id,
                            customers::CustomerSummary& summary) {
  std::map<std::string, std::int64_t> refunds;
  ECRM_RETURN_IF_ERROR(c.query(kRefunds, {customer_id}, [&](const RowView& row) {
    refunds[row.get_string(0)] = row.get_int(1);
  }));
  ECRM_RETURN_IF_ERROR(c.query(kOrderTotals, {customer_id}, [&](const RowView& row) {
    customers::CurrencyRevenue revenue;
    revenue.currency = row.get_string(0);
    revenue.orders = row.get_int(1);
    revenue.revenue = row.get_int(2) - refunds[revenue.currency];
    summary.order_count += revenue.orders;
    UnixMs first = row.get_int(3);
    UnixMs last = row.get_int(4);
    if (!summary.first_order_at || first < *summary.first_order_at) summary.first_order_at = first;
    if (!summary.last_order_at || last > *summary.last_order_at) summary.last_order_at = last;
    summary.revenue.push_back(std::move(revenue));
  }));
  std::sort(summary.revenue.begin(), summary.revenue.end(),
            [](const customers::CurrencyRevenue& a, const customers::CurrencyRevenue& b) {
              return a.orders != b.orders ? a.orders > b.orders : a.currency < b.currency;
            });
  ECRM_ASSIGN_OR_RETURN(auto returns, c.query_int(kCountReturns, {customer_id}));
  summary.returns += returns.value_or(0);
  return c.query(kFavouriteCategories, {customer_id, std::int64_t{kFavouriteCategoryCount}},
                 [&](const RowView& row) {
                   summary.favourite_categories.push_back(customers::CategoryShare{
                       row.get_int(0), row.get_string(1), row.get_int(2), row.get_int(3)});
                 });
}

Result<std::vector<ProductSales>> OrderRepo::product_sales(Connection& c, std::int64_t product_id) {
  std::vector<ProductSales> out;
  ECRM_RETURN_IF_ERROR(c.query(kProductSales, {product_id}, [&](const RowView& row) {
    ProductSales s;
    s.currency = row.get_string(0);
    s.orders = row.get_int(1);
    s.customers = row.get_int(2);
    s.units = row.get_int(3);
    s.revenue = row.get_int(4);
    s.first_ordered_at = row.get_int(5);
    s.last_ordered_at = row.get_int(6);
    out.push_back(std::move(s));
  }));
  ECRM_RETURN_IF_ERROR(c.query(kProductReturnedUnits, {product_id}, [&](const RowView& row) {
    const std::string currency = row.get_string(0);
    for (ProductSales& s : out) {
      if (s.currency == currency) s.returned_units = row.get_int(1);
    }
  }));
  std::sort(out.begin(), out.end(), [](const ProductSales& a, const ProductSales& b) {
    return a.orders != b.orders ? a.orders > b.orders : a.currency < b.currency;
  });
  return out;
}

}  // namespace ecrm::orders
