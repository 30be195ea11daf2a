-- DCP's schema. Forward-only; every statement runs on PostgreSQL 15 and on PGlite (PostgreSQL 18).

-- The imported config (contract §2). An import replaces these rows in one transaction.
CREATE TABLE environments (
  name        text PRIMARY KEY,
  position    integer NOT NULL,
  policy      jsonb NOT NULL
);

CREATE TABLE strategies (
  name         text PRIMARY KEY,
  environments jsonb NOT NULL
);

CREATE TABLE targets (
  channel     text NOT NULL,
  environment text NOT NULL,
  cluster     text NOT NULL,
  position    integer NOT NULL,
  spec        jsonb NOT NULL,
  PRIMARY KEY (channel, environment, cluster)
);

CREATE TABLE teams (
  name              text PRIMARY KEY,
  title             text,
  slack_workspace   text,
  slack_channel     text,
  change_case_queue text NOT NULL,
  members           jsonb NOT NULL DEFAULT '[]'
);

CREATE TABLE services (
  name        text PRIMARY KEY,
  team        text NOT NULL,
  is_gov      boolean NOT NULL,
  lifecycle   text,
  annotations jsonb NOT NULL DEFAULT '{}'
);

-- Overrides set in the app; they survive re-imports of the catalog.
CREATE TABLE team_notifications (
  team            text PRIMARY KEY,
  slack_workspace text,
  slack_channel   text,
  updated_at      timestamptz NOT NULL,
  updated_by      text NOT NULL
);

-- One row per successful import; the newest one is the config in force.
CREATE TABLE config_imports (
  id          bigserial PRIMARY KEY,
  imported_at timestamptz NOT NULL,
  source      text NOT NULL,
  digest      text NOT NULL
);

-- Deployments, phases, releases (contract §5). status_times maps each status reached to when.
CREATE TABLE deployments (
  id                   text PRIMARY KEY,
  seq                  bigserial NOT NULL UNIQUE,
  build_id             text UNIQUE,
  idempotency_key      text UNIQUE,
  service              text NOT NULL,
  team                 text NOT NULL,
  channel              text NOT NULL,
  strategy             text NOT NULL,
  version              text NOT NULL,
  artifact_manifest    jsonb NOT NULL,
  source               jsonb,
  reason               text,
  triggered_by         text NOT NULL,
  cloned_from          text REFERENCES deployments (id),
  status               text NOT NULL,
  status_detail        text NOT NULL,
  omitted_environments jsonb NOT NULL DEFAULT '[]',
  scan_findings        jsonb,
  created_at           timestamptz NOT NULL,
  updated_at           timestamptz NOT NULL,
  status_times         jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX deployments_by_service ON deployments (service, seq DESC);
CREATE INDEX deployments_by_team ON deployments (team, seq DESC);
CREATE INDEX deployments_by_status ON deployments (status, seq DESC);

CREATE TABLE phases (
  id            text PRIMARY KEY,
  deployment_id text NOT NULL REFERENCES deployments (id),
  position      integer NOT NULL,
  environment   text NOT NULL,
  is_gov        boolean NOT NULL,
  policy        jsonb NOT NULL,
  status        text NOT NULL,
  status_detail text NOT NULL,
  checks        jsonb NOT NULL DEFAULT '[]',
  prerequisites jsonb NOT NULL DEFAULT '{}',
  created_at    timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL,
  status_times  jsonb NOT NULL DEFAULT '{}',
  UNIQUE (deployment_id, position)
);
CREATE INDEX phases_by_environment ON phases (environment, deployment_id);

CREATE TABLE releases (
  id                text PRIMARY KEY,
  phase_id          text NOT NULL REFERENCES phases (id),
  deployment_id     text NOT NULL REFERENCES deployments (id),
  position          integer NOT NULL,
  service           text NOT NULL,
  target            text NOT NULL,
  region            text NOT NULL,
  target_spec       jsonb NOT NULL,
  status            text NOT NULL,
  status_detail     text NOT NULL,
  -- when, and in which order, the release asked for its service×target lock: first come, first served
  queued_at         timestamptz,
  queue_seq         bigint,
  stop_requested_at timestamptz,
  created_at        timestamptz NOT NULL,
  updated_at        timestamptz NOT NULL,
  status_times      jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX releases_by_deployment ON releases (deployment_id, position);
CREATE SEQUENCE release_queue;
CREATE INDEX releases_waiting ON releases (service, target, queue_seq) WHERE status = 'Pending' AND queue_seq IS NOT NULL;

-- Two deployments never release the same service to the same target at once.
CREATE TABLE target_locks (
  service       text NOT NULL,
  target        text NOT NULL,
  release_id    text NOT NULL,
  deployment_id text NOT NULL,
  acquired_at   timestamptz NOT NULL,
  PRIMARY KEY (service, target)
);

-- The outbox and event log. A row is written in the transaction of the change it records;
-- the relay gives it a `position` in commit order, and readers page by position.
CREATE TABLE events (
  seq           bigserial PRIMARY KEY,
  id            text NOT NULL UNIQUE,
  position      bigint UNIQUE,
  type          text NOT NULL,
  source        text NOT NULL,
  subject       text NOT NULL,
  time          timestamptz NOT NULL,
  deployment_id text,
  data          jsonb NOT NULL
);
CREATE INDEX events_unrelayed ON events (seq) WHERE position IS NULL;
CREATE INDEX events_by_deployment ON events (deployment_id, position);

-- Durable work and timers: every pending step of every deployment is a row here.
CREATE TABLE jobs (
  id            bigserial PRIMARY KEY,
  kind          text NOT NULL,
  deployment_id text,
  payload       jsonb NOT NULL DEFAULT '{}',
  dedupe_key    text UNIQUE,
  due_at        timestamptz NOT NULL,
  locked_by     text,
  locked_until  timestamptz,
  attempts      integer NOT NULL DEFAULT 0,
  -- bumped when a keyed timer is re-armed: a worker finishing the older arming must not delete it
  generation    integer NOT NULL DEFAULT 0,
  last_error    text,
  created_at    timestamptz NOT NULL
);
CREATE INDEX jobs_due ON jobs (due_at);

CREATE TABLE api_tokens (
  id           text PRIMARY KEY,
  name         text NOT NULL,
  token_hash   text NOT NULL UNIQUE,
  role         text NOT NULL,
  created_at   timestamptz NOT NULL,
  last_used_at timestamptz
);
