-- Workflows on Argo (contract §9): one row per scan wait and per phase that DCP runs as a
-- workflow. The row exists before the workflow does (its callback token's hash is committed
-- before the submit, so a workflow adopted after a crash is one DCP can authenticate), and
-- `name` is set once Argo has it. A token is stored only as its SHA-256.
CREATE TABLE workflows (
  key           text PRIMARY KEY,           -- 'scan:<deploymentId>' or 'phase:<phaseId>'
  deployment_id text NOT NULL REFERENCES deployments (id),
  kind          text NOT NULL CHECK (kind IN ('scan', 'phase')),
  phase_id      text REFERENCES phases (id),
  name          text,
  token_hash    text UNIQUE,
  status        text NOT NULL CHECK (status IN ('submitting', 'running', 'finished')),
  detail        text,
  created_at    timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL,
  submitted_at  timestamptz,
  finished_at   timestamptz,
  -- DCP asked Argo to stop it (a cancel): a workflow that then ends unsuccessfully was stopped, not failed
  stopped_at    timestamptz,
  -- when its callback token stops working (null: while the deployment's part of it runs)
  expires_at    timestamptz
);
CREATE INDEX workflows_by_deployment ON workflows (deployment_id);

-- A workflow reported the release under way at its target: a stop then cannot say "not touched".
ALTER TABLE releases ADD COLUMN touched_at timestamptz;
