-- A release's row is written two or three times in its life (Pending → Deploying → an end), and
-- those writes touch no indexed column once the lock queue's index no longer names `status` in its
-- predicate: PostgreSQL can then update the row in place on its page (a HOT update, no index
-- entries written), if the page has room. Room is what the fillfactor leaves on new pages.
-- Measured (docs/benchmarks.md): HOT updates of releases 167 of 29,455 before.
--
-- The queue's query still asks for status = 'Pending' (store/locks.ts); queue_seq is set only
-- while a release waits in a queue, and cleared when it leaves it.
DROP INDEX releases_waiting;
CREATE INDEX releases_waiting ON releases (service, target, queue_seq) WHERE queue_seq IS NOT NULL;
ALTER TABLE releases SET (fillfactor = 60);
