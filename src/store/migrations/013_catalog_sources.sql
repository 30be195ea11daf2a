-- Catalog sources (contract §12, docs/integrations/backstage.md, github.md): each source's last
-- good entities, its last sync, and the catalog merged from them into teams / services / users.
--
-- catalog_entities holds, per source, the last good version of every entity (the merge's input):
-- a bad entity in a sync leaves its row as it was, and a source that cannot be reached leaves all
-- of its rows. `key` is the entity's identity in the source (`team:NAME`, `user:NAME`,
-- `service:NAME`, `gov:SERVICE`).
CREATE TABLE catalog_entities (
  source     text NOT NULL,
  key        text NOT NULL,
  data       jsonb NOT NULL,
  digest     text NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (source, key)
);

-- One row per source: its last sync (status ok / partial / failed), what changed, its problems.
CREATE TABLE catalog_sources (
  name            text PRIMARY KEY,
  kind            text NOT NULL,
  location        text NOT NULL,
  rank            integer NOT NULL,
  status          text NOT NULL DEFAULT 'never' CHECK (status IN ('never', 'ok', 'partial', 'failed')),
  last_sync_at    timestamptz,
  last_success_at timestamptz,
  error           text,
  added           integer NOT NULL DEFAULT 0,
  updated         integer NOT NULL DEFAULT 0,
  removed         integer NOT NULL DEFAULT 0,
  entities        integer NOT NULL DEFAULT 0,
  problems        jsonb NOT NULL DEFAULT '[]'
);

-- The durable sync timer and the merged catalog's generation (the planner's cache key).
CREATE TABLE catalog_state (
  id           integer PRIMARY KEY CHECK (id = 1),
  generation   bigint NOT NULL DEFAULT 0,
  next_sync_at timestamptz
);
INSERT INTO catalog_state (id) VALUES (1);

-- Conditional requests (GitHub's ETag / If-None-Match): the last answer of each URL.
CREATE TABLE catalog_http_cache (
  source text NOT NULL,
  url    text NOT NULL,
  etag   text NOT NULL,
  body   text NOT NULL,
  PRIMARY KEY (source, url)
);

ALTER TABLE teams ADD COLUMN provenance jsonb NOT NULL DEFAULT '{}';
ALTER TABLE services ADD COLUMN provenance jsonb NOT NULL DEFAULT '{}';
ALTER TABLE services ADD COLUMN owner jsonb;
-- A service gone from every source is retired, not deleted: its deployments keep their history.
ALTER TABLE services ADD COLUMN retired_at timestamptz;
