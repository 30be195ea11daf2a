/**
 * The imported config over HTTP (teams, services, targets, strategies, Slack settings), config
 * reloads that are all or nothing, `dcp import`, and the system endpoints.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { run as cli } from '../src/cli/main.ts';
import { DEFAULT_CONFIG_DIR } from '../src/settings.ts';
import { BACKENDS, TOKEN, startTestDcp, type TestDcp } from './helpers/dcp.ts';

for (const backend of BACKENDS) {
  describe(`catalog and config (${backend})`, () => {
    let t: TestDcp;
    let configDir: string;
    before(async () => {
      configDir = mkdtempSync(join(tmpdir(), 'dcp-config-'));
      cpSync(DEFAULT_CONFIG_DIR, configDir, { recursive: true });
      t = await startTestDcp({ backend, configDir });
    });
    after(async () => {
      await t.stop();
      rmSync(configDir, { recursive: true, force: true });
    });

    test('teams, services, targets and strategies are the imported config', async () => {
      const teams = await t.api('GET', '/api/v1/teams');
      assert.deepEqual(teams.body.items.map((x: any) => x.name), ['identity', 'payments', 'runtime']);
      const payments = teams.body.items.find((x: any) => x.name === 'payments');
      assert.equal(payments.changeCaseQueue, 'PAYMENTS-CHG');
      assert.deepEqual(payments.services, ['ledger-worker', 'payments-api']);
      assert.deepEqual(payments.notifications, { workspace: 'acme', channel: '#payments-deploys', source: 'catalog', updatedAt: null, updatedBy: null });
      assert.equal(teams.body.items.find((x: any) => x.name === 'runtime').changeCaseQueue, 'runtime');

      const services = await t.api('GET', '/api/v1/services?team=identity');
      assert.deepEqual(services.body.items.map((s: any) => [s.name, s.isGov]), [['identity-gateway', true], ['token-service', false]]);

      const targets = await t.api('GET', '/api/v1/targets?channel=stable&environment=prod');
      assert.deepEqual(targets.body.items.map((x: any) => x.cluster), ['prod-usw2-1', 'prod-use1-1', 'prod-euc1-1', 'prod-apse2-1']);
      assert.equal(targets.body.items[0].region, 'us-west-2');
      const all = await t.api('GET', '/api/v1/targets');
      assert.equal(all.body.items.length, 15);

      const strategies = await t.api('GET', '/api/v1/strategies');
      assert.deepEqual(strategies.body.items.find((s: any) => s.name === 'standard').environments, ['dev', 'qa', 'stage', 'prod']);
      assert.equal(strategies.body.environments.find((e: any) => e.name === 'prod').changeCase.timeoutMs, 14 * 3600_000);
      assert.equal(strategies.body.environments.find((e: any) => e.name === 'stage').bakeTime.durationMs, 60_000);

      const unknown = await t.api('GET', '/api/v1/teams/nope');
      assert.equal(unknown.status, 404);
    });

    test("a team's Slack settings can be overridden and survive a re-import", async () => {
      const res = await t.api('PUT', '/api/v1/teams/runtime/notifications', { workspace: 'acme', channel: '#runtime-deploys' });
      assert.equal(res.status, 200);
      assert.equal(res.body.notifications.channel, '#runtime-deploys');
      assert.equal(res.body.notifications.source, 'override');
      assert.equal(res.body.notifications.updatedBy, 'admin');
      const bad = await t.api('PUT', '/api/v1/teams/runtime/notifications', { workspace: 'acme', channel: 'Not A Channel!' });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.errors[0].field, 'channel');
      const missing = await t.api('PUT', '/api/v1/teams/nope/notifications', { workspace: 'acme', channel: '#x' });
      assert.equal(missing.status, 404);

      const reload = await t.api('POST', '/api/v1/config/reload');
      assert.equal(reload.status, 200);
      const team = await t.api('GET', '/api/v1/teams/runtime');
      assert.equal(team.body.notifications.channel, '#runtime-deploys');
    });

    test('a reload is idempotent; a broken file changes nothing and names file, line and field', async () => {
      const same = await t.api('POST', '/api/v1/config/reload');
      assert.equal(same.status, 200);
      assert.equal(same.body.changed, false);

      const environments = readFileSync(join(configDir, 'environments.yaml'), 'utf8');
      writeFileSync(join(configDir, 'environments.yaml'), environments.replace('bakeTime: { environment: qa, duration: 1m }', 'bakeTime: { environment: qa, duration: soon }'));
      writeFileSync(join(configDir, 'channels.yaml'), readFileSync(join(configDir, 'channels.yaml'), 'utf8').replace('dev-usw2-1', 'dev-usw2-9'));
      const broken = await t.api('POST', '/api/v1/config/reload');
      assert.equal(broken.status, 422);
      assert.equal(broken.headers.get('content-type'), 'application/problem+json; charset=utf-8');
      const issue = broken.body.errors.find((e: any) => e.file === 'environments.yaml');
      assert.equal(issue.field, 'environments[2].bakeTime.duration');
      assert.equal(issue.line, 8);
      const targets = await t.api('GET', '/api/v1/targets?channel=stable&environment=dev');
      assert.deepEqual(targets.body.items.map((x: any) => x.cluster), ['dev-usw2-1'], 'nothing of the broken import applied');

      writeFileSync(join(configDir, 'environments.yaml'), environments);
      const fixed = await t.api('POST', '/api/v1/config/reload');
      assert.equal(fixed.status, 200);
      assert.equal(fixed.body.changed, true);
      const renamed = await t.api('GET', '/api/v1/targets?channel=stable&environment=dev');
      assert.deepEqual(renamed.body.items.map((x: any) => x.cluster), ['dev-usw2-9']);
    });

    test('dcp import uploads a folder through the running server', async () => {
      const lines: string[] = [];
      const env = { DCP_URL: t.url, DCP_TOKEN: TOKEN };
      const code = await cli(['import', DEFAULT_CONFIG_DIR], env, (line) => lines.push(line));
      assert.equal(code, 0, lines.join('\n'));
      assert.match(lines[0], /^imported .*: 2 channels, 15 targets, 6 environments, 3 strategies, 3 teams, 6 services$/);
      const targets = await t.api('GET', '/api/v1/targets?channel=stable&environment=dev');
      assert.deepEqual(targets.body.items.map((x: any) => x.cluster), ['dev-usw2-1']);

      const broken = mkdtempSync(join(tmpdir(), 'dcp-broken-'));
      cpSync(DEFAULT_CONFIG_DIR, broken, { recursive: true });
      writeFileSync(join(broken, 'catalog', 'services.yaml'), readFileSync(join(broken, 'catalog', 'services.yaml'), 'utf8').replace('owner: runtime', 'owner: nobody'));
      lines.length = 0;
      assert.equal(await cli(['import', broken], env, (line) => lines.push(line)), 1);
      assert.match(lines.join('\n'), /catalog\/services\.yaml:\d+ spec\.owner: /);
      rmSync(broken, { recursive: true, force: true });
      assert.equal(await cli(['bogus'], env, () => undefined), 2);
    });

    test('health, readiness, metrics and the OpenAPI document need no token', async () => {
      assert.equal((await fetch(`${t.url}/healthz`)).status, 200);
      const ready = await fetch(`${t.url}/readyz`);
      assert.equal(ready.status, 200);
      assert.deepEqual(Object.values(((await ready.json()) as any).checks), [true, true, true, true, true]);
      const metrics = await (await fetch(`${t.url}/metrics`)).text();
      assert.match(metrics, /^dcp_deployments\{status="Completed"\} \d+$/m);
      assert.match(metrics, /^dcp_engine_transitions_total \d+$/m);
      const openapi: any = await (await fetch(`${t.url}/openapi.json`)).json();
      assert.equal(openapi.openapi, '3.1.0');
      assert.ok(openapi.paths['/api/v1/builds'].post.requestBody);
      assert.ok(openapi.components.schemas.Deployment);
      assert.ok(openapi.components.schemas.Problem);
      for (const path of ['/api/v1/deployments/{id}/cancel', '/api/v1/plans', '/api/v1/events', '/api/v1/stream', '/api/v1/config/reload', '/api/v1/teams/{id}/notifications']) {
        assert.ok(openapi.paths[path], path);
      }
      const app = await fetch(`${t.url}/deployments/some-id`);
      assert.equal(app.status, 200, 'deep links open the app');
      assert.match(await app.text(), /<div id="root">/);
      assert.equal((await fetch(`${t.url}/assets/missing.js`)).status, 404);
      const unknownApi = await fetch(`${t.url}/api/v1/nope`, { headers: { authorization: `Bearer ${TOKEN}` } });
      assert.equal(unknownApi.status, 404);
      assert.equal(unknownApi.headers.get('content-type'), 'application/problem+json; charset=utf-8');
      const docs = await fetch(`${t.url}/docs/`);
      assert.equal(docs.status, 200);
      assert.match(await docs.text(), /swagger/i);
    });
  });
}
