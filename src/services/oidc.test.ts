/**
 * services/oidc.ts with a scripted IdentityProvider (the real provider's round trip is in
 * test/oidc.test.ts): returnTo is a path of DCP's own, a login expires after 10 minutes and
 * serves once, and what is logged of a sign-in holds no secret.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { InputError } from '../core/errors.ts';
import { IdentityError, type IdentityClaims, type IdentityProvider, type LoginSecrets } from '../core/identity.ts';
import { ManualClock } from '../shared/clocks.ts';
import { createIdGenerator } from '../shared/ids.ts';
import type { Db } from '../store/db.ts';
import { migrate } from '../store/migrate.ts';
import { openPglite } from '../store/pglite.ts';
import { createAuditService } from './audit.ts';
import { createAuthService } from './auth.ts';
import { createOidcService, safeReturnTo, type OidcService, type SignInRecord } from './oidc.ts';

describe('safeReturnTo', () => {
  const kept: [string | undefined, string][] = [
    [undefined, '/'], ['', '/'], ['/', '/'], ['/deployments', '/deployments'], ['/deployments/d1?tab=events#phase-dev', '/deployments/d1?tab=events#phase-dev'],
    ['/a/../b', '/b'],
  ];
  for (const [given, expected] of kept) test(`${JSON.stringify(given)} → ${expected}`, () => assert.equal(safeReturnTo(given), expected));
  const refused = ['//evil.example', '///evil.example', '/\\evil.example', '/\\/evil.example', 'https://evil.example/', 'javascript:alert(1)', 'deployments', '/\tx', '/\n/evil.example', ' /x'];
  for (const given of refused) {
    test(`${JSON.stringify(given)} is refused`, () => assert.throws(() => safeReturnTo(given), (e: unknown) => e instanceof InputError && e.issues?.[0].field === 'query.returnTo'));
  }
});

/** A provider that signs in whoever `claims` says, recording what it was given. */
interface ScriptedProvider extends IdentityProvider {
  claims: IdentityClaims;
  fail: IdentityError | null;
  finished: LoginSecrets[];
}

function scriptedProvider(): ScriptedProvider {
  let n = 0;
  const provider: ScriptedProvider = {
    claims: { sub: 's1', email: 'someone@example.org', email_verified: true },
    fail: null,
    finished: [],
    async begin() {
      n++;
      const secrets = { state: `state-${n}-secret`, nonce: `nonce-${n}-secret`, codeVerifier: `verifier-${n}-secret` };
      return { url: `https://idp.example/authorize?state=${secrets.state}`, secrets };
    },
    async finish(_url: URL, secrets: LoginSecrets) {
      provider.finished.push(secrets);
      if (provider.fail) throw provider.fail;
      return provider.claims;
    },
  };
  return provider;
}

describe('OidcService', () => {
  let db: Db;
  const clock = new ManualClock();
  const provider = scriptedProvider();
  const logged: string[] = [];
  const records: SignInRecord[] = [];
  let viewer: OidcService;
  let strict: OidcService;
  before(async () => {
    db = await openPglite({});
    await migrate(db);
    const auth = createAuthService({ db, clock, ids: createIdGenerator(clock), audit: createAuditService({ db, clock }) });
    const log = { info: (m: string) => logged.push(m), warn: (m: string) => logged.push(m), error: (m: string) => logged.push(m) };
    const options = { redirectUri: 'https://dcp.example/api/v1/session/oidc/callback', claim: 'email' };
    viewer = createOidcService({ db, clock, auth, provider, log, options: { ...options, unknown: 'viewer' } });
    strict = createOidcService({ db, clock, auth, provider, log, options: { ...options, unknown: 'deny' }, audit: (r) => void records.push(r) });
  });
  after(() => db.close());

  const stateOf = (url: string) => new URL(url).searchParams.get('state')!;

  test('a sign-in finishes once, in the browser that started it, as a viewer when unknown', async () => {
    const { url, browser } = await viewer.start('/teams');
    const query = `code=the-code-secret&state=${stateOf(url)}`;
    assert.deepEqual(await viewer.finish({ query, browser: 'another-browser' }).then((r) => r.ok || r.reason), 'expired');
    // The mismatch took the login: the right browser cannot finish it now either.
    assert.deepEqual(await viewer.finish({ query, browser }).then((r) => r.ok || r.reason), 'expired');

    const second = await viewer.start('/teams');
    const result = await viewer.finish({ query: `code=the-code-secret&state=${stateOf(second.url)}`, browser: second.browser, address: '127.0.0.9' });
    assert.ok(result.ok);
    assert.equal(result.returnTo, '/teams');
    assert.equal(result.session.principal.name, 'someone@example.org');
    assert.deepEqual(result.session.principal.teams, []);
    assert.deepEqual(provider.finished.at(-1), { state: 'state-2-secret', nonce: 'nonce-2-secret', codeVerifier: 'verifier-2-secret' });
    assert.deepEqual(await viewer.finish({ query: `code=the-code-secret&state=${stateOf(second.url)}`, browser: second.browser }).then((r) => r.ok || r.reason), 'expired', 'a replay');
  });

  test('a login expires 10 minutes after it started', async () => {
    const { url, browser } = await viewer.start(undefined);
    clock.advance(10 * 60_000 + 1);
    assert.equal(await viewer.finish({ query: `code=c&state=${stateOf(url)}`, browser }).then((r) => r.ok || r.reason), 'expired');
  });

  test('refusals: unknown with deny, unverified email, no claim, the provider refused or unreachable — each recorded', async () => {
    const attempt = async (service: OidcService) => {
      const { url, browser } = await service.start(undefined);
      const result = await service.finish({ query: `code=c&state=${stateOf(url)}`, browser });
      return result.ok ? 'ok' : result.reason;
    };
    records.length = 0;
    assert.equal(await attempt(strict), 'unknown-person');
    provider.claims = { sub: 's2', email: 'x@example.org', email_verified: false };
    assert.equal(await attempt(strict), 'unverified-email');
    provider.claims = { sub: 's3' };
    assert.equal(await attempt(strict), 'no-claim');
    provider.fail = new IdentityError('refused', 'the provider answered access_denied');
    assert.equal(await attempt(strict), 'provider');
    provider.fail = new IdentityError('unavailable', 'fetch failed');
    assert.equal(await attempt(strict), 'unavailable');
    provider.fail = null;
    assert.deepEqual(records.map((r) => [r.outcome, r.person, r.reason]), [
      ['denied', 'someone@example.org', 'unknown-person'], ['denied', 'x@example.org', 'unverified-email'],
      ['failed', null, 'no-claim'], ['failed', null, 'provider'], ['failed', null, 'unavailable'],
    ]);
  });

  test('the log says who signed in and how it went, never a state, nonce, verifier or code', () => {
    assert.ok(logged.some((m) => /^oidc sign-in: outcome=success person=someone@example.org role=viewer address=127\.0\.0\.9$/.test(m)), logged.join('\n'));
    assert.ok(logged.some((m) => m.includes('outcome=failed') && m.includes('reason=expired')), logged.join('\n'));
    for (const line of logged) assert.doesNotMatch(line, /secret|state-|nonce-|verifier-/, line);
  });
});
