-- Files a job leaves behind: screenshots and page HTML taken when a browser step fails, and those a robot asks for.
-- Kept in PostgreSQL (bytea) so that every web node can serve them and they go away with their job.

CREATE TABLE artifacts (
  job_id       uuid NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  name         text NOT NULL,                   -- unique per job: <attempt>-<step>-failure.png, or the robot's own name
  attempt      integer NOT NULL,
  step         text,
  content_type text NOT NULL,
  size         integer NOT NULL,
  data         bytea NOT NULL,
  created_at   timestamptz NOT NULL,
  PRIMARY KEY (job_id, name)
);
