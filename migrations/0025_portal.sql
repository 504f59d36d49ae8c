-- The self-service portals: sign-in links sent by e-mail and the sessions they open, for a
-- portal principal (a customer now; a partner later), and customers' requests to erase their
-- data, which staff see and act on.
--
-- A link and a session keep only the SHA-256 digest of their secret. A link is used once and
-- expires; exchanging it opens a session, whose CSRF token is sent back with every write.
CREATE TABLE portal_links (
  id INTEGER PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,     -- SHA-256 of the token in the link
  subject_kind TEXT NOT NULL,          -- customer (partner later)
  subject_id BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  used_at BIGINT,                      -- set when exchanged for a session
  ip TEXT NOT NULL DEFAULT ''          -- who asked for it
);
CREATE INDEX portal_links_subject ON portal_links (subject_kind, subject_id);
CREATE INDEX portal_links_expires ON portal_links (expires_at);

CREATE TABLE portal_sessions (
  id INTEGER PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,     -- SHA-256 of the cookie value
  subject_kind TEXT NOT NULL,
  subject_id BIGINT NOT NULL,
  csrf_token TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  ip TEXT NOT NULL DEFAULT '',
  user_agent TEXT NOT NULL DEFAULT ''
);
CREATE INDEX portal_sessions_subject ON portal_sessions (subject_kind, subject_id);
CREATE INDEX portal_sessions_expires ON portal_sessions (expires_at);

-- Sign-in requests by address and by IP address (the key), for the rate limit; pruned with
-- the sessions.
CREATE TABLE portal_sign_in_attempts (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL,                   -- "email:<address>" or "ip:<address>"
  at BIGINT NOT NULL
);
CREATE INDEX portal_sign_in_attempts_key ON portal_sign_in_attempts (key, at);

-- A customer's request to erase their data: recorded, not carried out. Staff with
-- customers:erase see the open ones and close each as erased or declined.
CREATE TABLE portal_erase_requests (
  id INTEGER PRIMARY KEY,
  customer_id BIGINT NOT NULL REFERENCES customers (id),
  status TEXT NOT NULL,                -- open | erased | declined
  reason TEXT NOT NULL DEFAULT '',     -- the customer's words
  created_at BIGINT NOT NULL,
  closed_at BIGINT,
  closed_by TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT ''        -- staff's
);
CREATE INDEX portal_erase_requests_status ON portal_erase_requests (status, id);
CREATE INDEX portal_erase_requests_customer ON portal_erase_requests (customer_id, id);

-- A customer's satisfaction rating (CSAT, 1 to 5) of a solved ticket, given in the portal: one
-- per ticket, the latest answer kept. Satisfaction reports read it.
CREATE TABLE portal_ticket_ratings (
  ticket_id BIGINT PRIMARY KEY REFERENCES tickets (id),
  customer_id BIGINT NOT NULL REFERENCES customers (id),
  score INTEGER NOT NULL,              -- 1 (very unhappy) … 5 (very happy)
  comment TEXT NOT NULL DEFAULT '',
  rated_at BIGINT NOT NULL
);
CREATE INDEX portal_ticket_ratings_customer ON portal_ticket_ratings (customer_id, rated_at);
