import assert from 'node:assert/strict';
import { test } from 'node:test';
import { STOP_PAYLOAD, reduceJobWrites, wakeOf, type JobWrite, type NewJob } from './jobs.ts';

const at = new Date('2026-12-02T00:00:00Z');
const job = (dedupeKey: string | undefined, note: string): NewJob => ({ kind: 'deployment.signal', deploymentId: 'd', payload: { note }, dueAt: at, dedupeKey });

test('job writes reduce to one per key: the last timer set or removed wins, an insert after a removal sets it again, an insert after a set is a no-op', () => {
  const writes: JobWrite[] = [
    { op: 'insert', job: job('a', 'a1') },
    { op: 'insert', job: job('a', 'a2') }, // a repeat of an enqueued key: the first stands
    { op: 'upsert', job: { ...job('b', 'b1'), dedupeKey: 'b' } },
    { op: 'insert', job: job('b', 'b2') }, // after a set: no-op
    { op: 'delete', dedupeKey: 'c' },
    { op: 'insert', job: job('c', 'c1') }, // after a removal: set again
    { op: 'insert', job: job('d', 'd1') },
    { op: 'delete', dedupeKey: 'd' }, // the row may have existed before: removed
    { op: 'upsert', job: { ...job('e', 'e1'), dedupeKey: 'e' } },
    { op: 'delete', dedupeKey: 'e' },
    { op: 'upsert', job: { ...job('e', 'e2'), dedupeKey: 'e' } },
    { op: 'insert', job: job(undefined, 'x1') },
    { op: 'insert', job: job(undefined, 'x2') }, // keyless: each its own
  ];
  const { inserts, upserts, deletes } = reduceJobWrites(writes);
  assert.deepEqual(inserts.map((j) => j.payload!.note).sort(), ['a1', 'x1', 'x2']);
  assert.deepEqual(upserts.map((j) => `${j.dedupeKey}:${String(j.payload!.note)}`).sort(), ['b:b1', 'c:c1', 'e:e2']);
  assert.deepEqual(deletes.sort(), ['d']);
});

test('a wake-up says whether a release may have been asked to stop, and who sent it when it said', () => {
  assert.deepEqual(wakeOf(''), { stops: false, from: null });
  assert.deepEqual(wakeOf(STOP_PAYLOAD), { stops: true, from: null });
  assert.deepEqual(wakeOf(' from host:42:ab12cd34'), { stops: false, from: 'host:42:ab12cd34' });
  assert.deepEqual(wakeOf(`${STOP_PAYLOAD} from host:42:ab12cd34`), { stops: true, from: 'host:42:ab12cd34' });
});
