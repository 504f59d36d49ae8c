-- The message log ages: messages and their events older than the retention are counted per day,
-- source (flow or campaign) and what happened, and then deleted, so the log does not grow
-- without bound while the totals stay.
CREATE TABLE message_daily (
  day TEXT NOT NULL,                   -- YYYY-MM-DD (UTC) of the message's creation or the event
  source TEXT NOT NULL,                -- the flow's or campaign's key
  kind TEXT NOT NULL,                  -- message:<status> for messages; the event's kind
  n BIGINT NOT NULL,
  PRIMARY KEY (day, source, kind)
);
-- The daily ageing finds old events by time; old messages it finds with one scan a day (an
-- index on their time would slow every campaign's insert).
CREATE INDEX message_events_at ON message_events (at);

-- The sending rules staff set in the UI (no row: the server's options): the frequency caps for
-- marketing mail and the quiet hours.
CREATE TABLE messaging_rules (
  id INTEGER PRIMARY KEY,              -- always 1
  daily_cap INTEGER NOT NULL,          -- marketing mail per customer per day; 0: no cap
  weekly_cap INTEGER NOT NULL,         -- and per 7 days
  quiet_hours TEXT NOT NULL,           -- HH:MM-HH:MM in the shop's time zone, '' for none
  updated_at BIGINT NOT NULL
);
