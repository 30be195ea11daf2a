/**
 * A buildId or an Idempotency-Key names one request: the same request again is a repeat (200, the
 * first deployment), a different request with the same key is a 409 naming what differs, and
 * stores nothing (docs/decisions.md, "Idempotency"). On both backends.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BACKENDS, build, startTestDcp, type TestDcp } from './helpers/dcp.ts';
import { PARKED_IN_SCANNING } from './helpers/seed.ts';

for (const backend of BACKENDS) {
  describe(`idempotency of builds and manual deployments (${backend})`, () => {
    let t: TestDcp;
    before(async () => {
      t = await startTestDcp({ backend });
    });
    after(() => t.stop());

    const count = async () => Number((await t.dcp.db.query<{ n: string }>('SELECT count(*) AS n FROM deployments'))[0].n);

    test('the same buildId with the same build: 200 and the first deployment (key order does not matter)', async () => {
      const b = build({ annotations: PARKED_IN_SCANNING });
      const first = await t.api('POST', '/api/v1/builds', b);
      assert.equal(first.status, 201, JSON.stringify(first.body));
      const reordered = Object.fromEntries(Object.entries(b).reverse());
      const again = await t.api('POST', '/api/v1/builds', reordered);
      assert.equal(again.status, 200, JSON.stringify(again.body));
      assert.equal(again.body.id, first.body.id);
    });

    test('the same buildId with a different build: 409 naming buildId and the fields that differ; nothing stored', async () => {
      const b = build({ annotations: PARKED_IN_SCANNING });
      const first = await t.api('POST', '/api/v1/builds', b);
      assert.equal(first.status, 201, JSON.stringify(first.body));
      const before = await count();
      const other = await t.api('POST', '/api/v1/builds', { ...b, artifactManifest: { ...b.artifactManifest, version: '9.9.9' }, strategy: 'fast' });
      assert.equal(other.status, 409, JSON.stringify(other.body));
      assert.match(other.headers.get('content-type') ?? '', /^application\/problem\+json/);
      assert.deepEqual(other.body.errors.map((e: { field: string }) => e.field), ['buildId', 'artifactManifest', 'strategy']);
      assert.match(other.body.detail, new RegExp(first.body.id));
      assert.equal(await count(), before);
    });

    test('the same Idempotency-Key with the same request: 200 and the first deployment; with another: 409 naming the header', async () => {
      const { component, channel, strategy, artifactManifest } = build({ annotations: PARKED_IN_SCANNING });
      const request = { component, channel, strategy, artifactManifest, reason: 'hotfix' };
      const headers = { 'idempotency-key': `key-${backend}` };
      const first = await t.api('POST', '/api/v1/deployments', request, headers);
      assert.equal(first.status, 201, JSON.stringify(first.body));
      const again = await t.api('POST', '/api/v1/deployments', request, headers);
      assert.equal(again.status, 200, JSON.stringify(again.body));
      assert.equal(again.body.id, first.body.id);
      const before = await count();
      const other = await t.api('POST', '/api/v1/deployments', { ...request, reason: 'another' }, headers);
      assert.equal(other.status, 409, JSON.stringify(other.body));
      assert.deepEqual(other.body.errors.map((e: { field: string }) => e.field), ['headers.idempotency-key', 'reason']);
      assert.equal(await count(), before);
    });

    test('a deployment stored before digests were kept: a repeat of its key is answered with it, as before', async () => {
      const b = build({ annotations: PARKED_IN_SCANNING });
      const first = await t.api('POST', '/api/v1/builds', b);
      await t.dcp.db.query('UPDATE deployments SET request_digest = NULL WHERE id = $1', [first.body.id]);
      const other = await t.api('POST', '/api/v1/builds', { ...b, strategy: 'fast' });
      assert.equal(other.status, 200, JSON.stringify(other.body));
      assert.equal(other.body.id, first.body.id);
    });
  });
}
