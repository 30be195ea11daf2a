#!/usr/bin/env node
/**
 * A fake `helm` for the Helm release driver's tests (plain JavaScript: it runs on any Node).
 *
 * Every run appends its argv as one JSON line to $FAKE_HELM_LOG. Releases live in the JSON file
 * $FAKE_HELM_STATE — `{ "releases": { "<context>/<namespace>/<name>": { status, description,
 * revision } }, "failing": ["<kube context>", …] }` — so `status` remembers what `upgrade` did.
 *
 *   version --template {{.Version}}   prints $FAKE_HELM_VERSION (default v3.16.2)
 *   status <name> -n <ns> [--kube-context c] -o json
 *                                     the release record as `helm status -o json` prints it, or
 *                                     "Error: release: not found" (exit 1)
 *   upgrade --install <name> <chart> [--repo r] --version v -n ns [--kube-context c]
 *           --create-namespace --wait --timeout Ns (--atomic | --rollback-on-failure)
 *           --description d -o json
 *                                     records the release deployed and prints its record; in a
 *                                     failing context exits 1 with helm's error on stderr (and, with
 *                                     --atomic/--rollback-on-failure, rolls back as helm does)
 *
 * $FAKE_HELM_SCENARIO: `success` (default); `fail` (every upgrade fails); `hang` (upgrade never
 * ends: killed by the driver); `hang-ignore-term` (also ignores SIGTERM: needs SIGKILL);
 * `unreachable` (every call but version: "Kubernetes cluster unreachable"); `no-context` (every call
 * but version: the kube context does not exist). With $FAKE_HELM_GATE (a
 * URL), an upgrade first GETs `{gate}/upgrade?key=<description>` and goes on once it is answered.
 * Unknown flags fail as helm's do.
 */
import { appendFileSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

const argv = process.argv.slice(2);
const env = process.env;
if (env.FAKE_HELM_LOG) appendFileSync(env.FAKE_HELM_LOG, `${JSON.stringify(argv)}\n`);
const scenario = env.FAKE_HELM_SCENARIO || 'success';

const VALUE_FLAGS = new Set(['--namespace', '-n', '--kube-context', '--version', '--timeout', '--description', '--repo', '-o', '--output', '--template']);
const BOOL_FLAGS = new Set(['--install', '--create-namespace', '--wait', '--atomic', '--rollback-on-failure', '--short']);

function fail(message, code = 1) {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

function parse(args) {
  const flags = {};
  const positional = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i];
    if (VALUE_FLAGS.has(arg)) {
      if (i + 1 >= args.length) fail(`Error: flag needs an argument: ${arg}`);
      flags[arg] = args[++i];
    } else if (BOOL_FLAGS.has(arg)) flags[arg] = true;
    else if (arg.startsWith('-')) fail(`Error: unknown flag: ${arg}`);
    else positional.push(arg);
  }
  return { flags, positional };
}

function readState() {
  if (!env.FAKE_HELM_STATE) return { releases: {}, failing: [] };
  try {
    return JSON.parse(readFileSync(env.FAKE_HELM_STATE, 'utf8'));
  } catch {
    return { releases: {}, failing: [] };
  }
}

function writeState(state) {
  if (!env.FAKE_HELM_STATE) return;
  const tmp = `${env.FAKE_HELM_STATE}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(state, null, 2));
  renameSync(tmp, env.FAKE_HELM_STATE);
}

const record = (name, namespace, r) => JSON.stringify({
  name, namespace, version: r.revision,
  info: { status: r.status, description: r.description, first_deployed: '2026-01-05T09:00:00Z', last_deployed: '2026-01-05T09:00:00Z', notes: '' },
  chart: { metadata: { name: r.chart, version: r.chartVersion } },
  config: {}, manifest: '---\n# fake manifest\n',
});

const unreachable = () => fail('Error: Kubernetes cluster unreachable: Get "https://10.0.0.1:6443/version": dial tcp 10.0.0.1:6443: connect: connection refused');

const [command, ...rest] = argv;
const { flags, positional } = parse(rest);
const namespace = flags['--namespace'] ?? flags['-n'] ?? 'default';
const context = flags['--kube-context'] ?? '';

if (command === 'version') {
  const version = env.FAKE_HELM_VERSION || 'v3.16.2';
  process.stdout.write(flags['--template'] === '{{.Version}}' ? version : `${version}+g1a2b3c4\n`);
  process.exit(0);
}

if (scenario === 'unreachable') unreachable();
if (scenario === 'no-context') fail(`Error: Kubernetes cluster unreachable: context "${context}" does not exist`);

if (command === 'status') {
  const [name] = positional;
  if (!name) fail('Error: "helm status" requires 1 argument');
  const r = readState().releases[`${context}/${namespace}/${name}`];
  if (!r) fail('Error: release: not found');
  process.stdout.write(`${record(name, namespace, r)}\n`);
  process.exit(0);
}

if (command === 'upgrade') {
  const [name, chart] = positional;
  if (!name || !chart || positional.length !== 2) fail('Error: "helm upgrade" requires 2 arguments');
  if (env.FAKE_HELM_GATE) await fetch(`${env.FAKE_HELM_GATE}/upgrade?key=${encodeURIComponent(flags['--description'] ?? '')}`).then((r) => r.text());
  if (scenario === 'hang' || scenario === 'hang-ignore-term') {
    if (scenario === 'hang-ignore-term') process.on('SIGTERM', () => process.stderr.write('ignoring SIGTERM\n'));
    setInterval(() => undefined, 60_000);
  } else {
    const state = readState();
    const key = `${context}/${namespace}/${name}`;
    const previous = state.releases[key];
    const revision = (previous?.revision ?? 0) + 1;
    const base = { chart, chartVersion: flags['--version'] ?? '' };
    if (scenario === 'fail' || state.failing.includes(context)) {
      const reason = `context deadline exceeded waiting for deployment "${name}" to become ready`;
      const rollback = flags['--atomic'] || flags['--rollback-on-failure'];
      if (rollback && previous) state.releases[key] = { ...previous, ...base, status: 'deployed', description: `Rollback to ${previous.revision}`, revision: revision + 1 };
      else if (rollback) delete state.releases[key];
      else state.releases[key] = { ...base, status: 'failed', description: `Upgrade "${name}" failed: ${reason}`, revision };
      writeState(state);
      process.stderr.write(`coalesce.go:286: warning: skipped value for ${name}.resources: Not a table.\n`);
      fail(`Error: UPGRADE FAILED: ${rollback ? 'release failed, and has been rolled back due to atomic being set: ' : ''}${reason}`);
    }
    const r = { ...base, status: 'deployed', description: flags['--description'] ?? 'Upgrade complete', revision };
    state.releases[key] = r;
    writeState(state);
    process.stdout.write(`${record(name, namespace, r)}\n`);
    process.exit(0);
  }
} else if (command !== 'upgrade') {
  fail(`Error: unknown command "${command}" for "helm"`);
}
