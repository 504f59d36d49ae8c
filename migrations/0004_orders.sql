-- Orders with their lines, status history (with shipment details) and returns (RMAs).
CREATE TABLE orders (
  id INTEGER PRIMARY KEY,
  external_id TEXT UNIQUE,             -- the shop's order number; NULL when unknown
  customer_id BIGINT NOT NULL REFERENCES customers(id),
  channel TEXT NOT NULL,               -- web | app | phone | store | partner
  status TEXT NOT NULL,                -- placed | paid | shipped | delivered | returned | cancelled
  currency TEXT NOT NULL,              -- ISO 4217; every line is in it
  subtotal BIGINT NOT NULL,            -- sum of the line totals, minor units
  discount BIGINT NOT NULL DEFAULT 0,
  shipping BIGINT NOT NULL DEFAULT 0,
  total BIGINT NOT NULL,               -- subtotal - discount + shipping
  carrier TEXT NOT NULL DEFAULT '',
  tracking_number TEXT NOT NULL DEFAULT '',
  placed_at BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX orders_customer ON orders (customer_id, placed_at);
CREATE INDEX orders_placed ON orders (placed_at);

CREATE TABLE order_lines (
  id INTEGER PRIMARY KEY,
  order_id BIGINT NOT NULL REFERENCES orders(id),
  product_id BIGINT NOT NULL REFERENCES products(id),
  sku TEXT NOT NULL,                   -- as sold
  name TEXT NOT NULL,                  -- as sold
  quantity BIGINT NOT NULL,
  unit_price BIGINT NOT NULL,          -- minor units of the order's currency
  line_total BIGINT NOT NULL
);
CREATE INDEX order_lines_order ON order_lines (order_id);
CREATE INDEX order_lines_product ON order_lines (product_id);

CREATE TABLE order_status_history (
  id INTEGER PRIMARY KEY,
  order_id BIGINT NOT NULL REFERENCES orders(id),
  status TEXT NOT NULL,
  at BIGINT NOT NULL,
  note TEXT NOT NULL DEFAULT '',       -- internal, never shown to the customer
  carrier TEXT NOT NULL DEFAULT '',
  tracking_number TEXT NOT NULL DEFAULT '',
  actor TEXT NOT NULL DEFAULT ''
);
CREATE INDEX order_status_history_order ON order_status_history (order_id, at);

CREATE TABLE returns (
  id INTEGER PRIMARY KEY,              -- the RMA number
  order_id BIGINT NOT NULL REFERENCES orders(id),
  status TEXT NOT NULL,                -- requested | received | refunded | rejected
  reason TEXT NOT NULL,                -- damaged | defective | wrong_item | not_as_described | no_longer_needed | other
  note TEXT NOT NULL DEFAULT '',
  refund_amount BIGINT NOT NULL,       -- returned quantities at their unit prices, minor units
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX returns_order ON returns (order_id);

CREATE TABLE return_lines (
  id INTEGER PRIMARY KEY,
  return_id BIGINT NOT NULL REFERENCES returns(id),
  order_line_id BIGINT NOT NULL REFERENCES order_lines(id),
  quantity BIGINT NOT NULL
);
CREATE INDEX return_lines_return ON return_lines (return_id);
CREATE INDEX return_lines_line ON return_lines (order_line_id);
