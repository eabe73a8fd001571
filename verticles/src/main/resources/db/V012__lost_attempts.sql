-- Attempts lost with their node (killed, frozen past the heartbeat timeout) or their database: counted apart from
-- failures, so that a job that did nothing wrong is run again without spending its retry budget (up to the workflow's
-- maxLostAttempts; past that, a lost attempt counts as a failure, so that a job that takes its node down each time ends).
ALTER TABLE jobs ADD COLUMN lost_attempts integer NOT NULL DEFAULT 0;
