-- Feedback mining as a stored job: texts are mined once (when new or changed) and the products'
-- figures kept, so the improvement report reads them instead of mining on every request.

-- The job row: its claim (one process at a time), the outcome of its last run, and the watermark
-- (changes up to it have been mined).
CREATE TABLE feedback_jobs (
  name TEXT PRIMARY KEY,               -- 'mine'
  claimed_by TEXT NOT NULL DEFAULT '',
  claimed_until BIGINT,
  started_at BIGINT,
  finished_at BIGINT,
  last_status TEXT NOT NULL DEFAULT '',  -- ok | failed
  last_error TEXT NOT NULL DEFAULT '',
  watermark BIGINT,
  last_full INTEGER NOT NULL DEFAULT 0,
  last_products BIGINT NOT NULL DEFAULT 0,
  last_texts_mined BIGINT NOT NULL DEFAULT 0,
  last_texts_removed BIGINT NOT NULL DEFAULT 0,
  last_alerts BIGINT NOT NULL DEFAULT 0,
  last_duration_ms BIGINT NOT NULL DEFAULT 0
);
INSERT INTO feedback_jobs (name) VALUES ('mine');

-- A text about a product as mined: its sentiment and what it gives the phrase counts (JSON:
-- quotes and phrase occurrences, feedback/issues.hpp MinedText), with a digest of the text so
-- that an edit is mined again.
CREATE TABLE feedback_texts (
  product_id BIGINT NOT NULL,
  source TEXT NOT NULL,                -- review | community | ticket | mention
  text_id BIGINT NOT NULL,
  written_at BIGINT NOT NULL,
  digest TEXT NOT NULL,
  polarity TEXT NOT NULL,              -- positive | neutral | negative
  score DOUBLE PRECISION NOT NULL,
  mined TEXT NOT NULL,
  mined_at BIGINT NOT NULL,
  PRIMARY KEY (product_id, source, text_id)
);

-- Per product, the mined part of its improvement report as of its last mining (JSON lists of
-- wire types: sources, complaints and praise with their trends, the weekly issues).
CREATE TABLE feedback_products (
  product_id BIGINT PRIMARY KEY,
  category_id BIGINT,
  texts BIGINT NOT NULL,
  positive BIGINT NOT NULL,
  neutral BIGINT NOT NULL,
  negative BIGINT NOT NULL,
  sources TEXT NOT NULL,
  complaints TEXT NOT NULL,
  praise TEXT NOT NULL,
  weekly_issues TEXT NOT NULL,
  mined_at BIGINT NOT NULL
);
CREATE INDEX feedback_products_category ON feedback_products (category_id, product_id);

-- Per product and day or week (from Monday, UTC): its texts and their sentiment.
CREATE TABLE feedback_periods (
  product_id BIGINT NOT NULL,
  category_id BIGINT,
  period TEXT NOT NULL,                -- day | week
  period_start BIGINT NOT NULL,
  texts BIGINT NOT NULL,
  positive BIGINT NOT NULL,
  neutral BIGINT NOT NULL,
  negative BIGINT NOT NULL,
  PRIMARY KEY (product_id, period, period_start)
);
CREATE INDEX feedback_periods_category ON feedback_periods (category_id, period, period_start);

-- Alerts: an issue rising or the negative share jumping, once per product, kind, phrase and
-- calendar week.
CREATE TABLE feedback_alerts (
  id INTEGER PRIMARY KEY,
  product_id BIGINT NOT NULL,
  category_id BIGINT,
  kind TEXT NOT NULL,                  -- issue_rising | negative_jump
  phrase TEXT NOT NULL DEFAULT '',
  week_start BIGINT NOT NULL,
  count BIGINT NOT NULL,
  baseline DOUBLE PRECISION NOT NULL,
  share DOUBLE PRECISION,
  examples TEXT NOT NULL DEFAULT '[]', -- JSON: [{source, id}]
  created_at BIGINT NOT NULL,
  acknowledged_at BIGINT,
  acknowledged_by BIGINT,
  UNIQUE (product_id, kind, phrase, week_start)
);
CREATE INDEX feedback_alerts_product ON feedback_alerts (product_id, id);

-- What the job looks at to find the products whose texts changed since its watermark.
CREATE INDEX product_reviews_updated ON product_reviews (updated_at);
CREATE INDEX tickets_updated ON tickets (updated_at);
CREATE INDEX interactions_created ON interactions (created_at);
CREATE INDEX social_mentions_updated ON social_mentions (updated_at);
