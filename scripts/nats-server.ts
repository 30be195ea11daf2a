/**
 * A private, throw-away NATS server with JetStream for the test suite (the NATS sink and the
 * BuildCompleted consumer, docs/integrations/nats.md).
 *
 *   import { ensureNats } from './nats-server.ts';
 *   const nats = await ensureNats();          // { url, stop() }: what `npm test` hands the tests
 *
 *   import { startNatsServer } from './nats-server.ts';
 *   const server = await startNatsServer();   // a server of one's own (test/helpers/nats.ts):
 *   await server.stop(); await server.start(); // same port and store: JetStream state survives
 *   await server.dispose();                   // stops it and removes its store
 *
 * or, by hand: `node scripts/nats-server.ts` starts one, prints its URL and keeps it running until
 * Ctrl-C (SIGINT) or SIGTERM.
 *
 * - `DCP_TEST_NATS_URL` set: ensureNats() uses that server as it is; stop() does nothing.
 * - Otherwise `nats-server` is looked up on PATH (Debian's package installs /usr/bin/nats-server).
 *   Missing, as root with apt-get: `apt-get install -y nats-server`. Missing otherwise: an Error
 *   that says what to install. Never a silent skip.
 * - Started as `nats-server -a 127.0.0.1 -p <free port> -js -sd <temp dir>`: loopback only,
 *   JetStream on, its file store in a new temp dir. Ready when a TCP client gets the server's
 *   `INFO` line (it is sent only once the server, JetStream included, accepts clients).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { aptGetWaitingForLock } from './chromium.ts';
import { hasCommand } from './system.ts';

export interface NatsTestServer {
  /** `nats://127.0.0.1:PORT` (or DCP_TEST_NATS_URL as given). */
  url: string;
  /** Stops the server and removes its store. Safe to call more than once. */
  stop(): Promise<void>;
}

/** A server of one's own: stopped and started again on the same port and store dir. */
export interface PrivateNatsServer {
  url: string;
  port: number;
  storeDir: string;
  /** Stops the process (SIGTERM, then SIGKILL after 5 s); the store stays. */
  stop(): Promise<void>;
  /** Starts it again on the same port and store; resolves once it accepts clients. */
  start(): Promise<void>;
  /** stop(), then removes the store dir. */
  dispose(): Promise<void>;
}

const isRoot = process.getuid?.() === 0;
const READY_TIMEOUT_MS = 20_000;

/** Prints progress on stderr, so that the CLI's stdout carries only the URL. */
function log(message: string): void {
  process.stderr.write(`[nats-server] ${message}\n`);
}

const HOW_TO_INSTALL =
  'Install the NATS server (Debian/Ubuntu: `sudo apt-get install -y nats-server`), ' +
  'or set DCP_TEST_NATS_URL to a NATS server with JetStream enabled that the tests may create streams on.';

/** The `nats-server` binary, installing Debian's package when we are root and that is possible. */
export async function findOrInstallNatsServer(): Promise<string> {
  if (hasCommand('nats-server')) return 'nats-server';
  const missing = 'nats-server not found on PATH';
  if (!isRoot || !hasCommand('apt-get')) {
    throw new Error(`${missing}. ${isRoot ? 'apt-get is not available to install it' : 'Not root, so not installing it'}. ${HOW_TO_INSTALL}`);
  }
  log(`${missing}; installing it with apt-get`);
  try {
    await aptGetWaitingForLock(['update']);
    await aptGetWaitingForLock(['install', '-y', 'nats-server']);
  } catch (error) {
    throw new Error(`${missing}, and installing it with apt-get failed: ${(error as Error).message}\n${HOW_TO_INSTALL}`);
  }
  if (!hasCommand('nats-server')) throw new Error(`${missing}, even after \`apt-get install -y nats-server\` succeeded. ${HOW_TO_INSTALL}`);
  return 'nats-server';
}

/** A TCP port that is free right now on 127.0.0.1 (bind port 0, read it, close). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('could not find a free TCP port'))));
    });
  });
}

/** Whether a client connecting to the port now is greeted with the server's INFO line. */
function greets(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let seen = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2_000, () => done(false));
    socket.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.startsWith('INFO ')) done(true);
    });
    socket.on('error', () => done(false));
    socket.on('close', () => done(false));
  });
}

/**
 * Starts nats-server on `port` with its store in `storeDir`; resolves once it greets a client.
 * Rejects with the server's output when it exits first (a port taken, a bad flag).
 */
async function launch(bin: string, port: number, storeDir: string): Promise<ChildProcess> {
  const child = spawn(bin, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited: string | null = null;
  child.on('exit', (code, signal) => (exited = signal ? `was killed by ${signal}` : `exited with code ${code}`));
  child.on('error', (error) => (exited = `could not be run: ${error.message}`));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  // Polling the port is the readiness check itself (like pg_ctl -w): not a wait for test state.
  while (!(await greets(port))) {
    if (exited) throw new Error(`nats-server on port ${port} ${exited}${output ? `:\n${output.trimEnd()}` : ''}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`nats-server on port ${port} did not accept clients within ${READY_TIMEOUT_MS / 1000} s${output ? `:\n${output.trimEnd()}` : ''}`);
    }
    await sleep(50);
  }
  return child;
}

/** Ends the process: SIGTERM (JetStream flushes its store), SIGKILL if it lingers. */
async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await gone;
  clearTimeout(timer);
}

/** A private nats-server on a free loopback port, with its own store dir. */
export async function startNatsServer(): Promise<PrivateNatsServer> {
  const bin = await findOrInstallNatsServer();
  const storeDir = mkdtempSync(path.join(tmpdir(), 'dcp-nats-'));
  let child: ChildProcess | null = null;
  // The port may be taken between freePort() and the server's bind: then try another one.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      child = await launch(bin, port, storeDir);
    } catch (error) {
      if (attempt >= 3) {
        rmSync(storeDir, { recursive: true, force: true });
        throw error;
      }
      log(`${(error as Error).message.split('\n')[0]}; trying another port`);
      continue;
    }
    const server: PrivateNatsServer = {
      url: `nats://127.0.0.1:${port}`,
      port,
      storeDir,
      async stop() {
        if (child) await terminate(child);
        child = null;
      },
      async start() {
        if (child) return;
        child = await launch(bin, port, storeDir);
      },
      async dispose() {
        await server.stop();
        rmSync(storeDir, { recursive: true, force: true });
      },
    };
    return server;
  }
}

/** The server the tests use: DCP_TEST_NATS_URL if set, else a private one. */
export async function ensureNats(): Promise<NatsTestServer> {
  const given = process.env.DCP_TEST_NATS_URL;
  if (given) {
    log('using the server in DCP_TEST_NATS_URL');
    return { url: given, stop: async () => {} };
  }
  const server = await startNatsServer();
  log(`nats-server (JetStream, store ${server.storeDir}) is up at ${server.url}`);
  let stopping: Promise<void> | null = null;
  return { url: server.url, stop: () => (stopping ??= server.dispose()) };
}

// CLI: start a server, print its URL, keep it until SIGINT/SIGTERM.
if (import.meta.main) {
  const server = await ensureNats();
  process.stdout.write(`${server.url}\n`);
  log('running; press Ctrl-C to stop');
  const keepAlive = setInterval(() => {}, 1 << 30);
  const shutdown = (signal: NodeJS.Signals): void => {
    log(`${signal}: stopping`);
    server.stop().then(
      () => {
        clearInterval(keepAlive);
        process.exit(0);
      },
      (error: unknown) => {
        log(`stop failed: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}
