-- Visitor tracking: public write keys for the snippet, the raw event log, and what is derived
-- from it as events arrive (visitors with their identity, sessions, carts, purchased items).
-- High-volume tables have no foreign keys: the ingestion writer checks references itself, and
-- every insert stays an append to time-ordered keys.
CREATE TABLE event_write_keys (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,            -- public: pasted into the shop's pages ("wk_" + random)
  name TEXT NOT NULL,
  created_by TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  revoked_at BIGINT
);

-- One browser (first-party cookie) or device. A customer may have many.
CREATE TABLE visitors (
  id INTEGER PRIMARY KEY,
  anonymous_id TEXT NOT NULL UNIQUE,
  customer_id BIGINT REFERENCES customers(id),  -- set by identify (or an API key's customer_id)
  external_id TEXT,                    -- the shop's customer id it was identified as
  identified_at BIGINT,
  first_seen_at BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL,
  event_count BIGINT NOT NULL DEFAULT 0,
  device TEXT NOT NULL DEFAULT '',
  session_id BIGINT,                   -- the latest session, with its bounds (saves a read)
  session_started_at BIGINT,
  session_last_at BIGINT,
  cart_id BIGINT                       -- the open cart, if any
);
CREATE INDEX visitors_customer ON visitors (customer_id);
CREATE INDEX visitors_pending ON visitors (external_id) WHERE customer_id IS NULL;

-- Visits split at 30 minutes of inactivity.
CREATE TABLE visitor_sessions (
  id INTEGER PRIMARY KEY,
  visitor_id BIGINT NOT NULL,
  started_at BIGINT NOT NULL,
  last_at BIGINT NOT NULL,
  event_count BIGINT NOT NULL DEFAULT 0,
  page_views BIGINT NOT NULL DEFAULT 0,
  landing_url TEXT NOT NULL DEFAULT '',
  referrer TEXT NOT NULL DEFAULT '',
  utm_source TEXT NOT NULL DEFAULT '',
  utm_medium TEXT NOT NULL DEFAULT '',
  utm_campaign TEXT NOT NULL DEFAULT '',
  device TEXT NOT NULL DEFAULT '',     -- desktop | mobile | tablet | bot | ''
  purchased INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX visitor_sessions_started ON visitor_sessions (started_at);
CREATE INDEX visitor_sessions_visitor ON visitor_sessions (visitor_id, started_at);

-- Carts rebuilt from add/remove-to-cart, checkout and purchase events.
CREATE TABLE carts (
  id INTEGER PRIMARY KEY,
  visitor_id BIGINT NOT NULL,
  status TEXT NOT NULL,                -- open | purchased | abandoned (closed: visitor came back too late)
  items TEXT NOT NULL DEFAULT '[]',    -- JSON [{"product","name","quantity","price"}]
  item_count BIGINT NOT NULL DEFAULT 0,
  value BIGINT NOT NULL DEFAULT 0,     -- minor units of `currency`
  currency TEXT NOT NULL DEFAULT '',
  checkout_step BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,          -- time of the last cart activity
  closed_at BIGINT,                    -- purchased at, or abandoned at (last activity + the limit)
  order_ref TEXT NOT NULL DEFAULT '',  -- the shop's order id from the purchase event
  recovered_from BIGINT                -- the abandoned cart whose items this one carried on
);
CREATE INDEX carts_visitor ON carts (visitor_id);
CREATE INDEX carts_status ON carts (status, updated_at);

-- The event log. `id` grows with ingestion time; `event_id` is the client's id (dedupe).
CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  event_id TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,                  -- page_view | product_view | search | add_to_cart | … | custom
  visitor_id BIGINT NOT NULL,
  anonymous_id TEXT NOT NULL,
  customer_id BIGINT,                  -- the customer the visitor is (or later was) identified as
  session_id BIGINT,
  client_session_id TEXT,
  ts BIGINT NOT NULL,                  -- when it happened (client clock)
  received_at BIGINT NOT NULL,
  product TEXT,                        -- SKU (or the shop's product id) for product and cart events
  quantity BIGINT,
  value BIGINT,                        -- minor units: price × quantity, or the order total
  currency TEXT,
  properties TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX events_ts ON events (ts);
CREATE INDEX events_customer ON events (customer_id, ts) WHERE customer_id IS NOT NULL;
CREATE INDEX events_unattributed ON events (visitor_id) WHERE customer_id IS NULL;

-- What each purchase event bought (its items, or the cart's when it names none).
CREATE TABLE purchase_items (
  id INTEGER PRIMARY KEY,
  visitor_id BIGINT NOT NULL,
  product TEXT NOT NULL,
  quantity BIGINT NOT NULL,
  price BIGINT NOT NULL,
  currency TEXT NOT NULL DEFAULT '',
  ts BIGINT NOT NULL
);
CREATE INDEX purchase_items_ts ON purchase_items (ts);
