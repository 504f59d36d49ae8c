#include "orders/integrity.hpp"

namespace ecrm::orders {
namespace {

constexpr std::string_view kLineTotals =
    "SELECT order_id, id, quantity, unit_price, line_total FROM order_lines"
    " WHERE line_total <> quantity * unit_price ORDER BY order_id, id LIMIT $1";

// Orders with lines whose subtotal is not their sum (an order imported without lines has no
// lines to add up).
constexpr std::string_view kSubtotals =
    "SELECT o.id, o.subtotal, s.lines_total FROM orders o"
    " JOIN (SELECT order_id, SUM(line_total) AS lines_total FROM order_lines GROUP BY order_id) s"
    "   ON s.order_id = o.id"
    " WHERE o.subtotal <> s.lines_total ORDER BY o.id LIMIT $1";

constexpr std::string_view kTotals =
    "SELECT id, subtotal, discount, shipping, tax, total FROM orders"
    " WHERE total <> subtotal - discount + shipping + tax ORDER BY id LIMIT $1";

}  // namespace

Result<std::vector<std::string>> check_totals(storage::Connection& c, std::size_t limit) {
  std::vector<std::string> problems;
  const storage::Value cap{static_cast<std::int64_t>(limit)};
  auto n = [](const storage::RowView& row, int column) { return std::to_string(row.get_int(column)); };
  ECRM_RETURN_IF_ERROR(c.query(kLineTotals, {cap}, [&](const storage::RowView& row) {
    problems.push_back("order " + n(row, 0) + ": line " + n(row, 1) + " totals " + n(row, 4) + ", not " +
                       n(row, 2) + " × " + n(row, 3));
  }));
  ECRM_RETURN_IF_ERROR(c.query(kSubtotals, {cap}, [&](const storage::RowView& row) {
    problems.push_back("order " + n(row, 0) + ": subtotal " + n(row, 1) + ", but its lines total " + n(row, 2));
  }));
  ECRM_RETURN_IF_ERROR(c.query(kTotals, {cap}, [&](const storage::RowView& row) {
    problems.push_back("order " + n(row, 0) + ": total " + n(row, 5) + ", not subtotal " + n(row, 1) +
                       " − discount " + n(row, 2) + " + shipping " + n(row, 3) + " + tax " + n(row, 4));
  }));
  if (problems.size() > limit) problems.resize(limit);
  return problems;
}

}  // namespace ecrm::orders
