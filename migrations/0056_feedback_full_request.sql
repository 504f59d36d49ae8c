-- A full feedback mining run asked for (POST /api/v1/feedback/mining {"full": true}) is recorded on
-- the job row, so that the process running it sees the request: a worker (`ecrm worker`) when the
-- web node only queues the run (`ecrm serve --no-worker`). The run takes the request with its
-- claim and puts it back if it fails.
ALTER TABLE feedback_jobs ADD COLUMN full_requested INTEGER NOT NULL DEFAULT 0;
