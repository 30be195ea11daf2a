/**
 * `npm test`: typecheck, lint, then every unit and integration test against a private PostgreSQL.
 *
 *   npm test                                   everything
 *   npm test -- test/api.test.ts               only these files (paths or globs)
 *   npm test -- --test-name-pattern=cancel     extra flags go to `node --test`
 *
 * Steps: (1) tsc --noEmit, and eslint when eslint.config.js exists; (2) Chromium for the browser
 * tests (scripts/chromium.ts: /usr/bin/chromium, installed with apt when missing and we are root);
 * (3) a PostgreSQL server (scripts/pg-server.ts: DCP_TEST_DATABASE_URL if set, else a private
 * cluster, installed with apt when missing and we are root); (4) a NATS server with JetStream
 * (scripts/nats-server.ts: DCP_TEST_NATS_URL if set, else a private `nats-server -js` on a free
 * loopback port, installed with apt when missing and we are root); (5) `node --test` over
 * src/**\/*.test.ts and test/**\/*.test.ts, with DCP_TEST_DATABASE_URL, DCP_TEST_NATS_URL and
 * DCP_TEST_CHROMIUM set; (6) stop the servers. Exits with the test run's code. Nothing is
 * ever skipped: a missing tool or server is an error, and so is finding no test file.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, globSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureChromium } from './chromium.ts';
import { ensurePostgres } from './pg-server.ts';
import type { PostgresServer } from './pg-server.ts';
import { ensureNats } from './nats-server.ts';
import type { NatsTestServer } from './nats-server.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

const DEFAULT_PATTERNS = ['src/**/*.test.ts', 'test/**/*.test.ts'];
/** `node --test` flags that take their value as the next argument (`--flag=value` always works). */
const FLAGS_WITH_VALUE = new Set([
  '--test-name-pattern',
  '--test-skip-pattern',
  '--test-reporter',
  '--test-reporter-destination',
  '--test-concurrency',
  '--test-timeout',
  '--test-shard',
  '--test-coverage-include',
  '--test-coverage-exclude',
  '--import',
  '--require',
  '-r',
  '--conditions',
  '-C',
]);

// Children find this Node (24) and the project's tools first, even when run outside npm.
const childEnv: NodeJS.ProcessEnv = {
  ...process.env,
  PATH: [path.dirname(process.execPath), path.join(root, 'node_modules', '.bin'), process.env.PATH ?? ''].join(path.delimiter),
};

const STEPS = 6;
function header(step: number, text: string): void {
  process.stdout.write(`\n=== [${step}/${STEPS}] ${text}\n`);
}

/** The command running now, to pass a SIGINT/SIGTERM on to. */
let current: ChildProcess | null = null;

/** Runs a command with our stdio; resolves with its exit code (1 when killed by a signal). */
function run(command: string, args: string[], env: NodeJS.ProcessEnv = childEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit', env });
    current = child;
    child.on('error', reject);
    child.on('close', (code, signal) => {
      current = null;
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

/** Splits our arguments into test files (paths or globs) and flags for `node --test`. */
function parseArgs(args: string[]): { patterns: string[]; flags: string[] } {
  const patterns: string[] = [];
  const flags: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg.startsWith('-')) {
      flags.push(arg);
      if (FLAGS_WITH_VALUE.has(arg) && i + 1 < args.length) flags.push(args[++i]);
    } else {
      patterns.push(arg);
    }
  }
  return { patterns, flags };
}

/**
 * The test files, sorted, none under node_modules. Patterns the user gave must each match
 * something (a directory means every *.test.ts under it); in all, at least one file must be found.
 */
function testFiles(patterns: string[], given: boolean): string[] {
  const files = new Set<string>();
  for (const pattern of patterns) {
    let matches: string[];
    if (!existsSync(pattern)) matches = globSync(pattern);
    else if (statSync(pattern).isDirectory()) matches = globSync(path.join(pattern, '**', '*.test.ts'));
    else matches = [pattern];
    matches = matches.filter((file) => !file.split(path.sep).includes('node_modules'));
    if (given && matches.length === 0) throw new Error(`no test file matches ${pattern}`);
    for (const file of matches) files.add(file);
  }
  if (files.size === 0) throw new Error(`no test files found (looked for ${patterns.join(', ')})`);
  return [...files].sort();
}

async function main(): Promise<number> {
  const { patterns, flags } = parseArgs(process.argv.slice(2));
  // Before anything slow: a filter that matches nothing is a mistake, not a pass.
  const files = patterns.length > 0 ? testFiles(patterns, true) : testFiles(DEFAULT_PATTERNS, false);

  header(1, existsSync('eslint.config.js') ? 'typecheck (tsc --noEmit) and lint (eslint .)' : 'typecheck (tsc --noEmit); no eslint.config.js, so no lint');
  const tscCode = await run(process.execPath, [path.join('node_modules', '.bin', 'tsc'), '--noEmit']);
  const webCode = tscCode === 0 ? await run(process.execPath, [path.join('node_modules', '.bin', 'tsc'), '--noEmit', '-p', 'web']) : 0;
  if (tscCode !== 0 || webCode !== 0) {
    process.stderr.write('typecheck failed: fix the errors above (`npm run typecheck`)\n');
    return tscCode || webCode;
  }
  // The app, built as `npm start` serves it: the browser tests drive it.
  const buildCode = await run(process.execPath, [path.join('scripts', 'build-web.ts')]);
  if (buildCode !== 0) {
    process.stderr.write('building the app failed (`npm run build:web`)\n');
    return buildCode;
  }
  if (existsSync('eslint.config.js')) {
    const eslintCode = await run(process.execPath, [path.join('node_modules', '.bin', 'eslint'), '.']);
    if (eslintCode !== 0) {
      process.stderr.write('lint failed: fix the errors above (`npx eslint .`)\n');
      return eslintCode;
    }
  }

  header(2, 'Chromium for the browser tests');
  const chromium = await ensureChromium();
  process.stdout.write(`using ${chromium}\n`);

  header(3, 'PostgreSQL for the integration tests');
  const server: PostgresServer = await ensurePostgres();
  let nats: NatsTestServer | null = null;
  // Ctrl-C or a CI timeout: still stop the servers and remove their files.
  let stopping: Promise<void> | null = null;
  const stopServers = (): Promise<void> => (stopping ??= Promise.all([server.stop(), nats?.stop()]).then(() => {}));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      process.stderr.write(`\n${signal}: stopping the tests, PostgreSQL and NATS\n`);
      current?.kill(signal);
      stopServers().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    });
  }

  let code: number;
  try {
    header(4, 'NATS (JetStream) for the integration tests');
    nats = await ensureNats();
    header(5, `node --test: ${files.length} file(s)${flags.length > 0 ? `, flags ${flags.join(' ')}` : ''}`);
    code = await run(process.execPath, ['--test', '--test-concurrency=2', ...flags, ...files], {
      ...childEnv,
      DCP_TEST_DATABASE_URL: server.url,
      DCP_TEST_NATS_URL: nats.url,
      DCP_TEST_CHROMIUM: chromium,
    });
  } finally {
    header(6, 'stopping PostgreSQL and NATS');
    await stopServers();
  }
  return code;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`\nnpm test failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
