-- The DCP processes sharing this database (docs/decisions.md, "Replicas and takeover"). Each one
-- writes its row at start and refreshes `last_seen` every heartbeat (DCP_HEARTBEAT); a row not
-- refreshed for 1.5 heartbeats is a dead process: another one deletes it and frees the job and
-- sink leases it held (`locked_by` = its id), instead of waiting for those leases to lapse. A
-- clean stop deletes its own row and frees its leases the same way.
CREATE TABLE instances (
  id          text PRIMARY KEY,       -- the owner name in jobs.locked_by and sink_cursors.locked_by
  host        text NOT NULL,
  pid         integer NOT NULL,
  started_at  timestamptz NOT NULL,
  last_seen   timestamptz NOT NULL,
  draining    boolean NOT NULL DEFAULT false
);
