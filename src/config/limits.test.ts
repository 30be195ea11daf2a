/**
 * The config limits (limits.ts): alias expansion, file and folder sizes, the number and length of
 * the problems reported, names, upload file names, and the worker's time limit.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { ConfigError } from '../core/errors.ts';
import { loadConfigFolder } from './folder.ts';
import { CONFIG_LIMITS, type ConfigLimits } from './limits.ts';
import { aliasBomb, exampleFiles } from './limits.testkit.ts';
import { uploadNameProblem } from './upload.ts';
import { loadConfigInWorker } from './worker-load.ts';

const dirs: string[] = [];
after(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

async function folder(overrides: Record<string, string> = {}): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'dcp-limits-'));
  dirs.push(dir);
  for (const [file, text] of Object.entries({ ...exampleFiles(), ...overrides })) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), text);
  }
  return dir;
}

async function refusal(dir: string, limits?: ConfigLimits): Promise<ConfigError> {
  const error = await loadConfigFolder(dir, limits).then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
  return error;
}

const environments = exampleFiles()['environments.yaml'];

describe('config limits', () => {
  test('an alias bomb is refused at once, with one small problem naming file and line', async () => {
    const started = performance.now();
    const error = await refusal(await folder({ 'environments.yaml': aliasBomb() }));
    assert.ok(performance.now() - started < 2000, 'refused quickly');
    assert.equal(error.issues.length, 1);
    assert.deepEqual({ ...error.issues[0], message: undefined }, { file: 'environments.yaml', line: 2, field: '(syntax)', message: undefined });
    assert.match(error.issues[0].message, /too many YAML alias references .*limit of 100/);
    assert.ok(JSON.stringify(error.issues).length < 1000);
  });

  test('a few aliases are fine: an anchored block used a handful of times', async () => {
    const text = environments.replace('  - name: dev\n', '  - name: dev\n    checks: &shared\n      - { name: vulns, type: scan, maxSeverity: critical }\n')
      .replace('  - name: qa\n', '  - name: qa\n    checks: *shared\n');
    const snapshot = await loadConfigFolder(await folder({ 'environments.yaml': text }));
    assert.deepEqual(snapshot.environments.find((e) => e.name === 'qa')?.checks.map((c) => c.name), ['vulns']);
  });

  test('a file over the per-file limit is named and not read', async () => {
    const big = `${environments}\n# ${'x'.repeat(CONFIG_LIMITS.fileBytes)}\n`;
    const error = await refusal(await folder({ 'catalog/huge.yaml': big }));
    assert.deepEqual(error.issues.map((i) => [i.file, i.field]), [['catalog/huge.yaml', '(file)']]);
    assert.match(error.issues[0].message, /catalog\/huge\.yaml is 1 MiB: a config file may be at most 1 MiB/);
  });

  test('a folder over the folder limit names the file that crosses it', async () => {
    const limits = { ...CONFIG_LIMITS, folderBytes: 6000 };
    const error = await refusal(await folder({ 'catalog/more.yaml': `# ${'x'.repeat(5000)}\n` }), limits);
    assert.equal(error.issues[0].field, '(file)');
    assert.match(error.issues[0].message, /a config folder may hold at most 5\.9 KiB/);
  });

  test('names: NUL, 9,000 characters, bad characters are refused naming file, line and field; long values are shown cut', async () => {
    const long = 'e'.repeat(9000);
    const text = environments.replace('  - name: dev\n', `  - name: dev\n  - name: ${long}\n  - name: "bad\\0name"\n  - name: "has space"\n`);
    const error = await refusal(await folder({ 'environments.yaml': text }));
    const mine = error.issues.filter((i) => i.file === 'environments.yaml');
    assert.deepEqual(mine.map((i) => [i.line, i.field]), [[5, 'environments[1].name'], [6, 'environments[2].name'], [7, 'environments[3].name']]);
    assert.match(mine[0].message, /invalid environment name "e+…: it is 9000 characters long; at most 63/);
    assert.match(mine[1].message, /control character/);
    assert.ok(JSON.stringify(error.issues).length < 5000, 'the 9,000 characters are not echoed');
  });

  test('channel, cluster, team and service names are checked too', async () => {
    const files = exampleFiles();
    const error = await refusal(await folder({
      'channels.yaml': files['channels.yaml'].replace('  stable:', '  "sta ble":').replace('cluster: dev-usw2-2', 'cluster: "dev/usw2"'),
      'catalog/teams.yaml': files['catalog/teams.yaml'].replace(/name: payments\b/, `name: ${'p'.repeat(64)}`),
    }));
    const fields = error.issues.map((i) => `${i.file}:${i.field}`);
    assert.ok(fields.includes('channels.yaml:channels["sta ble"]'), fields.join('\n'));
    assert.ok(fields.includes('channels.yaml:channels.edge.dev[0].cluster'), fields.join('\n'));
    assert.ok(fields.includes('catalog/teams.yaml:metadata.name'), fields.join('\n'));
  });

  test('at most 100 problems are listed, then one counting the rest', async () => {
    const many = Array.from({ length: 500 }, (_, i) => `  - { name: env-${i}, isGov: maybe }`).join('\n');
    const error = await refusal(await folder({ 'environments.yaml': `environments:\n${many}\n` }));
    assert.equal(error.issues.length, 101);
    assert.deepEqual(error.issues[100].field, '(more)');
    assert.match(error.issues[100].message, /^and \d+ more problems/);
    assert.match(error.message, /^config is invalid: \d{3} problems/);
  });

  test('YAML nested too deeply is a syntax error, not a crash', async () => {
    const error = await refusal(await folder({ 'catalog/deep.yaml': `${'['.repeat(50_000)}${']'.repeat(50_000)}\n` }));
    assert.equal(error.issues[0].file, 'catalog/deep.yaml');
    assert.equal(error.issues[0].field, '(syntax)');
  });

  test('upload file names', () => {
    for (const ok of ['channels.yaml', 'environments.yaml', 'access.yaml', 'catalog/a.yaml', 'catalog/x/y.yml']) assert.equal(uploadNameProblem(ok), undefined, ok);
    const bad = ['', '.', '..', 'x/', 'catalog/', 'catalog//a.yaml', 'catalog/./a.yaml', 'catalog/../channels.yaml', '/etc/passwd',
      'catalog\\a.yaml', 'catalog/a\u0000.yaml', `catalog/${'a'.repeat(300)}.yaml`, 'notes.txt', 'catalog/a.json', 'other/a.yaml', 'catalog.yaml'];
    for (const name of bad) assert.ok(uploadNameProblem(name), `${JSON.stringify(name)} is refused`);
  });

  test('in a worker: the same answers, and a time limit', async () => {
    const snapshot = await loadConfigInWorker(await folder());
    assert.ok(snapshot.services.length > 0);
    const bomb = await loadConfigInWorker(await folder({ 'environments.yaml': aliasBomb() })).catch((e: unknown) => e);
    assert.ok(bomb instanceof ConfigError);
    assert.equal(bomb.issues[0].line, 2);
    const slow = await loadConfigInWorker(await folder(), { ...CONFIG_LIMITS, timeoutMs: 5 }).catch((e: unknown) => e);
    assert.ok(slow instanceof ConfigError);
    assert.match(slow.message, /took longer than 0.005 s and was stopped/);
  });
});
