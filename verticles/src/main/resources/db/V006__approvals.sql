-- Approval gates: a job of a robot that requires approval waits in WAITING_APPROVAL until a person approves or
-- rejects it, or its deadline passes. approval: {deadline, decision, by, at, reason}.
ALTER TABLE jobs ADD COLUMN approval jsonb;
CREATE INDEX jobs_waiting_approval ON jobs (created_at) WHERE state = 'WAITING_APPROVAL';
