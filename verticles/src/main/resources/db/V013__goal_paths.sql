-- The path cache of goal runs: per site (scheme://host:port) and normalised goal, the actions that reached the goal
-- last, how often, and since when. A path whose replay fails twice in a row is retired (kept, for the record).
CREATE TABLE goal_paths (
  id              bigserial PRIMARY KEY,
  site            text NOT NULL,
  goal_key        text NOT NULL,               -- the goal lowercased, its data values put back as {names}
  goal            text NOT NULL,               -- the goal of the run that found the path, as written (data values included: never secrets)
  steps           jsonb NOT NULL,              -- [{action, target {selector, role, name, label}, dataKey, value, key, url}]
  successes       integer NOT NULL DEFAULT 0,
  failures_in_row integer NOT NULL DEFAULT 0,
  first_run_ms    bigint NOT NULL DEFAULT 0,   -- how long finding it took: what a replay saves is measured against it
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL,
  last_used_at    timestamptz,
  last_job        uuid,
  retired_at      timestamptz
);
CREATE UNIQUE INDEX goal_paths_live ON goal_paths (site, goal_key) WHERE retired_at IS NULL;

-- costs are summed from the decisions' events: by time, only those
CREATE INDEX events_goal_decisions ON events (at) WHERE type = 'goal.decision';
