-- API tokens: only their SHA-256 is kept (a token is 32 random bytes: a fast hash is enough to look it up and
-- useless to reverse). Roles: admin, operator, viewer, agent.
CREATE TABLE api_tokens (
  name        text PRIMARY KEY,
  role        text NOT NULL,
  hash        text NOT NULL UNIQUE,
  created_at  timestamptz NOT NULL,
  created_by  text,
  revoked_at  timestamptz
);
