import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sinkHealth, sinkKind } from './sinks.ts';

test('a sink is known by its name: nats, webhook:<id>, slack, anything else', () => {
  assert.deepEqual(sinkKind('nats'), { kind: 'nats', webhookId: null });
  assert.deepEqual(sinkKind('webhook:abc'), { kind: 'webhook', webhookId: 'abc' });
  assert.deepEqual(sinkKind('slack'), { kind: 'slack', webhookId: null });
  assert.deepEqual(sinkKind('archive'), { kind: 'other', webhookId: null });
});

test("a sink's health: lag from the log's end, failing while a failure streak lasts", () => {
  const at = new Date('2026-01-01T00:00:00Z');
  const health = sinkHealth({
    name: 'webhook:x', position: 3, delivered: 3, attempts: 2, failingSince: at, lastError: 'HTTP 500', lastErrorAt: at, lastDeliveredAt: null, nextAttemptAt: at,
  }, 7);
  assert.equal(health.lag, 4);
  assert.equal(health.failing, true);
  assert.equal(health.failingSince, at.toISOString());
  assert.equal(sinkHealth({ ...{ name: 'nats', position: 9, delivered: 9, attempts: 0, failingSince: null, lastError: null, lastErrorAt: null, lastDeliveredAt: null, nextAttemptAt: null } }, 7).lag, 0);
});
