-- OIDC sign-in (services/oidc.ts): the secrets of a sign-in in flight, between the redirect to
-- the provider and its callback. Keyed by the SHA-256 hash of the `state` sent to the provider;
-- a row is taken (deleted) by the callback, so it serves once, and is good until expires_at.
CREATE TABLE oidc_logins (
  state_hash    text PRIMARY KEY,
  -- the hash of the random value in the browser's dcp_oidc cookie: only the browser that started
  -- a sign-in can finish it (no login CSRF: nobody can be signed in as someone else by a link)
  browser_hash  text NOT NULL,
  code_verifier text NOT NULL,
  nonce         text NOT NULL,
  return_to     text NOT NULL,
  created_at    timestamptz NOT NULL,
  expires_at    timestamptz NOT NULL
);
CREATE INDEX oidc_logins_expires ON oidc_logins (expires_at);
