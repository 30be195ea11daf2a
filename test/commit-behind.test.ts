/**
 * A transaction may send its COMMIT right behind its last statements (store/db.ts
 * `commitBehind`), before their answers: here, on both backends, what that commits and what it
 * does not — a last statement failing on the server or before it was sent, a statement sent after
 * it, a stale row write (whose check is the statement's own: migration 017) — and, on PostgreSQL,
 * that the COMMIT is indeed sent while the last statement is still running.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import net from 'node:net';
import pg from 'pg';
import { AfterCommitError, type Db } from '../src/store/db.ts';
import { MoveConflictError, writeRows } from '../src/store/deployments.ts';
import { BACKENDS, openTestDb } from './helpers/dcp.ts';

for (const backend of BACKENDS) {
  describe(`a transaction's COMMIT behind its last statements (${backend})`, () => {
    let db: Db;
    let drop: () => Promise<void>;
    let url: string | undefined;
    before(async () => {
      ({ db, drop, url } = await openTestDb(backend));
      await db.query('CREATE TABLE behind (n int PRIMARY KEY)');
    });
    after(() => drop());
    const stored = async () => (await db.query<{ n: number }>('SELECT n FROM behind ORDER BY n')).map((r) => r.n);

    test('what was sent commits, and the transaction answers with what `fn` returns', async () => {
      const answer = await db.transaction(async (tx) => {
        await tx.query('INSERT INTO behind VALUES (1)');
        const last = [tx.query('INSERT INTO behind VALUES (2)'), tx.query('INSERT INTO behind VALUES (3) RETURNING n')];
        tx.commitBehind(last);
        const [, rows] = await Promise.all(last);
        return rows;
      });
      assert.deepEqual(answer, [{ n: 3 }]);
      assert.deepEqual(await stored(), [1, 2, 3]);
    });

    test('a last statement that fails on the server rolls it all back, and its error is thrown', async () => {
      await assert.rejects(db.transaction(async (tx) => {
        await tx.query('INSERT INTO behind VALUES (4)');
        const last = [tx.query('INSERT INTO behind VALUES (5)'), tx.query('INSERT INTO behind VALUES (1)')]; // a duplicate key
        tx.commitBehind(last);
        await Promise.all(last);
      }), /duplicate key/);
      assert.deepEqual(await stored(), [1, 2, 3]);
    });

    test('a last statement that failed before it was sent stops the COMMIT', async () => {
      const unsent = async () => {
        throw new Error('found in JavaScript');
      };
      await assert.rejects(db.transaction(async (tx) => {
        const last = [tx.query('INSERT INTO behind VALUES (6)'), unsent()];
        tx.commitBehind(last);
        await Promise.all(last);
      }), /found in JavaScript/);
      assert.deepEqual(await stored(), [1, 2, 3]);
    });

    test('a statement after it fails unsent', async () => {
      let late: Promise<unknown> | undefined;
      await db.transaction(async (tx) => {
        const last = [tx.query('INSERT INTO behind VALUES (7)')];
        tx.commitBehind(last);
        late = tx.query('INSERT INTO behind VALUES (8)');
        late.catch(() => undefined);
        await Promise.all(last);
      });
      await assert.rejects(late!, AfterCommitError);
      assert.deepEqual(await stored(), [1, 2, 3, 7]);
    });

    test('a row write guarded by a status the row no longer has fails its statement: nothing commits', async () => {
      await db.query(`INSERT INTO deployments (id, service, team, channel, strategy, version, artifact_manifest, triggered_by, status, status_detail, created_at, updated_at)
        VALUES ('d-stale', 'svc', 'team', 'stable', 'standard', '1', '{}', 'ci', 'Scanning', 'x', now(), now())`);
      await assert.rejects(db.transaction(async (tx) => {
        await tx.query('INSERT INTO behind VALUES (9)');
        const last = [writeRows(tx, [{ entity: 'deployment', id: 'd-stale', from: 'Pending', to: 'Scanning', detail: 'again', history: true }], new Date())];
        tx.commitBehind(last);
        await Promise.all(last);
      }), (error: unknown) => error instanceof MoveConflictError && /deployment d-stale is no longer Pending/.test(error.message));
      assert.deepEqual(await stored(), [1, 2, 3, 7]);
      const [row] = await db.query<{ status_detail: string }>("SELECT status_detail FROM deployments WHERE id = 'd-stale'");
      assert.equal(row.status_detail, 'x');
    });

    if (backend === 'postgres') {
      test('the COMMIT goes out in the same write as the last statements', async () => {
        const port = Number(new URL(url!).port);
        const proto = net.Socket.prototype as unknown as Record<'_write' | '_writev', (...a: unknown[]) => void>;
        const originals = { _write: proto._write, _writev: proto._writev };
        let writes = 0;
        for (const method of ['_write', '_writev'] as const) {
          proto[method] = function (this: net.Socket, ...args: unknown[]) {
            if (this.remotePort === port) writes++;
            return originals[method].apply(this, args);
          };
        }
        try {
          await db.transaction(async (tx) => {
            await tx.query('SELECT 1');
            writes = 0;
            const last = [tx.query('INSERT INTO behind VALUES (11)'), tx.query('INSERT INTO behind VALUES (12)')];
            tx.commitBehind(last);
            await Promise.all(last);
          });
        } finally {
          Object.assign(proto, originals);
        }
        assert.equal(writes, 1, 'two statements and the COMMIT, one write');
        assert.deepEqual((await stored()).slice(-2), [11, 12]);
      });

      test('the COMMIT is sent while the last statement still runs', async () => {
        // The last statement waits for a lock another connection holds, until the COMMIT was seen sent.
        const other = new pg.Client({ connectionString: url }); // advisory locks are the database's
        await other.connect();
        const original = pg.Client.prototype.query;
        let commitSent!: () => void;
        const sent = new Promise<void>((resolve) => (commitSent = resolve));
        try {
          await other.query('SELECT pg_advisory_lock(727999)');
          pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
            if (args[0] === 'COMMIT') commitSent();
            return (original as (...a: unknown[]) => unknown).apply(this, args);
          } as typeof original;
          let lastAnswered = false;
          const done = db.transaction(async (tx) => {
            const last = [tx.query('SELECT pg_advisory_xact_lock(727999)'), tx.query('INSERT INTO behind VALUES (10)')];
            tx.commitBehind(last);
            await Promise.all(last);
            lastAnswered = true;
          });
          await sent;
          assert.equal(lastAnswered, false, 'COMMIT was sent before the last statements were answered');
          await other.query('SELECT pg_advisory_unlock(727999)');
          await done;
        } finally {
          pg.Client.prototype.query = original;
          await other.end();
        }
        assert.deepEqual(await stored(), [1, 2, 3, 7, 10, 11, 12]);
      });
    }
  });
}
