-- Service: every contact with a customer on every channel (interactions), tickets with their
-- SLA clocks, the shop's business hours and holidays, SLA policies, macros, service contracts,
-- and what threads e-mail onto a ticket (its token and every RFC Message-ID of its thread).
-- Times are unix milliseconds; money is integer minor units.

-- A product's warranty, counted from the purchase date of the order that bought it.
ALTER TABLE products ADD COLUMN warranty_months INTEGER NOT NULL DEFAULT 0;

-- The shop's business hours (one row): an IANA time zone, open spans per weekday as JSON
-- ({"mon": [["09:00","18:00"]], ...}; a day not listed is closed) and holidays (["2026-10-01"]).
CREATE TABLE business_hours (
  id INTEGER PRIMARY KEY,              -- always 1
  time_zone TEXT NOT NULL,
  week TEXT NOT NULL DEFAULT '{}',
  holidays TEXT NOT NULL DEFAULT '[]',
  updated_at BIGINT NOT NULL
);

-- SLA policies: the first active one by position whose match fits a ticket sets its targets in
-- business minutes; what the breach worker does at breach is the escalation columns.
CREATE TABLE sla_policies (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  sort_order INTEGER NOT NULL,
  match_priority TEXT,                 -- low | normal | high | urgent; NULL: any
  match_category TEXT,                 -- NULL: any
  match_tier TEXT,                     -- very_loyal | loyal | occasional; NULL: any
  first_response_minutes INTEGER,
  next_response_minutes INTEGER,
  resolution_minutes INTEGER,
  warn_before_minutes INTEGER NOT NULL DEFAULT 30,  -- business minutes before a due time
  escalate_to BIGINT REFERENCES users (id),          -- reassign at breach
  escalate_team TEXT,
  raise_priority INTEGER NOT NULL DEFAULT 0,         -- one step up at breach
  notify_followers INTEGER NOT NULL DEFAULT 1,
  active INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX sla_policies_position ON sla_policies (active, sort_order, id);

-- Tickets. `active` is 1 while the status is new, open, pending or on_hold: the inbox views read
-- active tickets newest first from an index per view. `next_due_at` is the earliest due time of
-- a target not yet met or breached (NULL: none running), which the breaching view and the breach
-- worker read in due order. The token ("T123-k7q2mz") goes into mail subjects as [#T123-k7q2mz].
CREATE TABLE tickets (
  id INTEGER PRIMARY KEY,
  token TEXT NOT NULL,
  customer_id BIGINT REFERENCES customers (id),
  subject TEXT NOT NULL,
  status TEXT NOT NULL,                -- new | open | pending | on_hold | solved | closed
  active INTEGER NOT NULL,
  priority TEXT NOT NULL,              -- low | normal | high | urgent
  category TEXT NOT NULL DEFAULT '',
  channel TEXT NOT NULL,               -- the channel it came in on
  product_id BIGINT REFERENCES products (id),
  order_id BIGINT REFERENCES orders (id),
  assignee_id BIGINT REFERENCES users (id),
  team TEXT NOT NULL DEFAULT '',
  source_interaction_id BIGINT,
  created_by BIGINT,                   -- the staff user; NULL when it came in by itself
  sla_policy_id BIGINT REFERENCES sla_policies (id),
  first_response_due BIGINT,
  next_response_due BIGINT,
  resolution_due BIGINT,
  first_response_at BIGINT,
  paused_at BIGINT,                    -- pending since: the resolution clock is stopped
  next_due_at BIGINT,
  sla_check_at BIGINT,                 -- when the breach worker next has something to do
  warned TEXT NOT NULL DEFAULT '',     -- targets warned about, comma-separated
  breached TEXT NOT NULL DEFAULT '',   -- targets missed, comma-separated
  solved_at BIGINT,
  closed_at BIGINT,
  entitlement TEXT NOT NULL DEFAULT 'paid',  -- free | paid
  entitlement_reason TEXT NOT NULL DEFAULT '',
  quote_amount BIGINT,
  quote_currency TEXT,
  quote_status TEXT NOT NULL DEFAULT 'none',  -- none | proposed | accepted | declined
  quote_note TEXT NOT NULL DEFAULT '',
  quote_at BIGINT,
  quote_answered_at BIGINT,
  merged_into BIGINT REFERENCES tickets (id),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX tickets_token ON tickets (token);
CREATE INDEX tickets_customer ON tickets (customer_id, id);
CREATE INDEX tickets_status ON tickets (status, id);
CREATE INDEX tickets_active ON tickets (active, id);
CREATE INDEX tickets_assignee ON tickets (assignee_id, active, id);
CREATE INDEX tickets_team ON tickets (team, active, id);
CREATE INDEX tickets_priority ON tickets (priority, active, id);
CREATE INDEX tickets_due ON tickets (active, next_due_at, id);
CREATE INDEX tickets_sla_check ON tickets (sla_check_at);

CREATE TABLE ticket_tags (
  ticket_id BIGINT NOT NULL REFERENCES tickets (id),
  tag TEXT NOT NULL,
  PRIMARY KEY (ticket_id, tag)
);
CREATE INDEX ticket_tags_tag ON ticket_tags (tag, ticket_id);

CREATE TABLE ticket_followers (
  ticket_id BIGINT NOT NULL REFERENCES tickets (id),
  user_id BIGINT NOT NULL REFERENCES users (id),
  PRIMARY KEY (ticket_id, user_id)
);
CREATE INDEX ticket_followers_user ON ticket_followers (user_id, ticket_id);

-- Addresses copied on the ticket's mail (lower-case): a token in a subject joins the ticket
-- only from the customer or one of these.
CREATE TABLE ticket_cc (
  ticket_id BIGINT NOT NULL REFERENCES tickets (id),
  address TEXT NOT NULL,
  PRIMARY KEY (ticket_id, address)
);

-- Every RFC 5322 Message-ID of a ticket's thread, ours and the customer's (without the angle
-- brackets): In-Reply-To and References are looked up here. A Message-ID names one ticket.
CREATE TABLE ticket_message_ids (
  message_id TEXT PRIMARY KEY,
  ticket_id BIGINT NOT NULL REFERENCES tickets (id),
  interaction_id BIGINT,
  outbound INTEGER NOT NULL,           -- 1 ours, 0 the customer's
  created_at BIGINT NOT NULL
);
CREATE INDEX ticket_message_ids_ticket ON ticket_message_ids (ticket_id, created_at);

-- What happened to a ticket: status and field changes, SLA warnings and breaches, escalations,
-- merges and splits (detail is a JSON object).
CREATE TABLE ticket_events (
  id INTEGER PRIMARY KEY,
  ticket_id BIGINT NOT NULL REFERENCES tickets (id),
  kind TEXT NOT NULL,
  actor TEXT NOT NULL DEFAULT '',
  detail TEXT NOT NULL DEFAULT '{}',
  at BIGINT NOT NULL
);
CREATE INDEX ticket_events_ticket ON ticket_events (ticket_id, id);

-- One row per contact on any channel. customer_id is NULL until the sender is matched;
-- ticket_id when it belongs to a ticket. Internal notes are rows with direction 'internal'.
-- Attachments hang on an interaction's id.
CREATE TABLE interactions (
  id INTEGER PRIMARY KEY,
  customer_id BIGINT REFERENCES customers (id),
  channel TEXT NOT NULL,               -- web_form | email | phone | chat | fax | social | in_person | note
  direction TEXT NOT NULL,             -- inbound | outbound | internal
  agent_id BIGINT REFERENCES users (id),
  ticket_id BIGINT REFERENCES tickets (id),
  occurred_at BIGINT NOT NULL,
  duration_seconds INTEGER,
  subject TEXT NOT NULL DEFAULT '',
  content TEXT NOT NULL DEFAULT '',
  from_address TEXT NOT NULL DEFAULT '',
  to_address TEXT NOT NULL DEFAULT '',
  external_ref TEXT,
  message_id TEXT,                     -- RFC 5322 Message-ID of an e-mail, without brackets
  outbox_message_id BIGINT REFERENCES messages (id),  -- an outbound e-mail's row in the outbox
  created_at BIGINT NOT NULL
);
CREATE INDEX interactions_customer ON interactions (customer_id, occurred_at, id);
CREATE INDEX interactions_ticket ON interactions (ticket_id, id);
CREATE INDEX interactions_message_id ON interactions (message_id);
CREATE INDEX interactions_external_ref ON interactions (channel, external_ref);

-- Saved replies with actions (status, priority, tags, assignee) applied with the reply.
CREATE TABLE macros (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  body TEXT NOT NULL DEFAULT '',
  public_reply INTEGER NOT NULL DEFAULT 1,
  actions TEXT NOT NULL DEFAULT '{}',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

-- A customer's service contract, for one product or (product_id NULL) everything; dates are
-- days in the shop's time zone, both inclusive.
CREATE TABLE service_contracts (
  id INTEGER PRIMARY KEY,
  customer_id BIGINT NOT NULL REFERENCES customers (id),
  product_id BIGINT REFERENCES products (id),
  reference TEXT NOT NULL DEFAULT '',
  starts_on TEXT NOT NULL,             -- YYYY-MM-DD
  ends_on TEXT NOT NULL,               -- YYYY-MM-DD
  created_at BIGINT NOT NULL
);
CREATE INDEX service_contracts_customer ON service_contracts (customer_id, ends_on);

-- Threading headers of outbound mail queued through the outbox (a ticket reply): the
-- Message-ID it is sent with, and In-Reply-To/References of the thread.
ALTER TABLE messages ADD COLUMN rfc_message_id TEXT;
ALTER TABLE messages ADD COLUMN in_reply_to TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN thread_references TEXT NOT NULL DEFAULT '';
