-- Analytics: the fitted models of each recomputation, per-customer scores (written by the
-- recomputation and updated one customer at a time when an order lands), and the claim row
-- that keeps two processes from recomputing at once.
CREATE TABLE analytics_models (
  id INTEGER PRIMARY KEY,
  as_of BIGINT NOT NULL,               -- the snapshot time (unix ms); orders placed up to it
  as_of_day BIGINT NOT NULL,           -- the same as days since 1970-01-01 (UTC)
  currency TEXT NOT NULL DEFAULT '',   -- the currency analysed ('' without orders)
  period TEXT NOT NULL,                -- time unit of the BG/NBD model: day | week | month
  customers BIGINT NOT NULL,           -- customers with at least one order
  orders BIGINT NOT NULL,              -- orders in the snapshot
  log_likelihood DOUBLE PRECISION,     -- BG/NBD; NULL when it could not be fitted
  params TEXT NOT NULL,                -- JSON: RFM cut-points, BG/NBD and Gamma-Gamma parameters, horizons
  report TEXT NOT NULL DEFAULT '{}',   -- JSON: holdout comparison, cohorts, timings
  fitted_at BIGINT NOT NULL
);
CREATE INDEX analytics_models_fitted ON analytics_models (fitted_at);

CREATE TABLE customer_scores (
  customer_id BIGINT PRIMARY KEY REFERENCES customers(id),
  model_id BIGINT NOT NULL,            -- the model the scores were computed with
  recency_days BIGINT NOT NULL,        -- days since the last order
  frequency BIGINT NOT NULL,           -- orders (not cancelled)
  monetary BIGINT NOT NULL,            -- their totals less refunds, minor units
  r_score INTEGER NOT NULL,            -- 1..5
  f_score INTEGER NOT NULL,
  m_score INTEGER NOT NULL,
  segment TEXT NOT NULL,               -- champions | loyal | … | lost
  tier TEXT NOT NULL,                  -- very_loyal | loyal | occasional
  p_alive DOUBLE PRECISION,            -- NULL when the model could not be fitted
  expected_orders_90d DOUBLE PRECISION,
  expected_avg_value BIGINT,           -- minor units
  clv BIGINT,                          -- minor units, next 12 months
  first_order_at BIGINT NOT NULL,
  last_order_at BIGINT NOT NULL,
  computed_at BIGINT NOT NULL,
  source TEXT NOT NULL                 -- recompute | incremental
);
-- No secondary indexes: every read is either by customer_id (the customer list's filters probe
-- it per customer) or a scan of the whole table (reports), and each index would slow down the
-- write-back of every recomputation.

CREATE TABLE analytics_jobs (
  name TEXT PRIMARY KEY,               -- 'recompute'
  claimed_by TEXT NOT NULL DEFAULT '', -- host:pid of the process running it
  claimed_until BIGINT,                -- the claim expires then (a crashed run is taken over)
  started_at BIGINT,
  finished_at BIGINT,
  last_status TEXT NOT NULL DEFAULT '',  -- ok | failed
  last_error TEXT NOT NULL DEFAULT '',
  last_model_id BIGINT,
  last_timings TEXT NOT NULL DEFAULT '{}'  -- JSON: milliseconds per stage
);
INSERT INTO analytics_jobs (name) VALUES ('recompute');
