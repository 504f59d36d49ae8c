-- Two-factor sign-in for staff (TOTP, RFC 6238): a user's secret, their single-use recovery
-- codes, the roles that must use it, and the second step of a sign-in whose password was right.

-- A user's TOTP secret (base32). confirmed_at is null until the first code confirmed it: only a
-- confirmed secret asks for a code at sign-in. last_step is the last accepted step, so a code is
-- never accepted twice.
CREATE TABLE user_totp (
  user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  secret TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  confirmed_at BIGINT,
  last_step BIGINT NOT NULL DEFAULT 0
);

-- Recovery codes, stored as digests (SHA-256 over the user's id and the code); used_at once used.
CREATE TABLE user_recovery_codes (
  id INTEGER PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  code_hash TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  used_at BIGINT,
  UNIQUE (user_id, code_hash)
);

-- The roles whose users must sign in with a second factor; a user of one without a confirmed
-- secret reaches only the enrolment routes until they enrol.
CREATE TABLE two_factor_roles (
  role TEXT PRIMARY KEY,
  updated_at BIGINT NOT NULL
);

-- A sign-in waiting for its second factor: the digest of the token handed out after the password,
-- valid a few minutes and used once.
CREATE TABLE two_factor_challenges (
  token_hash TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX two_factor_challenges_expiry ON two_factor_challenges (expires_at);
