-- The partner API: keys a partner's programs call the partner portal's routes with, and signed
-- webhooks telling a partner of its new (and changed) order lines.

-- A key acts as its partner on /api/v1/portal/partner/… only. The secret is shown once; stored
-- is its SHA-256 digest and the first characters to recognise it by.
CREATE TABLE partner_api_keys (
  id INTEGER PRIMARY KEY,
  partner_id BIGINT NOT NULL REFERENCES partners (id),
  name TEXT NOT NULL,
  prefix TEXT NOT NULL,
  key_digest TEXT NOT NULL,
  role TEXT NOT NULL,                      -- partner_admin | partner_staff: what the key may do
  created_by TEXT NOT NULL,                -- who made it: a staff e-mail or partner:<user id>
  created_at BIGINT NOT NULL,
  last_used_at BIGINT,
  revoked_at BIGINT
);
CREATE UNIQUE INDEX partner_api_keys_digest ON partner_api_keys (key_digest);
CREATE INDEX partner_api_keys_partner ON partner_api_keys (partner_id, id);

-- Where a partner wants its events: an http(s) URL, the secret the server made (deliveries are
-- signed with it), and the events it takes (order_line.created, order_line.updated).
CREATE TABLE partner_webhooks (
  id INTEGER PRIMARY KEY,
  partner_id BIGINT NOT NULL REFERENCES partners (id),
  url TEXT NOT NULL,
  secret TEXT NOT NULL,
  events TEXT NOT NULL,                    -- comma-separated event names
  active INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX partner_webhooks_partner ON partner_webhooks (partner_id, id);

-- One event for one webhook, sent by the background sender: queued until a 2xx answer (sent) or
-- the last attempt (failed). `dedup` makes an event about one line queued once per webhook.
CREATE TABLE partner_webhook_deliveries (
  id INTEGER PRIMARY KEY,
  webhook_id BIGINT NOT NULL REFERENCES partner_webhooks (id),
  event TEXT NOT NULL,
  order_line_id BIGINT NOT NULL,
  dedup TEXT NOT NULL,
  body TEXT NOT NULL,
  status TEXT NOT NULL,                    -- queued | sent | failed
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  response TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX partner_webhook_deliveries_dedup ON partner_webhook_deliveries (webhook_id, dedup);
CREATE INDEX partner_webhook_deliveries_due ON partner_webhook_deliveries (status, next_attempt_at, id);
CREATE INDEX partner_webhook_deliveries_webhook ON partner_webhook_deliveries (webhook_id, id);
