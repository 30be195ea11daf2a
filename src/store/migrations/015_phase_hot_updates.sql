-- A phase's row is written several times in its life (Pending → Checking → Deploying → an end, and
-- details in between), and each write changed an indexed column: `phases_awaiting` named `status`
-- in its predicate, so no write could be a HOT update (new index entries in every index of the
-- table each time). As for releases (014): the index is now on a column that changes only when a
-- phase starts or stops waiting on its prerequisites — `awaiting_in`, its environment while it
-- is AwaitingPrerequisites, else NULL (store/deployments.ts writes it with the status).
ALTER TABLE phases ADD COLUMN awaiting_in text;
UPDATE phases SET awaiting_in = environment WHERE status = 'AwaitingPrerequisites';
DROP INDEX phases_awaiting;
CREATE INDEX phases_awaiting ON phases (awaiting_in) WHERE awaiting_in IS NOT NULL;
ALTER TABLE phases SET (fillfactor = 70);
