/**
 * The PostgreSQL adapter sends the statements a caller issues side by side on one connection in
 * one write (store/postgres.ts `coalesceWrites`), and they still answer each on its own, in order.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { coalesceWrites } from '../src/store/postgres.ts';

test('statements sent side by side go out in one write, and each gets its own answer', async () => {
  const url = process.env.DCP_TEST_DATABASE_URL;
  assert.ok(url, 'integration tests need DCP_TEST_DATABASE_URL; run them through `npm test`');
  const client = new pg.Client({ connectionString: url, pipeline: true } as pg.ClientConfig);
  await client.connect();
  try {
    const stream = client.connection.stream as unknown as { _write: (...a: unknown[]) => void; _writev: (...a: unknown[]) => void };
    let writes = 0;
    for (const method of ['_write', '_writev'] as const) {
      const original = stream[method].bind(stream);
      stream[method] = (...args: unknown[]) => {
        writes++;
        original(...args);
      };
    }
    const send = (text: string, values: unknown[]) => {
      coalesceWrites(client);
      return client.query(text, values);
    };
    const answers = await Promise.all([send('SELECT $1::int AS n', [1]), send('SELECT $1::int AS n', [2]), send('SELECT $1::text AS s', ['three'])]);
    assert.deepEqual(answers.map((a) => a.rows[0]), [{ n: 1 }, { n: 2 }, { s: 'three' }]);
    assert.equal(writes, 1, 'three statements, one write');

    // One that fails fails alone (the others were sent with it).
    writes = 0;
    const settled = await Promise.allSettled([send('SELECT $1::int AS n', [4]), send('SELECT 1/0', []), send('SELECT $1::int AS n', [5])]);
    assert.equal(writes, 1);
    assert.deepEqual(settled.map((s) => s.status), ['fulfilled', 'rejected', 'fulfilled']);

    // Issued a turn apart, they go apart: nothing waits for a later turn.
    writes = 0;
    await send('SELECT 6', []);
    await send('SELECT 7', []);
    assert.equal(writes, 2);
  } finally {
    await client.end();
  }
});
