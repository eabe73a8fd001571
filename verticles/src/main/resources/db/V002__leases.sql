-- Cluster-wide leases on scarce robots. The distributed lock decides who holds a resource; this table records it
-- (holder node, job, attempt, since) so that it is visible, and so that the end of an attempt ends its leases in the
-- same transaction that ends the attempt.

CREATE TABLE leases (
  resource text PRIMARY KEY,                    -- browser:<node>:<slot> or desktop:<name>
  node     text NOT NULL,
  job_id   uuid NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  attempt  integer NOT NULL,                    -- the fencing token of the holding attempt
  since    timestamptz NOT NULL
);
CREATE INDEX leases_by_attempt ON leases (job_id, attempt);
