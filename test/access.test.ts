/**
 * Deny by default: every route that is not public refuses a caller without a token, whatever the
 * shape of the request target — generated from the app's route table, so a new route is covered
 * the day it is added. Sent over a raw socket: `fetch` would normalise the tricks away.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { hashToken } from '../src/services/auth.ts';
import { ManualClock } from '../src/shared/clocks.ts';
import { BACKENDS, TOKEN, startTestDcp, type TestDcp } from './helpers/dcp.ts';

/** Sends one raw HTTP/1.1 request and returns its status code. */
async function rawStatus(url: string, method: string, target: string, headers: Record<string, string> = {}): Promise<number> {
  return (await rawRequest(url, method, target, headers)).status;
}

/** Sends one raw HTTP/1.1 request: its status code and content type. */
function rawRequest(url: string, method: string, target: string, headers: Record<string, string> = {}): Promise<{ status: number; type: string }> {
  const { hostname, port } = new URL(url);
  const body = method === 'GET' || method === 'HEAD' || method === 'DELETE' ? '' : '{}';
  const lines = [`${method} ${target} HTTP/1.1`, `host: ${hostname}:${port}`, 'connection: close'];
  if (body) lines.push('content-type: application/json', `content-length: ${body.length}`);
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(`${lines.join('\r\n')}\r\n\r\n${body}`));
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk) => {
      text += chunk;
    });
    socket.on('error', reject);
    socket.on('close', () => {
      const match = /^HTTP\/1\.1 (\d{3})/.exec(text);
      const type = /\r\ncontent-type: *([^\r;]*)/i.exec(text)?.[1] ?? '';
      if (match) resolve({ status: Number(match[1]), type });
      else reject(new Error(`no HTTP answer to ${method} ${target}: ${JSON.stringify(text.slice(0, 200))}`));
    });
  });
}

/** The shapes of a request target that may still route to `path`. */
export function pathTricks(path: string, host: string): string[] {
  const segments = path.split('/').slice(1);
  const encodeFirst = (s: string) => (s ? `%${s.charCodeAt(0).toString(16)}${s.slice(1)}` : s);
  return [
    path,
    `/${segments.map(encodeFirst).join('/')}`,
    `/%${'a'.charCodeAt(0).toString(16).toUpperCase()}${path.slice(2)}`,
    `/${path}`,
    path.replace('/v1/', '//v1/'),
    `${path}/`,
    path.replace('/v1/', '/v1/./'),
    path.replace('/api/', '/x/../api/'),
    path.replace('/api/', '/api/v1/../'),
    path.toUpperCase(),
    path.replace('/api/', '/Api/'),
    `${path}?`,
    `${path}?access_token=x&/healthz`,
    `${path}#`,
    `${path};x`,
    path.replaceAll('/', '%2F'),
    path.replace('/api/', '/api%2F'),
    `http://${host}${path}`,
    `http://x${path}`,
    `HTTP://${host}${path}`,
    `//${host}${path}`,
  ];
}

for (const backend of BACKENDS) {
  describe(`access (${backend})`, () => {
    let t: TestDcp;
    before(async () => {
      t = await startTestDcp({ backend });
    });
    after(() => t.stop());

    test('every route declares an access rule, and the API is not public', () => {
      const table = t.dcp.app.routeTable();
      assert.ok(table.length > 20);
      const publicApi = table.filter((r) => r.access === 'public' && r.url.startsWith('/api/')).map((r) => `${r.method} ${r.url}`);
      // Signing in: with a token, and with OIDC (its start, its callback, and what the app may show).
      const signIn = ['GET /api/v1/session/oidc', 'GET /api/v1/session/oidc/callback', 'GET /api/v1/session/options'];
      const expected = ['DELETE /api/v1/session', 'POST /api/v1/session', ...signIn, ...signIn.map((r) => r.replace('GET', 'HEAD'))];
      assert.deepEqual(publicApi.sort(), expected.sort());
    });

    test('no shape of a request target reaches a protected route without a token', async () => {
      const host = new URL(t.url).host;
      const protectedRoutes = t.dcp.app.routeTable().filter((r) => r.access !== 'public' && r.method !== 'HEAD');
      const reached: string[] = [];
      let sent = 0;
      for (const route of protectedRoutes) {
        const path = route.url.replace(/:(\w+)/g, 'x$1');
        for (const target of pathTricks(path, host)) {
          sent++;
          const { status, type } = await rawRequest(t.url, route.method, target);
          // A GET of a path that is no route opens the app (public HTML, no data): not a way in.
          const appPage = status === 200 && route.method === 'GET' && type === 'text/html';
          if ((status < 400 && !appPage) || status >= 500) reached.push(`${route.method} ${target} → ${status} ${type}`);
        }
      }
      assert.deepEqual(reached, [], `${reached.length} of ${sent} requests got past the access check`);
      assert.ok(sent > 400);
    });

    test('a protected route answers 401 without a token and with a bad one; the Bearer scheme is case-insensitive', async () => {
      assert.equal(await rawStatus(t.url, 'GET', '/api/v1/teams'), 401);
      assert.equal(await rawStatus(t.url, 'GET', '/api/v1/teams', { authorization: 'Bearer nope' }), 401);
      assert.equal(await rawStatus(t.url, 'GET', '/api/v1/teams', { authorization: `Basic ${TOKEN}` }), 401);
      assert.equal(await rawStatus(t.url, 'GET', '/api/v1/teams', { authorization: `bearer ${TOKEN}` }), 200);
      assert.equal(await rawStatus(t.url, 'GET', '/api/v1/teams', { authorization: `BEARER  ${TOKEN}` }), 200);
      const res = await t.api('POST', '/%61pi/v1/builds', {}, { authorization: '' });
      assert.equal(res.status, 401);
      assert.equal(res.headers.get('content-type'), 'application/problem+json; charset=utf-8');
    });

    test('public routes stay public', async () => {
      assert.equal(await rawStatus(t.url, 'GET', '/healthz'), 200);
      assert.equal(await rawStatus(t.url, 'GET', '/openapi.json'), 200);
    });
  });
}

test('a route without an access rule makes the app refuse to start', async () => {
  const { default: Fastify } = await import('fastify');
  const { default: cookie } = await import('@fastify/cookie');
  const { installAccess } = await import('../src/api/access.ts');
  const app = Fastify();
  await app.register(cookie);
  installAccess(app, { authenticate: async () => null, authenticateSession: async () => null } as never);
  app.get('/api/v1/ruled', { config: { access: 'read' } }, async () => 'ok');
  app.get('/api/v1/forgotten', async () => 'oops');
  await assert.rejects(async () => {
    await app.ready();
  }, /routes without an access rule \(add config\.access\): GET \/api\/v1\/forgotten, HEAD \/api\/v1\/forgotten/);
});

for (const backend of BACKENDS) {
  describe(`sessions in the browser (${backend})`, () => {
    let t: TestDcp;
    let clock: ManualClock;
    before(async () => {
      clock = new ManualClock(new Date('2026-01-05T09:00:00Z'));
      t = await startTestDcp({ backend, clock });
    });
    after(() => t.stop());

    /** Signs in with the admin token as the app does; the session and CSRF cookies. */
    async function signIn(): Promise<{ cookie: string; csrf: string; setCookie: string[] }> {
      const res = await t.api('POST', '/api/v1/session', { token: TOKEN }, { authorization: '' });
      assert.equal(res.status, 201);
      const setCookie = res.headers.getSetCookie();
      const value = (name: string) => setCookie.find((c) => c.startsWith(`${name}=`))!.split(';')[0].split('=')[1];
      return { cookie: `dcp_session=${value('dcp_session')}; dcp_csrf=${value('dcp_csrf')}`, csrf: decodeURIComponent(value('dcp_csrf')), setCookie };
    }

    test('the session cookie is HttpOnly and SameSite=Lax; the CSRF cookie is readable by the app', async () => {
      const { setCookie } = await signIn();
      const session = setCookie.find((c) => c.startsWith('dcp_session='))!;
      assert.match(session, /HttpOnly/i);
      assert.match(session, /SameSite=Lax/i);
      assert.doesNotMatch(session, /Secure/i, 'plain HTTP: not Secure (behind a TLS proxy it is, with DCP_TRUST_PROXY)');
      assert.doesNotMatch(setCookie.find((c) => c.startsWith('dcp_csrf='))!, /HttpOnly/i);
    });

    test('a write with the session cookie needs the CSRF header', async () => {
      const { cookie, csrf } = await signIn();
      const slack = { workspace: 'acme', channel: '#payments-csrf' };
      const without = await t.api('PUT', '/api/v1/teams/payments/notifications', slack, { cookie });
      assert.equal(without.status, 403);
      assert.match(without.body.detail, /x-csrf-token/);
      const forged = await t.api('PUT', '/api/v1/teams/payments/notifications', slack, { cookie, 'x-csrf-token': 'forged' });
      assert.equal(forged.status, 403);
      const read = await t.api('GET', '/api/v1/session', undefined, { cookie });
      assert.equal(read.status, 200, 'reads need no CSRF header');
      const withHeader = await t.api('PUT', '/api/v1/teams/payments/notifications', slack, { cookie, 'x-csrf-token': csrf });
      assert.equal(withHeader.status, 200);
    });

    test("a session's use is written at most once a minute (not on every request), and still ends when idle", async () => {
      const { cookie } = await signIn();
      const signedInAt = clock.now().getTime();
      const seen = async () => {
        const id = decodeURIComponent(/dcp_session=([^;]+)/.exec(cookie)![1]);
        const [row] = await t.dcp.db.query<{ last_seen_at: Date }>('SELECT last_seen_at FROM sessions WHERE id_hash = $1', [hashToken(id)]);
        return row.last_seen_at.getTime() - signedInAt;
      };
      const use = async () => assert.equal((await t.api('GET', '/api/v1/session', undefined, { cookie })).status, 200);
      clock.advance(30_000);
      await use();
      await use();
      assert.equal(await seen(), 0, 'used 30 s after sign-in: not written');
      clock.advance(30_000);
      await use();
      assert.equal(await seen(), 60_000, 'a minute after the last write: written');
      clock.advance(12 * 3600_000 - 1);
      await use();
      clock.advance(12 * 3600_000);
      assert.equal((await t.api('GET', '/api/v1/session', undefined, { cookie })).status, 401, 'idle for 12 h');
    });

    test('sessions end when idle, at their absolute end, and at sign-out on the server', async () => {
      const idle = await signIn();
      clock.advance(11 * 3600_000);
      assert.equal((await t.api('GET', '/api/v1/session', undefined, { cookie: idle.cookie })).status, 200, 'used within 12 h');
      clock.advance(11 * 3600_000);
      assert.equal((await t.api('GET', '/api/v1/session', undefined, { cookie: idle.cookie })).status, 200, 'used again within 12 h of the last use');
      clock.advance(13 * 3600_000);
      assert.equal((await t.api('GET', '/api/v1/session', undefined, { cookie: idle.cookie })).status, 401, 'idle for 13 h');

      const busy = await signIn();
      for (let day = 0; day < 7; day++) {
        clock.advance(10 * 3600_000);
        assert.equal((await t.api('GET', '/api/v1/session', undefined, { cookie: busy.cookie })).status, 200);
      }
      clock.advance(10 * 3600_000); // 80 h… keep going past 7 d of use
      for (let i = 0; i < 10; i++) {
        clock.advance(10 * 3600_000);
        await t.api('GET', '/api/v1/session', undefined, { cookie: busy.cookie });
      }
      assert.equal((await t.api('GET', '/api/v1/session', undefined, { cookie: busy.cookie })).status, 401, 'past its 7 d, however busy');

      const out = await signIn();
      assert.equal((await t.api('DELETE', '/api/v1/session', undefined, { cookie: out.cookie })).status, 204);
      assert.equal((await t.api('GET', '/api/v1/session', undefined, { cookie: out.cookie })).status, 401, 'the cookie kept after sign-out is worthless');
    });

    test('every answer carries security headers', async () => {
      for (const path of ['/', '/api/v1/teams', '/healthz', '/api/v1/nope']) {
        const res = await fetch(`${t.url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
        const csp = res.headers.get('content-security-policy') ?? '';
        assert.match(csp, /frame-ancestors 'none'/, path);
        assert.match(csp, /script-src 'self'(;|$)/, `${path}: no inline script`);
        assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path);
      }
    });

    test('sign-in attempts are limited per address', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 22; i++) statuses.push((await t.api('POST', '/api/v1/session', { token: `dcp_guess-${i}` }, { authorization: '' })).status);
      assert.ok(statuses.slice(0, 10).every((s) => s === 401 || s === 201));
      const limited = await t.api('POST', '/api/v1/session', { token: 'dcp_guess' }, { authorization: '' });
      assert.equal(limited.status, 429);
      assert.equal(limited.body.title, 'Too many requests');
    });
  });
}
