-- Robot schedules: the last fire time each schedule has dealt with (created its job, or skipped it per catchUp).
-- Every coordinator fires due schedules; the row lock (FOR UPDATE SKIP LOCKED) lets one at a time do it, and the
-- unique schedule_key of a job (robot and fire time) makes a second job for the same fire time impossible anyway.
CREATE TABLE schedules (
  robot      text PRIMARY KEY,
  cron       text NOT NULL,                   -- the expression last_fire was computed with: a new one starts from now
  timezone   text NOT NULL,
  last_fire  timestamptz NOT NULL,
  paused     boolean NOT NULL DEFAULT false,
  updated_at timestamptz NOT NULL
);
ALTER TABLE jobs ADD COLUMN schedule_key text;
CREATE UNIQUE INDEX jobs_schedule_key ON jobs (schedule_key) WHERE schedule_key IS NOT NULL;
