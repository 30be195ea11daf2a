/** The request log never holds a credential from a query string (the OIDC callback's code and state). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loggedUrl } from './app.ts';

test('loggedUrl redacts code, state and tokens in the query, and keeps the rest', () => {
  assert.equal(loggedUrl('/api/v1/session/oidc/callback?code=abc&state=def&iss=https%3A%2F%2Fidp'), '/api/v1/session/oidc/callback?code=REDACTED&state=REDACTED&iss=https%3A%2F%2Fidp');
  assert.equal(loggedUrl('/api/v1/stream?access_token=x&after=5'), '/api/v1/stream?access_token=REDACTED&after=5');
  assert.equal(loggedUrl('/api/v1/deployments?limit=5'), '/api/v1/deployments?limit=5');
  assert.equal(loggedUrl('/healthz'), '/healthz');
});
