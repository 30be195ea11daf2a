import assert from 'node:assert/strict';
import { test } from 'node:test';
import { batched } from './batch.ts';

test('calls in one turn are loaded together, each key once; a later turn is another load; a failed load fails its callers only', async () => {
  const loads: number[][] = [];
  const load = batched(async (keys: number[]) => {
    loads.push(keys);
    if (keys.includes(13)) throw new Error('unlucky');
    return new Map(keys.filter((k) => k !== 7).map((k) => [k, k * 10]));
  });
  assert.deepEqual(await Promise.all([load(1), load(2), load(1), load(7)]), [10, 20, 10, undefined]);
  assert.deepEqual(loads, [[1, 2, 7]]);
  await assert.rejects(Promise.all([load(13), load(3)]), /unlucky/);
  assert.equal(await load(3), 30);
  assert.deepEqual(loads, [[1, 2, 7], [13, 3], [3]]);
});
