/**
 * The web app's API types (web/src/api/schema.ts) are generated from the OpenAPI document: this
 * regenerates them in memory and fails when the checked-in file differs. Fix: `npm run gen:api`.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { apiTypesSource, SCHEMA_FILE } from '../scripts/gen-api-types.ts';

test('web/src/api/schema.ts is what `npm run gen:api` makes from /openapi.json', async () => {
  const fresh = await apiTypesSource();
  const current = readFileSync(SCHEMA_FILE, 'utf8');
  assert.ok(current === fresh, 'web/src/api/schema.ts is stale: the OpenAPI document changed. Run `npm run gen:api` and commit the result.');
});

test('generating twice gives the same text (no timestamps, stable order)', async () => {
  assert.equal(await apiTypesSource(), await apiTypesSource());
});
