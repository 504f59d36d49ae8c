-- The economics of the customer base: costs entered (or imported) per month, in the shop's main
-- currency's minor units. Acquisition costs are per channel, source or campaign (the name of the
-- group they bought customers for); retention costs may name a group or none; service costs are
-- the month's cost of the service desk (dimension and name '').
CREATE TABLE economics_costs (
  id INTEGER PRIMARY KEY,
  month TEXT NOT NULL,                 -- YYYY-MM
  kind TEXT NOT NULL,                  -- acquisition | retention | service
  dimension TEXT NOT NULL DEFAULT '',  -- channel | source | campaign; '' for service
  name TEXT NOT NULL DEFAULT '',       -- the channel, source or campaign
  amount BIGINT NOT NULL,              -- minor units, never negative
  updated_at BIGINT NOT NULL,
  UNIQUE (month, kind, dimension, name)
);
