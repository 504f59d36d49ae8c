-- Partners: the organisations that take part in the shop's orders (suppliers, distributors,
-- wholesalers, resellers, carriers), their contacts and the users who sign in to the partner
-- portal (a portal subject of kind 'partner', sessions in portal_sessions), what each supplies at
-- what cost and lead time, how orders are routed to them, and what they did with each line.
CREATE TABLE partners (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,                      -- supplier | distributor | wholesaler | reseller | carrier
  email TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT '',
  country TEXT NOT NULL DEFAULT '',        -- upper-case ISO 3166 code, '' when unknown
  lead_time_days INTEGER NOT NULL DEFAULT 7,  -- promised when no product or category link says
  active INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX partners_kind ON partners (kind, id);

CREATE TABLE partner_contacts (
  id INTEGER PRIMARY KEY,
  partner_id BIGINT NOT NULL REFERENCES partners (id),
  name TEXT NOT NULL,
  email TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT '',
  position TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL
);
CREATE INDEX partner_contacts_partner ON partner_contacts (partner_id, id);

-- Who signs in for a partner: partner_admin (also changes stock and lead times) or partner_staff.
CREATE TABLE partner_users (
  id INTEGER PRIMARY KEY,
  partner_id BIGINT NOT NULL REFERENCES partners (id),
  email TEXT NOT NULL,                     -- lower-case
  name TEXT NOT NULL,
  role TEXT NOT NULL,                      -- partner_admin | partner_staff
  active INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX partner_users_email ON partner_users (email);
CREATE INDEX partner_users_partner ON partner_users (partner_id, id);

-- What a partner supplies or sells: a product, or every product of a category, at a cost in
-- minor units of `currency` and a lead time in days. A supplier receives the order lines of the
-- products it is linked to (a product link before a category link, then the lower cost).
CREATE TABLE partner_products (
  id INTEGER PRIMARY KEY,
  partner_id BIGINT NOT NULL REFERENCES partners (id),
  product_id BIGINT REFERENCES products (id),
  category_id BIGINT REFERENCES categories (id),
  cost BIGINT NOT NULL,
  currency TEXT NOT NULL,
  lead_time_days INTEGER NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX partner_products_partner ON partner_products (partner_id, id);
CREATE INDEX partner_products_product ON partner_products (product_id, partner_id);
CREATE INDEX partner_products_category ON partner_products (category_id, partner_id);

-- Orders routed to a partner that is not a supplier (a distributor, wholesaler, carrier): by a
-- rule (the customer's country and the product's category, '' / NULL for any; the first rule by
-- id wins) or explicitly by staff for one order (beating every rule).
CREATE TABLE partner_routing_rules (
  id INTEGER PRIMARY KEY,
  partner_id BIGINT NOT NULL REFERENCES partners (id),
  country TEXT NOT NULL DEFAULT '',
  category_id BIGINT REFERENCES categories (id),
  created_at BIGINT NOT NULL
);
CREATE INDEX partner_routing_rules_partner ON partner_routing_rules (partner_id, id);

CREATE TABLE partner_order_routes (
  order_id BIGINT PRIMARY KEY REFERENCES orders (id),
  partner_id BIGINT NOT NULL REFERENCES partners (id),
  created_at BIGINT NOT NULL,
  actor TEXT NOT NULL DEFAULT ''
);
CREATE INDEX partner_order_routes_partner ON partner_order_routes (partner_id, order_id);

-- What a partner did with one of its order lines: acknowledged it, shipped it (with carrier and
-- tracking number). The scorecard's on-time rate and lead times are read from here.
CREATE TABLE partner_line_states (
  order_line_id BIGINT NOT NULL REFERENCES order_lines (id),
  partner_id BIGINT NOT NULL REFERENCES partners (id),
  acknowledged_at BIGINT,
  shipped_at BIGINT,
  carrier TEXT NOT NULL DEFAULT '',
  tracking_number TEXT NOT NULL DEFAULT '',
  actor TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (order_line_id, partner_id)
);
CREATE INDEX partner_line_states_partner ON partner_line_states (partner_id, shipped_at);
