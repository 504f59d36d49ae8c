-- Staff users, their sessions and API keys, the audit log, and failed-login tracking.
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,          -- stored lower-case
  name TEXT NOT NULL DEFAULT '',
  role TEXT NOT NULL,                  -- admin | marketing | sales | service | analyst
  password_hash TEXT NOT NULL,         -- argon2id, libsodium string format
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  last_login_at BIGINT
);

CREATE TABLE sessions (
  id INTEGER PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,     -- SHA-256 of the cookie value
  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  ip TEXT NOT NULL DEFAULT '',
  user_agent TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE api_keys (
  id INTEGER PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  prefix TEXT NOT NULL,                -- first characters of the key, to recognise it in lists
  key_hash TEXT NOT NULL UNIQUE,       -- SHA-256 of the whole key
  scopes TEXT NOT NULL,                -- space-separated
  created_at BIGINT NOT NULL,
  last_used_at BIGINT,
  revoked_at BIGINT
);

CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at BIGINT NOT NULL,
  actor_type TEXT NOT NULL,            -- user | api_key | system | customer | partner
  actor_id BIGINT,
  actor TEXT,                          -- e-mail or key name at the time of the action
  action TEXT NOT NULL,                -- e.g. "POST /api/v1/users" or "user.create"
  entity TEXT NOT NULL DEFAULT '',
  entity_id TEXT NOT NULL DEFAULT '',
  status INTEGER NOT NULL DEFAULT 0,
  ip TEXT NOT NULL DEFAULT '',
  details TEXT NOT NULL DEFAULT '{}'   -- JSON
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);

CREATE TABLE login_failures (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL,                   -- "email:<address>" or "ip:<address>"
  at BIGINT NOT NULL
);
CREATE INDEX login_failures_key_at ON login_failures (key, at);
