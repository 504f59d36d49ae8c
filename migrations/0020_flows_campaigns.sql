-- Flows as data and what they act on: an enrolment advances through its flow's steps (the step
-- it is at, when it may go on, the A/B variant it drew, the trigger's data such as the cart);
-- campaigns (a template sent once to a customer-list filter, with a holdout group); follows of
-- products and categories; staff tasks and signed webhook calls made by flows; and the
-- positions of the scanners that turn changes (abandoned carts, orders, tiers, prices, stock)
-- into enrolments.
ALTER TABLE flow_enrolments ADD COLUMN step TEXT;          -- the next step to run; NULL: at the end
ALTER TABLE flow_enrolments ADD COLUMN next_at BIGINT;     -- waiting: when it goes on
ALTER TABLE flow_enrolments ADD COLUMN variant TEXT NOT NULL DEFAULT '';  -- A/B: the variant, or holdout
ALTER TABLE flow_enrolments ADD COLUMN context TEXT NOT NULL DEFAULT '{}'; -- the trigger's data (JSON)
ALTER TABLE flow_enrolments ADD COLUMN triggered_at BIGINT;  -- when the trigger happened
ALTER TABLE flow_enrolments ADD COLUMN reason TEXT NOT NULL DEFAULT '';   -- why it was cancelled or left
ALTER TABLE flow_enrolments ADD COLUMN updated_at BIGINT;
-- When a flow was last turned on: triggers look at what happened since (a cart abandoned last
-- month is not mailed because the flow was turned on today).
ALTER TABLE automation_flows ADD COLUMN enabled_at BIGINT;
UPDATE automation_flows SET enabled_at = updated_at WHERE enabled = 1;
-- What a capped message does: waits until the cap allows it (reschedule), or is dropped.
ALTER TABLE messages ADD COLUMN on_cap TEXT NOT NULL DEFAULT 'reschedule';
-- Triggers on order status changes read the orders changed since their last look.
CREATE INDEX orders_updated ON orders (updated_at, id);
-- The flow worker reads the waiting enrolments that are due.
CREATE INDEX flow_enrolments_due ON flow_enrolments (status, next_at, id);
CREATE INDEX flow_enrolments_flow ON flow_enrolments (flow_key, status);

CREATE TABLE campaigns (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  template_key TEXT NOT NULL,
  audience TEXT NOT NULL DEFAULT '{}',   -- the customer-list filter (JSON)
  holdout_percent INTEGER NOT NULL DEFAULT 0,
  conversion_days INTEGER NOT NULL DEFAULT 7,
  status TEXT NOT NULL,                  -- draft | scheduled | sent | cancelled
  scheduled_at BIGINT,                   -- scheduled: when it goes out
  sent_at BIGINT,                        -- when it was queued
  recipients BIGINT NOT NULL DEFAULT 0,  -- messages queued
  holdout BIGINT NOT NULL DEFAULT 0,     -- customers held out
  created_by TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX campaigns_due ON campaigns (status, scheduled_at);

-- The customers a campaign held out (its recipients are its messages).
CREATE TABLE campaign_holdouts (
  campaign_id BIGINT NOT NULL,
  customer_id BIGINT NOT NULL,
  PRIMARY KEY (campaign_id, customer_id)
);

-- A campaign's or flow's results read its messages by source.
CREATE INDEX messages_source ON messages (source, status);

CREATE TABLE follows (
  id INTEGER PRIMARY KEY,
  customer_id BIGINT NOT NULL REFERENCES customers (id),
  target_kind TEXT NOT NULL,             -- product | category
  target_id BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  UNIQUE (customer_id, target_kind, target_id)
);
CREATE INDEX follows_target ON follows (target_kind, target_id);

CREATE TABLE staff_tasks (
  id INTEGER PRIMARY KEY,
  customer_id BIGINT REFERENCES customers (id),
  title TEXT NOT NULL,
  source TEXT NOT NULL DEFAULT '',       -- the flow that made it
  status TEXT NOT NULL,                  -- open | done
  due_at BIGINT,
  created_at BIGINT NOT NULL,
  done_at BIGINT
);
CREATE INDEX staff_tasks_status ON staff_tasks (status, due_at, id);

CREATE TABLE webhook_calls (
  id INTEGER PRIMARY KEY,
  url TEXT NOT NULL,
  body TEXT NOT NULL,
  source TEXT NOT NULL DEFAULT '',       -- the flow
  status TEXT NOT NULL,                  -- queued | sent | failed
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  response TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX webhook_calls_due ON webhook_calls (status, next_attempt_at, id);

-- Where each scanner got to (e.g. the last order id seen), and what it saw last of a product
-- (price and stock, to tell a price drop or a return to stock).
CREATE TABLE automation_cursors (
  name TEXT PRIMARY KEY,
  position BIGINT NOT NULL
);
CREATE TABLE product_watch (
  product_id BIGINT PRIMARY KEY,
  price BIGINT NOT NULL,
  in_stock INTEGER NOT NULL
);
-- The tier and segment each customer had when the tier and segment triggers last looked.
CREATE TABLE automation_tier_seen (
  customer_id BIGINT PRIMARY KEY,
  tier TEXT NOT NULL,
  segment TEXT NOT NULL
);
-- The key that signs webhook calls (receivers check X-Ecrm-Signature with it).
CREATE TABLE automation_keys (
  name TEXT PRIMARY KEY,
  secret TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
