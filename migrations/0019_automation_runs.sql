-- The days the server ran the date-triggered flows for (the daily run), with what each did.
CREATE TABLE automation_runs (
  day TEXT PRIMARY KEY,                -- YYYY-MM-DD in the shop's time zone
  summary TEXT NOT NULL,               -- JSON: enrolled, queued, by_flow
  at BIGINT NOT NULL
);
