-- Automation: flows (the shipped care flows and those staff add), the care policy (which loyalty
-- tier gets which kind of communication), and enrolments: one row per customer, flow and
-- occurrence (a birthday once a year, an anniversary once a year per kind, a cart once, a
-- release once), so that rerunning a day enrols and sends nothing twice.
CREATE TABLE automation_flows (
  key TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  trigger_kind TEXT NOT NULL,          -- birthday | anniversary | new_version | cart_abandoned | …
  enabled INTEGER NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  definition TEXT NOT NULL DEFAULT '{}',  -- conditions and steps (JSON)
  updated_at BIGINT NOT NULL
);

CREATE TABLE care_policy (
  tier TEXT NOT NULL,                  -- very_loyal | loyal | occasional
  communication TEXT NOT NULL,         -- card | recommendations
  allowed INTEGER NOT NULL,
  PRIMARY KEY (tier, communication)
);
INSERT INTO care_policy (tier, communication, allowed) VALUES
  ('very_loyal', 'card', 1), ('very_loyal', 'recommendations', 1),
  ('loyal', 'card', 0), ('loyal', 'recommendations', 1),
  ('occasional', 'card', 0), ('occasional', 'recommendations', 0);

CREATE TABLE flow_enrolments (
  id INTEGER PRIMARY KEY,
  flow_key TEXT NOT NULL,
  customer_id BIGINT NOT NULL REFERENCES customers (id),
  occurrence TEXT NOT NULL,            -- e.g. 2026 (a birthday), wedding:2026
  status TEXT NOT NULL,                -- done | cancelled | waiting
  message_id BIGINT,
  created_at BIGINT NOT NULL,
  UNIQUE (flow_key, customer_id, occurrence)
);
CREATE INDEX flow_enrolments_customer ON flow_enrolments (customer_id);
