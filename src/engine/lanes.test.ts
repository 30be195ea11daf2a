import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jobBatches, jobTurn, type JobLaneState, type LanePolicy } from './lanes.ts';

const policy: LanePolicy = { pressureMs: 100, yieldMs: 50, batch: 64, sharedBatch: 4, sharedBatches: 1 };

test('with no caller lately, the job lane takes whole batches, beside a callers\' batch too', () => {
  const state: JobLaneState = { lastCall: -Infinity, yieldingSince: null };
  assert.equal(jobTurn(policy, state, 1_000, false, true), 64);
  assert.equal(jobTurn(policy, { lastCall: 800, yieldingSince: null }, 1_000, false, true), 64);
  assert.equal(jobTurn(policy, state, 1_000, false, false), 0, 'nothing to apply: no batch');
});

test('while callers keep coming, the job lane gives way to their batch, for a bounded time, and takes small batches', () => {
  const state: JobLaneState = { lastCall: 1_000, yieldingSince: null };
  // A callers' batch runs: the job lane waits, from when it first had to.
  assert.equal(jobTurn(policy, state, 1_010, true, true), 0);
  assert.equal(state.yieldingSince, 1_010);
  assert.equal(jobTurn(policy, state, 1_059, true, true), 0);
  // Given way for yieldMs: it goes, beside the callers, with a small batch — jobs are never starved.
  assert.equal(jobTurn(policy, state, 1_060, true, true), 4);
  assert.equal(state.yieldingSince, null, 'the wait starts again from its next turn');
  assert.equal(jobTurn(policy, state, 1_061, true, true), 0);
  // The callers' batch ended (it pumps again): the jobs go at once, still small while callers are recent.
  assert.equal(jobTurn(policy, state, 1_070, false, true), 4);
  assert.equal(state.yieldingSince, null);
  // No caller for pressureMs: whole batches again.
  assert.equal(jobTurn(policy, state, 1_100, false, true), 64);
});

test('waiting for nothing does not start the clock of giving way', () => {
  const state: JobLaneState = { lastCall: 1_000, yieldingSince: null };
  assert.equal(jobTurn(policy, state, 1_000, true, false), 0);
  assert.equal(state.yieldingSince, null);
  assert.equal(jobTurn(policy, state, 1_200, true, true), 0, 'jobs came now: they give way from now');
  assert.equal(state.yieldingSince, 1_200);
});

test('while callers keep coming, the job lane runs one batch at a time; else as many as the database allows', () => {
  assert.equal(jobBatches(policy, { lastCall: -Infinity, yieldingSince: null }, 1_000, 2), 2);
  assert.equal(jobBatches(policy, { lastCall: 950, yieldingSince: null }, 1_000, 2), 1);
  assert.equal(jobBatches(policy, { lastCall: 900, yieldingSince: null }, 1_000, 2), 2, 'no caller for pressureMs');
  assert.equal(jobBatches(policy, { lastCall: 950, yieldingSince: null }, 1_000, 1), 1, 'the embedded database: one anyway');
});
