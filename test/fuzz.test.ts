/**
 * The API fuzzed from its own `/openapi.json` (helpers/fuzz.ts makes the requests): every
 * operation that takes a body, path parameters or a query gets valid-looking requests and hostile
 * mutations of them, sent with the admin token over plain HTTP (node:http, so a body can be any
 * bytes under any content type). On both backends:
 *   - no answer is a 5xx (the failing requests are listed);
 *   - every 4xx is problem+json;
 *   - a refused write leaves every table's row count as it was (no partial writes).
 * Fixed seeds: the same requests every run. Config uploads (`POST /api/v1/config/reload`) are
 * fuzzed by their own suite, not here.
 */
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { DEFAULT_CONFIG_DIR } from '../src/settings.ts';
import { BACKENDS, TOKEN, startTestDcp, type TestDcp } from './helpers/dcp.ts';
import { seedParkedDeployments } from './helpers/seed.ts';
import { operationsOf, requestsFor, type FuzzRequest, type OpenApiDoc } from './helpers/fuzz.ts';

const SEED = 20261201;
/** ~2,400 requests per backend: ~10 s alone, about a minute when the whole suite runs at once (4,400 took over 120 s then). */
const RUNS_PER_OPERATION = 110;
const SKIPPED = new Set(['POST /api/v1/config/reload']);
/** The tables a request could write (the engine's own bookkeeping, events and jobs, aside). */
const TABLES = ['deployments', 'phases', 'releases', 'approvals', 'change_cases', 'freezes', 'team_notifications', 'config_imports',
  'teams', 'services', 'targets', 'api_tokens', 'sessions', 'target_locks'];

interface Answer {
  status: number;
  contentType: string;
  body: string;
}

function send(base: string, r: FuzzRequest): Promise<Answer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      host: url.hostname,
      port: url.port,
      method: r.method,
      path: r.path,
      // A connection of its own each: the server closes one after some refusals (431, 413).
      agent: false,
      headers: { authorization: `Bearer ${TOKEN}`, ...r.headers, ...(r.body ? { 'content-length': String(r.body.length) } : {}) },
    }, (res) => {
      const contentType = String(res.headers['content-type'] ?? '');
      // A stream that opened: its answer is the status line; do not wait for events.
      if (contentType.startsWith('text/event-stream')) {
        resolve({ status: res.statusCode ?? 0, contentType, body: '' });
        res.destroy();
        req.destroy();
        return;
      }
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    // The server may answer (413) and close before reading a huge body: that is an answer, not an error.
    req.on('error', (error) => reject(error));
    if (r.body) req.end(r.body);
    else req.end();
  });
}

async function rowCounts(t: TestDcp): Promise<Record<string, number>> {
  const [row] = await t.dcp.db.query<Record<string, string>>(`SELECT ${TABLES.map((name) => `(SELECT count(*) FROM ${name}) AS ${name}`).join(', ')}`);
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)]));
}

function describeRequest(r: FuzzRequest): string {
  const body = r.body === null ? '' : r.body.length > 300 ? `${r.body.subarray(0, 200).toString('utf8')}… (${r.body.length} bytes)` : r.body.toString('utf8');
  const path = r.path.length > 200 ? `${r.path.slice(0, 200)}… (${r.path.length} chars)` : r.path;
  return `[${r.mutation}] ${r.method} ${path} ${JSON.stringify(r.headers)} ${JSON.stringify(body)}`;
}

for (const backend of BACKENDS) {
  describe(`fuzzing the API from /openapi.json (${backend})`, () => {
    let t: TestDcp;
    before(async () => {
      // The example config, gates and all: approvals, change cases and freezes are reachable.
      t = await startTestDcp({ backend, configDir: DEFAULT_CONFIG_DIR });
    });
    after(() => t.stop());

    test('no request is answered ≥ 500, every 4xx is problem+json, a refused write changes no row', { timeout: 300_000 }, async (ctx) => {
      const seeded = await seedParkedDeployments(t, [{ component: 'payments-api' }, { component: 'token-service', strategy: 'fast' }]);
      const freeze = await t.api('POST', '/api/v1/freezes', { environments: ['prod'], startsAt: '2030-01-01T00:00:00Z', reason: 'fuzz' });
      assert.equal(freeze.status, 201, JSON.stringify(freeze.body));
      const doc = (await t.api('GET', '/openapi.json')).body as OpenApiDoc;
      const teams = (await t.api('GET', '/api/v1/teams')).body.items.map((x: { name: string }) => x.name);
      const services = (await t.api('GET', '/api/v1/services')).body.items.map((x: { name: string }) => x.name);
      const strategies = await t.api('GET', '/api/v1/strategies');
      // Real cursors, so that some requests page on from them.
      const cursors: string[] = [];
      for (const path of ['/api/v1/teams', '/api/v1/services', '/api/v1/targets', '/api/v1/freezes', '/api/v1/deployments', '/api/v1/events']) {
        const cursor = (await t.api('GET', `${path}?limit=1`)).body.nextCursor;
        if (typeof cursor === 'string') cursors.push(cursor);
      }
      const known = [
        ...teams, ...services, 'stable', 'edge', ...strategies.body.items.map((x: { name: string }) => x.name),
        ...strategies.body.environments.map((x: { name: string }) => x.name),
        ...seeded.flatMap((d) => [d.id, d.buildId, ...d.phases.map((p) => p.id)]), freeze.body.id,
        'approve', 'reject', '1.0.0', '0', 'ci',
      ];

      const ops = operationsOf(doc).filter((op) => !SKIPPED.has(`${op.method} ${op.path}`));
      assert.ok(ops.length >= 15, `only ${ops.length} operations found in /openapi.json`);
      const requests = ops.flatMap((op, i) => fc.sample(requestsFor(doc, op, known, { cursor: cursors }), { seed: SEED + i, numRuns: RUNS_PER_OPERATION }));

      const tally = { sent: 0, s2xx: 0, s4xx: 0, s5xx: 0, other: 0 };
      const failures: string[] = [];
      const started = Date.now();
      for (const r of requests) {
        const write = r.method !== 'GET';
        const countsBefore = write ? await rowCounts(t) : null;
        let answer: Answer;
        try {
          answer = await send(t.url, r);
        } catch (error) {
          failures.push(`no answer (${(error as Error).message}): ${describeRequest(r)}`);
          continue;
        }
        tally.sent++;
        if (answer.status >= 500) {
          tally.s5xx++;
          failures.push(`${answer.status} ${answer.body.slice(0, 200)}: ${describeRequest(r)}`);
        } else if (answer.status >= 400) {
          tally.s4xx++;
          if (!answer.contentType.startsWith('application/problem+json')) failures.push(`${answer.status} not problem+json (${answer.contentType}): ${describeRequest(r)}`);
        } else if (answer.status >= 200 && answer.status < 300) tally.s2xx++;
        else tally.other++;
        if (countsBefore && answer.status >= 400) {
          const countsAfter = await rowCounts(t);
          const changed = TABLES.filter((name) => countsAfter[name] !== countsBefore[name]).map((name) => `${name} ${countsBefore[name]}→${countsAfter[name]}`);
          if (changed.length) failures.push(`refused (${answer.status}) but wrote ${changed.join(', ')}: ${describeRequest(r)}`);
        }
      }
      ctx.diagnostic(`${backend}: ${ops.length} operations, sent ${tally.sent} requests in ${((Date.now() - started) / 1000).toFixed(1)} s: ${tally.s5xx} ≥500, ${tally.s4xx} 4xx, ${tally.s2xx} 2xx, ${tally.other} other`);
      assert.equal(failures.length, 0, `${failures.length} failures:\n${failures.slice(0, 80).join('\n')}`);
    });
  });
}
