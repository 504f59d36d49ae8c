-- Messaging: templates per key and language, the outbox (one row per message, from queued to
-- sent, failed, bounced or suppressed), what happened to each message (sent, opened, clicked,
-- replied, bounced, unsubscribed: the customer's timeline and the reply rate read these), the
-- addresses mail must not go to, and the key that signs unsubscribe and click links.
CREATE TABLE message_templates (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL,
  language TEXT NOT NULL,              -- en | zh-CN
  kind TEXT NOT NULL,                  -- marketing | transactional
  subject TEXT NOT NULL,
  html TEXT NOT NULL,
  text TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (key, language)
);

-- A message is rendered when it is sent (with the customer as they are then, and links signed
-- with its id); the row keeps what was sent: address, subject and the content's digest.
CREATE TABLE messages (
  id INTEGER PRIMARY KEY,
  customer_id BIGINT NOT NULL REFERENCES customers (id),
  template_key TEXT NOT NULL,
  kind TEXT NOT NULL,                  -- marketing | transactional
  source TEXT NOT NULL,                -- the flow's or campaign's key, "manual" for staff's
  dedupe_key TEXT,                     -- at most one message per key (a rerun queues none)
  data TEXT NOT NULL DEFAULT '{}',     -- the blocks it shows (recommendations, order, cart, …)
  status TEXT NOT NULL,                -- queued | sending | sent | failed | bounced | suppressed
  reason TEXT NOT NULL DEFAULT '',     -- why it is held back, suppressed or failed
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  lease_until BIGINT,                  -- sending: another worker may take it over after this
  language TEXT NOT NULL DEFAULT '',
  to_address TEXT NOT NULL DEFAULT '',
  subject TEXT NOT NULL DEFAULT '',
  digest TEXT NOT NULL DEFAULT '',     -- SHA-256 of the rendered subject, HTML and text
  smtp_reply TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  sent_at BIGINT,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX messages_dedupe ON messages (dedupe_key);
-- Delivery reads the due messages in id order; the caps count a customer's recent mail.
CREATE INDEX messages_due ON messages (status, next_attempt_at, id);
CREATE INDEX messages_customer ON messages (customer_id, created_at, id);

CREATE TABLE message_events (
  id INTEGER PRIMARY KEY,
  message_id BIGINT NOT NULL REFERENCES messages (id),
  customer_id BIGINT NOT NULL,
  kind TEXT NOT NULL,                  -- sent | failed | suppressed | deferred | open | click |
                                       -- reply | bounce | unsubscribe
  at BIGINT NOT NULL,
  detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX message_events_message ON message_events (message_id, id);
CREATE INDEX message_events_customer ON message_events (customer_id, at, id);

CREATE TABLE email_suppressions (
  address TEXT PRIMARY KEY,            -- lower-case
  reason TEXT NOT NULL,                -- bounce | complaint | manual
  detail TEXT NOT NULL DEFAULT '',
  at BIGINT NOT NULL
);

CREATE TABLE messaging_keys (
  id INTEGER PRIMARY KEY,
  secret TEXT NOT NULL,                -- base64url, 32 random bytes
  created_at BIGINT NOT NULL
);
