-- What an attempt measured (steps, time per step, retries, browser recoveries, path cache use), and the flag that
-- asks a person to look at a job that failed in a way nobody classified.
ALTER TABLE jobs ADD COLUMN metrics jsonb;
ALTER TABLE jobs ADD COLUMN review jsonb;
CREATE INDEX jobs_review_open ON jobs (created_at DESC) WHERE review IS NOT NULL AND review->>'reviewedAt' IS NULL;

-- The path cache: for each robot and site, which selector alternative of a step worked the last time a run of that
-- robot reached its goal. Runners get a robot's entries with each assignment and try the cached choice first.
CREATE TABLE path_cache (
  robot        text NOT NULL,                   -- the robot's name, or workflow:<hash> for an inline workflow
  site         text NOT NULL,                   -- scheme://host:port of the page the step acted on
  step         text NOT NULL,
  selector     text NOT NULL,
  alternative  integer NOT NULL,                -- its index in the step's list
  full_list_ms bigint NOT NULL,                 -- how long finding it took without the cache
  job_id       uuid NOT NULL,                   -- the run that recorded it
  recorded_at  timestamptz NOT NULL,
  PRIMARY KEY (robot, site, step)
);
