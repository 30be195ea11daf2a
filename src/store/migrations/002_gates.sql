-- Phase gates: checks rounds, approvals, change cases, change freezes (contract §2.2, §5, §7).

ALTER TABLE phases ADD COLUMN check_round integer NOT NULL DEFAULT 0;

CREATE TABLE approvals (
  id            text PRIMARY KEY,
  deployment_id text NOT NULL REFERENCES deployments (id),
  phase_id      text NOT NULL REFERENCES phases (id),
  decided_by    text NOT NULL,
  decision      text NOT NULL CHECK (decision IN ('approve', 'reject')),
  comment       text,
  decided_at    timestamptz NOT NULL,
  UNIQUE (phase_id, decided_by)
);
CREATE INDEX approvals_by_deployment ON approvals (deployment_id);

CREATE TABLE change_cases (
  id                  text PRIMARY KEY,
  provider            text NOT NULL,
  external_id         text,
  number              text,
  deployment_id       text NOT NULL REFERENCES deployments (id),
  phase_id            text NOT NULL UNIQUE REFERENCES phases (id),
  queue               text NOT NULL,
  service             text NOT NULL,
  environment         text NOT NULL,
  is_gov              boolean NOT NULL,
  summary             text NOT NULL,
  description         text NOT NULL,
  status              text NOT NULL,
  status_detail       text,
  deploy_window_start timestamptz,
  deploy_window_end   timestamptz,
  outcome             text,
  created_at          timestamptz NOT NULL,
  updated_at          timestamptz NOT NULL,
  -- each move: { from, to, by, at, comment }
  history             jsonb NOT NULL DEFAULT '[]'
);
CREATE INDEX change_cases_by_deployment ON change_cases (deployment_id);

CREATE TABLE freezes (
  id           text PRIMARY KEY,
  environments text[] NOT NULL,
  starts_at    timestamptz NOT NULL,
  ends_at      timestamptz,
  reason       text NOT NULL,
  created_by   text NOT NULL,
  created_at   timestamptz NOT NULL,
  lifted_at    timestamptz,
  lifted_by    text
);
CREATE INDEX freezes_current ON freezes (starts_at) WHERE lifted_at IS NULL;

-- Phases waiting on prerequisites, found when a freeze or the like changes.
CREATE INDEX phases_awaiting ON phases (environment) WHERE status = 'AwaitingPrerequisites';

-- App sign-in: a session made from an API token, held in an HttpOnly cookie (browsers'
-- EventSource cannot send an Authorization header).
CREATE TABLE sessions (
  id_hash    text PRIMARY KEY,
  token_id   text NOT NULL REFERENCES api_tokens (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);
