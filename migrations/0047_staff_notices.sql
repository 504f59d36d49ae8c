-- Staff notices: what staff follow, the notices they get in the app, and the e-mail sent to them
-- about a notice (not customer mail: no consent, no frequency cap, one per notice).

-- What a staff user follows, per topic ('feedback': feedback alerts): every product ('all',
-- target 0), a category or a product.
CREATE TABLE staff_follows (
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  topic TEXT NOT NULL,
  scope TEXT NOT NULL,                 -- all | category | product
  target_id BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (user_id, topic, scope, target_id)
);
CREATE INDEX staff_follows_target ON staff_follows (topic, scope, target_id);

-- A notice to one staff user, once per user and event (feedback_alert:12), however often the
-- job that raised it runs.
CREATE TABLE staff_notices (
  id INTEGER PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  topic TEXT NOT NULL,
  event_key TEXT NOT NULL,
  title TEXT NOT NULL,
  body TEXT NOT NULL DEFAULT '',
  link TEXT NOT NULL DEFAULT '',       -- where in the app it leads (/feedback?product=12)
  created_at BIGINT NOT NULL,
  read_at BIGINT,
  UNIQUE (user_id, event_key)
);
CREATE INDEX staff_notices_user ON staff_notices (user_id, read_at, id);

-- Mail to a staff user, rendered when queued and sent by the delivery worker next to the
-- customers' outbox; at most one per dedupe key.
CREATE TABLE staff_messages (
  id INTEGER PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  dedupe_key TEXT NOT NULL UNIQUE,
  source TEXT NOT NULL,                -- what queued it (feedback_alert)
  to_address TEXT NOT NULL,
  to_name TEXT NOT NULL DEFAULT '',
  subject TEXT NOT NULL,
  text TEXT NOT NULL,
  html TEXT NOT NULL,
  status TEXT NOT NULL,                -- queued | sending | sent | failed
  reason TEXT NOT NULL DEFAULT '',
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  lease_until BIGINT,
  smtp_reply TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  sent_at BIGINT
);
CREATE INDEX staff_messages_due ON staff_messages (status, next_attempt_at, id);
