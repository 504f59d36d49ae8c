-- Taxes on orders (imported shop orders carry them), and CSV import jobs run by the server.
ALTER TABLE orders ADD COLUMN tax BIGINT NOT NULL DEFAULT 0;

CREATE TABLE import_jobs (
  id INTEGER PRIMARY KEY,
  entity TEXT NOT NULL,                -- customers | products | orders
  format TEXT NOT NULL,                -- auto | ecrm | shopify (the detected one once known)
  status TEXT NOT NULL,                -- queued | running | succeeded | failed
  phase TEXT NOT NULL DEFAULT '',      -- validating | importing while running
  dry_run INTEGER NOT NULL DEFAULT 0,
  skip_bad INTEGER NOT NULL DEFAULT 0,
  file_name TEXT NOT NULL DEFAULT '',
  bytes_total BIGINT NOT NULL DEFAULT 0,
  bytes_done BIGINT NOT NULL DEFAULT 0,
  rows_read BIGINT NOT NULL DEFAULT 0,
  records BIGINT NOT NULL DEFAULT 0,   -- customers, products or orders (an order spans rows)
  inserted BIGINT NOT NULL DEFAULT 0,
  updated BIGINT NOT NULL DEFAULT 0,
  unchanged BIGINT NOT NULL DEFAULT 0,
  bad_rows BIGINT NOT NULL DEFAULT 0,
  errors TEXT NOT NULL DEFAULT '[]',   -- JSON array of {line, field, message}, the first 1,000
  warnings TEXT NOT NULL DEFAULT '[]', -- JSON array of strings
  message TEXT NOT NULL DEFAULT '',
  created_by TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  started_at BIGINT,
  finished_at BIGINT
);
CREATE INDEX import_jobs_created ON import_jobs (created_at);
