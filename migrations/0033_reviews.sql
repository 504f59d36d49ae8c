-- Product reviews: a buyer's rating (1 to 5) and text of a product they bought, one per
-- product and customer (a second one replaces the first), with the order that makes the
-- purchase verified and the shop's reply.
CREATE TABLE product_reviews (
  id INTEGER PRIMARY KEY,
  product_id BIGINT NOT NULL REFERENCES products (id),
  customer_id BIGINT NOT NULL REFERENCES customers (id),
  order_id BIGINT REFERENCES orders (id),  -- the shipped or delivered order that bought it
  verified INTEGER NOT NULL DEFAULT 0,
  rating INTEGER NOT NULL,
  title TEXT NOT NULL DEFAULT '',
  body TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL,                -- visible | hidden
  reply TEXT NOT NULL DEFAULT '',      -- the shop's
  reply_by TEXT NOT NULL DEFAULT '',
  reply_at BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX product_reviews_one ON product_reviews (product_id, customer_id);
CREATE INDEX product_reviews_product ON product_reviews (product_id, status, id);
CREATE INDEX product_reviews_customer ON product_reviews (customer_id, id);
