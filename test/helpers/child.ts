/**
 * A real DCP server in a child process (`node src/main.ts`), for tests that need what an
 * in-process DCP cannot give: kill -9, restarts, one process per data directory.
 *
 *   const child = await startChild({ DCP_DATA_DIR: dir, DCP_BOOTSTRAP_TOKEN: 't' });
 *   await stream(child.url, 't', (event) => event.type === 'DeploymentCompleted', { after: 0 });
 *   await child.kill('SIGKILL');
 *
 * Waiting is event-driven: a start resolves when the child logs its `listening on` line (and
 * rejects when it exits first), a stream resolves on the event the caller waits for. Every wait
 * has a guard timeout that fails with what was awaited and the child's output.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Environment variables DCP reads (contract §8): a child gets only those its test gives. */
const DCP_ENV = /^(PORT|HOST|DATABASE_URL|DCP_.*|LOG_LEVEL)$/;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface DcpChild {
  process: ChildProcess;
  pid: number;
  port: number;
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** Everything the child wrote so far. */
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves when the child has exited (and its output is fully read). */
  exited: Promise<Exit>;
  /** Sends the signal (unless the child is gone already) and resolves once it has exited. */
  kill(signal?: NodeJS.Signals, timeoutMs?: number): Promise<Exit>;
}

/** A TCP port free right now: bind port 0, read the port the kernel chose, close. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') return reject(new Error('no port'));
      server.close(() => resolve(address.port));
    });
  });
}

/** Rejects with `message` after `ms` unless `promise` settles first; the timer never outlives it. */
export function guard<T>(promise: Promise<T>, ms: number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message()} (guard: ${ms} ms)`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The last `n` characters of some output, for error messages. */
export const tail = (text: string, n = 2000) => (text.length > n ? `…${text.slice(-n)}` : text);

/**
 * Spawns `node src/main.ts` with HOST=127.0.0.1, a free PORT and `env` (DCP variables of this
 * process are not inherited). Does not wait: see `startChild`.
 */
export async function spawnChild(env: Record<string, string>): Promise<DcpChild> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !DCP_ENV.test(key)));
  const proc = spawn(process.execPath, ['src/main.ts'], {
    cwd: ROOT,
    env: { ...inherited, HOST: '127.0.0.1', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<Exit>((resolve, reject) => {
    proc.on('error', reject);
    proc.on('close', (code, signal) => resolve({ code, signal }));
  });
  exited.catch(() => undefined); // observed by whoever awaits it; never an unhandled rejection
  if (proc.pid === undefined) throw new Error(`could not spawn ${process.execPath} src/main.ts: ${await exited.catch((e: Error) => e.message)}`);
  return {
    process: proc,
    pid: proc.pid,
    port,
    url: `http://127.0.0.1:${port}`,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    exited,
    kill(signal = 'SIGKILL', timeoutMs = 15_000) {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return guard(exited, timeoutMs, () => `DCP child ${proc.pid} did not exit after ${signal}; stderr: ${tail(stderr)}`);
    },
  };
}

/**
 * Starts a DCP child and resolves once it logs `listening on` (its server is up); rejects, with
 * its output, if it exits first or takes longer than `timeoutMs`.
 */
export async function startChild(env: Record<string, string>, timeoutMs = 30_000): Promise<DcpChild> {
  const child = await spawnChild(env);
  const listening = new Promise<void>((resolve, reject) => {
    let seen = '';
    const onData = (chunk: string) => {
      seen += chunk;
      if (/ listening on http:\/\//.test(seen)) {
        child.process.stdout!.off('data', onData);
        resolve();
      }
    };
    child.process.stdout!.on('data', onData);
    void child.exited.then(
      (exit) => reject(new Error(`DCP child exited (${exit.code ?? exit.signal}) before listening; stderr: ${tail(child.stderr)}`)),
      reject,
    );
  });
  try {
    await guard(listening, timeoutMs, () => `DCP child ${child.pid} never logged "listening on"; stdout: ${tail(child.stdout)} stderr: ${tail(child.stderr)}`);
  } catch (error) {
    await child.kill('SIGKILL').catch(() => undefined);
    throw error;
  }
  return child;
}

/** A CloudEvent from the stream (contract §6). */
export interface StreamEvent {
  id: string;
  type: string;
  position: number;
  time: string;
  subject: string;
  data: { deploymentId: string; environment?: string; releaseId?: string; target?: string; [key: string]: unknown };
}

export interface StreamOptions {
  /** Start after this position (`?after=`); else the server starts from now. */
  after?: number;
  /** Resume after this position via the Last-Event-ID header. */
  lastEventId?: number;
  /** Only this deployment's events. */
  deployment?: string;
  /** Guard: reject after this long without `onEvent` saying done. */
  timeoutMs?: number;
  /** What the caller waits for, for the guard's message. */
  what?: string;
}

/**
 * Follows GET /api/v1/stream (server-sent events) and calls `onEvent` with each event's parsed
 * `data:`; resolves with the event for which `onEvent` returns true, then closes the stream.
 * Rejects if the stream ends first (e.g. the server died), or on the guard timeout.
 */
export async function stream(
  url: string,
  token: string,
  onEvent: (event: StreamEvent) => boolean | void,
  options: StreamOptions = {},
): Promise<StreamEvent> {
  const query = new URLSearchParams();
  if (options.deployment !== undefined) query.set('deployment', options.deployment);
  if (options.after !== undefined) query.set('after', String(options.after));
  const controller = new AbortController();
  let seen = 0;
  let last: StreamEvent | undefined;

  const follow = async (): Promise<StreamEvent> => {
    const response = await fetch(`${url}/api/v1/stream${query.size > 0 ? `?${query}` : ''}`, {
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'text/event-stream',
        ...(options.lastEventId !== undefined ? { 'last-event-id': String(options.lastEventId) } : {}),
      },
      signal: controller.signal,
    });
    if (response.status !== 200 || !response.body) throw new Error(`GET /api/v1/stream: ${response.status} ${await response.text()}`);
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) throw new Error(`the stream ended before ${options.what ?? 'the awaited event'}`);
      buffer += value.replace(/\r\n?/g, '\n');
      // An event ends at a blank line; a comment (`: …`) or `id:` line carries no data.
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = frame
          .split('\n')
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(line.startsWith('data: ') ? 6 : 5))
          .join('\n');
        if (!data) continue;
        const event = JSON.parse(data) as StreamEvent;
        seen++;
        last = event;
        if (onEvent(event) === true) {
          await reader.cancel().catch(() => undefined);
          return event;
        }
      }
    }
  };

  try {
    return await guard(follow(), options.timeoutMs ?? 30_000, () =>
      `no ${options.what ?? 'awaited event'} on ${url}/api/v1/stream; ${seen} event(s) seen, the last: ${last ? `${last.type} ${JSON.stringify(last.data)}` : 'none'}`,
    );
  } finally {
    controller.abort();
  }
}

/** A JSON API call with a Bearer token. */
export async function api<T = any>(url: string, token: string, method: string, pathname: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(`${url}${pathname}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  return { status: response.status, body: type.includes('json') && text ? JSON.parse(text) : text };
}
