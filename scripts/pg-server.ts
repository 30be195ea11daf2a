/**
 * A private, throw-away PostgreSQL server for the test suite.
 *
 *   import { ensurePostgres } from './pg-server.ts';
 *   const pg = await ensurePostgres();   // { url, stop() }
 *
 * or, by hand: `node scripts/pg-server.ts` starts one, prints its URL and keeps it running until
 * Ctrl-C (SIGINT) or SIGTERM.
 *
 * - `DCP_TEST_DATABASE_URL` set: that server is used as it is; stop() does nothing.
 * - Otherwise the server binaries are looked up (`/usr/lib/postgresql/<highest>/bin`, then PATH).
 *   Missing, as root with apt-get: `apt-get install postgresql` (Debian, Ubuntu). Missing otherwise:
 *   an Error that says what to install. Never a silent skip.
 * - A fresh cluster in a new temp dir (never the system's default cluster): trust auth, 127.0.0.1
 *   on a free port, socket inside the temp dir, durability off (it is test data; `durable` for the
 *   benchmark), run as the `postgres` OS user when we are root (PostgreSQL refuses to run as root).
 */
import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { hasCommand, isExecutable } from './system.ts';

export interface PostgresServer {
  /** `postgres://postgres@127.0.0.1:PORT/postgres` (or DCP_TEST_DATABASE_URL as given). */
  url: string;
  /** Stops the server and removes its files. Safe to call more than once. */
  stop(): Promise<void>;
  /**
   * A private cluster only: stops the server at once (`pg_ctl stop -m immediate`, as a crash: every
   * connection is cut) and starts it again on the same port, with its data. Resolves when it is up.
   */
  restart?(options?: { downMs?: number }): Promise<void>;
}

const SERVER_SETTINGS = ["listen_addresses = '127.0.0.1'", 'max_connections = 200'];
/** Test data: nothing needs to survive a crash. */
const NOT_DURABLE = ['fsync = off', 'synchronous_commit = off', 'full_page_writes = off'];

const isRoot = process.getuid?.() === 0;

/** Prints progress on stderr, so that the CLI's stdout carries only the URL. */
function log(message: string): void {
  process.stderr.write(`[pg-server] ${message}\n`);
}

interface RunOptions {
  /** Run as the `postgres` OS user when we are root. */
  asPostgres?: boolean;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Stream the command's output to our stderr instead of capturing it for the error message. */
  stream?: boolean;
}

/** Runs a command to its end; rejects with its output when it exits non-zero. */
function run(command: string, args: string[], options: RunOptions = {}): Promise<void> {
  let file = command;
  let argv = args;
  if (options.asPostgres && isRoot) {
    if (existsSync('/usr/sbin/runuser') || existsSync('/sbin/runuser')) {
      file = 'runuser';
      argv = ['-u', 'postgres', '--', command, ...args];
    } else {
      file = 'su';
      argv = ['-s', '/bin/sh', '-c', [command, ...args].map(shellQuote).join(' '), 'postgres'];
    }
  }
  return new Promise((resolve, reject) => {
    const child = spawn(file, argv, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      // stdin closed: nothing here may ask a question (CI has no stdin).
      stdio: options.stream ? ['ignore', 2, 2] : ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error) => reject(new Error(`could not run ${file}: ${error.message}`)));
    child.on('close', (code, signal) => {
      if (code === 0) return resolve();
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      reject(new Error(`\`${[file, ...argv].join(' ')}\` ${how}${output ? `:\n${output.trimEnd()}` : ''}`));
    });
  });
}

function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}


/** The bin dir holding initdb and pg_ctl: highest /usr/lib/postgresql/N/bin, else one on PATH. */
function findBinDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((name) => /^\d+(\.\d+)?$/.test(name))
      .sort((a, b) => Number(b) - Number(a));
    for (const version of versions) {
      const bin = path.join(root, version, 'bin');
      if (isExecutable(path.join(bin, 'initdb')) && isExecutable(path.join(bin, 'pg_ctl'))) return bin;
    }
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, 'initdb')) && isExecutable(path.join(dir, 'pg_ctl'))) return dir;
  }
  return null;
}


const HOW_TO_INSTALL =
  'Install the PostgreSQL server (Debian/Ubuntu: `sudo apt-get install -y postgresql`), ' +
  'or set DCP_TEST_DATABASE_URL to the URL of a PostgreSQL server the tests may create databases on.';

/** Finds the server binaries, installing them with apt-get when we are root and that is possible. */
async function findOrInstallBinaries(): Promise<string> {
  const found = findBinDir();
  if (found) return found;
  const missing = 'PostgreSQL server binaries not found (looked for /usr/lib/postgresql/*/bin/initdb and pg_ctl, and on PATH)';
  if (!isRoot || !hasCommand('apt-get')) {
    throw new Error(`${missing}. ${isRoot ? 'apt-get is not available to install them' : 'Not root, so not installing them'}. ${HOW_TO_INSTALL}`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    log(`${missing}; installing them: apt-get update`);
    await run('apt-get', ['update'], { env, stream: true });
    log('DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql');
    await run('apt-get', ['install', '-y', 'postgresql'], { env, stream: true });
  } catch (error) {
    throw new Error(`${missing}, and installing them with apt-get failed: ${(error as Error).message}\n${HOW_TO_INSTALL}`);
  }
  const installed = findBinDir();
  if (!installed) throw new Error(`${missing}, even after \`apt-get install -y postgresql\` succeeded. ${HOW_TO_INSTALL}`);
  return installed;
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

/** The uid and gid of the `postgres` OS user (root only: the cluster's files must be its own). */
function postgresUser(): { uid: number; gid: number } {
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new Error(
      'Running as root, and PostgreSQL refuses to run as root, but there is no `postgres` OS user to run it as. ' +
        'Create one (`useradd --system --home-dir /var/lib/postgresql postgres`) or install the server with `apt-get install -y postgresql`, which creates it.',
    );
  }
}

/** The suite's server (DCP_TEST_DATABASE_URL) or a private one; `{ private: true }`: always a private one (a test that restarts it). */
/**
 * `private`: a server of our own even when DCP_TEST_DATABASE_URL is set. `durable`: PostgreSQL's
 * defaults (fsync, synchronous commit), as a production server has them: what the benchmark
 * measures against.
 */
export async function ensurePostgres(options: { private?: boolean; durable?: boolean } = {}): Promise<PostgresServer> {
  const given = options.private ? undefined : process.env.DCP_TEST_DATABASE_URL;
  if (given) {
    log('using the server in DCP_TEST_DATABASE_URL');
    return { url: given, stop: async () => {} };
  }

  const bin = await findOrInstallBinaries();
  const user = isRoot ? postgresUser() : null;

  // Root: under /tmp itself, since $TMPDIR may be a folder the postgres user cannot enter.
  // Short paths matter too: the socket's path must fit in 107 bytes.
  const dir = mkdtempSync(path.join(isRoot ? '/tmp' : tmpdir(), 'dcp-pg-'));
  const dataDir = path.join(dir, 'data');
  const logFile = path.join(dir, 'postgres.log');
  const pgCtl = path.join(bin, 'pg_ctl');
  // Run from the temp dir: the postgres user may not be allowed into our working directory.
  const asPostgres: RunOptions = { asPostgres: true, cwd: dir };

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    if (existsSync(path.join(dataDir, 'postmaster.pid'))) {
      await run(pgCtl, ['stop', '-D', dataDir, '-m', 'immediate', '-w'], asPostgres).catch((error: Error) =>
        log(`pg_ctl stop failed (the server may already be gone): ${error.message}`),
      );
    }
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    if (user) chownSync(dir, user.uid, user.gid);
    log(`creating a private cluster in ${dir} (PostgreSQL binaries: ${bin})`);
    await run(
      path.join(bin, 'initdb'),
      ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '--encoding=UTF8', '--locale=C', '--no-sync'],
      asPostgres,
    );
    appendFileSync(
      path.join(dataDir, 'postgresql.conf'),
      `\n# dcp test server\n${[...SERVER_SETTINGS, ...(options.durable ? [] : NOT_DURABLE), `unix_socket_directories = '${dir}'`].join('\n')}\n`,
    );

    // The port may be taken between freePort() and the server's bind: then try another one.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      try {
        await run(pgCtl, ['start', '-D', dataDir, '-l', logFile, '-w', '-t', '60', '-o', `-p ${port}`], asPostgres);
        const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
        log(`PostgreSQL is up at ${url}`);
        const restart = async ({ downMs = 0 } = {}): Promise<void> => {
          await run(pgCtl, ['stop', '-D', dataDir, '-m', 'immediate', '-w'], asPostgres);
          if (downMs > 0) await new Promise((resolve) => setTimeout(resolve, downMs));
          await run(pgCtl, ['start', '-D', dataDir, '-l', logFile, '-w', '-t', '60', '-o', `-p ${port}`], asPostgres);
        };
        return { url, stop, restart };
      } catch (error) {
        if (attempt >= 3) {
          let serverLog = '';
          try {
            serverLog = execFileSync('tail', ['-n', '30', logFile], { encoding: 'utf8' });
          } catch {
            // no log written
          }
          throw new Error(`${(error as Error).message}${serverLog ? `\nserver log (${logFile}):\n${serverLog}` : ''}`);
        }
        log(`pg_ctl start failed on port ${port}; trying another port`);
      }
    }
  } catch (error) {
    // A `pg_ctl start -w` that timed out may have left a server running: stop() ends it.
    await stop();
    throw error;
  }
}

// CLI: start a server, print its URL, keep it until SIGINT/SIGTERM.
if (import.meta.main) {
  const server = await ensurePostgres();
  process.stdout.write(`${server.url}\n`);
  log('running; press Ctrl-C to stop');
  const keepAlive = setInterval(() => {}, 1 << 30);
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
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
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}
