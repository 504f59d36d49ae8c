-- A customer's history read a page at a time, newest first, in the same time whatever its length:
-- each source of the 360° timeline and the customer's order list is one keyset read
-- (customer = ? AND (time, id) < (?, ?) ORDER BY time DESC, id DESC LIMIT n) along an index that
-- starts with the customer and is ordered like the page, so neither database sorts or skips the
-- customer's history.
--
-- Status changes and returns hold their order's customer (kept in step by the orders
-- repository: set on insert, moved with the orders on a merge and back on an undo). Through
-- orders, the timeline joined every order of the customer to its history and sorted it all for
-- each page.
ALTER TABLE order_status_history ADD COLUMN customer_id BIGINT REFERENCES customers(id);
UPDATE order_status_history SET customer_id =
  (SELECT o.customer_id FROM orders o WHERE o.id = order_status_history.order_id);
CREATE INDEX order_status_history_customer ON order_status_history (customer_id, at, id);

ALTER TABLE returns ADD COLUMN customer_id BIGINT REFERENCES customers(id);
UPDATE returns SET customer_id = (SELECT o.customer_id FROM orders o WHERE o.id = returns.order_id);
CREATE INDEX returns_customer ON returns (customer_id, created_at, id);

-- The customer's order list pages by id, newest first (orders_customer is ordered by placed_at).
CREATE INDEX orders_customer_id ON orders (customer_id, id);

-- Events: ties in time are ordered by id in the index too (PostgreSQL otherwise sorts each run
-- of equal times).
DROP INDEX events_customer;
CREATE INDEX events_customer ON events (customer_id, ts, id) WHERE customer_id IS NOT NULL;
