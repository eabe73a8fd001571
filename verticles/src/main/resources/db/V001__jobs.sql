-- Jobs, their attempts, step results and the event log that feeds the API, the WebSocket stream and notifications.

CREATE TABLE jobs (
  id               uuid PRIMARY KEY,
  robot            text,                        -- null for an inline workflow
  state            text NOT NULL,
  priority         integer NOT NULL DEFAULT 0,  -- higher runs first
  attempt          integer NOT NULL DEFAULT 0,  -- fencing token: +1 at every claim; reports for another attempt are refused
  failures         integer NOT NULL DEFAULT 0,  -- failed attempts, counted against the retry policy
  max_attempts     integer NOT NULL,
  workflow         jsonb NOT NULL,              -- snapshot of the validated workflow and its policy
  input            jsonb NOT NULL,
  request          jsonb NOT NULL,              -- the submission as accepted, for rerun
  requires         text[] NOT NULL DEFAULT '{}',
  run_at           timestamptz NOT NULL,        -- when it is due (first run, or after a retry backoff)
  created_at       timestamptz NOT NULL,
  started_at       timestamptz,                 -- first time any attempt started
  finished_at      timestamptz,
  node             text,                        -- runner of the live attempt
  heartbeat_at     timestamptz,                 -- last sign of life of the live attempt
  cancel_requested boolean NOT NULL DEFAULT false,
  error            jsonb,                       -- {code, message, step, recoverable} of the last failure
  result           jsonb,                       -- step outputs of the successful attempt
  rerun_of         uuid
);
CREATE INDEX jobs_due      ON jobs (priority DESC, run_at, created_at) WHERE state = 'QUEUED';
CREATE INDEX jobs_waiting  ON jobs (run_at) WHERE state IN ('PENDING', 'RETRY_WAIT');
CREATE INDEX jobs_active   ON jobs (node, heartbeat_at) WHERE state IN ('CLAIMED', 'RUNNING');
CREATE INDEX jobs_listing  ON jobs (created_at DESC, id DESC);
CREATE INDEX jobs_by_robot ON jobs (robot, created_at DESC, id DESC);
CREATE INDEX jobs_by_state ON jobs (state, created_at DESC, id DESC);

CREATE TABLE attempts (
  job_id      uuid NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  attempt     integer NOT NULL,
  state       text NOT NULL,                    -- CLAIMED, RUNNING, SUCCEEDED, FAILED, CANCELLED, LOST, HANDED_BACK
  node        text,
  claimed_at  timestamptz NOT NULL,
  started_at  timestamptz,
  finished_at timestamptz,
  error       jsonb,
  PRIMARY KEY (job_id, attempt)
);

CREATE TABLE step_results (
  job_id      uuid NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  attempt     integer NOT NULL,
  step_id     text NOT NULL,
  state       text NOT NULL,                    -- RUNNING, SUCCEEDED, FAILED, CANCELLED, SKIPPED
  tries       integer NOT NULL DEFAULT 1,
  output      jsonb,
  error       jsonb,
  started_at  timestamptz,
  finished_at timestamptz,
  PRIMARY KEY (job_id, attempt, step_id)
);

CREATE TABLE events (
  seq     bigserial PRIMARY KEY,                -- the stream's sequence number: ?after=<seq> replays from here
  job_id  uuid,                                 -- null for events about the grid rather than a job
  attempt integer,
  type    text NOT NULL,
  at      timestamptz NOT NULL,
  data    jsonb NOT NULL
);
CREATE INDEX events_by_job ON events (job_id, seq);
