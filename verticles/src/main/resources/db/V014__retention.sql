-- Finished jobs are removed after the retention period (retention.finishedJobs), oldest first, a few hundred at a
-- time: this index finds them without reading the queue.
CREATE INDEX jobs_finished ON jobs (finished_at) WHERE state IN ('SUCCEEDED', 'FAILED', 'CANCELLED', 'REJECTED');
