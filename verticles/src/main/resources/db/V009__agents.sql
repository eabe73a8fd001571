-- Pull-mode agents. An `agent` step of a running attempt offers one piece of work per try; an external program
-- offering the capability claims it, keeps the claim with heartbeats and reports on it. Each hand-out of a step's
-- work gets a new number (`handout`, the `attempt` agents see): a report naming an older one is refused.
CREATE TABLE agent_work (
  id           bigserial PRIMARY KEY,
  job_id       uuid NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  job_attempt  integer NOT NULL,               -- the job attempt whose step waits for it
  step         text NOT NULL,
  try          integer NOT NULL,               -- the step's try within that attempt
  capability   text NOT NULL,
  parameters   jsonb NOT NULL,
  node         text NOT NULL,                  -- the runner the step waits on
  state        text NOT NULL,                  -- OPEN, CLAIMED, DONE, WITHDRAWN
  handout      integer NOT NULL DEFAULT 0,     -- +1 at every hand-out of this job's step; 0 while never handed out
  agent        text,                           -- who holds (or last held) the claim
  claim_token  text,                           -- the name of the API token it claimed with: only that token may report
  offered_at   timestamptz NOT NULL,
  claimed_at   timestamptz,
  expires_at   timestamptz,                    -- a claim not kept alive until then is lost and the work offered again
  finished_at  timestamptz,
  outcome      jsonb,                          -- the report that ended it ({type, output|message}) or why it was withdrawn
  UNIQUE (job_id, job_attempt, step, try)
);
CREATE INDEX agent_work_open    ON agent_work (capability, offered_at) WHERE state = 'OPEN';
CREATE INDEX agent_work_claimed ON agent_work (expires_at) WHERE state = 'CLAIMED';
-- a hand-out number names one piece of work: what a report is matched on
CREATE UNIQUE INDEX agent_work_handout ON agent_work (job_id, step, handout) WHERE handout > 0;

-- The agents that asked for work or sent a heartbeat: what the cluster status shows.
CREATE TABLE agents (
  id           text PRIMARY KEY,
  capabilities text[] NOT NULL DEFAULT '{}',
  token        text,                           -- the name of the token it used
  first_seen   timestamptz NOT NULL,
  last_seen    timestamptz NOT NULL
);
