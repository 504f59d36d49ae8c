-- Recommendations: each rebuild's association rules ("bought together") and item-item
-- neighbours ("also bought"), every customer's personal list with its reasons (rewritten by a
-- rebuild and refreshed one customer at a time when their orders change), category tags for
-- class inference, and the claim row that keeps two processes from rebuilding at once.
CREATE TABLE recommend_builds (
  id INTEGER PRIMARY KEY,
  as_of BIGINT NOT NULL,               -- snapshot time (unix ms): orders placed up to it
  built_at BIGINT NOT NULL,            -- when the build was stored
  orders BIGINT NOT NULL,              -- transactions (orders that are not cancelled)
  customers BIGINT NOT NULL,           -- customers with at least one such order
  products BIGINT NOT NULL,            -- products bought at least once
  lines BIGINT NOT NULL,               -- order lines read
  views BIGINT NOT NULL DEFAULT 0,     -- product views read (0 until events exist)
  rules BIGINT NOT NULL,               -- association rules stored
  neighbours BIGINT NOT NULL,          -- item-item pairs stored
  lists BIGINT NOT NULL,               -- personal lists written
  params TEXT NOT NULL DEFAULT '{}',   -- JSON: thresholds the build used
  popular TEXT NOT NULL DEFAULT '[]',  -- JSON: best-sellers, the list of customers without orders
  timings TEXT NOT NULL DEFAULT '{}'   -- JSON: milliseconds per stage
);

CREATE TABLE recommend_rules (
  build_id BIGINT NOT NULL,
  pos BIGINT NOT NULL,                 -- position in rule order (lift, confidence, count desc)
  antecedent_ids TEXT NOT NULL,        -- product ids of X, ascending, comma-separated
  antecedent_size INTEGER NOT NULL,
  first_item BIGINT NOT NULL,          -- the smallest product id of X
  antecedent TEXT NOT NULL,            -- JSON: [{"id","sku","name"}] as of the build
  consequent BIGINT NOT NULL,          -- product id of y
  pair_count BIGINT NOT NULL,          -- orders with X and y
  antecedent_count BIGINT NOT NULL,    -- orders with X
  consequent_count BIGINT NOT NULL,    -- orders with y
  support DOUBLE PRECISION NOT NULL,
  confidence DOUBLE PRECISION NOT NULL,
  lift DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (build_id, pos)
);
CREATE INDEX recommend_rules_pair ON recommend_rules (build_id, first_item, antecedent_size);

CREATE TABLE recommend_neighbours (
  build_id BIGINT NOT NULL,
  product_id BIGINT NOT NULL,
  pos INTEGER NOT NULL,                -- 0 = most similar
  neighbour_id BIGINT NOT NULL,
  similarity DOUBLE PRECISION NOT NULL,
  co_count BIGINT NOT NULL,            -- customers who bought both
  PRIMARY KEY (build_id, product_id, pos)
);

CREATE TABLE customer_recommendations (
  customer_id BIGINT PRIMARY KEY REFERENCES customers(id),
  build_id BIGINT NOT NULL,            -- the build whose model computed the list
  computed_at BIGINT NOT NULL,
  source TEXT NOT NULL,                -- rebuild | incremental
  classes TEXT NOT NULL DEFAULT '[]',  -- JSON: inferred classes with their evidence
  items TEXT NOT NULL                  -- JSON: the list, best first, each with its reason
);
CREATE INDEX customer_recommendations_computed ON customer_recommendations (computed_at);

-- Life-stage and interest tags for class inference: buying in the category gives the customer
-- the class "tag:<tag>" (baby products -> parent). Categories without a row get a tag from
-- keywords of their slug (see recommend/service.cpp).
CREATE TABLE recommend_category_tags (
  category_id BIGINT PRIMARY KEY REFERENCES categories(id),
  tag TEXT NOT NULL                    -- '' = explicitly no tag
);

CREATE TABLE recommend_jobs (
  name TEXT PRIMARY KEY,               -- 'rebuild'
  claimed_by TEXT NOT NULL DEFAULT '', -- host:pid of the process running it
  claimed_until BIGINT,                -- the claim expires then (a crashed run is taken over)
  started_at BIGINT,
  finished_at BIGINT,
  last_status TEXT NOT NULL DEFAULT '',  -- ok | failed
  last_error TEXT NOT NULL DEFAULT '',
  last_build_id BIGINT,
  last_timings TEXT NOT NULL DEFAULT '{}'
);
INSERT INTO recommend_jobs (name) VALUES ('rebuild');
