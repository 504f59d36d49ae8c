#include "partners/repo.hpp"

#include <limits>

#include "http/wire.hpp"
#include "partners/parts.hpp"

namespace ecrm::partners {

using storage::done;
using storage::kNull;
using storage::RowView;
using storage::Value;

namespace {

constexpr std::int64_t kDayMs = 86'400'000;

constexpr std::string_view kInsertPartner =
    "INSERT INTO partners (name, kind, email, phone, country, lead_time_days, active, created_at, "
    "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id";
constexpr std::string_view kPartnerColumns =
    "SELECT id, name, kind, email, phone, country, lead_time_days, active, created_at, "
    "updated_at FROM partners ";
const std::string kFindPartner = std::string(kPartnerColumns) + "WHERE id = $1";
const std::string kListPartners =
    std::string(kPartnerColumns) + "WHERE id > $1 AND ($2 = '' OR kind = $2) ORDER BY id LIMIT $3";
constexpr std::string_view kUpdatePartner =
    "UPDATE partners SET name = $2, email = $3, phone = $4, country = $5, lead_time_days = $6, "
    "active = $7, updated_at = $8 WHERE id = $1";
constexpr std::string_view kInsertContact =
    "INSERT INTO partner_contacts (partner_id, name, email, phone, position, created_at) "
    "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
constexpr std::string_view kContactsOf =
    "SELECT id, name, email, phone, position FROM partner_contacts WHERE partner_id = $1 "
    "ORDER BY id";

constexpr std::string_view kInsertUser =
    "INSERT INTO partner_users (partner_id, email, name, role, active, created_at) "
    "VALUES ($1, $2, $3, $4, 1, $5) RETURNING id";
constexpr std::string_view kUpdateUser =
    "UPDATE partner_users SET role = $2, active = $3 WHERE id = $1";
constexpr std::string_view kUserColumns =
    "SELECT u.id, u.partner_id, u.email, u.name, u.role, u.active, u.created_at ";
const std::string kFindUser = std::string(kUserColumns) + "FROM partner_users u WHERE u.id = $1";
const std::string kUsersOf =
    std::string(kUserColumns) + "FROM partner_users u WHERE u.partner_id = $1 ORDER BY u.id";
const std::string kUserOfSession = std::string(kUserColumns) +
                                   ", pa.name, pa.kind, pa.active FROM partner_users u "
                                   "JOIN partners pa ON pa.id = u.partner_id WHERE u.id = $1";

constexpr std::string_view kInsertLink =
    "INSERT INTO partner_products (partner_id, product_id, category_id, cost, currency, "
    "lead_time_days, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) "
    "RETURNING id";
constexpr std::string_view kLinkColumns =
    "SELECT pp.id, pp.partner_id, pp.product_id, pp.category_id, p.sku, p.name, "
    "p.stock_on_hand, pp.cost, pp.currency, pp.lead_time_days, pp.updated_at "
    "FROM partner_products pp LEFT JOIN products p ON p.id = pp.product_id ";
const std::string kLinksOf = std::string(kLinkColumns) + "WHERE pp.partner_id = $1 ORDER BY pp.id";
const std::string kLinkOfProduct = std::string(kLinkColumns) +
                                   "WHERE pp.partner_id = $1 AND pp.product_id = $2 "
                                   "ORDER BY pp.id LIMIT 1";
constexpr std::string_view kSetLinkLeadTime =
    "UPDATE partner_products SET lead_time_days = $2, updated_at = $3 WHERE id = $1";
constexpr std::string_view kProductExists = "SELECT 1 FROM products WHERE id = $1";
constexpr std::string_view kCategoryExists = "SELECT 1 FROM categories WHERE id = $1";
constexpr std::string_view kOrderExists = "SELECT 1 FROM orders WHERE id = $1";

constexpr std::string_view kInsertRule =
    "INSERT INTO partner_routing_rules (partner_id, country, category_id, created_at) "
    "VALUES ($1, $2, $3, $4) RETURNING id";
constexpr std::string_view kRulesOf =
    "SELECT id, partner_id, country, category_id FROM partner_routing_rules "
    "WHERE partner_id = $1 ORDER BY id";
constexpr std::string_view kDeleteRoute = "DELETE FROM partner_order_routes WHERE order_id = $1";
constexpr std::string_view kInsertRoute =
    "INSERT INTO partner_order_routes (order_id, partner_id, created_at, actor) "
    "VALUES ($1, $2, $3, $4)";

// The supplier of line l (orders o, products p, customers c): the active supplier linked to its
// product, else to its category; NULL for none.
constexpr std::string_view kSupplierOfLine =
    "(SELECT pp.partner_id FROM partner_products pp JOIN partners sp ON sp.id = pp.partner_id "
    "WHERE sp.kind = 'supplier' AND sp.active = 1 AND (pp.product_id = l.product_id "
    "OR (pp.product_id IS NULL AND pp.category_id = p.category_id)) "
    "ORDER BY CASE WHEN pp.product_id IS NULL THEN 1 ELSE 0 END, pp.cost, pp.partner_id "
    "LIMIT 1)";
// The distributor of line l: staff's route of its order, else the first matching rule; NULL.
constexpr std::string_view kDistributorOfLine =
    "COALESCE((SELECT r.partner_id FROM partner_order_routes r WHERE r.order_id = o.id), "
    "(SELECT rr.partner_id FROM partner_routing_rules rr JOIN partners dp ON dp.id = rr.partner_id "
    "WHERE dp.kind <> 'supplier' AND dp.active = 1 AND (rr.country = '' OR rr.country = c.country) "
    "AND (rr.category_id IS NULL OR rr.category_id = p.category_id) ORDER BY rr.id LIMIT 1))";
// The lines of partner $1: FROM and the routing condition (repo.hpp), over orders o, lines l,
// products p, customers c and the partner's own state s. A state of a line the partner supplies
// parts of is the state of its parts (parts.cpp), not a claim on the whole line.
const std::string kLinesFrom =
    "FROM order_lines l JOIN orders o ON o.id = l.order_id "
    "JOIN products p ON p.id = l.product_id JOIN customers c ON c.id = o.customer_id "
    "JOIN partners pa ON pa.id = $1 "
    "LEFT JOIN partner_line_states s ON s.order_line_id = l.id AND s.partner_id = $1 "
    "WHERE o.status <> 'cancelled' AND ((s.order_line_id IS NOT NULL AND NOT EXISTS (SELECT 1 "
    "FROM order_line_options px WHERE px.order_line_id = l.id AND px.supplier_id = $1)) "
    "OR " +
    std::string(kSupplierOfLine) + " = $1 OR " + std::string(kDistributorOfLine) + " = $1) ";
// The lead time promised for line l by partner $1: its product link, else its category link,
// else the partner's own.
constexpr std::string_view kPromisedDays =
    "COALESCE((SELECT MIN(pp.lead_time_days) FROM partner_products pp WHERE pp.partner_id = $1 "
    "AND pp.product_id = l.product_id), (SELECT MIN(pp.lead_time_days) FROM partner_products pp "
    "WHERE pp.partner_id = $1 AND pp.product_id IS NULL AND pp.category_id = p.category_id), "
    "pa.lead_time_days)";
// The unit cost of line l to partner $1: its product link, its category link, the product's.
constexpr std::string_view kUnitCost =
    "COALESCE((SELECT MIN(pp.cost) FROM partner_products pp WHERE pp.partner_id = $1 "
    "AND pp.product_id = l.product_id), (SELECT MIN(pp.cost) FROM partner_products pp "
    "WHERE pp.partner_id = $1 AND pp.product_id IS NULL AND pp.category_id = p.category_id), "
    "p.cost, 0)";

const std::string kLineSelect =
    "SELECT l.id, o.id, o.status, o.placed_at, l.product_id, l.sku, l.name, l.quantity, "
    "s.acknowledged_at, s.shipped_at, s.carrier, s.tracking_number, " +
    std::string(kPromisedDays) + ", c.name, c.city, c.country " + std::string(kLinesFrom);
const std::string kLines =
    kLineSelect +
    "AND ($2 = '' OR ($2 = 'open' AND s.acknowledged_at IS NULL AND s.shipped_at IS NULL) "
    "OR ($2 = 'acknowledged' AND s.acknowledged_at IS NOT NULL AND s.shipped_at IS NULL) "
    "OR ($2 = 'shipped' AND s.shipped_at IS NOT NULL)) AND ($3 = 0 OR o.id = $3) "
    "AND ($4 = 0 OR l.product_id = $4) AND l.id < $5 ORDER BY l.id DESC LIMIT $6";
const std::string kLine = kLineSelect + "AND l.id = $2";

constexpr std::string_view kAcknowledge =
    "INSERT INTO partner_line_states (order_line_id, partner_id, acknowledged_at, actor) "
    "VALUES ($1, $2, $3, $4) ON CONFLICT (order_line_id, partner_id) DO UPDATE SET "
    "acknowledged_at = COALESCE(partner_line_states.acknowledged_at, excluded.acknowledged_at)";
constexpr std::string_view kShip =
    "INSERT INTO partner_line_states (order_line_id, partner_id, acknowledged_at, shipped_at, "
    "carrier, tracking_number, actor) VALUES ($1, $2, $3, $3, $4, $5, $6) "
    "ON CONFLICT (order_line_id, partner_id) DO UPDATE SET "
    "acknowledged_at = COALESCE(partner_line_states.acknowledged_at, excluded.acknowledged_at), "
    "shipped_at = excluded.shipped_at, carrier = excluded.carrier, "
    "tracking_number = excluded.tracking_number, actor = excluded.actor";

// The lines that may be partner $1's without a routing rule of its own: those it has a state
// for, those of the products and categories it is linked to, and those of the orders routed to
// it. A superset of its lines that is read through indexes; kLinesFrom's condition then decides.
constexpr std::string_view kCandidateLines =
    "AND l.id IN (SELECT cs.order_line_id FROM partner_line_states cs WHERE cs.partner_id = $1 "
    "UNION SELECT cl.id FROM partner_products cp JOIN order_lines cl "
    "ON cl.product_id = cp.product_id WHERE cp.partner_id = $1 "
    "UNION SELECT cl.id FROM partner_products cp JOIN products cq ON cq.category_id = "
    "cp.category_id JOIN order_lines cl ON cl.product_id = cq.id WHERE cp.partner_id = $1 "
    "AND cp.product_id IS NULL "
    "UNION SELECT cl.id FROM partner_order_routes cr JOIN order_lines cl "
    "ON cl.order_id = cr.order_id WHERE cr.partner_id = $1) ";
constexpr std::string_view kHasRoutingRules =
    "SELECT 1 FROM partner_routing_rules WHERE partner_id = $1 LIMIT 1";

// One row per line of partner $1 with what the scorecard sums; $2: the currency of revenue.
// Followed by kCandidateLines for a partner without routing rules (a rule may route the lines
// of any order).
const std::string kTotals =
    "SELECT COUNT(*), COALESCE(SUM(x.quantity), 0), "
    "COALESCE(SUM(CASE WHEN x.shipped_at IS NOT NULL THEN 1 ELSE 0 END), 0), "
    "COALESCE(SUM(CASE WHEN x.shipped_at IS NOT NULL AND x.shipped_at <= x.placed_at + "
    "CAST(x.promised_days AS BIGINT) * " +
    std::to_string(kDayMs) +
    " THEN 1 ELSE 0 END), 0), "
    "COALESCE(SUM(x.returned), 0), COALESCE(SUM(x.defective), 0), "
    "COALESCE(SUM(CASE WHEN x.currency = $2 THEN x.line_total ELSE 0 END), 0), "
    "COALESCE(SUM(CASE WHEN x.currency = $2 THEN x.quantity * x.unit_cost ELSE 0 END), 0) "
    "FROM (SELECT l.quantity, l.line_total, o.currency, o.placed_at, s.shipped_at, " +
    std::string(kPromisedDays) + " AS promised_days, " + std::string(kUnitCost) +
    " AS unit_cost, "
    "(SELECT COALESCE(SUM(rl.quantity), 0) FROM return_lines rl JOIN returns r "
    "ON r.id = rl.return_id WHERE rl.order_line_id = l.id AND r.status <> 'rejected') AS returned, "
    "(SELECT COALESCE(SUM(rl.quantity), 0) FROM return_lines rl JOIN returns r "
    "ON r.id = rl.return_id WHERE rl.order_line_id = l.id AND r.status <> 'rejected' "
    "AND r.reason IN ('defective', 'damaged')) AS defective " +
    std::string(kLinesFrom);
// One row per line partner $1 supplies parts of and that is not its line already (kLinesFrom),
// with kTotals' columns: the line's units, returns and the partner's state; the parts' price
// deltas times the units as revenue, no cost; due by the partner's own lead time (the portal's
// "ship by" of a part, parts.cpp). A deactivated supplier keeps the lines it acted on.
const std::string kPartTotals =
    "SELECT l.quantity, l.quantity * x.price_delta, o.currency, o.placed_at, s.shipped_at, "
    "pa.lead_time_days, 0, "
    "(SELECT COALESCE(SUM(rl.quantity), 0) FROM return_lines rl JOIN returns r "
    "ON r.id = rl.return_id WHERE rl.order_line_id = l.id AND r.status <> 'rejected'), "
    "(SELECT COALESCE(SUM(rl.quantity), 0) FROM return_lines rl JOIN returns r "
    "ON r.id = rl.return_id WHERE rl.order_line_id = l.id AND r.status <> 'rejected' "
    "AND r.reason IN ('defective', 'damaged')) "
    "FROM (SELECT order_line_id, CAST(SUM(price_delta) AS BIGINT) AS price_delta "
    "FROM order_line_options WHERE supplier_id = $1 GROUP BY order_line_id) x "
    "JOIN order_lines l ON l.id = x.order_line_id JOIN orders o ON o.id = l.order_id "
    "JOIN products p ON p.id = l.product_id JOIN customers c ON c.id = o.customer_id "
    "JOIN partners pa ON pa.id = $1 "
    "LEFT JOIN partner_line_states s ON s.order_line_id = l.id AND s.partner_id = $1 "
    "WHERE o.status <> 'cancelled' AND (pa.active = 1 OR s.order_line_id IS NOT NULL) "
    "AND COALESCE(" +
    std::string(kSupplierOfLine) + ", 0) <> $1 AND COALESCE(" + std::string(kDistributorOfLine) +
    ", 0) <> $1";
const std::string kTotalsByRules = kTotals + " UNION ALL " + kPartTotals + ") x";
const std::string kTotalsOfCandidates =
    kTotals + std::string(kCandidateLines) + " UNION ALL " + kPartTotals + ") x";
constexpr std::string_view kLeadTimeAt =
    "SELECT s.shipped_at - o.placed_at FROM partner_line_states s "
    "JOIN order_lines l ON l.id = s.order_line_id JOIN orders o ON o.id = l.order_id "
    "WHERE s.partner_id = $1 AND s.shipped_at IS NOT NULL AND o.status <> 'cancelled' "
    "ORDER BY 1, s.order_line_id LIMIT 1 OFFSET $2";
constexpr std::string_view kLinkCurrency =
    "SELECT currency FROM partner_products WHERE partner_id = $1 ORDER BY id LIMIT 1";
constexpr std::string_view kRoutedCurrency =
    "SELECT o.currency FROM partner_order_routes r JOIN orders o ON o.id = r.order_id "
    "WHERE r.partner_id = $1 ORDER BY r.order_id DESC LIMIT 1";
constexpr std::string_view kPartCurrency =
    "SELECT o.currency FROM order_line_options x JOIN orders o ON o.id = x.order_id "
    "WHERE x.supplier_id = $1 ORDER BY x.order_line_id DESC LIMIT 1";
// Every partner's figures in one statement (PartnerRepo::all_figures), $1 a kind or '': the
// lines of kLinesFrom and kPartTotals, the promised days of kPromisedDays, the costs of
// kUnitCost, the ranks of kLeadTimeAt and the currency of kLinkCurrency/kRoutedCurrency/
// kPartCurrency, found for all partners at once instead of one partner at a time:
//  - best: each product's supplier (kLinesFrom's order of links), so a line's supplier is a
//    lookup instead of a subquery per line and partner;
//  - pair: one row per line of each partner, from disjoint sources: the line's supplier (a
//    line without one gives a row without a partner, which totals leaves out);
//    the line's distributor when it is not its supplier (staff's route, else the first rule,
//    looked for only when there are rules); a partner with a state for the line that is neither
//    (unless it supplies parts of the line); and a line's part supplier (part: its price deltas
//    per line) when it is neither the line's supplier nor its distributor, without a product so
//    that no link's lead time or cost applies. Each with the partner's state of the line;
//  - totals: the sums per partner; lead_time: every shipped state ranked per partner (kLeadTimeAt's
//    order), read at the nearest ranks of the median and p90 of the partner's shipped lines
//    (a shipped state on a line of an order not cancelled is always one of those lines);
//  - the leads' totals and median response time per partner (leads_repo.cpp's statements).
// CROSS JOIN keeps SQLite reading the big tables in id order through primary keys (it does not
// reorder a CROSS JOIN); PostgreSQL plans it as the inner join it is.
constexpr std::string_view kAllFigures = R"(
WITH partner AS (
  SELECT pa.id AS partner_id, pa.lead_time_days,
         COALESCE(NULLIF((SELECT pp.currency FROM partner_products pp WHERE pp.partner_id = pa.id
                          ORDER BY pp.id LIMIT 1), ''),
                  NULLIF((SELECT o.currency FROM partner_order_routes r
                          JOIN orders o ON o.id = r.order_id
                          WHERE r.partner_id = pa.id ORDER BY r.order_id DESC LIMIT 1), ''),
                  (SELECT o.currency FROM order_line_options x JOIN orders o ON o.id = x.order_id
                   WHERE x.supplier_id = pa.id ORDER BY x.order_line_id DESC LIMIT 1), '')
           AS currency, pa.active
  FROM partners pa),
best AS (
  SELECT y.product_id, y.partner_id FROM (
    SELECT x.product_id, x.partner_id, ROW_NUMBER() OVER (PARTITION BY x.product_id
             ORDER BY x.by_category, x.cost, x.partner_id) AS k
    FROM (SELECT pp.product_id, pp.partner_id, 0 AS by_category, pp.cost
          FROM partner_products pp JOIN partners sp ON sp.id = pp.partner_id
          WHERE sp.kind = 'supplier' AND sp.active = 1 AND pp.product_id IS NOT NULL
          UNION ALL
          SELECT p.id, pp.partner_id, 1, pp.cost
          FROM partner_products pp JOIN partners sp ON sp.id = pp.partner_id
          JOIN products p ON p.category_id = pp.category_id
          WHERE sp.kind = 'supplier' AND sp.active = 1 AND pp.product_id IS NULL) x) y
  WHERE y.k = 1),
rule_of_line AS (
  SELECT l.id AS line_id, b.partner_id AS supplier_id,
         (SELECT rr.partner_id FROM partner_routing_rules rr JOIN partners dp ON dp.id = rr.partner_id
          JOIN customers c ON c.id = o.customer_id
          WHERE dp.kind <> 'supplier' AND dp.active = 1 AND (rr.country = '' OR rr.country = c.country)
            AND (rr.category_id IS NULL OR rr.category_id = p.category_id)
          ORDER BY rr.id LIMIT 1) AS partner_id
  FROM order_lines l CROSS JOIN orders o CROSS JOIN products p
  LEFT JOIN best b ON b.product_id = l.product_id
  WHERE EXISTS (SELECT 1 FROM partner_routing_rules) AND o.id = l.order_id
    AND p.id = l.product_id AND o.status <> 'cancelled'
    AND NOT EXISTS (SELECT 1 FROM partner_order_routes r WHERE r.order_id = o.id)),
part AS (
  SELECT supplier_id, order_line_id, CAST(SUM(price_delta) AS BIGINT) AS price_delta
  FROM order_line_options WHERE supplier_id IS NOT NULL GROUP BY supplier_id, order_line_id),
pair AS (
  SELECT b.partner_id, l.id AS line_id, l.product_id, p.category_id, p.cost AS product_cost,
         l.quantity, l.line_total, o.currency, o.placed_at, s.shipped_at
  FROM order_lines l CROSS JOIN orders o CROSS JOIN products p
  LEFT JOIN best b ON b.product_id = l.product_id
  LEFT JOIN partner_line_states s ON s.order_line_id = l.id AND s.partner_id = b.partner_id
  WHERE o.id = l.order_id AND p.id = l.product_id AND o.status <> 'cancelled'
  UNION ALL
  SELECT r.partner_id, l.id, l.product_id, p.category_id, p.cost, l.quantity, l.line_total,
         o.currency, o.placed_at, s.shipped_at
  FROM partner_order_routes r CROSS JOIN orders o CROSS JOIN order_lines l CROSS JOIN products p
  LEFT JOIN best b ON b.product_id = l.product_id
  LEFT JOIN partner_line_states s ON s.order_line_id = l.id AND s.partner_id = r.partner_id
  WHERE o.id = r.order_id AND l.order_id = o.id AND p.id = l.product_id
    AND o.status <> 'cancelled' AND r.partner_id <> COALESCE(b.partner_id, 0)
  UNION ALL
  SELECT z.partner_id, l.id, l.product_id, p.category_id, p.cost, l.quantity, l.line_total,
         o.currency, o.placed_at, s.shipped_at
  FROM rule_of_line z CROSS JOIN order_lines l CROSS JOIN orders o CROSS JOIN products p
  LEFT JOIN partner_line_states s ON s.order_line_id = l.id AND s.partner_id = z.partner_id
  WHERE l.id = z.line_id AND o.id = l.order_id AND p.id = l.product_id
    AND z.partner_id <> COALESCE(z.supplier_id, 0)
  UNION ALL
  SELECT s.partner_id, l.id, l.product_id, p.category_id, p.cost, l.quantity, l.line_total,
         o.currency, o.placed_at, s.shipped_at
  FROM partner_line_states s CROSS JOIN order_lines l CROSS JOIN orders o CROSS JOIN products p
  LEFT JOIN best b ON b.product_id = l.product_id
  LEFT JOIN partner_order_routes r ON r.order_id = o.id
  LEFT JOIN rule_of_line z ON z.line_id = l.id
  WHERE l.id = s.order_line_id AND o.id = l.order_id AND p.id = l.product_id
    AND o.status <> 'cancelled' AND s.partner_id <> COALESCE(b.partner_id, 0)
    AND s.partner_id <> COALESCE(r.partner_id, z.partner_id, 0)
    AND NOT EXISTS (SELECT 1 FROM order_line_options px WHERE px.order_line_id = l.id
                    AND px.supplier_id = s.partner_id)
  UNION ALL
  SELECT x.supplier_id, l.id, NULL, NULL, 0, l.quantity, l.quantity * x.price_delta,
         o.currency, o.placed_at, s.shipped_at
  FROM part x CROSS JOIN order_lines l CROSS JOIN orders o CROSS JOIN partner sp
  LEFT JOIN best b ON b.product_id = l.product_id
  LEFT JOIN partner_order_routes r ON r.order_id = o.id
  LEFT JOIN rule_of_line z ON z.line_id = l.id
  LEFT JOIN partner_line_states s ON s.order_line_id = l.id AND s.partner_id = x.supplier_id
  WHERE l.id = x.order_line_id AND o.id = l.order_id AND sp.partner_id = x.supplier_id
    AND o.status <> 'cancelled' AND x.supplier_id <> COALESCE(b.partner_id, 0)
    AND x.supplier_id <> COALESCE(r.partner_id, z.partner_id, 0)
    AND (sp.active = 1 OR s.order_line_id IS NOT NULL)),
product_link AS (
  SELECT partner_id, product_id, MIN(lead_time_days) AS lead_time_days, MIN(cost) AS cost
  FROM partner_products WHERE product_id IS NOT NULL GROUP BY partner_id, product_id),
category_link AS (
  SELECT partner_id, category_id, MIN(lead_time_days) AS lead_time_days, MIN(cost) AS cost
  FROM partner_products WHERE product_id IS NULL GROUP BY partner_id, category_id),
returned AS (
  SELECT rl.order_line_id, SUM(rl.quantity) AS returned,
         SUM(CASE WHEN r.reason IN ('defective', 'damaged') THEN rl.quantity ELSE 0 END) AS defective
  FROM return_lines rl JOIN returns r ON r.id = rl.return_id WHERE r.status <> 'rejected'
  GROUP BY rl.order_line_id),
totals AS (
  SELECT x.partner_id, COUNT(*) AS lines, SUM(x.quantity) AS units,
         COUNT(x.shipped_at) AS shipped,
         SUM(CASE WHEN x.shipped_at <= x.placed_at + CAST(COALESCE(pl.lead_time_days,
                  cl.lead_time_days, pa.lead_time_days) AS BIGINT) * 86400000 THEN 1 ELSE 0 END)
           AS on_time,
         SUM(COALESCE(rt.returned, 0)) AS returned, SUM(COALESCE(rt.defective, 0)) AS defective,
         SUM(CASE WHEN x.currency = pa.currency THEN x.line_total ELSE 0 END) AS revenue,
         SUM(CASE WHEN x.currency = pa.currency
                  THEN x.quantity * COALESCE(pl.cost, cl.cost, x.product_cost, 0) ELSE 0 END) AS cost
  FROM pair x CROSS JOIN partner pa
  LEFT JOIN product_link pl ON pl.partner_id = x.partner_id AND pl.product_id = x.product_id
  LEFT JOIN category_link cl ON cl.partner_id = x.partner_id AND cl.category_id = x.category_id
  LEFT JOIN returned rt ON rt.order_line_id = x.line_id
  WHERE pa.partner_id = x.partner_id
  GROUP BY x.partner_id),
lead_time AS (
  SELECT s.partner_id, s.shipped_at - o.placed_at AS ms,
         ROW_NUMBER() OVER (PARTITION BY s.partner_id
                            ORDER BY s.shipped_at - o.placed_at, s.order_line_id) AS k
  FROM order_lines l CROSS JOIN orders o CROSS JOIN partner_line_states s
  WHERE o.id = l.order_id AND s.order_line_id = l.id AND s.shipped_at IS NOT NULL
    AND o.status <> 'cancelled'),
quantiles AS (
  SELECT q.partner_id, MIN(CASE WHEN q.k = (t.shipped + 1) / 2 THEN q.ms END) AS median_ms,
         MIN(CASE WHEN q.k = (9 * t.shipped + 9) / 10 THEN q.ms END) AS p90_ms
  FROM lead_time q JOIN totals t ON t.partner_id = q.partner_id
  WHERE q.k = (t.shipped + 1) / 2 OR q.k = (9 * t.shipped + 9) / 10
  GROUP BY q.partner_id),
lead_routes AS (
  SELECT partner_id, COUNT(*) AS received,
         SUM(CASE WHEN outcome = 'accepted' THEN 1 ELSE 0 END) AS accepted,
         SUM(CASE WHEN outcome = 'declined' THEN 1 ELSE 0 END) AS declined,
         SUM(CASE WHEN outcome = 'expired' THEN 1 ELSE 0 END) AS expired,
         SUM(CASE WHEN responded_at IS NOT NULL THEN 1 ELSE 0 END) AS responded
  FROM partner_lead_routes GROUP BY partner_id),
lead_outcomes AS (
  SELECT partner_id, SUM(CASE WHEN status = 'won' THEN 1 ELSE 0 END) AS won,
         SUM(CASE WHEN status = 'lost' THEN 1 ELSE 0 END) AS lost
  FROM partner_leads WHERE partner_id IS NOT NULL GROUP BY partner_id),
responses AS (
  SELECT partner_id, responded_at - routed_at AS ms,
         ROW_NUMBER() OVER (PARTITION BY partner_id ORDER BY responded_at - routed_at, id) AS k,
         COUNT(*) OVER (PARTITION BY partner_id) AS n
  FROM partner_lead_routes WHERE responded_at IS NOT NULL),
response_median AS (
  SELECT partner_id, MIN(ms) AS ms FROM responses WHERE k = (n + 1) / 2 GROUP BY partner_id)
SELECT pa.id, pa.name, pc.currency, COALESCE(t.lines, 0), COALESCE(t.units, 0),
       COALESCE(t.shipped, 0), COALESCE(t.on_time, 0), COALESCE(t.returned, 0),
       COALESCE(t.defective, 0), COALESCE(t.revenue, 0), COALESCE(t.cost, 0), q.median_ms,
       q.p90_ms, COALESCE(lr.received, 0), COALESCE(lr.accepted, 0), COALESCE(lr.declined, 0),
       COALESCE(lr.expired, 0), COALESCE(lr.responded, 0), COALESCE(lo.won, 0),
       COALESCE(lo.lost, 0), rm.ms
FROM partners pa JOIN partner pc ON pc.partner_id = pa.id
LEFT JOIN totals t ON t.partner_id = pa.id
LEFT JOIN quantiles q ON q.partner_id = pa.id
LEFT JOIN lead_routes lr ON lr.partner_id = pa.id
LEFT JOIN lead_outcomes lo ON lo.partner_id = pa.id
LEFT JOIN response_median rm ON rm.partner_id = pa.id
WHERE $1 = '' OR pa.kind = $1
ORDER BY pa.id)";

// $1 product (0: none), $2 category (0: none).
constexpr std::string_view kSuppliersOf =
    "SELECT pp.partner_id, MIN(pp.cost) FROM partner_products pp "
    "JOIN partners pa ON pa.id = pp.partner_id "
    "WHERE pa.kind = 'supplier' AND pa.active = 1 AND ("
    "($1 <> 0 AND (pp.product_id = $1 OR (pp.product_id IS NULL AND pp.category_id = "
    "(SELECT category_id FROM products WHERE id = $1)))) "
    "OR ($2 <> 0 AND (pp.category_id = $2 OR pp.product_id IN "
    "(SELECT id FROM products WHERE category_id = $2)))) "
    "GROUP BY pp.partner_id ORDER BY pp.partner_id";

Value text_or_empty(const std::optional<std::string>& s) { return s ? Value{*s} : Value{""}; }
Value int_or_null(const std::optional<std::int64_t>& v) { return v ? Value{*v} : kNull; }

Partner read_partner(const RowView& row) {
  Partner p;
  p.id = row.get_int(0);
  p.name = row.get_string(1);
  p.kind = wire::parse_enum<PartnerKind>(row.get_text(2)).value_or(PartnerKind::kSupplier);
  p.email = row.get_string(3);
  p.phone = row.get_string(4);
  p.country = row.get_string(5);
  p.lead_time_days = row.get_int(6);
  p.active = row.get_int(7) != 0;
  p.created_at = row.get_int(8);
  p.updated_at = row.get_int(9);
  return p;
}

PartnerUser read_user(const RowView& row) {
  PartnerUser u;
  u.id = row.get_int(0);
  u.partner_id = row.get_int(1);
  u.email = row.get_string(2);
  u.name = row.get_string(3);
  u.role = wire::parse_enum<PartnerRole>(row.get_text(4)).value_or(PartnerRole::kPartnerStaff);
  u.active = row.get_int(5) != 0;
  u.created_at = row.get_int(6);
  return u;
}

PartnerProductLink read_link(const RowView& row) {
  PartnerProductLink l;
  l.id = row.get_int(0);
  l.partner_id = row.get_int(1);
  l.product_id = row.get_optional_int(2);
  l.category_id = row.get_optional_int(3);
  if (!row.is_null(4)) l.sku = row.get_string(4);
  if (!row.is_null(5)) l.product_name = row.get_string(5);
  l.stock_on_hand = row.get_optional_int(6);
  l.cost = row.get_int(7);
  l.currency = row.get_string(8);
  l.lead_time_days = row.get_int(9);
  l.updated_at = row.get_int(10);
  return l;
}

PartnerLine read_line(const RowView& row) {
  PartnerLine l;
  l.id = row.get_int(0);
  l.order_id = row.get_int(1);
  l.order_status = row.get_string(2);
  l.placed_at = row.get_int(3);
  l.product_id = row.get_int(4);
  l.sku = row.get_string(5);
  l.name = row.get_string(6);
  l.quantity = row.get_int(7);
  l.acknowledged_at = row.get_optional_int(8);
  l.shipped_at = row.get_optional_int(9);
  if (!row.is_null(10)) l.carrier = row.get_string(10);
  if (!row.is_null(11)) l.tracking_number = row.get_string(11);
  l.state = l.shipped_at        ? LineState::kShipped
            : l.acknowledged_at ? LineState::kAcknowledged
                                : LineState::kOpen;
  l.promised_by = l.placed_at + row.get_int(12) * kDayMs;
  l.delivery.name = row.get_string(13);
  l.delivery.city = row.get_string(14);
  l.delivery.country = row.get_string(15);
  return l;
}

Result<bool> exists(Connection& c, std::string_view sql, std::int64_t id) {
  bool found = false;
  ECRM_RETURN_IF_ERROR(c.query(sql, {id}, [&](const RowView&) { found = true; }));
  return found;
}

Result<std::int64_t> returning_id(Connection& c, std::string_view sql,
                                  std::span<const Value> params) {
  std::int64_t id = 0;
  ECRM_RETURN_IF_ERROR(c.query(sql, params, [&](const RowView& row) { id = row.get_int(0); }));
  return id;
}

}  // namespace

Result<Partner> PartnerRepo::insert_partner(Connection& c, const Partner& p) {
  const Value params[] = {
      p.name,           std::string(wire::enum_name(p.kind)), p.email,     p.phone, p.country,
      p.lead_time_days, std::int64_t{p.active ? 1 : 0},       p.created_at};
  ECRM_ASSIGN_OR_RETURN(auto id, returning_id(c, kInsertPartner, params));
  Partner out = p;
  out.id = id;
  return out;
}

Result<std::optional<Partner>> PartnerRepo::find_partner(Connection& c, std::int64_t id) {
  std::optional<Partner> found;
  ECRM_RETURN_IF_ERROR(
      c.query(kFindPartner, {id}, [&](const RowView& row) { found = read_partner(row); }));
  if (found) {
    ECRM_RETURN_IF_ERROR(c.query(kContactsOf, {id}, [&](const RowView& row) {
      found->contacts.push_back(PartnerContact{row.get_int(0), row.get_string(1), row.get_string(2),
                                               row.get_string(3), row.get_string(4)});
    }));
  }
  return found;
}

Result<std::vector<Partner>> PartnerRepo::list_partners(Connection& c,
                                                        std::optional<PartnerKind> kind,
                                                        std::int64_t after_id, int limit) {
  std::vector<Partner> out;
  ECRM_RETURN_IF_ERROR(
      c.query(kListPartners,
              {after_id, kind ? std::string(wire::enum_name(*kind)) : std::string(),
               static_cast<std::int64_t>(limit)},
              [&](const RowView& row) { out.push_back(read_partner(row)); }));
  return out;
}

Status PartnerRepo::update_partner(Connection& c, const Partner& p) {
  return done(
      c.execute(kUpdatePartner, {p.id, p.name, p.email, p.phone, p.country, p.lead_time_days,
                                 std::int64_t{p.active ? 1 : 0}, p.updated_at}));
}

Result<PartnerContact> PartnerRepo::insert_contact(Connection& c, std::int64_t partner_id,
                                                   const PartnerContactInput& in, UnixMs now) {
  PartnerContact out{0, in.name, in.email.value_or(""), in.phone.value_or(""),
                     in.position.value_or("")};
  const Value params[] = {partner_id, out.name, out.email, out.phone, out.position, now};
  ECRM_ASSIGN_OR_RETURN(out.id, returning_id(c, kInsertContact, params));
  return out;
}

Result<PartnerUser> PartnerRepo::insert_user(Connection& c, const PartnerUser& u) {
  const Value params[] = {u.partner_id, u.email, u.name, std::string(wire::enum_name(u.role)),
                          u.created_at};
  PartnerUser out = u;
  ECRM_ASSIGN_OR_RETURN(out.id, returning_id(c, kInsertUser, params));
  return out;
}

Result<std::optional<PartnerUser>> PartnerRepo::find_user(Connection& c, std::int64_t id) {
  std::optional<PartnerUser> found;
  ECRM_RETURN_IF_ERROR(
      c.query(kFindUser, {id}, [&](const RowView& row) { found = read_user(row); }));
  return found;
}

Status PartnerRepo::update_user(Connection& c, const PartnerUser& u) {
  return done(c.execute(
      kUpdateUser, {u.id, std::string(wire::enum_name(u.role)), std::int64_t{u.active ? 1 : 0}}));
}

Result<std::vector<PartnerUser>> PartnerRepo::users_of(Connection& c, std::int64_t partner_id) {
  std::vector<PartnerUser> out;
  ECRM_RETURN_IF_ERROR(
      c.query(kUsersOf, {partner_id}, [&](const RowView& row) { out.push_back(read_user(row)); }));
  return out;
}

Result<std::optional<UserOfSession>> PartnerRepo::user_of_session(Connection& c,
                                                                  std::int64_t user_id) {
  std::optional<UserOfSession> found;
  ECRM_RETURN_IF_ERROR(c.query(kUserOfSession, {user_id}, [&](const RowView& row) {
    UserOfSession u;
    u.user = read_user(row);
    u.partner_name = row.get_string(7);
    u.kind = wire::parse_enum<PartnerKind>(row.get_text(8)).value_or(PartnerKind::kSupplier);
    u.partner_active = row.get_int(9) != 0;
    found = std::move(u);
  }));
  return found;
}

Result<PartnerProductLink> PartnerRepo::insert_link(Connection& c, std::int64_t partner_id,
                                                    const PartnerProductLinkInput& in, UnixMs now) {
  const Value params[] = {partner_id,
                          int_or_null(in.product_id),
                          int_or_null(in.category_id),
                          in.cost,
                          in.currency,
                          in.lead_time_days,
                          now};
  ECRM_ASSIGN_OR_RETURN(auto id, returning_id(c, kInsertLink, params));
  ECRM_ASSIGN_OR_RETURN(auto links, links_of(c, partner_id));
  for (auto& link : links) {
    if (link.id == id) return link;
  }
  return Error::internal("the new product link was not found");
}

Result<std::vector<PartnerProductLink>> PartnerRepo::links_of(Connection& c,
                                                              std::int64_t partner_id) {
  std::vector<PartnerProductLink> out;
  ECRM_RETURN_IF_ERROR(
      c.query(kLinksOf, {partner_id}, [&](const RowView& row) { out.push_back(read_link(row)); }));
  return out;
}

Result<std::optional<PartnerProductLink>> PartnerRepo::product_link(Connection& c,
                                                                    std::int64_t partner_id,
                                                                    std::int64_t product_id) {
  std::optional<PartnerProductLink> found;
  ECRM_RETURN_IF_ERROR(c.query(kLinkOfProduct, {partner_id, product_id},
                               [&](const RowView& row) { found = read_link(row); }));
  return found;
}

Status PartnerRepo::set_link_lead_time(Connection& c, std::int64_t link_id, std::int64_t days,
                                       UnixMs now) {
  return done(c.execute(kSetLinkLeadTime, {link_id, days, now}));
}

Result<bool> PartnerRepo::product_exists(Connection& c, std::int64_t id) {
  return exists(c, kProductExists, id);
}
Result<bool> PartnerRepo::category_exists(Connection& c, std::int64_t id) {
  return exists(c, kCategoryExists, id);
}
Result<bool> PartnerRepo::order_exists(Connection& c, std::int64_t id) {
  return exists(c, kOrderExists, id);
}

Result<PartnerRoutingRule> PartnerRepo::insert_rule(Connection& c, std::int64_t partner_id,
                                                    const PartnerRoutingRuleInput& in, UnixMs now) {
  PartnerRoutingRule out{0, partner_id, in.country.value_or(""), in.category_id};
  const Value params[] = {partner_id, out.country, int_or_null(in.category_id), now};
  ECRM_ASSIGN_OR_RETURN(out.id, returning_id(c, kInsertRule, params));
  return out;
}

Result<std::vector<PartnerRoutingRule>> PartnerRepo::rules_of(Connection& c,
                                                              std::int64_t partner_id) {
  std::vector<PartnerRoutingRule> out;
  ECRM_RETURN_IF_ERROR(c.query(kRulesOf, {partner_id}, [&](const RowView& row) {
    out.push_back(PartnerRoutingRule{row.get_int(0), row.get_int(1), row.get_string(2),
                                     row.get_optional_int(3)});
  }));
  return out;
}

Status PartnerRepo::route_order(Connection& c, std::int64_t order_id, std::int64_t partner_id,
                                UnixMs now, const std::string& actor) {
  ECRM_RETURN_IF_ERROR(done(c.execute(kDeleteRoute, {order_id})));
  return done(c.execute(kInsertRoute, {order_id, partner_id, now, actor}));
}

Result<std::vector<PartnerLine>> PartnerRepo::lines(Connection& c, std::int64_t partner_id,
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
      c.query(kLines, params, [&](const RowView& row) { out.push_back(read_line(row)); }));
  ECRM_ASSIGN_OR_RETURN(auto parts, PartRepo{}.lines(c, partner_id, query, before_id, limit));
  return merge_parts(std::move(out), std::move(parts), limit);
}

Result<std::optional<PartnerLine>> PartnerRepo::line(Connection& c, std::int64_t partner_id,
                                                     std::int64_t line_id) {
  std::optional<PartnerLine> found;
  ECRM_RETURN_IF_ERROR(
      c.query(kLine, {partner_id, line_id}, [&](const RowView& row) { found = read_line(row); }));
  ECRM_ASSIGN_OR_RETURN(auto parts, PartRepo{}.line(c, partner_id, line_id));
  if (!found) return parts;
  if (parts) found->parts = std::move(parts->parts);
  return found;
}

Status PartnerRepo::acknowledge(Connection& c, std::int64_t partner_id, std::int64_t line_id,
                                UnixMs now, const std::string& actor) {
  return done(c.execute(kAcknowledge, {line_id, partner_id, now, actor}));
}

Status PartnerRepo::ship(Connection& c, std::int64_t partner_id, std::int64_t line_id,
                         const PartnerShipmentInput& in, UnixMs now, const std::string& actor) {
  return done(c.execute(kShip, {line_id, partner_id, now, in.carrier, in.tracking_number, actor}));
}

Result<LineTotals> PartnerRepo::totals(Connection& c, std::int64_t partner_id,
                                       const std::string& currency) {
  bool has_rules = false;
  ECRM_RETURN_IF_ERROR(
      c.query(kHasRoutingRules, {partner_id}, [&](const RowView&) { has_rules = true; }));
  LineTotals t;
  const std::string& totals = has_rules ? kTotalsByRules : kTotalsOfCandidates;
  ECRM_RETURN_IF_ERROR(c.query(totals, {partner_id, currency}, [&](const RowView& row) {
    t.lines = row.get_int(0);
    t.units = row.get_int(1);
    t.shipped = row.get_int(2);
    t.on_time = row.get_int(3);
    t.returned = row.get_int(4);
    t.defective = row.get_int(5);
    t.revenue = row.get_int(6);
    t.cost = row.get_int(7);
  }));
  return t;
}

Result<std::optional<std::int64_t>> PartnerRepo::lead_time_at(Connection& c,
                                                              std::int64_t partner_id,
                                                              std::int64_t rank) {
  std::optional<std::int64_t> out;
  ECRM_RETURN_IF_ERROR(
      c.query(kLeadTimeAt, {partner_id, rank}, [&](const RowView& row) { out = row.get_int(0); }));
  return out;
}

Result<std::vector<PartnerFigures>> PartnerRepo::all_figures(Connection& c,
                                                            std::optional<PartnerKind> kind) {
  std::vector<PartnerFigures> out;
  const Value params[] = {kind ? std::string(wire::enum_name(*kind)) : std::string()};
  ECRM_RETURN_IF_ERROR(c.query(kAllFigures, params, [&](const RowView& row) {
    PartnerFigures f;
    f.partner_id = row.get_int(0);
    f.partner_name = row.get_string(1);
    f.currency = row.get_string(2);
    f.lines.lines = row.get_int(3);
    f.lines.units = row.get_int(4);
    f.lines.shipped = row.get_int(5);
    f.lines.on_time = row.get_int(6);
    f.lines.returned = row.get_int(7);
    f.lines.defective = row.get_int(8);
    f.lines.revenue = row.get_int(9);
    f.lines.cost = row.get_int(10);
    f.lead_time_median_ms = row.get_optional_int(11);
    f.lead_time_p90_ms = row.get_optional_int(12);
    f.leads.received = row.get_int(13);
    f.leads.accepted = row.get_int(14);
    f.leads.declined = row.get_int(15);
    f.leads.expired = row.get_int(16);
    f.leads.responded = row.get_int(17);
    f.leads.won = row.get_int(18);
    f.leads.lost = row.get_int(19);
    f.response_median_ms = row.get_optional_int(20);
    out.push_back(std::move(f));
  }));
  return out;
}

Result<std::string> PartnerRepo::currency_of(Connection& c, std::int64_t partner_id) {
  std::string out;
  ECRM_RETURN_IF_ERROR(
      c.query(kLinkCurrency, {partner_id}, [&](const RowView& row) { out = row.get_string(0); }));
  if (out.empty()) {
    ECRM_RETURN_IF_ERROR(c.query(kRoutedCurrency, {partner_id},
                                 [&](const RowView& row) { out = row.get_string(0); }));
  }
  if (out.empty()) {
    ECRM_RETURN_IF_ERROR(
        c.query(kPartCurrency, {partner_id}, [&](const RowView& row) { out = row.get_string(0); }));
  }
  return out;
}

Result<std::vector<std::pair<std::int64_t, std::int64_t>>> PartnerRepo::suppliers_of(
    Connection& c, std::optional<std::int64_t> product_id,
    std::optional<std::int64_t> category_id) {
  std::vector<std::pair<std::int64_t, std::int64_t>> out;
  ECRM_RETURN_IF_ERROR(
      c.query(kSuppliersOf, {product_id.value_or(0), category_id.value_or(0)},
              [&](const RowView& row) { out.emplace_back(row.get_int(0), row.get_int(1)); }));
  return out;
}

}  // namespace ecrm::partners
