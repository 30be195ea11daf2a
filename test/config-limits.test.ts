/**
 * Config uploads cannot hurt the server (config/limits.ts, config/worker-load.ts): an alias bomb,
 * an oversized file, bad names and bad file names are refused quickly with small, located errors;
 * and a large valid import runs off the main thread, so /healthz keeps answering and the event
 * loop's delay stays small.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { once } from 'node:events';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { after, before, describe, test } from 'node:test';
import { CONFIG_LIMITS, uploadBodyLimit } from '../src/config/limits.ts';
import { aliasBomb, bigCatalog, EXAMPLE_CONFIG, exampleFiles } from '../src/config/limits.testkit.ts';
import { loadConfigInWorker } from '../src/config/worker-load.ts';
import { BACKENDS, TOKEN, startTestDcp, type TestDcp } from './helpers/dcp.ts';

const upload = (t: TestDcp, files: Record<string, string>) => t.api('POST', '/api/v1/config/reload', { files });
const BIG_FILES = 30;
const BIG_FILE_BYTES = 800 * 1024;
const SERVICES_PER_FILE = 40;
const UPLOAD_FILES = 10;

/**
 * An idle thread of this process measuring its own event-loop delay: the machine's noise (the
 * test files run two at a time on a shared machine, and a descheduled process delays every thread
 * alike), so that the main thread is held to "200 ms more than a thread doing nothing".
 */
async function startControl(): Promise<{ stop(): Promise<number> }> {
  const worker = new Worker(`
    const { parentPort } = require('node:worker_threads');
    const { monitorEventLoopDelay } = require('node:perf_hooks');
    const monitor = monitorEventLoopDelay({ resolution: 10 });
    monitor.enable();
    parentPort.on('message', () => { parentPort.postMessage(monitor.max / 1e6); monitor.disable(); parentPort.close(); });
    parentPort.postMessage('ready');
  `, { eval: true });
  await once(worker, 'message');
  return {
    async stop() {
      worker.postMessage('stop');
      const [maxMs] = await once(worker, 'message');
      await worker.terminate();
      return maxMs as number;
    },
  };
}

/**
 * Runs `work` while asking /healthz every 20 ms, and measures the main thread's event-loop delay
 * meanwhile: the largest delay (and an idle thread's, the noise), and the slowest /healthz answer.
 */
async function whileHealthy<T>(t: TestDcp, work: () => Promise<T>): Promise<{ result: T; maxDelayMs: number; noiseMs: number; slowestHealthzMs: number; healthz: number }> {
  const control = await startControl();
  const monitor = monitorEventLoopDelay({ resolution: 10 });
  monitor.enable();
  let done = false;
  let healthz = 0;
  let slowestHealthzMs = 0;
  const poll = (async () => {
    while (!done) {
      const started = performance.now();
      const response = await fetch(`${t.url}/healthz`);
      await response.text();
      assert.equal(response.status, 200);
      slowestHealthzMs = Math.max(slowestHealthzMs, performance.now() - started);
      healthz += 1;
      // Paced, not back to back: a busy poll would load the main thread it is measuring.
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  try {
    const result = await work();
    const maxDelayMs = monitor.max / 1e6;
    return { result, maxDelayMs, noiseMs: await control.stop(), slowestHealthzMs, healthz };
  } finally {
    done = true;
    monitor.disable();
    await poll;
  }
}

for (const backend of BACKENDS) {
  describe(`config limits over HTTP (${backend})`, () => {
    let t: TestDcp;
    let configDir: string;
    before(async () => {
      configDir = mkdtempSync(join(tmpdir(), 'dcp-config-'));
      cpSync(EXAMPLE_CONFIG, configDir, { recursive: true });
      t = await startTestDcp({ backend, configDir });
    });
    after(async () => {
      await t.stop();
      rmSync(configDir, { recursive: true, force: true });
    });

    test('an alias bomb is a quick 422 with one small error naming file and line; /healthz never notices', async () => {
      const started = performance.now();
      const { result: response, maxDelayMs, noiseMs } = await whileHealthy(t, () => upload(t, { ...exampleFiles(), 'environments.yaml': aliasBomb() }));
      const ms = performance.now() - started;
      assert.equal(response.status, 422);
      assert.ok(ms < 5000, `took ${ms} ms`);
      assert.ok(JSON.stringify(response.body).length < 2000, 'a small error');
      assert.deepEqual(response.body.errors.map((e: any) => [e.file, e.line, e.field]), [['environments.yaml', 2, '(syntax)']]);
      assert.ok(maxDelayMs < 200 + noiseMs, `event loop delayed ${maxDelayMs} ms (an idle thread ${noiseMs} ms)`);
    });

    test('an oversized file is a 422 naming it; a body over the route limit is a 413', async () => {
      const big = `# ${'x'.repeat(CONFIG_LIMITS.fileBytes)}\n`;
      const response = await upload(t, { ...exampleFiles(), 'catalog/huge.yaml': big });
      assert.equal(response.status, 422);
      assert.deepEqual(response.body.errors.map((e: any) => [e.file, e.field]), [['catalog/huge.yaml', '(file)']]);
      const tooLarge = await t.dcp.app.inject({
        method: 'POST',
        url: '/api/v1/config/reload',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        payload: JSON.stringify({ files: { 'catalog/a.yaml': 'x'.repeat(uploadBodyLimit() + 1) } }),
      });
      assert.equal(tooLarge.statusCode, 413);
    });

    test('a NUL in a name and a 9,000-character environment name are 422s naming file, line and field, shown cut', async () => {
      const files = exampleFiles();
      const environments = files['environments.yaml'].replace('  - name: dev\n', `  - name: dev\n  - name: ${'e'.repeat(9000)}\n  - name: "x\\0y"\n`);
      const response = await upload(t, { ...files, 'environments.yaml': environments });
      assert.equal(response.status, 422);
      const mine = response.body.errors.filter((e: any) => e.file === 'environments.yaml');
      assert.deepEqual(mine.map((e: any) => [e.line, e.field]), [[5, 'environments[1].name'], [6, 'environments[2].name']]);
      assert.ok(JSON.stringify(response.body).length < 5000, 'the long name is not echoed');
      const nul = await upload(t, { ...files, 'catalog/teams.yaml': files['catalog/teams.yaml'].replace(/name: payments\b/, 'name: "pay\\0ments"') });
      assert.equal(nul.status, 422);
      assert.ok(nul.body.errors.some((e: any) => e.file === 'catalog/teams.yaml' && e.field === 'metadata.name' && /control character/.test(e.message)));
    });

    test('bad upload file names are 400s naming each file; nothing is imported', async () => {
      const before = await t.api('GET', '/api/v1/teams');
      for (const name of ['.', 'x/', `catalog/${'a'.repeat(300)}.yaml`, 'catalog/../x.yaml', '../channels.yaml', 'notes.txt', 'catalog//a.yaml', '/etc/x.yaml']) {
        const response = await upload(t, { ...exampleFiles(), [name]: 'kind: Group\n' });
        assert.equal(response.status, 400, name);
        assert.equal(response.body.errors.length, 1, name);
        assert.ok(response.body.errors[0].field.startsWith('files['), name);
        assert.ok(JSON.stringify(response.body).length < 2000);
      }
      const collide = await upload(t, { ...exampleFiles(), 'catalog/a.yaml': 'kind: Group\n', 'catalog/a.yaml/b.yaml': 'kind: Group\n' });
      assert.equal(collide.status, 400);
      assert.deepEqual((await t.api('GET', '/api/v1/teams')).body, before.body);
    });

    test('at most 100 problems are reported, then one counting the rest', async () => {
      const many = Array.from({ length: 3000 }, (_, i) => `  - { name: env-${i}, isGov: maybe }`).join('\n');
      const response = await upload(t, { ...exampleFiles(), 'environments.yaml': `environments:\n${many}\n` });
      assert.equal(response.status, 422);
      assert.equal(response.body.errors.length, 101);
      assert.match(response.body.errors[100].message, /^and \d+ more problems/);
    });

    test(`a ${Math.round((BIG_FILES * BIG_FILE_BYTES) / 2 ** 20)} MiB folder is read off the main thread and imported (and an 8 MiB upload): /healthz keeps answering`, async () => {
      const bulk = bigCatalog(BIG_FILES, BIG_FILE_BYTES, SERVICES_PER_FILE);
      for (const [file, text] of Object.entries(bulk)) {
        mkdirSync(dirname(join(configDir, file)), { recursive: true });
        writeFileSync(join(configDir, file), text);
      }
      try {
        // Reading and validating (the worker): the main thread stays as responsive as an idle one.
        const read = await whileHealthy(t, () => loadConfigInWorker(configDir));
        assert.equal(read.result.services.length, 6 + BIG_FILES * SERVICES_PER_FILE);
        assert.ok(read.maxDelayMs < 200 + read.noiseMs, `event loop delayed ${read.maxDelayMs} ms while reading (an idle thread ${read.noiseMs} ms)`);

        // The whole import over HTTP adds the database writes, which on PGlite run on the main
        // thread in turns of 25 rows (~50 ms max delay alone; several times that when the suite
        // loads the machine): held to a bound that an import parsed on the main thread (seconds,
        // as in the issue) would break.
        const expected = 6 + BIG_FILES * SERVICES_PER_FILE;
        const disk = await whileHealthy(t, () => t.api('POST', '/api/v1/config/reload'));
        assert.equal(disk.result.status, 200, JSON.stringify(disk.result.body).slice(0, 500));
        assert.equal(disk.result.body.counts.services, expected);
        assert.ok(disk.healthz >= 5, `/healthz answered ${disk.healthz} times`);
        assert.ok(disk.maxDelayMs < 1000 + disk.noiseMs, `event loop delayed ${disk.maxDelayMs} ms (an idle thread ${disk.noiseMs} ms)`);
        assert.ok(disk.slowestHealthzMs < 2000 + disk.noiseMs, `slowest /healthz ${disk.slowestHealthzMs} ms`);

        // An upload's JSON body is parsed on the main thread (Fastify, ~4 ms per MiB here): the
        // upload measured is a third of the folder, the files parsed in the worker as above.
        const part = Object.fromEntries(Object.entries(bulk).slice(0, UPLOAD_FILES));
        const body = JSON.stringify({ files: { ...exampleFiles(), ...part } });
        const uploaded = await whileHealthy(t, () => t.api('POST', '/api/v1/config/reload', body));
        assert.equal(uploaded.result.status, 200, JSON.stringify(uploaded.result.body).slice(0, 500));
        assert.equal(uploaded.result.body.changed, true);
        assert.equal(uploaded.result.body.counts.services, 6 + UPLOAD_FILES * SERVICES_PER_FILE);
        assert.ok(uploaded.maxDelayMs < 1000 + uploaded.noiseMs, `event loop delayed ${uploaded.maxDelayMs} ms (upload; an idle thread ${uploaded.noiseMs} ms)`);
        console.log(`[${backend}] reading: max delay ${read.maxDelayMs.toFixed(1)} ms (idle thread ${read.noiseMs.toFixed(1)} ms); disk: max delay ${disk.maxDelayMs.toFixed(1)} ms (idle thread ${disk.noiseMs.toFixed(1)} ms), /healthz ${disk.healthz}× (slowest ${disk.slowestHealthzMs.toFixed(1)} ms); upload: max delay ${uploaded.maxDelayMs.toFixed(1)} ms (idle thread ${uploaded.noiseMs.toFixed(1)} ms), /healthz ${uploaded.healthz}× (slowest ${uploaded.slowestHealthzMs.toFixed(1)} ms)`);
      } finally {
        rmSync(join(configDir, 'catalog', 'bulk'), { recursive: true, force: true });
      }
    });
  });
}
