#include "partners/parts.hpp"

#include <limits>
#include <string>

#include "http/wire.hpp"

namespace ecrm::partners {

using storage::Connection;
using storage::RowView;
using storage::Value;

namespace {

constexpr std::int64_t kDayMs = 86'400'000;

// The parts partner $1 supplies, over options x, lines l, orders o, customers c and the
// partner's own state s of the line. A deactivated supplier keeps only the lines it acted on.
constexpr std::string_view kPartsFrom =
    "FROM order_line_options x JOIN order_lines l ON l.id = x.order_line_id "
    "JOIN orders o ON o.id = l.order_id JOIN customers c ON c.id = o.customer_id "
    "JOIN partners pa ON pa.id = $1 "
    "LEFT JOIN partner_line_states s ON s.order_line_id = l.id AND s.partner_id = $1 "
    "WHERE x.supplier_id = $1 AND o.status <> 'cancelled' "
    "AND (pa.active = 1 OR s.order_line_id IS NOT NULL) ";
constexpr std::string_view kPartsFilter =
    "AND ($2 = '' OR ($2 = 'open' AND s.acknowledged_at IS NULL AND s.shipped_at IS NULL) "
    "OR ($2 = 'acknowledged' AND s.acknowledged_at IS NOT NULL AND s.shipped_at IS NULL) "
    "OR ($2 = 'shipped' AND s.shipped_at IS NOT NULL)) AND ($3 = 0 OR o.id = $3) "
    "AND ($4 = 0 OR l.product_id = $4) AND l.id < $5 ";
constexpr std::string_view kPartColumns =
    "SELECT l.id, o.id, o.status, o.placed_at, l.product_id, l.quantity, s.acknowledged_at, "
    "s.shipped_at, s.carrier, s.tracking_number, pa.lead_time_days, c.name, c.city, c.country, "
    "x.option_id, x.group_name, x.sku, x.name, x.name_zh ";
// Every part row of the newest $6 lines that match.
const std::string kPartLines = std::string(kPartColumns) + std::string(kPartsFrom) +
                               std::string(kPartsFilter) + "AND l.id IN (SELECT DISTINCT l.id " +
                               std::string(kPartsFrom) + std::string(kPartsFilter) +
                               "ORDER BY l.id DESC LIMIT $6) ORDER BY l.id DESC, x.id";
const std::string kPartLine =
    std::string(kPartColumns) + std::string(kPartsFrom) + "AND l.id = $2 ORDER BY x.id";

// Appends a row to `out`: a new line, or a further part of the last one.
void read_part(const RowView& row, std::vector<PartnerLine>& out) {
  const std::int64_t line_id = row.get_int(0);
  if (out.empty() || out.back().id != line_id) {
    PartnerLine l;
    l.id = line_id;
    l.order_id = row.get_int(1);
    l.order_status = row.get_string(2);
    l.placed_at = row.get_int(3);
    l.product_id = row.get_int(4);
    l.quantity = row.get_int(5);
    l.acknowledged_at = row.get_optional_int(6);
    l.shipped_at = row.get_optional_int(7);
    if (!row.is_null(8)) l.carrier = row.get_string(8);
    if (!row.is_null(9)) l.tracking_number = row.get_string(9);
    l.state = l.shipped_at        ? LineState::kShipped
              : l.acknowledged_at ? LineState::kAcknowledged
                                  : LineState::kOpen;
    l.promised_by = l.placed_at + row.get_int(10) * kDayMs;
    l.delivery.name = row.get_string(11);
    l.delivery.city = row.get_string(12);
    l.delivery.country = row.get_string(13);
    l.sku = row.get_string(16);
    l.name = row.get_string(17);
    out.push_back(std::move(l));
  }
  PartnerLinePart part;
  part.option_id = row.get_int(14);
  part.group_name = row.get_string(15);
  part.sku = row.get_string(16);
  part.name = row.get_string(17);
  if (!row.is_null(18)) part.name_zh = row.get_string(18);
  part.quantity = out.back().quantity;
  out.back().parts.push_back(std::move(part));
}

}  // namespace

Result<std::vector<PartnerLine>> PartRepo::lines(Connection& c, std::int64_t partner_id,
                                                 const PartnerLineQuery& query,
                                                 std::optional<std::int64_t> before_id,
                                                 int limit) {
  std::vector<PartnerLine> out;
  const Value params[] = {partner_id,
                          query.state ? std::string(wire::enum_name(*query.state)) : std::string(),
                          query.order_id.value_or(0),
                          query.product_id.value_or(0),
                          before_id.value_or(std::numeric_limits<std::int64_t>::max()),
                          static_cast<std::int64_t>(limit)};
  ECRM_RETURN_IF_ERROR(
      c.query(kPartLines, params, [&](const RowView& row) { read_part(row, out); }));
  return out;
}

Result<std::optional<PartnerLine>> PartRepo::line(Connection& c, std::int64_t partner_id,
                                                  std::int64_t line_id) {
  std::vector<PartnerLine> out;
  ECRM_RETURN_IF_ERROR(
      c.query(kPartLine, {partner_id, line_id}, [&](const RowView& row) { read_part(row, out); }));
  if (out.empty()) return std::optional<PartnerLine>{};
  return std::optional<PartnerLine>{std::move(out.front())};
}

std::vector<PartnerLine> merge_parts(std::vector<PartnerLine> routed,
                                     std::vector<PartnerLine> parts, int limit) {
  std::vector<PartnerLine> out;
  std::size_t r = 0;
  std::size_t p = 0;
  while (static_cast<int>(out.size()) < limit && (r < routed.size() || p < parts.size())) {
    if (p == parts.size() || (r < routed.size() && routed[r].id > parts[p].id)) {
      out.push_back(std::move(routed[r++]));
    } else if (r == routed.size() || parts[p].id > routed[r].id) {
      out.push_back(std::move(parts[p++]));
    } else {
      PartnerLine merged = std::move(routed[r++]);
      merged.parts = std::move(parts[p++].parts);
      out.push_back(std::move(merged));
    }
  }
  return out;
}

}  // namespace ecrm::partners
