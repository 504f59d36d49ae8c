-- Idempotency-Key on POST: the first answer to a request, kept per caller and key for 24 hours so
-- that a retry gets it again instead of writing twice. A row is inserted as 'running' before the
-- handler runs (the insert decides which of two simultaneous requests runs) and becomes 'done'
-- with the answer after it; an answer that is not kept (5xx) deletes the row.
CREATE TABLE idempotency_keys (
  caller TEXT NOT NULL,                -- user:7, api-key:3, customer:12, credential:<sha-256>
  idem_key TEXT NOT NULL,              -- the header's value
  fingerprint TEXT NOT NULL,           -- SHA-256 of method, target and body
  method TEXT NOT NULL,
  target TEXT NOT NULL,
  state TEXT NOT NULL,                 -- running | done
  status INTEGER NOT NULL DEFAULT 0,
  content_type TEXT NOT NULL DEFAULT '',
  headers TEXT NOT NULL DEFAULT '[]',  -- JSON array of [name, value]
  body TEXT NOT NULL DEFAULT '',
  body_base64 INTEGER NOT NULL DEFAULT 0,  -- 1: body is base64url (not JSON text)
  created_at BIGINT NOT NULL,
  PRIMARY KEY (caller, idem_key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
