-- Social listening: mentions of the shop on social platforms, taken in by a signed webhook or a
-- CSV import, matched to customers (by the handles on their profile) and products (name, SKU,
-- aliases), scored for sentiment, and worked in the mentions inbox (reply, escalate to a ticket,
-- mark handled).
--
-- A mention is unique per platform and external id: the same post delivered twice is one row.
CREATE TABLE social_mentions (
  id INTEGER PRIMARY KEY,
  platform TEXT NOT NULL,               -- lower-case: weibo, x, wechat, xiaohongshu, …
  external_id TEXT NOT NULL,            -- the platform's id (an import without one: a digest)
  author_handle TEXT NOT NULL,          -- as the platform shows it
  author_key TEXT NOT NULL,             -- folded: lower-case, without a leading @
  url TEXT NOT NULL DEFAULT '',
  text TEXT NOT NULL,
  posted_at BIGINT NOT NULL,
  received_at BIGINT NOT NULL,
  source TEXT NOT NULL,                 -- webhook | import
  customer_id BIGINT REFERENCES customers (id),
  sentiment TEXT,                       -- positive | negative | neutral; NULL when not scored
  sentiment_score DOUBLE PRECISION,
  status TEXT NOT NULL DEFAULT 'new',   -- new | handled | escalated
  ticket_id BIGINT REFERENCES tickets (id),
  handled_by BIGINT,                    -- the staff user who marked it handled or escalated it
  handled_at BIGINT,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX social_mentions_external ON social_mentions (platform, external_id);
CREATE INDEX social_mentions_status ON social_mentions (status, id);
CREATE INDEX social_mentions_posted ON social_mentions (posted_at, id);
CREATE INDEX social_mentions_customer ON social_mentions (customer_id, posted_at, id);
CREATE INDEX social_mentions_author ON social_mentions (platform, author_key);

-- The products a mention names (several per mention).
CREATE TABLE social_mention_products (
  mention_id BIGINT NOT NULL REFERENCES social_mentions (id) ON DELETE CASCADE,
  product_id BIGINT NOT NULL REFERENCES products (id),
  PRIMARY KEY (mention_id, product_id)
);
CREATE INDEX social_mention_products_product ON social_mention_products (product_id, mention_id);

-- Staff replies to a mention, posted back through the outgoing webhook. A reply is never lost:
-- queued until a 2xx answer (sent), tried again with backoff, failed after the last attempt
-- (with the last answer), unsent when no outgoing webhook is configured.
CREATE TABLE social_replies (
  id INTEGER PRIMARY KEY,
  mention_id BIGINT NOT NULL REFERENCES social_mentions (id),
  author_id BIGINT,                     -- the staff user
  author_name TEXT NOT NULL DEFAULT '',
  text TEXT NOT NULL,
  status TEXT NOT NULL,                 -- queued | sent | failed | unsent
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT,
  response TEXT NOT NULL DEFAULT '',    -- the receiver's last answer (status and first bytes)
  created_at BIGINT NOT NULL,
  sent_at BIGINT,
  updated_at BIGINT NOT NULL
);
CREATE INDEX social_replies_mention ON social_replies (mention_id, id);
CREATE INDEX social_replies_due ON social_replies (status, next_attempt_at);

-- A customer's handles, one per platform and handle; a handle belongs to one customer.
CREATE TABLE customer_social_handles (
  id INTEGER PRIMARY KEY,
  customer_id BIGINT NOT NULL REFERENCES customers (id),
  platform TEXT NOT NULL,
  handle TEXT NOT NULL,
  handle_key TEXT NOT NULL,             -- folded like social_mentions.author_key
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX customer_social_handles_key ON customer_social_handles (platform, handle_key);
CREATE INDEX customer_social_handles_customer ON customer_social_handles (customer_id);

-- Other names a product goes by in people's posts (nicknames, model numbers, translations).
CREATE TABLE product_aliases (
  id INTEGER PRIMARY KEY,
  product_id BIGINT NOT NULL REFERENCES products (id),
  alias TEXT NOT NULL,
  alias_key TEXT NOT NULL,              -- folded to lower case
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX product_aliases_key ON product_aliases (product_id, alias_key);

-- Settings of the social webhooks: the secret incoming calls are signed with, and where replies
-- are posted (with the secret they are signed with). One row, name = 'default'.
CREATE TABLE social_settings (
  name TEXT PRIMARY KEY,
  inbound_secret TEXT NOT NULL DEFAULT '',
  reply_url TEXT NOT NULL DEFAULT '',
  reply_secret TEXT NOT NULL DEFAULT '',
  updated_at BIGINT NOT NULL
);
