/**
 * A whole DCP in this process, on a fresh database of either backend, listening on a free port:
 * the wired app that the API tests talk to over HTTP.
 *
 * Fresh databases are cheap: PGlite loads a migrated snapshot made once per test process, and
 * PostgreSQL copies a migrated template database (helpers/db.ts).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Clock } from '../../src/core/clock.ts';
import { ManualClock } from '../../src/shared/clocks.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { readSettings } from '../../src/settings.ts';
import { startDcp, type Dcp } from '../../src/main.ts';
import { CSRF_HEADER, SESSION_COOKIE, csrfTokenFor } from '../../src/services/auth.ts';
import type { Db } from '../../src/store/db.ts';
import { migrate } from '../../src/store/migrate.ts';
import { openPglite } from '../../src/store/pglite.ts';
import { openPostgres } from '../../src/store/postgres.ts';
import type { DeploymentDto } from '../../src/store/deployment-reads.ts';
import { createTestDatabase } from './db.ts';

export type Backend = 'pglite' | 'postgres';
/** The example config without gates: phases go from Checking straight to Deploying. */
export const UNGATED_CONFIG = fileURLToPath(new URL('../fixtures/ungated/', import.meta.url));
export const BACKENDS: Backend[] = ['pglite', 'postgres'];
export const TOKEN = 'test-admin-token';

let snapshot: Promise<Blob> | undefined;

/**
 * The PostgreSQL template's name carries a digest of the migrations it was built from: a server
 * that outlives a run (DCP_TEST_DATABASE_URL pointed at one by hand) never hands out a template
 * older than the code (helpers/db.ts).
 */
const TEMPLATE = (() => {
  const dir = new URL('../../src/store/migrations/', import.meta.url);
  const digest = createHash('sha256');
  for (const name of readdirSync(dir).sort()) digest.update(name).update(readFileSync(new URL(name, dir)));
  return `dcp_test_${digest.digest('hex').slice(0, 16)}`;
})();

async function pgliteSnapshot(): Promise<Blob> {
  snapshot ??= (async () => {
    const db = await openPglite({});
    await migrate(db);
    const blob = await db.dump();
    await db.close();
    return blob;
  })();
  return snapshot;
}

export async function openTestDb(backend: Backend): Promise<{ db: Db; url?: string; drop(): Promise<void> }> {
  if (backend === 'pglite') {
    const db = await openPglite({ loadDataDir: await pgliteSnapshot() });
    return { db, drop: () => db.close() };
  }
  const test = await createTestDatabase(TEMPLATE, async (url) => {
    const db = await openPostgres(url, { max: 1 });
    await migrate(db);
    await db.close();
  });
  const db = await openPostgres(test.url, { max: 5 });
  return {
    db,
    url: test.url,
    async drop() {
      await db.close();
      await test.drop();
    },
  };
}

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface TestDcp {
  dcp: Dcp;
  clock: Clock;
  url: string;
  api<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse<T>>;
  /** The API as a person of the catalog signed in to the app (a session cookie and its CSRF header). */
  as(user: string): Promise<TestDcp['api']>;
  /** Resolves once the deployment satisfies `predicate`, re-checking after every move the engine makes. */
  waitFor(id: string, predicate: (d: DeploymentDto) => boolean, what?: string): Promise<DeploymentDto>;
  /** Stops this DCP and starts a new one on the same database (and clock). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A DCP on a fresh database; by default on the ungated example config (`configDir` to change).
 * `wrapDb` puts something between DCP and its database (a test stepping in at a statement).
 */
export async function startTestDcp(options: {
  backend: Backend; clock?: Clock; configDir?: string; leaseMs?: number; env?: Record<string, string>; wrapDb?: (db: Db) => Db;
}): Promise<TestDcp> {
  const clock = options.clock ?? new ManualClock();
  const test = await openTestDb(options.backend);
  const settings = readSettings({
    PORT: '0',
    DCP_DATA_DIR: 'memory://',
    DCP_BOOTSTRAP_TOKEN: TOKEN,
    DCP_CONFIG: options.configDir ?? UNGATED_CONFIG,
    ...options.env,
  });
  // Warnings are kept, and shown when a wait fails: they say why the engine did not get there.
  const warnings: string[] = [];
  const log = { ...silentLogger, warn: (m: string) => warnings.push(m), error: (m: string) => warnings.push(m) };
  const boot = async () => {
    const dcp = await startDcp({ settings, clock, db: options.wrapDb?.(test.db) ?? test.db, log, leaseMs: options.leaseMs });
    return { dcp, url: await dcp.listen() };
  };
  let { dcp, url } = await boot();

  const handle: TestDcp = {
    get dcp() {
      return dcp;
    },
    clock,
    get url() {
      return url;
    },
    async as(user) {
      const session = await dcp.auth.createPersonSession(user);
      const cookies = { cookie: `${SESSION_COOKIE}=${session.sessionId}`, [CSRF_HEADER]: csrfTokenFor(session.sessionId) };
      return (method, path, body, headers = {}) => handle.api(method, path, body, { ...cookies, ...headers });
    },
    async api(method, path, body, headers = {}) {
      // The admin token unless the call says otherwise: its own authorization, '' for none, or a cookie.
      const { authorization, 'x-test-head-only': headOnly, ...rest } = headers;
      const auth = authorization === undefined ? (rest.cookie ? {} : { authorization: `Bearer ${TOKEN}` }) : authorization === '' ? {} : { authorization };
      const response = await fetch(`${url}${path}`, {
        method,
        headers: {
          ...auth,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...rest,
        },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      // A stream never ends: with x-test-head-only the answer's head is enough.
      if (headOnly) {
        await response.body?.cancel();
        return { status: response.status, headers: response.headers, body: null };
      }
      const text = await response.text();
      const type = response.headers.get('content-type') ?? '';
      return { status: response.status, headers: response.headers, body: type.includes('json') && text ? JSON.parse(text) : text };
    },
    waitFor(id, predicate, what = 'the expected state') {
      return new Promise((resolve, reject) => {
        let last: DeploymentDto | undefined;
        let checking = false;
        let again = false;
        const check = async () => {
          if (checking) {
            again = true;
            return;
          }
          checking = true;
          try {
            do {
              again = false;
              last = await dcp.deployments.get(id);
              if (predicate(last)) {
                finish();
                resolve(last);
                return;
              }
            } while (again);
          } catch (error) {
            finish();
            reject(error);
          } finally {
            checking = false;
          }
        };
        const unsubscribe = dcp.engine.onMoves(() => void check());
        // A guard against a hung test, not a wait for state: failing here means the state never came.
        const guard = setTimeout(() => {
          finish();
          reject(new Error(`deployment ${id} never reached ${what}; last: ${last?.status} ${JSON.stringify(last?.phases.map((p) => [p.environment, p.status, p.statusDetail, p.releases.map((r) => r.status)]))}; engine warnings: ${warnings.slice(-5).join(' | ') || 'none'}`));
        }, 20_000);
        function finish() {
          clearTimeout(guard);
          unsubscribe();
        }
        void check();
      });
    },
    async restart() {
      await dcp.stop();
      ({ dcp, url } = await boot());
    },
    async stop() {
      await dcp.stop();
      await test.drop();
    },
  };
  return handle;
}

/** The example build with simulator annotations, and an id of its own. */
export function build(overrides: { buildId?: string; component?: string; strategy?: string; channel?: string; annotations?: Record<string, string>; version?: string } = {}) {
  const component = overrides.component ?? 'payments-api';
  const version = overrides.version ?? '1.42.0';
  return {
    buildId: overrides.buildId ?? `${component}-${version}-${Math.random().toString(16).slice(2, 10)}`,
    component,
    channel: overrides.channel ?? 'stable',
    strategy: overrides.strategy ?? 'standard',
    artifactManifest: {
      name: component,
      version,
      images: [{ name: `registry.example.com/${component}`, digest: 'sha256:4f1c9b0a' }],
      charts: [{ name: component, version, repository: 'oci://registry.example.com/charts' }],
      annotations: { 'dcp.simulator/release-ms': '0', 'dcp.simulator/scan-ms': '0', ...overrides.annotations },
    },
    source: { repository: `https://github.com/acme/${component}`, commit: '8c1f2e9d4b7a', branch: 'main' },
    triggeredBy: 'ci',
  };
}

export const ended = (d: DeploymentDto) => ['Completed', 'Failed', 'Cancelled'].includes(d.status);
