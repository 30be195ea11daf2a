/**
 * HelmReleaseDriver: runs the `helm` binary (docs/integrations/helm.md). For one release:
 *
 *   helm version --template {{.Version}}      once per driver: Helm 3 or 4 (the rollback flag differs)
 *   helm status <release> -n <ns> [--kube-context <ctx>] -o json
 *        deployed with description `dcp:<key>` → Succeeded, nothing run again (idempotency that
 *        survives a DCP restart: Helm keeps the description in the release record);
 *        failed with that description → Failed
 *   helm upgrade --install <release> <chart-ref> [--repo <repo>] --version <v> --namespace <ns>
 *        [--kube-context <ctx>] --create-namespace --wait --timeout <N>s
 *        (--rollback-on-failure on Helm 4 | --atomic on Helm 3) --description dcp:<key> -o json
 *
 * Always argv, never a shell (`spawn(bin, args, { shell: false })`): chart names and versions come
 * from build events. Outcome: exit 0 and `info.status` `deployed` → Succeeded; anything else →
 * Failed with the last line of stderr. Helm gets `--timeout` (timeoutMs in whole seconds); the
 * process is killed if it runs past timeoutMs plus a margin (SIGTERM, SIGKILL a few seconds later)
 * → Failed "helm timed out after …".
 *
 * Driver failures, not release failures: the binary missing or not runnable (ENOENT, EACCES) or a
 * version it cannot read → PermanentIntegrationError; `helm status` saying the cluster is
 * unreachable → RetryableIntegrationError (nothing has run). A kube context that does not exist is
 * a Failed release naming it (the target's config is wrong; a retry would not help, and people see it).
 *
 * Cancel: stopped before the upgrade is spawned → Cancelled; once helm runs it has touched the
 * cluster, so it runs to its real outcome. Calls with one key join one run; a repeat after it ended
 * in this process answers the remembered outcome (Helm overwrites a failed release's description,
 * so only `deployed` can be recognised across a restart).
 */
import { spawn } from 'node:child_process';
import { PermanentIntegrationError, RetryableIntegrationError } from '../../core/errors.ts';
import type { ReleaseDriver, ReleaseRequest, ReleaseResult } from './port.ts';

export interface HelmReleaseDriverOptions {
  /** The helm binary: a name looked up on PATH, or a path (DCP_HELM_BIN). Default `helm`. */
  bin?: string;
  /** Helm's own `--timeout` for an upgrade (DCP_HELM_TIMEOUT), rounded up to seconds. */
  timeoutMs: number;
  /** How long past `timeoutMs` DCP lets helm run before it kills it. Default 30 s. */
  killMarginMs?: number;
  /** Between SIGTERM and SIGKILL. Default 5 s. */
  killGraceMs?: number;
  /** `helm status` and `helm version`: killed after this. Default 60 s. */
  queryTimeoutMs?: number;
  /** The environment helm runs with (KUBECONFIG, HELM_* …). Default: DCP's. */
  env?: NodeJS.ProcessEnv;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

const DETAIL_MAX = 300;
const OUTPUT_MAX = 16 * 1024 * 1024;
const REMEMBERED = 1000;

export function createHelmReleaseDriver(options: HelmReleaseDriverOptions): ReleaseDriver {
  const bin = options.bin ?? 'helm';
  const killMarginMs = options.killMarginMs ?? 30_000;
  const killGraceMs = options.killGraceMs ?? 5000;
  const queryTimeoutMs = options.queryTimeoutMs ?? 60_000;
  const running = new Map<string, Promise<ReleaseResult>>();
  /** Outcomes of releases that ended here, by key (oldest dropped first). */
  const ended = new Map<string, ReleaseResult>();
  let major: Promise<number> | null = null;

  function exec(args: string[], killAfterMs: number): Promise<Run> {
    return new Promise((resolve, reject) => {
      const child = spawn(bin, args, { shell: false, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      let timedOut = false;
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        if (stdout.length < OUTPUT_MAX) stdout += chunk;
      });
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        stderr = (stderr + chunk).slice(-64 * 1024);
      });
      // A real process runs in real time: these timers guard the process, they do not pace domain time.
      let killer: NodeJS.Timeout | undefined;
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGTERM');
        killer = setTimeout(() => child.kill('SIGKILL'), killGraceMs);
      }, killAfterMs);
      child.on('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        clearTimeout(killer);
        if (error.code === 'ENOENT' || error.code === 'EACCES') {
          reject(new PermanentIntegrationError(`cannot run helm "${bin}" (${error.code}): install Helm or set DCP_HELM_BIN to its path`));
        } else reject(new RetryableIntegrationError(`cannot run helm "${bin}": ${error.message}`));
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        clearTimeout(killer);
        resolve({ code, stdout, stderr, timedOut });
      });
    });
  }

  /** Helm's major version, read once; a failed read is tried again next time. */
  function helmMajor(): Promise<number> {
    major ??= (async () => {
      const run = await exec(['version', '--template', '{{.Version}}'], queryTimeoutMs);
      const match = /^v?(\d+)\./.exec(run.stdout.trim());
      if (run.code !== 0 || !match) {
        throw new PermanentIntegrationError(`"${bin} version" did not give a Helm version: ${tail(run.stderr || run.stdout) || `exit ${run.code}`}`);
      }
      return Number(match[1]);
    })().catch((error: unknown) => {
      major = null;
      throw error;
    });
    return major;
  }

  async function run(request: ReleaseRequest, signal: AbortSignal): Promise<ReleaseResult> {
    const cancelled: ReleaseResult = { outcome: 'Cancelled', detail: 'Stopped before it touched the target' };
    if (signal.aborted) return cancelled;
    const chart = request.artifact.charts[0];
    if (!chart) throw new PermanentIntegrationError(`Artifact ${request.artifact.name}@${request.artifact.version} has no chart: the Helm driver releases Helm charts`);
    const { target } = request;
    const release = request.service;
    const namespace = target.namespace ?? request.service;
    const context = target.kubeContext ? ['--kube-context', target.kubeContext] : [];
    const description = `dcp:${request.idempotencyKey}`;
    const what = `${chart.name}@${chart.version}`;
    const version = await helmMajor();

    const status = await exec(['status', release, '--namespace', namespace, ...context, '-o', 'json'], queryTimeoutMs);
    if (status.code === 0) {
      const info = releaseInfo(status.stdout);
      if (info?.description === description && info.status === 'deployed') {
        return { outcome: 'Succeeded', detail: `Released ${what} to ${target.cluster} (already deployed by this release, helm revision ${info.revision})` };
      }
      if (info?.description === description && info.status === 'failed') {
        return { outcome: 'Failed', detail: `helm upgrade ${what} on ${target.cluster} failed (found in helm status)` };
      }
    } else if (!/release: not found/i.test(status.stderr)) {
      const reason = tail(status.stderr) || `exit ${status.code}`;
      if (/context .*(does not exist|not found)/i.test(status.stderr)) return { outcome: 'Failed', detail: oneLine(`helm status on ${target.cluster} failed: ${reason}`) };
      if (/cluster unreachable/i.test(status.stderr)) throw new RetryableIntegrationError(`helm status ${release} on ${target.cluster}: ${reason}`);
      return { outcome: 'Failed', detail: oneLine(`helm status ${release} on ${target.cluster} failed: ${reason}`) };
    }

    // The last moment a stop leaves the cluster untouched.
    if (signal.aborted) return cancelled;
    const seconds = Math.max(1, Math.ceil(options.timeoutMs / 1000));
    const args = [
      'upgrade', '--install', release, ...chartRef(chart), '--version', chart.version,
      '--namespace', namespace, ...context, '--create-namespace', '--wait', '--timeout', `${seconds}s`,
      version >= 4 ? '--rollback-on-failure' : '--atomic',
      '--description', description, '-o', 'json',
    ];
    const killAfterMs = options.timeoutMs + killMarginMs;
    const upgrade = await exec(args, killAfterMs);
    if (upgrade.timedOut) {
      return { outcome: 'Failed', detail: oneLine(`helm timed out after ${duration(killAfterMs)} and was killed: ${what} on ${target.cluster}`) };
    }
    if (upgrade.code !== 0) {
      return { outcome: 'Failed', detail: oneLine(`helm upgrade ${what} on ${target.cluster} failed: ${tail(upgrade.stderr) || `exit ${upgrade.code}`}`) };
    }
    const info = releaseInfo(upgrade.stdout);
    if (info?.status !== 'deployed') {
      return { outcome: 'Failed', detail: oneLine(`helm upgrade ${what} on ${target.cluster} ended ${info?.status ?? 'without a release status'}${upgrade.stderr ? `: ${tail(upgrade.stderr)}` : ''}`) };
    }
    return { outcome: 'Succeeded', detail: `Released ${what} to ${target.cluster} (helm revision ${info.revision})` };
  }

  function remember(key: string, result: ReleaseResult): void {
    ended.set(key, result);
    if (ended.size > REMEMBERED) ended.delete(ended.keys().next().value as string);
  }

  return {
    release(request, signal) {
      const key = request.idempotencyKey;
      const done = ended.get(key);
      if (done) return Promise.resolve({ ...done });
      let result = running.get(key);
      if (!result) {
        result = run(request, signal)
          .then((outcome) => {
            if (outcome.outcome !== 'Cancelled') remember(key, outcome);
            return outcome;
          })
          .finally(() => running.delete(key));
        running.set(key, result);
      }
      return result;
    },
  };
}

/** `repository/name` for an OCI registry; `--repo <repository> <name>` for a chart repository; else the name. */
function chartRef(chart: { name: string; repository?: string }): string[] {
  if (!chart.repository) return [chart.name];
  if (chart.repository.startsWith('oci://')) return [`${chart.repository.replace(/\/+$/, '')}/${chart.name}`];
  return [chart.name, '--repo', chart.repository];
}

/** The release record helm prints with `-o json`: `{ name, version, info: { status, description } }`. */
function releaseInfo(stdout: string): { status: string; description: string; revision: string } | null {
  const start = stdout.indexOf('{');
  if (start < 0) return null;
  try {
    const record = JSON.parse(stdout.slice(start)) as { version?: unknown; info?: { status?: unknown; description?: unknown } };
    return {
      status: typeof record.info?.status === 'string' ? record.info.status : '',
      description: typeof record.info?.description === 'string' ? record.info.description : '',
      revision: String(record.version ?? '?'),
    };
  } catch {
    return null;
  }
}

function duration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10}s`;
}

/** The last non-empty line(s) of helm's stderr, on one line: the error is at the end. */
function tail(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  return oneLine(lines.slice(-2).join(' '), DETAIL_MAX - 60);
}

function oneLine(text: string, max = DETAIL_MAX): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
