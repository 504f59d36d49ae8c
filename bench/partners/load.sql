-- The partner benchmark's shop, written set-based on SQLite and PostgreSQL alike into a database
-- that `ecrm migrate` has just created (bench/partners/run.sh replaces :LINES, :PARTNERS,
-- :PRODUCTS, :CUSTOMERS and :NOW, unix milliseconds, and on PostgreSQL turns each recursive
-- counter into generate_series). Every value comes from multiplicative hashes of a row number
-- (the same shop on both backends, no random()).
--
--   categories        50;
--   products          :PRODUCTS (EUR 5.00–502.50, cost 60% of the price), popularity skewed: line i
--                     sells product 1 + P·u² (u uniform), so product 1 sells ~140 times the median;
--   partners          :PARTNERS suppliers, promised lead time 3–14 days each;
--   partner_products  one supplier link per product (EUR, cost 55–79% of the price, lead time
--                     2–13 days); supplier sizes skewed: product j goes to supplier 1 + S·v³
--                     (v uniform), so supplier 1 holds ~10% of the products, the top 10 ~22%, the
--                     top 100 ~46%; the last :PARTNERS products go one to each supplier so that none
--                     is empty;
--   customers         :CUSTOMERS in six countries;
--   orders            :LINES / 5, placed at an even step over the two years before :NOW, 5 lines
--                     each; 2% cancelled, the last day's placed or paid, the rest delivered
--                     (3% returned); subtotal and total the sum of their lines;
--   order_lines       :LINES, quantity 1 (55%), 2, 3, 5 or 10;
--   partner_line_states
--                     every line of an order that is not cancelled or just placed: acknowledged,
--                     and shipped when that time has come (else acknowledged only). Ship delay
--                     from the promised lead time L: 65% 0.2–0.9 L, 20% 0.9–1.1 L, 11% 1.1–2 L, 4%
--                     2–4 L, times the supplier's own pace (0.8–1.4: some suppliers are
--                     reliably late);
--   returns           1.5% of delivered orders and every returned one: one item of one line;
--                     reasons 25% defective, 10% damaged, 65% others; 10% of returns rejected.
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50)
INSERT INTO categories (id, parent_id, name, slug, created_at, updated_at)
SELECT i, NULL, 'Parts ' || CAST(i AS TEXT), 'bench-parts-' || CAST(i AS TEXT), :NOW, :NOW FROM n;

WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :PRODUCTS),
  h AS (SELECT i, ((i * 2654435761) % 4294967296) / 4096 AS h FROM n)
INSERT INTO products (id, sku, name, category_id, price, cost, currency, stock_on_hand, created_at,
                      updated_at)
SELECT i, 'BP-' || CAST(i AS TEXT), 'Part ' || CAST(i AS TEXT), 1 + h % 50,
       500 + (h / 50) % 200 * 250, (500 + (h / 50) % 200 * 250) * 60 / 100, 'EUR',
       (h / 10000) % 500, :NOW, :NOW
FROM h;

WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :CUSTOMERS)
INSERT INTO customers (id, name, city, country, created_at, updated_at)
SELECT i, 'Customer ' || CAST(i AS TEXT),
       CASE i % 10 WHEN 0 THEN 'Berlin' WHEN 1 THEN 'Austin' WHEN 2 THEN 'London'
                   WHEN 3 THEN 'Paris' WHEN 4 THEN 'Oslo' ELSE 'Shanghai' END,
       CASE i % 10 WHEN 0 THEN 'DE' WHEN 1 THEN 'US' WHEN 2 THEN 'GB'
                   WHEN 3 THEN 'FR' WHEN 4 THEN 'NO' ELSE 'CN' END,
       :NOW - 63072000000, :NOW - 63072000000
FROM n;

WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :PARTNERS)
INSERT INTO partners (id, name, kind, email, country, lead_time_days, active, created_at,
                      updated_at)
SELECT i, 'Supplier ' || CAST(i AS TEXT), 'supplier',
       'orders@supplier-' || CAST(i AS TEXT) || '.example',
       CASE i % 4 WHEN 0 THEN 'DE' WHEN 1 THEN 'CN' WHEN 2 THEN 'US' ELSE 'PL' END,
       3 + i % 12, 1, :NOW - 63072000000, :NOW - 63072000000
FROM n;

WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :PRODUCTS),
  h AS (SELECT i, ((i * 2246822519) % 4294967296) / 65536 AS v,
               ((i * 3266489917) % 4294967296) / 4096 AS g FROM n)
INSERT INTO partner_products (id, partner_id, product_id, category_id, cost, currency,
                              lead_time_days, created_at, updated_at)
SELECT h.i,
       CASE WHEN h.i > :PRODUCTS - :PARTNERS THEN h.i - (:PRODUCTS - :PARTNERS)
            ELSE 1 + h.v * h.v * h.v * :PARTNERS / 281474976710656 END,
       h.i, NULL, p.price * (55 + h.g % 25) / 100, 'EUR', 2 + (h.g / 25) % 12,
       :NOW - 63072000000, :NOW - 63072000000
FROM h JOIN products p ON p.id = h.i;

WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :LINES / 5),
  h AS (SELECT i, ((i * 2654435761) % 4294967296) / 4096 AS h,
               ((i * 3784567913) % 4294967296) / 4096 AS e,
               :NOW - 63072000000 + CAST(i AS BIGINT) * (63072000000 / (:LINES / 5)) AS placed
        FROM n)
INSERT INTO orders (id, customer_id, channel, status, currency, subtotal, total, placed_at,
                    created_at, updated_at)
SELECT i, 1 + (CAST(i AS BIGINT) * 40503) % :CUSTOMERS,
       CASE e % 10 WHEN 0 THEN 'app' WHEN 1 THEN 'phone' WHEN 2 THEN 'partner' ELSE 'web' END,
       CASE WHEN h % 100 < 2 THEN 'cancelled'
            WHEN placed > :NOW - 86400000 THEN CASE WHEN e % 2 = 0 THEN 'placed' ELSE 'paid' END
            WHEN (h / 100) % 100 < 3 THEN 'returned'
            ELSE 'delivered' END,
       'EUR', 0, 0, placed, placed, placed
FROM h;

WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :LINES),
  h AS (SELECT i, ((i * 2654435761) % 4294967296) / 65536 AS u,
               ((i * 2246822519) % 4294967296) / 4096 AS f FROM n),
  q AS (SELECT i, 1 + u * u * :PRODUCTS / 4294967296 AS product_id,
               CASE WHEN f % 100 < 55 THEN 1 WHEN f % 100 < 80 THEN 2 WHEN f % 100 < 90 THEN 3
                    WHEN f % 100 < 97 THEN 5 ELSE 10 END AS quantity
        FROM h)
INSERT INTO order_lines (id, order_id, product_id, sku, name, quantity, unit_price, line_total)
SELECT q.i, 1 + (q.i - 1) / 5, q.product_id, p.sku, p.name, q.quantity, p.price,
       q.quantity * p.price
FROM q JOIN products p ON p.id = q.product_id;

UPDATE orders SET subtotal = t.subtotal, total = t.subtotal
FROM (SELECT order_id, SUM(line_total) AS subtotal FROM order_lines GROUP BY order_id) t
WHERE orders.id = t.order_id;

INSERT INTO partner_line_states (order_line_id, partner_id, acknowledged_at, shipped_at, carrier,
                                 tracking_number, actor)
SELECT d.id, d.partner_id, d.placed_at + d.delay / 4,
       CASE WHEN d.placed_at + d.delay <= :NOW THEN d.placed_at + d.delay END,
       CASE WHEN d.placed_at + d.delay > :NOW THEN '' WHEN d.id % 3 = 0 THEN 'DHL'
            WHEN d.id % 3 = 1 THEN 'UPS' ELSE 'SF Express' END,
       CASE WHEN d.placed_at + d.delay > :NOW THEN '' ELSE 'T' || CAST(d.id AS TEXT) END,
       'bench'
FROM (SELECT l.id, pp.partner_id, o.placed_at,
             CAST(pp.lead_time_days AS BIGINT) * 86400000
               * CASE WHEN l.k < 650 THEN 20 + l.k % 70 WHEN l.k < 850 THEN 90 + l.k % 20
                      WHEN l.k < 960 THEN 110 + l.k % 90 ELSE 200 + l.k % 200 END / 100
               * (80 + (pp.partner_id * 37) % 61) / 100 AS delay
      FROM (SELECT id, order_id, product_id, ((id * 3266489917) % 4294967296) / 4096 % 1000 AS k
            FROM order_lines) l
      JOIN orders o ON o.id = l.order_id
      JOIN partner_products pp ON pp.product_id = l.product_id
      WHERE o.status NOT IN ('cancelled', 'placed')) d;

INSERT INTO returns (id, order_id, customer_id, status, reason, refund_amount, created_at,
                     updated_at)
SELECT o.id, o.id, o.customer_id,
       CASE WHEN (o.id / 7) % 10 = 0 THEN 'rejected' WHEN (o.id / 7) % 10 < 3 THEN 'received'
            ELSE 'refunded' END,
       CASE (o.id / 70) % 20 WHEN 0 THEN 'defective' WHEN 1 THEN 'defective'
            WHEN 2 THEN 'defective' WHEN 3 THEN 'defective' WHEN 4 THEN 'defective'
            WHEN 5 THEN 'damaged' WHEN 6 THEN 'damaged' WHEN 7 THEN 'wrong_item'
            WHEN 8 THEN 'wrong_item' WHEN 9 THEN 'wrong_item' WHEN 10 THEN 'not_as_described'
            WHEN 11 THEN 'not_as_described' WHEN 12 THEN 'not_as_described' WHEN 19 THEN 'other'
            ELSE 'no_longer_needed' END,
       l.unit_price, o.placed_at + 1209600000, o.placed_at + 1209600000
FROM orders o JOIN order_lines l ON l.id = (o.id - 1) * 5 + 1 + (o.id / 3) % 5
WHERE o.status = 'returned' OR (o.status = 'delivered' AND (o.id * 2654435761) % 997 < 15);

INSERT INTO return_lines (id, return_id, order_line_id, quantity)
SELECT r.id, r.id, (r.order_id - 1) * 5 + 1 + (r.order_id / 3) % 5, 1 FROM returns r;
