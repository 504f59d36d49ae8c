-- Configurable products (build to order): a product's option groups, its options with a price
-- delta, stock and the partner supplying the part, and the compatibility rules between options;
-- and the options an order line was configured with, as sold (a snapshot of names and prices,
-- with the supplier the part is routed to).
CREATE TABLE product_option_groups (
  id INTEGER PRIMARY KEY,
  product_id BIGINT NOT NULL REFERENCES products (id),
  group_key TEXT NOT NULL,                 -- unique within the product, e.g. 'cpu'
  name TEXT NOT NULL,
  name_zh TEXT,                            -- zh-CN; NULL: the English name
  required INTEGER NOT NULL DEFAULT 0,
  multiple INTEGER NOT NULL DEFAULT 0,
  min_choices INTEGER NOT NULL,
  max_choices INTEGER NOT NULL,
  position INTEGER NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX product_option_groups_key ON product_option_groups (product_id, group_key);

CREATE TABLE product_options (
  id INTEGER PRIMARY KEY,
  product_id BIGINT NOT NULL REFERENCES products (id),
  group_id BIGINT NOT NULL REFERENCES product_option_groups (id),
  sku TEXT NOT NULL,                       -- unique within the product
  name TEXT NOT NULL,
  name_zh TEXT,
  price_delta BIGINT NOT NULL,             -- minor units of the product's currency, may be < 0
  stock_on_hand BIGINT NOT NULL CHECK (stock_on_hand >= 0),
  supplier_id BIGINT REFERENCES partners (id),
  position INTEGER NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX product_options_sku ON product_options (product_id, sku);
CREATE INDEX product_options_group ON product_options (group_id, position);

-- requires: option_id needs one of the targets; excludes: option_id and any target exclude
-- each other.
CREATE TABLE product_option_rules (
  id INTEGER PRIMARY KEY,
  product_id BIGINT NOT NULL REFERENCES products (id),
  kind TEXT NOT NULL,                      -- requires | excludes
  option_id BIGINT NOT NULL REFERENCES product_options (id),
  created_at BIGINT NOT NULL
);
CREATE INDEX product_option_rules_product ON product_option_rules (product_id, id);

CREATE TABLE product_option_rule_targets (
  rule_id BIGINT NOT NULL REFERENCES product_option_rules (id),
  option_id BIGINT NOT NULL REFERENCES product_options (id),
  position INTEGER NOT NULL,
  PRIMARY KEY (rule_id, option_id)
);

-- The options of a configured order line as sold. option_id is not a reference: the option may
-- be removed from the product later, the line keeps what was sold.
CREATE TABLE order_line_options (
  id INTEGER PRIMARY KEY,
  order_line_id BIGINT NOT NULL REFERENCES order_lines (id),
  order_id BIGINT NOT NULL REFERENCES orders (id),
  option_id BIGINT NOT NULL,
  group_id BIGINT NOT NULL,
  group_key TEXT NOT NULL,
  group_name TEXT NOT NULL,
  group_name_zh TEXT,
  sku TEXT NOT NULL,
  name TEXT NOT NULL,
  name_zh TEXT,
  price_delta BIGINT NOT NULL,
  supplier_id BIGINT REFERENCES partners (id)
);
CREATE INDEX order_line_options_line ON order_line_options (order_line_id, id);
CREATE INDEX order_line_options_order ON order_line_options (order_id, id);
CREATE INDEX order_line_options_supplier ON order_line_options (supplier_id, order_line_id);
