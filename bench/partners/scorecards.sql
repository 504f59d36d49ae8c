-- Every partner's scorecard in one statement, on SQLite and PostgreSQL alike: the peer that
-- bench/partners/run.sh times next to ecrm's scorecards. One row per partner with lines, in
-- partner id order, the columns of ecrm's PartnerScorecard (rates rounded to 4 places, lead
-- times in days to 3).
--
-- A line is its supplier's through the product's supplier link: in the benchmark's shop (load.sql)
-- every product has exactly one link and there are no category links, routed orders or routing
-- rules, so this is the line ecrm routes to that supplier. On time: shipped no later than the
-- placed time plus the link's lead time. Lead time: placed to shipped, median and p90 by nearest
-- rank (the smallest value with at least q of the values at or below it). Returns: items in
-- returns that were not rejected; defective: of them, returned as defective or damaged.
--
-- CROSS JOIN: SQLite keeps the tables in the order written, so both passes read the lines (and
-- their orders and states, whose ids follow the lines') in id order, once, instead of product by
-- product; PostgreSQL plans it as the inner join it is.
WITH line AS (
  SELECT pp.partner_id, l.quantity,
         CASE WHEN o.currency = pp.currency THEN l.line_total ELSE 0 END AS revenue,
         CASE WHEN o.currency = pp.currency THEN l.quantity * pp.cost ELSE 0 END AS cost,
         s.shipped_at,
         CASE WHEN s.shipped_at <= o.placed_at + CAST(pp.lead_time_days AS BIGINT) * 86400000 THEN 1 ELSE 0 END
           AS on_time,
         COALESCE(rt.returned, 0) AS returned, COALESCE(rt.defective, 0) AS defective
  FROM order_lines l
  CROSS JOIN orders o
  CROSS JOIN partner_products pp
  LEFT JOIN partner_line_states s ON s.order_line_id = l.id AND s.partner_id = pp.partner_id
  LEFT JOIN (SELECT rl.order_line_id, SUM(rl.quantity) AS returned,
                    SUM(CASE WHEN r.reason IN ('defective', 'damaged') THEN rl.quantity ELSE 0 END)
                      AS defective
             FROM return_lines rl JOIN returns r ON r.id = rl.return_id
             WHERE r.status <> 'rejected'
             GROUP BY rl.order_line_id) rt ON rt.order_line_id = l.id
  WHERE o.id = l.order_id AND pp.product_id = l.product_id AND o.status <> 'cancelled'),
totals AS (
  SELECT partner_id, COUNT(*) AS lines, COUNT(shipped_at) AS shipped_lines,
         SUM(on_time) AS on_time_lines, SUM(quantity) AS units, SUM(returned) AS returned_units,
         SUM(defective) AS defective_units, SUM(revenue) AS revenue, SUM(cost) AS cost
  FROM line GROUP BY partner_id),
lead AS (
  SELECT s.partner_id, s.shipped_at - o.placed_at AS ms,
         ROW_NUMBER() OVER (PARTITION BY s.partner_id ORDER BY s.shipped_at - o.placed_at) AS k,
         COUNT(*) OVER (PARTITION BY s.partner_id) AS n
  FROM order_lines l
  CROSS JOIN orders o
  CROSS JOIN partner_line_states s
  WHERE o.id = l.order_id AND s.order_line_id = l.id AND s.shipped_at IS NOT NULL
    AND o.status <> 'cancelled'),
quantiles AS (
  SELECT partner_id, MIN(CASE WHEN k = (n + 1) / 2 THEN ms END) AS median_ms,
         MIN(CASE WHEN k = (9 * n + 9) / 10 THEN ms END) AS p90_ms
  FROM lead GROUP BY partner_id)
SELECT t.partner_id, t.lines, t.shipped_lines, t.on_time_lines,
       CASE WHEN t.shipped_lines > 0
            THEN ROUND(t.on_time_lines * 1.0 / t.shipped_lines, 4) END,
       ROUND(q.median_ms / 86400000.0, 3), ROUND(q.p90_ms / 86400000.0, 3),
       t.units, t.returned_units, t.defective_units,
       CASE WHEN t.units > 0 THEN ROUND(t.returned_units * 1.0 / t.units, 4) END,
       CASE WHEN t.units > 0 THEN ROUND(t.defective_units * 1.0 / t.units, 4) END,
       t.revenue, t.cost, t.revenue - t.cost
FROM totals t LEFT JOIN quantiles q ON q.partner_id = t.partner_id
ORDER BY t.partner_id;
