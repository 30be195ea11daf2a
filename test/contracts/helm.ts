/**
 * The Helm release driver's harness: the driver runs test/fakes/helm/helm, whose upgrades wait on a
 * loopback "gate" until the harness opens it, so untilTouched/untilDone are exact without sleeps.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHelmReleaseDriver } from '../../src/integrations/release/helm.ts';
import { ManualClock } from '../../src/shared/clocks.ts';
import { releaseRequest, tracked } from './release-adapters.ts';
import type { ReleaseDriverContractOptions, ReleaseDriverHarness } from './release-driver.ts';
import { localServers } from './servers.ts';


export const FAKE_HELM_DIR = fileURLToPath(new URL('../fakes/helm/', import.meta.url));

/** A fake helm's files: its argv log and its state (releases, failing contexts), in a temp dir. */
export interface FakeHelmFiles {
  dir: string;
  log: string;
  state: string;
  env(extra?: Record<string, string>): NodeJS.ProcessEnv;
  /** Every argv the fake was run with, in order. */
  calls(): string[][];
  /** Kube contexts whose upgrades fail. */
  fail(context: string): void;
  remove(): void;
}

export function fakeHelmFiles(): FakeHelmFiles {
  const dir = mkdtempSync(join(tmpdir(), 'dcp-fake-helm-'));
  const log = join(dir, 'argv.jsonl');
  const state = join(dir, 'state.json');
  writeFileSync(log, '');
  writeFileSync(state, JSON.stringify({ releases: {}, failing: [] }));
  return {
    dir,
    log,
    state,
    env: (extra = {}) => ({ PATH: `${FAKE_HELM_DIR}:${process.env.PATH ?? ''}`, FAKE_HELM_LOG: log, FAKE_HELM_STATE: state, ...extra }),
    calls: () => readFileSync(log, 'utf8').split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as string[]),
    fail(context) {
      const current = JSON.parse(readFileSync(state, 'utf8')) as { failing: string[] };
      current.failing.push(context);
      writeFileSync(state, JSON.stringify(current));
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * The fake helm's gate: with FAKE_HELM_GATE set, an upgrade asks `GET {gate}/upgrade?key=…` and
 * goes on only when it is answered. The harness answers when it lets releases finish.
 */
export async function helmGate() {
  const servers = localServers();
  const held = new Map<string, ServerResponse>();
  const arrived = new Set<string>();
  const arrivalWaiters: (() => void)[] = [];
  let open = false;
  const url = await servers.serve((req, res) => {
    const key = new URL(req.url ?? '/', 'http://x').searchParams.get('key') ?? '';
    arrived.add(key);
    for (const wake of arrivalWaiters.splice(0)) wake();
    if (open) res.end('go');
    else held.set(`${key}#${held.size}`, res);
  });
  const arrival = () => new Promise<void>((resolve) => arrivalWaiters.push(resolve));
  return {
    url,
    /** Resolves once the upgrade of `key` has reached the gate. */
    async reached(key: string): Promise<void> {
      while (!arrived.has(key)) await arrival();
    },
    openWhile<T>(promise: Promise<T>): Promise<T> {
      open = true;
      for (const res of held.values()) res.end('go');
      held.clear();
      return promise.finally(() => {
        open = false;
      });
    },
    close: () => servers.closeAll(),
  };
}

export interface HelmHarness extends ReleaseDriverHarness {
  files: FakeHelmFiles;
}

export async function helmReleaseDriver(): Promise<HelmHarness> {
  const files = fakeHelmFiles();
  const gate = await helmGate();
  const clock = new ManualClock();
  const { driver, inFlight } = tracked(createHelmReleaseDriver({ timeoutMs: 60_000, env: files.env({ FAKE_HELM_GATE: gate.url }) }));
  let n = 0;
  return {
    files,
    driver,
    request({ fails = false } = {}) {
      n += 1;
      const cluster = `prod-${n}`;
      if (fails) files.fail(cluster);
      return releaseRequest(clock, cluster, { kubeContext: cluster });
    },
    // Each release in flight has started its upgrade (helm is changing the cluster), or ended.
    async untilTouched() {
      await Promise.all([...inFlight].map(([settled, request]) => Promise.race([settled, gate.reached(`dcp:${request.idempotencyKey}`)])));
    },
    async untilDone() {
      await gate.openWhile(Promise.all(inFlight.keys()));
    },
    appliedCount: (key) => files.calls().filter((argv) => argv[0] === 'upgrade' && argv.includes(`dcp:${key}`)).length,
    async close() {
      await gate.close();
      files.remove();
    },
  };
}

export const helmFailures: NonNullable<ReleaseDriverContractOptions['failures']> = {
  // The cluster's API server cannot be reached: helm status says so before anything ran.
  async retryable() {
    return createHelmReleaseDriver({ timeoutMs: 60_000, env: { PATH: `${FAKE_HELM_DIR}:${process.env.PATH ?? ''}`, FAKE_HELM_SCENARIO: 'unreachable' } });
  },
  // No helm binary where DCP_HELM_BIN says.
  async permanent() {
    return createHelmReleaseDriver({ bin: join(tmpdir(), 'no-such-dir', 'helm'), timeoutMs: 60_000 });
  },
};
