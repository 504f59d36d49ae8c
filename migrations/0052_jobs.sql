-- Durable background jobs (the analytics recomputation, the recommendation rebuild, feedback
-- mining): queued by a request on a web node (`ecrm serve --no-worker`) or by a worker's
-- schedule, claimed by one `ecrm worker` under a lease it renews while the job runs. A job whose
-- lease ran out (its worker died) is claimed again by another worker (attempts counts claims).
CREATE TABLE jobs (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,                     -- analytics_recompute | recommend_rebuild | feedback_mining
  state TEXT NOT NULL,                    -- queued | running | done | failed
  requested_by TEXT NOT NULL DEFAULT '',  -- a staff user's e-mail, or 'schedule'
  schedule_key TEXT,                      -- a scheduled run: the build it follows
  lease_owner TEXT NOT NULL DEFAULT '',   -- host:pid of the worker holding (or last holding) it
  lease_until BIGINT,
  heartbeat_at BIGINT,
  heartbeats INTEGER NOT NULL DEFAULT 0,  -- lease renewals
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  started_at BIGINT,
  finished_at BIGINT,
  result TEXT NOT NULL DEFAULT '',
  error TEXT NOT NULL DEFAULT ''
);
-- One queued or running job per kind; one job per scheduled run.
CREATE UNIQUE INDEX jobs_active_kind ON jobs (kind) WHERE state IN ('queued', 'running');
CREATE UNIQUE INDEX jobs_schedule_key ON jobs (kind, schedule_key) WHERE schedule_key IS NOT NULL;
CREATE INDEX jobs_kind_state ON jobs (kind, state, id);
