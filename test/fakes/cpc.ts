/**
 * A fake CPC for tests: a loopback HTTP server (127.0.0.1, a free port) speaking exactly the API
 * of docs/integrations/cpc.md.
 *
 *   PUT  /v1/releases/{key}        body validated strictly (unknown or missing fields: 400); 201
 *                                  created, 200 the same body again, 409 another body
 *   GET  /v1/releases/{key}        200 status object, 404 unknown key
 *   POST /v1/releases/{key}/abort  Pending (untouched) → Aborted; touched ones run on
 *
 * Steering: releases move only when the test says — `touch()` moves Pending ones to Running
 * (touched), `finish()` moves every unfinished one to its outcome: Failed when its cluster or chart
 * is in `failing`, else Succeeded (or Aborted when it was aborted untouched). `requireToken` makes
 * every call need `Authorization: Bearer <token>` (else 401). `down()` answers 503 until `up()`.
 * `appliedCount(key)` counts the PUTs that created a release (201), i.e. how often CPC really took it.
 * `instant` finishes every release as it is created.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isDeepStrictEqual } from 'node:util';
import type { CpcReleaseBody, CpcReleaseStatus } from '../../src/integrations/release/cpc.ts';

export interface FakeCpcRequest {
  method: string;
  path: string;
  key: string;
  authorization: string | undefined;
  body: unknown;
}

interface FakeRelease extends CpcReleaseStatus {
  body: CpcReleaseBody;
  abortRequested: boolean;
}

export interface FakeCpc {
  url: string;
  requests: FakeCpcRequest[];
  releases: Map<string, FakeRelease>;
  /** Clusters and chart names whose releases fail. */
  failing: Set<string>;
  /** When set, every call needs `Authorization: Bearer <token>`. */
  readonly requireToken: string | null;
  touch(key?: string): void;
  finish(key?: string): void;
  appliedCount(key: string): number;
  /** Resolves once a PUT has created the release `key` (at once if one has). */
  whenApplied(key: string): Promise<void>;
  down(): void;
  up(): void;
  close(): Promise<void>;
}

const FIELDS: Record<keyof CpcReleaseBody, (v: unknown) => boolean> = {
  cluster: (v) => typeof v === 'string' && v !== '',
  namespace: (v) => typeof v === 'string' && v !== '',
  release: (v) => typeof v === 'string' && v !== '',
  chart: (v) => typeof v === 'string' && v !== '',
  chartVersion: (v) => typeof v === 'string' && v !== '',
  repository: (v) => v === null || (typeof v === 'string' && v !== ''),
  timeoutSeconds: (v) => Number.isInteger(v) && (v as number) > 0,
};

/** Why the body is refused, or null when it is a valid release body. */
function invalidBody(body: unknown): string | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'the body must be a JSON object';
  const record = body as Record<string, unknown>;
  const unknown = Object.keys(record).filter((k) => !(k in FIELDS));
  if (unknown.length > 0) return `unknown fields: ${unknown.join(', ')}`;
  for (const [field, valid] of Object.entries(FIELDS)) {
    if (!(field in record)) return `missing field: ${field}`;
    if (!valid(record[field])) return `invalid field: ${field}`;
  }
  return null;
}

/**
 * `instant`: a release is done as soon as it is asked for (the PUT answers its outcome), for end
 * to end tests where nothing needs to happen in between.
 */
export async function startFakeCpc(options: { requireToken?: string; instant?: boolean } = {}): Promise<FakeCpc> {
  const releases = new Map<string, FakeRelease>();
  const requests: FakeCpcRequest[] = [];
  const applied = new Map<string, number>();
  const failing = new Set<string>();
  let isDown = false;
  const appliedWaiters = new Map<string, (() => void)[]>();

  const publicStatus = (r: FakeRelease): CpcReleaseStatus => ({ key: r.key, status: r.status, detail: r.detail, touched: r.touched });

  function touch(r: FakeRelease): void {
    if (r.status !== 'Pending') return;
    r.status = 'Running';
    r.touched = true;
    r.detail = `Upgrading ${r.body.release} in ${r.body.namespace} on ${r.body.cluster}`;
  }

  function finish(r: FakeRelease): void {
    if (r.status === 'Pending') touch(r);
    if (r.status !== 'Running') return;
    const { body } = r;
    if (failing.has(body.cluster) || failing.has(body.chart)) {
      r.status = 'Failed';
      r.detail = `helm upgrade ${body.release} failed: context deadline exceeded\n(fake CPC: ${body.cluster} or ${body.chart} marked failing)`;
    } else {
      r.status = 'Succeeded';
      r.detail = `Release ${body.release} (${body.chart}@${body.chartVersion}) deployed to ${body.namespace} on ${body.cluster}`;
    }
  }

  const pick = (key?: string) => (key === undefined ? [...releases.values()] : [releases.get(key)].filter((r) => r !== undefined));

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const send = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      const url = new URL(req.url ?? '/', 'http://x');
      const match = /^\/v1\/releases\/([^/]+)(\/abort)?$/.exec(url.pathname);
      const key = match ? decodeURIComponent(match[1]) : '';
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        body = text;
      }
      requests.push({ method: req.method ?? '', path: url.pathname, key, authorization: req.headers.authorization, body });
      if (isDown) return send(503, { error: 'CPC is unavailable (fake: down)' });
      if (options.requireToken && req.headers.authorization !== `Bearer ${options.requireToken}`) return send(401, { error: 'a valid bearer token is required' });
      if (!match) return send(404, { error: `no such endpoint: ${req.method} ${url.pathname}` });
      const existing = releases.get(key);
      const abort = match[2] !== undefined;

      if (req.method === 'PUT' && !abort) {
        if (typeof body === 'string') return send(400, { error: 'the body is not JSON' });
        const problem = invalidBody(body);
        if (problem) return send(400, { error: problem });
        const release = body as CpcReleaseBody;
        if (existing) {
          if (!isDeepStrictEqual(existing.body, release)) return send(409, { error: `release ${key} exists with another body` });
          return send(200, publicStatus(existing));
        }
        const created: FakeRelease = { key, status: 'Pending', detail: 'Waiting to start', touched: false, body: release, abortRequested: false };
        releases.set(key, created);
        applied.set(key, (applied.get(key) ?? 0) + 1);
        if (options.instant) finish(created);
        for (const wake of appliedWaiters.get(key) ?? []) wake();
        appliedWaiters.delete(key);
        return send(201, publicStatus(created));
      }
      if (req.method === 'GET' && !abort) {
        return existing ? send(200, publicStatus(existing)) : send(404, { error: `unknown release ${key}` });
      }
      if (req.method === 'POST' && abort) {
        if (!existing) return send(404, { error: `unknown release ${key}` });
        if (text !== '') return send(400, { error: 'abort takes no body' });
        existing.abortRequested = true;
        if (existing.status === 'Pending' && !existing.touched) {
          existing.status = 'Aborted';
          existing.detail = 'Aborted before it touched the cluster';
        }
        return send(200, publicStatus(existing));
      }
      return send(405, { error: `${req.method} is not allowed on ${url.pathname}` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    requests,
    releases,
    failing,
    requireToken: options.requireToken ?? null,
    touch: (key) => pick(key).forEach(touch),
    finish: (key) => pick(key).forEach(finish),
    appliedCount: (key) => applied.get(key) ?? 0,
    whenApplied(key) {
      if (releases.has(key)) return Promise.resolve();
      return new Promise((resolve) => appliedWaiters.set(key, [...(appliedWaiters.get(key) ?? []), resolve]));
    },
    down: () => {
      isDown = true;
    },
    up: () => {
      isDown = false;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
