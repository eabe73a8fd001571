-- The dashboard's overview (GET /overview, polled): finished jobs per minute by outcome, and per robot its success
-- rate and median duration, over the last hour or so. jobs_finished becomes a covering index for them: with state,
-- robot and started_at in its entries, both are index-only range scans over the window, whatever the table holds.
-- It replaces jobs_finished (retention's oldest-first purge reads it the same way) rather than adding one: every
-- finished job already writes this index's entry, and a second index would cost every job another entry.
DROP INDEX jobs_finished;
CREATE INDEX jobs_finished ON jobs (finished_at) INCLUDE (state, robot, started_at)
  WHERE state IN ('SUCCEEDED', 'FAILED', 'CANCELLED', 'REJECTED');

-- Queue depth cannot be read back from rows for a past minute: every web node samples the capped counts once a
-- minute and the first to write a minute keeps it (one row per minute for the grid). In PostgreSQL rather than in a
-- web node's memory, so that a restart of the dashboard's node, or another web node, shows the same hour; a minute
-- no web node was up is missing (a gap in the chart), never a zero. Rows older than a day are deleted by the sampler.
CREATE TABLE queue_samples (
  at             timestamptz PRIMARY KEY,       -- the minute sampled (truncated)
  by_state       jsonb NOT NULL,                -- {QUEUED: n, RUNNING: n, …}, each capped as GET /cluster caps it
  by_capability  jsonb NOT NULL,                -- queued jobs by required capability
  capped         boolean NOT NULL DEFAULT false -- some count stopped at the limit: "at least"
);
