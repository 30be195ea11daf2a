/**
 * readBackstageEntity fuzzed: whatever a catalog answers (any JSON, near-entities with hostile
 * values), the reader returns an entity, a problem or a skip, and never throws; what it returns
 * is bounded by its limits.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { readBackstageEntity } from './entity.ts';

const ctx = { source: 'fuzz', origin: () => ({ editUrl: null }) };

const nearEntity = fc.record({
  apiVersion: fc.constant('backstage.io/v1alpha1'),
  kind: fc.constantFrom('Group', 'User', 'Component', 'component', 'System', 42, null),
  metadata: fc.oneof(
    fc.record({
      name: fc.oneof(fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/), fc.string(), fc.integer()),
      namespace: fc.option(fc.oneof(fc.constant('default'), fc.string()), { nil: undefined }),
      annotations: fc.option(fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.integer(), fc.constant(null))), { nil: undefined }),
      title: fc.option(fc.oneof(fc.string(), fc.integer()), { nil: undefined }),
    }),
    fc.anything(),
  ),
  spec: fc.oneof(
    fc.record({
      type: fc.constantFrom('team', 'service', 'website', 1),
      owner: fc.oneof(fc.constantFrom('team-a', 'group:default/team-a', 'user:guest', 'a:b:c', ''), fc.string(), fc.integer()),
      memberOf: fc.oneof(fc.array(fc.oneof(fc.constantFrom('team-a', 'group:x/y', 'user:z'), fc.string())), fc.string()),
      members: fc.option(fc.array(fc.string()), { nil: undefined }),
      profile: fc.option(fc.anything(), { nil: undefined }),
      lifecycle: fc.option(fc.anything(), { nil: undefined }),
    }, { requiredKeys: [] }),
    fc.anything(),
  ),
}, { requiredKeys: [] });

test('readBackstageEntity never throws, on any JSON and on near-entities', () => {
  fc.assert(fc.property(fc.oneof(fc.jsonValue(), nearEntity), (raw) => {
    const reading = readBackstageEntity(raw, ctx);
    const shapes = ['entity' in reading, 'problem' in reading, 'skipped' in reading].filter(Boolean);
    assert.equal(shapes.length, 1);
    if ('problem' in reading) assert.ok(reading.problem.reason.length <= 400 && reading.problem.field.length > 0);
    if ('entity' in reading) assert.ok(reading.entity.origin.ref.length <= 200);
  }), { seed: 20261202, numRuns: 3000 });
});
