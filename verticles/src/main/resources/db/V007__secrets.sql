-- Encrypted credentials (AES-256-GCM under the master key, the name as associated data) and every use of one.
-- The values never leave the runner that decrypts them; this table holds only ciphertext.
CREATE TABLE secrets (
  name        text PRIMARY KEY,
  nonce       bytea NOT NULL,
  ciphertext  bytea NOT NULL,
  key_id      text NOT NULL,                    -- which master key sealed it (its SHA-256 prefix)
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL,
  updated_by  text
);
CREATE TABLE secret_uses (
  id       bigserial PRIMARY KEY,
  name     text NOT NULL,
  job_id   uuid NOT NULL,
  attempt  integer NOT NULL,
  step     text,
  node     text NOT NULL,
  used_at  timestamptz NOT NULL
);
CREATE INDEX secret_uses_by_name ON secret_uses (name, used_at DESC);
