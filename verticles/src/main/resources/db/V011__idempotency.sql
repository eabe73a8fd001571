-- Idempotency keys of job submissions (POST /jobs with an Idempotency-Key header): a retried submit whose first
-- answer was lost gets the job of its first try. A key belongs to the caller (the token's name) that sent it and
-- means one request (its canonical hash) for 24 hours. job_id is chosen when the key is kept, before the job is
-- stored: no foreign key, since a node that dies in between leaves a key whose job its retry then stores.
CREATE TABLE idempotency_keys (
  caller       text NOT NULL,
  key          text NOT NULL,
  request_hash text NOT NULL,
  job_id       uuid NOT NULL,
  created_at   timestamptz NOT NULL,
  PRIMARY KEY (caller, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
