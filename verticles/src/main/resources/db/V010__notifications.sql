-- The notifier's outbox. Notifiers read job events in order from a shared cursor (one at a time: the cursor row is
-- locked while a notifier turns events into notifications), so every event is turned into notifications once. A
-- notification is sent, retried with backoff while its channel fails, and its fate recorded here; none of this
-- touches the job.
--
-- Events do not commit in seq order: a transaction may commit its event after one with a higher seq was read. So
-- each event records the transaction that wrote it, and the cursor keeps, besides the highest seq read, the snapshot
-- it was read under: an event whose transaction that snapshot did not see is read at the next scan, whatever its seq.
ALTER TABLE events ADD COLUMN xid xid8 DEFAULT pg_current_xact_id();
CREATE INDEX events_xid ON events (xid);

CREATE TABLE notifier_cursor (
  id        integer PRIMARY KEY CHECK (id = 1),
  last_seq  bigint NOT NULL,                   -- the highest event looked at
  snapshot  text,                              -- the snapshot (pg_snapshot) that read it
  since_seq bigint NOT NULL                    -- notifications start after this event (the events before it are history)
);
-- a new grid starts notifying from now: the past is not sent
INSERT INTO notifier_cursor (id, last_seq, snapshot, since_seq)
  SELECT 1, coalesce(max(seq), 0), pg_current_snapshot()::text, coalesce(max(seq), 0) FROM events;

CREATE TABLE notifications (
  id          bigserial PRIMARY KEY,
  event_seq   bigint,                          -- the event it is about (null for a digest)
  job_id      uuid,
  robot       text,                            -- null for an inline workflow's job
  trigger     text NOT NULL,                   -- failure, success, approval, digest
  channel     text NOT NULL,                   -- email, webhook
  target      text NOT NULL,                   -- the address or URL
  state       text NOT NULL,                   -- PENDING, SENDING, SENT, FAILED (gave up), HELD (sent within a digest)
  tries       integer NOT NULL DEFAULT 0,
  next_at     timestamptz NOT NULL,            -- when to send (or try again)
  lease_until timestamptz,                     -- a notifier is sending it until then
  last_error  text,
  digest_id   bigint REFERENCES notifications (id),
  data        jsonb NOT NULL,                  -- what the event said (state, error, attempt, at)
  created_at  timestamptz NOT NULL,
  sent_at     timestamptz,
  UNIQUE (event_seq, channel, target)
);
CREATE INDEX notifications_due    ON notifications (next_at) WHERE state IN ('PENDING', 'SENDING');
CREATE INDEX notifications_recent ON notifications (robot, channel, target, created_at) WHERE trigger = 'failure';
CREATE INDEX notifications_by_job ON notifications (job_id, id);
