-- A batch's row writes are guarded by the status each row has (store/deployments.ts `writeRows`):
-- a row no longer in it is a conflict, and the transaction must not commit. The count of the rows
-- written was checked in JavaScript, after the statement; a transaction may now send its COMMIT
-- behind its last statements (store/db.ts `commitBehind`), before their answers are read, so the
-- check is made by the statement itself: this fails it (SQLSTATE DCP01, the first stale row named).
CREATE FUNCTION dcp_stale_write(stale text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '%', stale USING ERRCODE = 'DCP01';
END $$;
