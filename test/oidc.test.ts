/**
 * Sign-in with OIDC over HTTP, against a real provider in this process (fakes/oidc-provider.ts):
 * the redirects are followed by hand with a cookie jar, as a browser would. A person the catalog
 * knows by email signs in as themselves; an unknown one as a viewer, or not at all with
 * DCP_OIDC_UNKNOWN=deny; a tampered state, a replayed callback and a callback in another browser
 * are refused.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BACKENDS, startTestDcp } from './helpers/dcp.ts';
import { startOidcDcp, type OidcDcp } from './helpers/oidc.ts';
import { startFakeIdp, type FakeIdp } from './fakes/oidc-provider.ts';

/** A browser's cookies, enough for two servers on loopback: by name and path (ports share cookies, as in browsers). */
class CookieJar {
  readonly cookies = new Map<string, { value: string; path: string }>();
  header(url: URL): string {
    return [...this.cookies].filter(([, c]) => url.pathname.startsWith(c.path)).map(([name, c]) => `${name}=${c.value}`).join('; ');
  }
  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';').map((s) => s.trim());
      const name = pair.slice(0, pair.indexOf('='));
      const value = pair.slice(pair.indexOf('=') + 1);
      const attr = (key: string) => attributes.find((a) => a.toLowerCase().startsWith(`${key}=`))?.split('=')[1];
      const gone = attr('max-age') === '0' || (attr('expires') !== undefined && Date.parse(attr('expires')!) < Date.now()) || value === '';
      if (gone) this.cookies.delete(name);
      else this.cookies.set(name, { value, path: attr('path') ?? '/' });
    }
  }
}

interface Landing {
  /** The last response (a redirect into the app, or a non-redirect answer). */
  response: Response;
  body: any;
  /** Where the flow landed in the app (the Location of the last redirect), if it did. */
  landed?: URL;
  /** Every URL requested, in order, and the cookie header sent with it. */
  visited: URL[];
  sent: string[];
}

/**
 * Requests `start` and follows redirects, storing cookies, until DCP redirects into its app (a
 * path outside /api/) or someone answers without a redirect.
 */
async function browse(jar: CookieJar, start: string, accept = 'text/html,application/xhtml+xml'): Promise<Landing> {
  const app = new URL(start).origin;
  const visited: URL[] = [];
  const sent: string[] = [];
  let url = new URL(start);
  for (let hop = 0; hop < 20; hop++) {
    visited.push(url);
    sent.push(jar.header(url));
    const response = await fetch(url, { redirect: 'manual', headers: { cookie: sent.at(-1)!, accept } });
    jar.store(response);
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      const next = new URL(location, url);
      if (next.origin === app && !next.pathname.startsWith('/api/')) {
        await response.body?.cancel();
        return { response, body: null, landed: next, visited, sent };
      }
      await response.body?.cancel();
      url = next;
      continue;
    }
    const text = await response.text();
    return { response, body: (response.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text, visited, sent };
  }
  throw new Error(`more than 20 redirects from ${start}: ${visited.map(String).join(' → ')}`);
}

async function whoAmI(base: string, jar: CookieJar): Promise<{ status: number; body: any }> {
  const url = new URL('/api/v1/session', base);
  const response = await fetch(url, { headers: { cookie: jar.header(url) } });
  return { status: response.status, body: await response.json() };
}

/** Signs in as `account` in a fresh browser: the landing and the jar. */
async function signIn(o: OidcDcp, account: { sub: string; email?: string; emailVerified?: boolean }, path = '/api/v1/session/oidc', accept?: string) {
  o.idp.signInAs(account);
  const jar = new CookieJar();
  const landing = await browse(jar, `${o.t.url}${path}`, accept);
  return { jar, landing };
}

for (const backend of BACKENDS) {
  describe(`OIDC sign-in (${backend})`, () => {
    let idp: FakeIdp;
    let o: OidcDcp;
    before(async () => {
      idp = await startFakeIdp();
      o = await startOidcDcp({ backend, idp });
    });
    after(async () => {
      await o?.stop();
      await idp?.stop();
    });

    test('the options say OIDC is on; alice (her email is in the catalog) signs in as herself, a member', async () => {
      const options = await fetch(`${o.t.url}/api/v1/session/options`).then((r) => r.json());
      assert.deepEqual(options, { token: true, oidc: true });
      const { jar, landing } = await signIn(o, { sub: 'alice-at-idp', email: 'alice@example.com' });
      assert.equal(landing.response.status, 302, `${landing.response.status} ${JSON.stringify(landing.body)}`);
      assert.equal(landing.landed?.pathname, '/');
      assert.equal(landing.landed?.search, '');
      assert.ok(landing.visited.some((u) => u.origin === idp.issuer), 'went by the provider');
      const authorize = landing.visited.find((u) => u.origin === idp.issuer && u.searchParams.has('code_challenge'))!;
      assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
      assert.ok(authorize.searchParams.get('state') && authorize.searchParams.get('nonce'), 'state and nonce are sent');
      assert.deepEqual((await whoAmI(o.t.url, jar)).body, { name: 'alice', role: 'member' });
      const [record] = await o.t.dcp.db.query<any>(
        "SELECT actor, actor_kind, action, outcome, status, detail FROM audit WHERE action = 'GET /api/v1/session/oidc/callback' AND actor = 'alice' ORDER BY id DESC LIMIT 1",
      );
      assert.deepEqual(record, { actor: 'alice', actor_kind: 'person', action: 'GET /api/v1/session/oidc/callback', outcome: 'success', status: 302, detail: { via: 'oidc', role: 'member' } });
      assert.ok(jar.cookies.has('dcp_csrf'), 'the app gets its CSRF cookie');
      assert.ok(!jar.cookies.has('dcp_oidc'), 'the login cookie is cleared');
    });

    test('returnTo: lands on that path of the app; another site is refused', async () => {
      const { landing } = await signIn(o, { sub: 'alice-at-idp', email: 'alice@example.com' }, `/api/v1/session/oidc?returnTo=${encodeURIComponent('/deployments?team=payments#top')}`);
      assert.equal(landing.landed?.href, `${o.t.url}/deployments?team=payments#top`);
      for (const bad of ['//evil.example/x', 'https://evil.example/', '/\\evil.example', 'deployments', '/%0a//evil.example'.replace('%0a', '\n')]) {
        const response = await fetch(`${o.t.url}/api/v1/session/oidc?returnTo=${encodeURIComponent(bad)}`, { redirect: 'manual' });
        assert.equal(response.status, 400, `returnTo ${JSON.stringify(bad)}`);
        const problem: any = await response.json();
        assert.equal(problem.errors[0].field, 'query.returnTo');
      }
    });

    test('an unknown person signs in as a viewer (DCP_OIDC_UNKNOWN defaults to viewer), named by the email', async () => {
      const { jar, landing } = await signIn(o, { sub: 'mallory', email: 'mallory@example.org' });
      assert.equal(landing.landed?.pathname, '/');
      assert.deepEqual((await whoAmI(o.t.url, jar)).body, { name: 'mallory@example.org', role: 'viewer' });
    });

    // Route scopes let a session through; the services' authorization refuses a viewer's write.
    test('a viewer signed in with OIDC changes nothing (config reload is for admins)', async () => {
      const { jar } = await signIn(o, { sub: 'mallory', email: 'mallory@example.org' });
      const reload = new URL(`${o.t.url}/api/v1/config/reload`);
      const write = await fetch(reload, {
        method: 'POST', headers: { cookie: jar.header(reload), 'x-csrf-token': jar.cookies.get('dcp_csrf')!.value, 'content-type': 'application/json' }, body: '{}',
      });
      assert.equal(write.status, 403, `a viewer changes nothing: ${await write.text()}`);
    });

    test('a tampered state is refused, and so is the right state in another browser', async () => {
      o.idp.signInAs({ sub: 'alice-at-idp', email: 'alice@example.com' });
      for (const tamper of [(u: URL, _jar: CookieJar) => u.searchParams.set('state', `${u.searchParams.get('state')}x`), (_u: URL, jar: CookieJar) => jar.cookies.delete('dcp_oidc')]) {
        const jar = new CookieJar();
        // Up to the provider's redirect back, then the callback by hand.
        const start = await fetch(`${o.t.url}/api/v1/session/oidc`, { redirect: 'manual' });
        jar.store(start);
        let url = new URL(start.headers.get('location')!);
        for (;;) {
          const r = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header(url) } });
          jar.store(r);
          await r.body?.cancel();
          url = new URL(r.headers.get('location')!, url);
          if (url.pathname === '/api/v1/session/oidc/callback') break;
        }
        tamper(url, jar);
        const answer = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header(url), accept: 'application/json' } });
        assert.equal(answer.status, 401);
        const problem: any = await answer.json();
        assert.match(problem.detail, /unknown, was already used|another browser/);
        assert.ok(!answer.headers.getSetCookie().some((c) => c.startsWith('dcp_session=') && !c.startsWith('dcp_session=;')), 'no session');
      }
    });

    test('a replayed callback is refused (a login serves once), and the browser is sent back to say so', async () => {
      const { jar, landing } = await signIn(o, { sub: 'alice-at-idp', email: 'alice@example.com' });
      const at = landing.visited.findIndex((u) => u.pathname === '/api/v1/session/oidc/callback');
      assert.ok(at >= 0, 'went by the callback');
      assert.equal((await whoAmI(o.t.url, jar)).body.name, 'alice');
      // The replay brings the login cookie back too: only the server-side row, taken once, refuses it.
      assert.match(landing.sent[at], /dcp_oidc=/);
      const again = await fetch(landing.visited[at], { redirect: 'manual', headers: { cookie: landing.sent[at], accept: 'text/html' } });
      assert.equal(again.status, 302);
      assert.equal(again.headers.get('location'), '/?signin-error=expired');
      const [record] = await o.t.dcp.db.query<any>("SELECT actor, outcome, status, detail FROM audit WHERE action = 'GET /api/v1/session/oidc/callback' ORDER BY id DESC LIMIT 1");
      assert.deepEqual([record.actor, record.outcome, record.status, record.detail.reason], ['anonymous', 'denied', 401, 'expired']);
      const all = JSON.stringify(await o.t.dcp.db.query('SELECT * FROM audit'));
      assert.ok(!all.includes(landing.visited[at].searchParams.get('code')!), 'no code in the audit trail');
    });

    test('a person whose provider says the email is unverified is refused; an error from the provider is refused', async () => {
      const { landing } = await signIn(o, { sub: 'alice-unverified', email: 'alice@example.com', emailVerified: false }, undefined, 'application/json');
      assert.equal(landing.response.status, 403);
      assert.match(landing.body.detail, /not verified the email address alice@example.com/);

      const jar = new CookieJar();
      const start = await fetch(`${o.t.url}/api/v1/session/oidc`, { redirect: 'manual' });
      jar.store(start);
      const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
      const callback = new URL(`${o.t.url}/api/v1/session/oidc/callback?error=access_denied&error_description=${encodeURIComponent('End-User aborted interaction')}&state=${state}&iss=${encodeURIComponent(idp.issuer)}`);
      const answer = await fetch(callback, { redirect: 'manual', headers: { cookie: jar.header(callback), accept: 'text/html' } });
      assert.equal(answer.headers.get('location'), '/?signin-error=provider');
    });
  });
}

describe('OIDC sign-in with DCP_OIDC_UNKNOWN=deny', () => {
  let o: OidcDcp;
  before(async () => {
    o = await startOidcDcp({ backend: 'pglite', env: { DCP_OIDC_UNKNOWN: 'deny' } });
  });
  after(() => o?.stop());

  test('an unknown person is refused: 403 saying why, or, in a browser, back to the app with the reason', async () => {
    const api = await signIn(o, { sub: 'mallory', email: 'mallory@example.org' }, undefined, 'application/json');
    assert.equal(api.landing.response.status, 403);
    assert.equal(api.landing.response.headers.get('content-type'), 'application/problem+json; charset=utf-8');
    assert.match(api.landing.body.detail, /mallory@example.org is not a person in DCP's catalog/);
    assert.equal((await whoAmI(o.t.url, api.jar)).status, 401);

    const browser = await signIn(o, { sub: 'mallory', email: 'mallory@example.org' });
    assert.equal(browser.landing.landed?.pathname, '/');
    assert.equal(browser.landing.landed?.search, '?signin-error=unknown-person');
  });

  test('a person the catalog knows still signs in (by email, whatever its case; bob, of team payments)', async () => {
    const { jar } = await signIn(o, { sub: 'bob-at-idp', email: 'BOB@example.com' });
    assert.deepEqual((await whoAmI(o.t.url, jar)).body, { name: 'bob', role: 'member' });
  });
});

describe('without OIDC settings', () => {
  test('only token sign-in: the options say so, and the OIDC routes are 404', async () => {
    const t = await startTestDcp({ backend: 'pglite' });
    try {
      assert.deepEqual(await fetch(`${t.url}/api/v1/session/options`).then((r) => r.json()), { token: true, oidc: false });
      const start = await fetch(`${t.url}/api/v1/session/oidc`, { redirect: 'manual' });
      assert.equal(start.status, 404);
      assert.match(((await start.json()) as any).detail, /not configured/);
    } finally {
      await t.stop();
    }
  });
});
