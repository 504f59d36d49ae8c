-- Satisfaction and loyalty surveys: CSAT (1 to 5) of a solved ticket and NPS (0 to 10) of a
-- buyer. A row is a survey: asked by mail (outbox_message_id, sent_at) and/or answered (score,
-- comment, channel, answered_at). Every answer lands here, whether it came through the mail's
-- signed link or the portal's rating form; the portal's former table is folded in.
--
-- One CSAT survey per ticket ever (the partial unique index): a ticket reopened and solved
-- again is not asked again, and a second answer replaces the first. NPS is asked again once the
-- customer's latest NPS survey is older than the interval (90 days by default).
CREATE TABLE surveys (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,                  -- csat | nps
  customer_id BIGINT NOT NULL REFERENCES customers (id),
  ticket_id BIGINT REFERENCES tickets (id),  -- csat: the ticket rated
  outbox_message_id BIGINT,            -- the mail that asked; NULL when not asked by mail
  sent_at BIGINT,                      -- when the mail was queued
  score INTEGER,                       -- NULL until answered
  comment TEXT NOT NULL DEFAULT '',
  channel TEXT,                        -- how it was answered: email | portal
  answered_at BIGINT,
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX surveys_csat_ticket ON surveys (ticket_id) WHERE kind = 'csat';
CREATE INDEX surveys_customer ON surveys (customer_id, kind, created_at);
CREATE INDEX surveys_answered ON surveys (kind, answered_at);

INSERT INTO surveys (kind, customer_id, ticket_id, score, comment, channel, answered_at, created_at)
  SELECT 'csat', customer_id, ticket_id, score, comment, 'portal', rated_at, rated_at
  FROM portal_ticket_ratings;
DROP TABLE portal_ticket_ratings;
