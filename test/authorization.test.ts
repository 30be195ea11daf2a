/**
 * The authorization matrix, generated from the route table: every route × every kind of caller →
 * refused (401 who are you / 403 you may not) or let through. The expectations are written out
 * here, route by route, independently of the rules in core/access.ts: a route added to the app
 * without a row here fails the first test. Every write also leaves exactly one audit record, and
 * no secret ever reaches the audit trail.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { logRequest } from '../src/api/app.ts';
import { DEFAULT_CONFIG_DIR } from '../src/settings.ts';
import { ManualClock } from '../src/shared/clocks.ts';
import type { DeploymentDto } from '../src/store/deployment-reads.ts';
import { BACKENDS, TOKEN, build, startTestDcp, type ApiResponse, type TestDcp } from './helpers/dcp.ts';

/** Who calls. People come from the example catalog: bob and alice in payments, carol in identity, dana an admin. */
const CALLERS = [
  'anonymous', 'bad token', 'expired token', 'revoked token',
  'viewer', 'other team', 'deployer', 'approver', 'admin',
  'tok:read', 'tok:builds:write', 'tok:deployments:write', 'tok:approvals:write', 'tok:admin',
] as const;
type CallerKind = (typeof CALLERS)[number];
const UNAUTHENTICATED: CallerKind[] = ['anonymous', 'bad token', 'expired token', 'revoked token'];
const PEOPLE: CallerKind[] = ['viewer', 'other team', 'deployer', 'approver', 'admin'];
const READERS: CallerKind[] = [...PEOPLE, 'tok:read', 'tok:admin'];
const TEAM: CallerKind[] = ['deployer', 'approver', 'admin'];

interface Row {
  /** Who gets through (everyone else is refused: 401 unauthenticated, else `denied`); `everyone`: a public route. */
  allowed: CallerKind[] | 'everyone';
  /** The refusal of a signed-in caller, when not 403. */
  denied?: (kind: CallerKind) => number;
}

/** The rules, route by route (payments resources). */
const MATRIX: Record<string, Row> = {
  'GET /openapi.json': { allowed: 'everyone' },
  'GET /healthz': { allowed: 'everyone' },
  'GET /readyz': { allowed: 'everyone' },
  'GET /metrics': { allowed: 'everyone' },
  'POST /api/v1/session': { allowed: 'everyone' },
  'DELETE /api/v1/session': { allowed: 'everyone' },
  // Signing in with OIDC (404 here: the matrix's DCP has no OIDC settings; test/oidc.test.ts has them).
  'GET /api/v1/session/options': { allowed: 'everyone' },
  'GET /api/v1/session/oidc': { allowed: 'everyone' },
  'GET /api/v1/session/oidc/callback': { allowed: 'everyone' },
  'GET /api/v1/session': { allowed: READERS },
  'POST /api/v1/builds': { allowed: [...TEAM, 'tok:builds:write', 'tok:admin'] },
  'POST /api/v1/plans': { allowed: READERS },
  'GET /api/v1/deployments': { allowed: READERS },
  'GET /api/v1/deployments/:id': { allowed: READERS },
  'POST /api/v1/deployments': { allowed: [...TEAM, 'tok:deployments:write', 'tok:admin'] },
  'POST /api/v1/deployments/:id/clone': { allowed: [...TEAM, 'tok:deployments:write', 'tok:admin'] },
  'POST /api/v1/deployments/:id/cancel': { allowed: [...TEAM, 'tok:deployments:write', 'tok:admin'] },
  'GET /api/v1/teams': { allowed: READERS },
  'GET /api/v1/teams/:id': { allowed: READERS },
  // Slack settings are a person's (or an admin token's) business, not a CI token's.
  'PUT /api/v1/teams/:id/notifications': { allowed: [...TEAM, 'tok:admin'] },
  'GET /api/v1/services': { allowed: READERS },
  'GET /api/v1/targets': { allowed: READERS },
  'GET /api/v1/strategies': { allowed: READERS },
  'POST /api/v1/config/reload': { allowed: ['admin', 'tok:admin'] },
  'GET /api/v1/catalog/sources': { allowed: READERS },
  'POST /api/v1/catalog/sync': { allowed: ['admin', 'tok:admin'] },
  'GET /api/v1/events': { allowed: READERS },
  'GET /api/v1/stream': { allowed: READERS },
  // Four eyes: only people the policy names (payments' members); admins by role are no approvers; no token of nobody.
  'POST /api/v1/deployments/:id/phases/:phaseId/approvals': { allowed: ['deployer', 'approver'] },
  'GET /api/v1/change-cases': { allowed: READERS },
  'GET /api/v1/change-cases/:id': { allowed: READERS },
  'POST /api/v1/change-cases/:id/transition': { allowed: [...TEAM, 'tok:approvals:write', 'tok:admin'] },
  'GET /api/v1/freezes': { allowed: READERS },
  'POST /api/v1/freezes': { allowed: ['admin', 'tok:admin'] },
  'DELETE /api/v1/freezes/:id': { allowed: ['admin', 'tok:admin'] },
  'POST /api/v1/tokens': { allowed: [...PEOPLE, 'tok:admin'] },
  'GET /api/v1/tokens': { allowed: [...PEOPLE, 'tok:admin'] },
  // Someone else's token is not found; an admin's call finds it.
  'DELETE /api/v1/tokens/:id': { allowed: ['admin', 'tok:admin'], denied: (kind) => (READERS.includes(kind) ? 404 : 403) },
  'GET /api/v1/audit': { allowed: ['admin', 'tok:admin'] },
  'GET /api/v1/webhooks': { allowed: ['admin', 'tok:admin'] },
  'POST /api/v1/webhooks': { allowed: ['admin', 'tok:admin'] },
  'DELETE /api/v1/webhooks/:id': { allowed: ['admin', 'tok:admin'] },
  'GET /api/v1/webhooks/:id/deliveries': { allowed: ['admin', 'tok:admin'] },
  'GET /api/v1/sinks': { allowed: ['admin', 'tok:admin'] },
  // Calls that prove themselves with their own credential (a workflow's callback token, Harbor's secret): no DCP token or session opens them.
  'POST /api/v1/workflow-callbacks': { allowed: [], denied: () => 401 },
  'POST /api/v1/webhooks/harbor': { allowed: [], denied: () => 401 },
  // Slack's button presses: only Slack's signature opens it (this DCP has no signing secret: 401 for all).
  'POST /api/v1/slack/interactions': { allowed: [], denied: () => 401 },
};

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
type Api = TestDcp['api'];

for (const backend of BACKENDS) {
  describe(`authorization matrix (${backend})`, () => {
    let t: TestDcp;
    let clock: ManualClock;
    let waiting: DeploymentDto;
    const callers = new Map<CallerKind, Api>();
    const secrets: string[] = [TOKEN];

    before(async () => {
      clock = new ManualClock(new Date('2026-01-05T09:00:00Z'));
      t = await startTestDcp({ backend, clock, configDir: DEFAULT_CONFIG_DIR });
      const bearer = (token: string): Api => (method, path, body, headers = {}) => t.api(method, path, body, { authorization: `Bearer ${token}`, ...headers });
      const token = async (body: object): Promise<{ id: string; token: string }> => {
        const res = await t.api('POST', '/api/v1/tokens', body);
        assert.equal(res.status, 201, JSON.stringify(res.body));
        secrets.push(res.body.token);
        return res.body;
      };
      callers.set('anonymous', (method, path, body, headers = {}) => t.api(method, path, body, { authorization: '', ...headers }));
      callers.set('bad token', bearer('dcp_not-a-token'));
      const expiring = await token({ name: 'expiring', scopes: ['admin'], expiresAt: new Date(clock.now().getTime() + 60_000).toISOString() });
      callers.set('expired token', bearer(expiring.token));
      const revoked = await token({ name: 'revoked', scopes: ['admin'] });
      assert.equal((await t.api('DELETE', `/api/v1/tokens/${revoked.id}`)).status, 200);
      callers.set('revoked token', bearer(revoked.token));
      for (const scope of ['read', 'builds:write', 'deployments:write', 'approvals:write', 'admin']) {
        callers.set(`tok:${scope}` as CallerKind, bearer((await token({ name: `only ${scope}`, scopes: [scope] })).token));
      }
      clock.advance(120_000); // the expiring token has expired; sessions opened from here on are fresh
      const person = (name: string): Api => async (...args) => (await t.as(name))(...args);
      callers.set('viewer', person('zoe')); // signed in (say with OIDC), in no team
      callers.set('other team', person('carol'));
      callers.set('deployer', person('bob'));
      callers.set('approver', person('alice'));
      callers.set('admin', person('dana'));

      // A payments deployment waiting in prod for its approval and change case (fast: dev → prod).
      const res = await t.api('POST', '/api/v1/builds', build({ component: 'ledger-worker', strategy: 'fast' }));
      waiting = await t.waitFor(res.body.id, (d) => d.phases[1].status === 'AwaitingPrerequisites' && d.phases[1].prerequisites.changeCase !== null, 'prod waiting');
    });
    after(() => t.stop());

    test('every route has a row in the matrix, and every row a route', () => {
      const routes = t.dcp.app.routeTable()
        .filter((r) => r.method !== 'HEAD' && !r.url.startsWith('/docs') && r.url !== '/*')
        .map((r) => `${r.method} ${r.url}`);
      assert.deepEqual(routes.toSorted(), Object.keys(MATRIX).toSorted());
    });

    test('each caller is refused or let through as the matrix says; every write leaves exactly one audit record', async () => {
      const prod = waiting.phases[1];
      const freeze = (await t.api('POST', '/api/v1/freezes', { environments: ['gov-prod'], startsAt: clock.now().toISOString(), reason: 'matrix' })).body;
      const someToken = (await t.api('POST', '/api/v1/tokens', { name: 'someone', scopes: ['read'] })).body;
      secrets.push(someToken.token);
      const webhook = (await t.api('POST', '/api/v1/webhooks', { url: 'http://127.0.0.1:9/matrix', types: ['DeploymentFailed'] })).body;
      secrets.push(webhook.secret);
      const ids: Record<string, string> = { id: waiting.id, phaseId: prod.id };
      const idFor: Record<string, string> = {
        '/api/v1/teams/:id': 'payments', '/api/v1/teams/:id/notifications': 'payments', '/api/v1/change-cases/:id': prod.prerequisites.changeCase!.id,
        '/api/v1/change-cases/:id/transition': prod.prerequisites.changeCase!.id, '/api/v1/freezes/:id': freeze.id, '/api/v1/tokens/:id': someToken.id,
        '/api/v1/webhooks/:id': webhook.id, '/api/v1/webhooks/:id/deliveries': webhook.id,
      };
      const manual = { component: 'ledger-worker', channel: 'stable', strategy: 'fast', artifactManifest: waiting.artifactManifest };
      const bodies: Record<string, unknown> = {
        'POST /api/v1/session': { token: 'dcp_wrong' },
        'POST /api/v1/builds': () => build({ component: 'ledger-worker', strategy: 'fast', annotations: { 'dcp.simulator/scan-ms': '86400000' } }),
        'POST /api/v1/plans': { component: 'ledger-worker', channel: 'stable', strategy: 'fast' },
        'POST /api/v1/deployments': manual,
        'POST /api/v1/deployments/:id/clone': {},
        'POST /api/v1/deployments/:id/cancel': { reason: 'matrix' },
        'PUT /api/v1/teams/:id/notifications': { workspace: 'acme', channel: '#payments-matrix' },
        'POST /api/v1/config/reload': {},
        'POST /api/v1/catalog/sync': {},
        'POST /api/v1/deployments/:id/phases/:phaseId/approvals': { decision: 'approve' },
        'POST /api/v1/change-cases/:id/transition': { status: 'submitted' },
        'POST /api/v1/freezes': { environments: ['gov-prod'], startsAt: clock.now().toISOString(), reason: 'matrix' },
        'POST /api/v1/tokens': { name: 'mine', scopes: ['read'] },
        'POST /api/v1/webhooks': { url: 'https://hooks.example.com/dcp?token=receivers-own', description: 'matrix' },
        'POST /api/v1/workflow-callbacks': { workflow: 'dcp-scan-x', kind: 'scan', id: waiting.id, status: 'Running' },
        'POST /api/v1/webhooks/harbor': { type: 'SCANNING_COMPLETED', event_data: { resources: [] } },
        'POST /api/v1/slack/interactions': `payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions', user: { id: 'UALICE' }, actions: [{ action_id: 'dcp_approve', value: JSON.stringify({ deploymentId: waiting.id, phaseId: prod.id }) }] }))}`,
      };
      const auditCount = async () => Number((await t.dcp.db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit'))[0].n);

      const wrong: string[] = [];
      let sent = 0;
      // Cancel last: the deployment must still be waiting while the others are tried.
      const keys = Object.keys(MATRIX).sort((a, b) => Number(a.endsWith('/cancel')) - Number(b.endsWith('/cancel')));
      for (const key of keys) {
        const [method, route] = key.split(' ');
        const path = route.replace(/:(\w+)/g, (_, name: string) => (name === 'id' ? (idFor[route] ?? ids.id) : ids[name]));
        const row = MATRIX[key];
        for (const kind of CALLERS) {
          const body = typeof bodies[key] === 'function' ? (bodies[key] as () => unknown)() : bodies[key];
          const before = WRITES.has(method) ? await auditCount() : 0;
          const res = route === '/api/v1/stream' ? await streamStatus(callers.get(kind)!, path) : await callers.get(kind)!(method, path, body);
          sent++;
          if (typeof res.body?.secret === 'string') secrets.push(res.body.secret); // a webhook's signing secret, shown once
          // A public route answers for itself (a wrong token at sign-in is its own 401): it is never refused by the access check.
          const allowed = row.allowed === 'everyone' || row.allowed.includes(kind);
          const expected = allowed ? 'through' : UNAUTHENTICATED.includes(kind) ? 401 : (row.denied?.(kind) ?? 403);
          const refused = row.allowed !== 'everyone' && (res.status === 401 || res.status === 403 || (!allowed && res.status === expected));
          const got = refused ? res.status : 'through';
          if (got !== expected || res.status >= 500) wrong.push(`${kind} ${key} → ${res.status} (expected ${expected}): ${JSON.stringify(res.body).slice(0, 160)}`);
          if (WRITES.has(method)) {
            const added = (await auditCount()) - before;
            if (added !== 1) wrong.push(`${kind} ${key} → ${res.status} left ${added} audit records, not 1`);
          }
        }
      }
      assert.deepEqual(wrong, [], `${wrong.length} of ${sent} calls went wrong`);
    });

    test('the audit trail says who, what, where and how it ended — and holds no secret', async () => {
      const page = await t.api('GET', '/api/v1/audit?limit=500');
      assert.equal(page.status, 200);
      const records = page.body.items as { actor: string; action: string; outcome: string; resource: string | null; address: string | null }[];
      const cancel = records.find((r) => r.action === 'POST /api/v1/deployments/:id/cancel' && r.outcome === 'success');
      assert.ok(cancel, 'the cancel is recorded');
      assert.equal(cancel.resource, `deployments/${waiting.id}`);
      assert.ok(cancel.address);
      assert.ok(records.some((r) => r.actor === 'carol' && r.outcome === 'denied'));
      assert.ok(records.some((r) => r.actor === 'anonymous' && r.outcome === 'denied'));
      const filtered = await t.api('GET', '/api/v1/audit?actor=carol&outcome=denied&limit=2');
      assert.equal(filtered.body.items.length, 2);
      assert.ok(filtered.body.items.every((r: { actor: string }) => r.actor === 'carol'));
      const next = await t.api('GET', `/api/v1/audit?actor=carol&outcome=denied&limit=2&cursor=${filtered.body.nextCursor}`);
      assert.notEqual(next.body.items[0].id, filtered.body.items[0].id);

      const all = JSON.stringify((await t.dcp.db.query('SELECT * FROM audit')));
      for (const secret of secrets) assert.ok(!all.includes(secret), 'a token secret reached the audit trail');
      const tokens = JSON.stringify((await t.api('GET', '/api/v1/tokens?limit=500')).body);
      for (const secret of secrets) assert.ok(!tokens.includes(secret), 'a token secret is listed');
      const webhooks = JSON.stringify((await t.api('GET', '/api/v1/webhooks?limit=500')).body);
      assert.ok(webhooks.includes('hooks.example.com'));
      for (const secret of secrets) assert.ok(!webhooks.includes(secret), 'a webhook secret is listed');
      assert.ok(!all.includes('receivers-own'), "a webhook URL's query (the receiver's own token) reached the audit trail");
    });
  });
}

/** The status of the live stream (it never ends by itself): read the head, then hang up. */
function streamStatus(api: Api, path: string): Promise<ApiResponse> {
  return api('GET', path, undefined, { 'x-test-head-only': '1' });
}

test('request log lines carry no secret from the query string', () => {
  assert.deepEqual(logRequest({ method: 'GET', url: '/api/v1/session/oidc/callback?code=abc&state=xyz&returnTo=%2F', ip: '127.0.0.1' }), {
    method: 'GET', url: '/api/v1/session/oidc/callback?code=%5Bredacted%5D&state=%5Bredacted%5D&returnTo=%2F', remoteAddress: '127.0.0.1',
  });
});
