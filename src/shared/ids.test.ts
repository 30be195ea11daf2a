import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from './clocks.ts';
import { createIdGenerator, nameBasedId } from './ids.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-([0-9a-f])[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test('generated ids are UUIDv7 whose time part is the clock', () => {
  const clock = new ManualClock(new Date('2026-01-05T09:00:00.000Z'));
  const id = createIdGenerator(clock)();
  assert.equal(UUID.exec(id)?.[1], '7');
  assert.equal(parseInt(id.replace(/-/g, '').slice(0, 12), 16), clock.now().getTime());
});

test('a name-based id is a UUIDv5, the same for the same name and another for another', () => {
  const a = nameBasedId('BuildRejected DCP_BUILDS:12:1767603600000000000');
  assert.equal(UUID.exec(a)?.[1], '5');
  assert.equal(nameBasedId('BuildRejected DCP_BUILDS:12:1767603600000000000'), a);
  assert.notEqual(nameBasedId('BuildRejected DCP_BUILDS:13:1767603600000000000'), a);
});
