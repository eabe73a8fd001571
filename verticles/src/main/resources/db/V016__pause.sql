-- Pause and resume (issue 17). pause: set while a pause is asked of a running job (it stops at its next step
-- boundary) and while the job is PAUSED: {requestedAt, by, pausedAt}. carried: the outputs of the steps that
-- succeeded before a pause, by step id: the attempt after the resume starts from the steps not in it.
ALTER TABLE jobs ADD COLUMN pause jsonb, ADD COLUMN carried jsonb;
