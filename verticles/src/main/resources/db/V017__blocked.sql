-- Blocked work (issue 17). jobs.blocked: set while a step of the job's running attempt waits on something outside
-- the grid (an agent said so, or no agent offering its capability is heard from): {step, reason, message, since,
-- until, agent, capability}. Only ever set on a RUNNING job: every write that moves a job out of RUNNING clears it.
ALTER TABLE jobs ADD COLUMN blocked jsonb;
-- the blocked jobs, for the dashboard's filter and the metrics' count: few rows, never the backlog
CREATE INDEX jobs_blocked ON jobs (created_at) WHERE blocked IS NOT NULL;
