-- A deployment, its phases and its releases are inserted together, by one statement
-- (store/deployments.ts `insertDeployments`), a batch of deployments at a time. Their foreign keys
-- checked every row on its own — a query and a row lock on the parent each, two for a release:
-- 3.6 of the 9.3 ms of a batch of 31 builds, the largest part of the callers' batch after the
-- insert itself (docs/benchmarks.md). The same rules are now checked once per statement, on the
-- rows it inserted (transition tables), and parents are never deleted or renamed under their
-- children. A violation is SQLSTATE 23503 (foreign_key_violation), as a foreign key's would be.
-- A release's phase must also be of the release's own deployment, which the keys did not say.
-- Each inserted row's parent is looked up by its key, one index probe per row (`OFFSET 0` keeps
-- the subquery from becoming a join, which a plan cached while the tables were small made a scan
-- of the whole parent table: 0.4 ms per statement in a short bench, 2 ms in a long one). Unlike
-- the keys, the checks take no lock on the parent: DCP never deletes these rows, and a delete
-- racing the insert of its children would not be caught.
ALTER TABLE phases DROP CONSTRAINT phases_deployment_id_fkey;
ALTER TABLE releases DROP CONSTRAINT releases_phase_id_fkey;
ALTER TABLE releases DROP CONSTRAINT releases_deployment_id_fkey;

CREATE FUNCTION phases_inserted_have_deployments() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE orphan text;
BEGIN
  SELECT p.id INTO orphan FROM inserted_phases p
   WHERE NOT EXISTS (SELECT 1 FROM deployments d WHERE d.id = p.deployment_id OFFSET 0) LIMIT 1;
  IF orphan IS NOT NULL THEN
    RAISE foreign_key_violation USING MESSAGE = format('phase %s: its deployment is not stored', orphan);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER phases_inserted_have_deployments AFTER INSERT ON phases
  REFERENCING NEW TABLE AS inserted_phases FOR EACH STATEMENT EXECUTE FUNCTION phases_inserted_have_deployments();

CREATE FUNCTION releases_inserted_have_phases() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE orphan text;
BEGIN
  SELECT r.id INTO orphan FROM inserted_releases r
   WHERE NOT EXISTS (SELECT 1 FROM phases p WHERE p.id = r.phase_id AND p.deployment_id = r.deployment_id OFFSET 0) LIMIT 1;
  IF orphan IS NOT NULL THEN
    RAISE foreign_key_violation USING MESSAGE = format('release %s: its phase is not a stored phase of its deployment', orphan);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER releases_inserted_have_phases AFTER INSERT ON releases
  REFERENCING NEW TABLE AS inserted_releases FOR EACH STATEMENT EXECUTE FUNCTION releases_inserted_have_phases();

-- No row changes its parent, and no parent its id (DCP's updates set neither: these never fire).
CREATE FUNCTION parent_keys_unchanged() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE foreign_key_violation USING MESSAGE = format('%s %s: its keys do not change', TG_TABLE_NAME, OLD.id);
END $$;
CREATE TRIGGER deployments_keep_id BEFORE UPDATE OF id ON deployments
  FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION parent_keys_unchanged();
CREATE TRIGGER phases_keep_keys BEFORE UPDATE OF id, deployment_id ON phases
  FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id OR OLD.deployment_id IS DISTINCT FROM NEW.deployment_id)
  EXECUTE FUNCTION parent_keys_unchanged();
CREATE TRIGGER releases_keep_keys BEFORE UPDATE OF phase_id, deployment_id ON releases
  FOR EACH ROW WHEN (OLD.phase_id IS DISTINCT FROM NEW.phase_id OR OLD.deployment_id IS DISTINCT FROM NEW.deployment_id)
  EXECUTE FUNCTION parent_keys_unchanged();

-- A parent with children is not deleted. (TRUNCATE fires no such trigger: truncate the three together.)
CREATE FUNCTION deployments_deleted_have_no_phases() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE orphaned text;
BEGIN
  SELECT p.deployment_id INTO orphaned FROM phases p WHERE p.deployment_id IN (SELECT id FROM deleted_deployments) LIMIT 1;
  IF orphaned IS NOT NULL THEN
    RAISE foreign_key_violation USING MESSAGE = format('deployment %s still has phases', orphaned);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER deployments_deleted_have_no_phases AFTER DELETE ON deployments
  REFERENCING OLD TABLE AS deleted_deployments FOR EACH STATEMENT EXECUTE FUNCTION deployments_deleted_have_no_phases();

CREATE FUNCTION phases_deleted_have_no_releases() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE orphaned text;
BEGIN
  SELECT r.phase_id INTO orphaned FROM releases r WHERE r.phase_id IN (SELECT id FROM deleted_phases) LIMIT 1;
  IF orphaned IS NOT NULL THEN
    RAISE foreign_key_violation USING MESSAGE = format('phase %s still has releases', orphaned);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER phases_deleted_have_no_releases AFTER DELETE ON phases
  REFERENCING OLD TABLE AS deleted_phases FOR EACH STATEMENT EXECUTE FUNCTION phases_deleted_have_no_releases();

