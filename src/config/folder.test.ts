import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ConfigError, type FieldIssue } from '../core/errors.ts';
import { plan } from '../core/planner.ts';
import { loadConfigFolder } from './folder.ts';

const EXAMPLE = fileURLToPath(new URL('../../config', import.meta.url));

const tempDirs: string[] = [];
after(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A small valid config; tests override or drop (null) files. */
const BASE: Record<string, string> = {
  'channels.yaml': `channels:
  stable:
    dev: [{ cluster: dev-1, region: us-west-2 }]
    prod:
      - { cluster: prod-1, region: us-west-2, kubeContext: prod-ctx, labels: { tier: gold } }
    gov-prod: [{ cluster: gov-1, region: us-gov-west-1 }]
`,
  'environments.yaml': `environments:
  - name: dev
  - name: prod
    gov: gov-prod
    checks:
      - { name: health, type: http, url: "https://x.test/health", jsonPath: $.status, equals: ok }
      - { name: errors, type: prometheus, url: "http://prom:9090", query: "rate(x[5m])", op: "<", threshold: 0.5 }
    changeCase: { required: true }
    windows: [{ timezone: Europe/Berlin, days: [mon, tue], hours: "06:00-16:00" }]
    bakeTime: { environment: dev, duration: 30m }
  - name: gov-prod
    isGov: true
strategies:
  standard: [dev, prod]
`,
  'catalog/teams.yaml': `kind: Group
metadata:
  name: payments
spec:
  members: [alice]
`,
  'catalog/services.yaml': `kind: Component
metadata:
  name: payments-api
spec:
  owner: payments
`,
};

async function fixture(overrides: Record<string, string | null> = {}): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'dcp-config-'));
  tempDirs.push(dir);
  for (const [file, text] of Object.entries({ ...BASE, ...overrides })) {
    if (text === null) continue;
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), text);
  }
  return dir;
}

/** The issues of the ConfigError the folder must fail with. */
async function problems(overrides: Record<string, string | null>): Promise<FieldIssue[]> {
  const dir = await fixture(overrides);
  const error = await loadConfigFolder(dir).then(
    () => assert.fail('expected a ConfigError'),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
  return error.issues;
}

function only(issues: FieldIssue[]): FieldIssue {
  assert.equal(issues.length, 1, `expected one problem, got ${JSON.stringify(issues, null, 2)}`);
  return issues[0];
}

function assertIssue(issue: FieldIssue, expected: { file: string; line: number; field: string; message: RegExp }): void {
  assert.deepEqual({ file: issue.file, line: issue.line, field: issue.field }, { file: expected.file, line: expected.line, field: expected.field });
  assert.match(issue.message, expected.message);
}

describe('loadConfigFolder: the shipped example', () => {
  test('loads with the expected channels, environments, strategies, teams and services', async () => {
    const config = await loadConfigFolder(EXAMPLE);
    assert.deepEqual(Object.keys(config.channels), ['stable', 'edge']);
    assert.equal(config.environments.length, 6);
    assert.deepEqual(Object.keys(config.strategies), ['standard', 'fast', 'nonprod']);
    assert.deepEqual(config.strategies.standard, ['dev', 'qa', 'stage', 'prod']);
    assert.equal(config.teams.length, 3);
    assert.equal(config.services.length, 6);
    assert.equal(config.channels.stable.prod.length, 4);
    assert.deepEqual(config.channels.stable.dev, [{ cluster: 'dev-usw2-1', region: 'us-west-2' }]);
  });

  test('reads services and teams with their annotations and defaults', async () => {
    const config = await loadConfigFolder(EXAMPLE);
    const payments = config.services.find((s) => s.name === 'payments-api');
    assert.equal(payments?.isGov, true);
    assert.equal(payments?.team, 'payments');
    assert.equal(payments?.lifecycle, 'production');
    assert.equal(payments?.annotations['github.com/project-slug'], 'acme/payments-api');
    assert.equal(config.services.find((s) => s.name === 'ledger-worker')?.isGov, false);
    assert.deepEqual(config.teams.find((t) => t.name === 'payments'), {
      name: 'payments',
      title: 'Payments',
      slack: { workspace: 'acme', channel: '#payments-deploys' },
      changeCaseQueue: 'PAYMENTS-CHG',
      members: ['alice', 'bob'],
      // Where it came from: the catalog-sources provenance of the config folder.
      origin: { source: 'config', ref: 'group:default/payments', file: 'catalog/teams.yaml', line: 2, editUrl: null },
    });
    const runtime = config.teams.find((t) => t.name === 'runtime');
    assert.equal(runtime?.changeCaseQueue, 'runtime');
    assert.deepEqual(runtime?.slack, {});
  });

  test('reads the prod policy', async () => {
    const config = await loadConfigFolder(EXAMPLE);
    assert.deepEqual(config.environments.find((e) => e.name === 'prod'), {
      name: 'prod',
      gov: 'gov-prod',
      isGov: false,
      checks: [{ name: 'no-critical-vulns', type: 'scan', maxSeverity: 'critical' }],
      bakeTime: { environment: 'stage', durationMs: 120_000 },
      approvals: { required: 1, approvers: ['team'] },
      changeCase: { required: true, timeoutMs: 14 * 3_600_000 },
      freezable: true,
    });
    const govProd = config.environments.find((e) => e.name === 'gov-prod');
    assert.equal(govProd?.isGov, true);
    assert.equal(config.environments.find((e) => e.name === 'dev')?.freezable, false);
  });
});

describe('loadConfigFolder: valid fixtures', () => {
  test('reads every check kind, windows, defaults and target settings', async () => {
    const config = await loadConfigFolder(await fixture());
    const prod = config.environments.find((e) => e.name === 'prod');
    assert.deepEqual(prod?.checks, [
      { name: 'health', type: 'http', url: 'https://x.test/health', jsonPath: '$.status', equals: 'ok' },
      { name: 'errors', type: 'prometheus', url: 'http://prom:9090', query: 'rate(x[5m])', op: '<', threshold: 0.5 },
    ]);
    assert.deepEqual(prod?.changeCase, { required: true, timeoutMs: 14 * 3_600_000 });
    assert.deepEqual(prod?.windows, [{ timezone: 'Europe/Berlin', days: ['mon', 'tue'], hours: '06:00-16:00' }]);
    assert.deepEqual(config.channels.stable.prod, [{ cluster: 'prod-1', region: 'us-west-2', kubeContext: 'prod-ctx', labels: { tier: 'gold' } }]);
    assert.deepEqual(config.teams, [{
      name: 'payments', slack: {}, changeCaseQueue: 'payments', members: ['alice'],
      origin: { source: 'config', ref: 'group:default/payments', file: 'catalog/teams.yaml', line: 1, editUrl: null },
    }]);
    assert.deepEqual(config.services.map(({ origin: _, ...s }) => s), [{ name: 'payments-api', team: 'payments', isGov: false, annotations: {} }]);
    assert.deepEqual(config.services[0].origin, { source: 'config', ref: 'component:default/payments-api', file: 'catalog/services.yaml', line: 1, editUrl: null });
  });

  test('a missing catalog/ folder yields no teams or services', async () => {
    const config = await loadConfigFolder(await fixture({ 'catalog/teams.yaml': null, 'catalog/services.yaml': null }));
    assert.deepEqual(config.teams, []);
    assert.deepEqual(config.services, []);
  });

  test('reads nested *.yml files, owner references and ignores other kinds', async () => {
    const config = await loadConfigFolder(
      await fixture({
        'catalog/more/entities.yml': `apiVersion: backstage.io/v1alpha1
kind: User
metadata: { name: alice }
---
kind: System
metadata: { name: payments-system }
---
kind: Component
metadata:
  name: ledger
  annotations: { dcp/is-gov: "false" }
spec: { owner: "group:default/payments", lifecycle: experimental }
---
kind: Component
metadata: { name: refunds }
spec: { owner: "group:payments" }
`,
      }),
    );
    assert.deepEqual(
      config.services.map((s) => [s.name, s.team, s.isGov]),
      [
        ['ledger', 'payments', false],
        ['refunds', 'payments', false],
        ['payments-api', 'payments', false],
      ],
    );
  });
});

describe('loadConfigFolder: each problem names its file, line and field', () => {
  test('unknown environment key', async () => {
    const issues = await problems({ 'environments.yaml': BASE['environments.yaml'].replace('  - name: dev\n', '  - name: dev\n    colour: blue\n') });
    assertIssue(only(issues), { file: 'environments.yaml', line: 3, field: 'environments[0].colour', message: /unknown key "colour".*name, gov, isGov/ });
  });

  test('unknown check type', async () => {
    const issues = await problems({
      'environments.yaml': BASE['environments.yaml'].replace('name: errors, type: prometheus, url: "http://prom:9090", query: "rate(x[5m])", op: "<", threshold: 0.5', 'name: smoke, type: smoke'),
    });
    assertIssue(only(issues), { file: 'environments.yaml', line: 7, field: 'environments[1].checks[1].type', message: /unknown check type "smoke": expected one of http, prometheus, scan/ });
  });

  test('unknown key in a check', async () => {
    const issues = await problems({ 'environments.yaml': BASE['environments.yaml'].replace('equals: ok }', 'equals: ok, retries: 3 }') });
    assertIssue(only(issues), { file: 'environments.yaml', line: 6, field: 'environments[1].checks[0].retries', message: /unknown key "retries"/ });
  });

  test('bad duration', async () => {
    const issues = await problems({ 'environments.yaml': BASE['environments.yaml'].replace('duration: 30m', 'duration: 30 minutes') });
    assertIssue(only(issues), { file: 'environments.yaml', line: 10, field: 'environments[1].bakeTime.duration', message: /duration such as 90s, 30m, 14h or 2d, got "30 minutes"/ });
  });

  test('unknown environment in channels', async () => {
    const issues = await problems({ 'channels.yaml': BASE['channels.yaml'] + '  edge:\n    staging: [{ cluster: s-1, region: us-west-2 }]\n' });
    assertIssue(only(issues), { file: 'channels.yaml', line: 8, field: 'channels.edge.staging', message: /unknown environment "staging"/ });
  });

  test('bad target: missing region, unknown key, duplicate cluster in the channel', async () => {
    const issues = await problems({ 'channels.yaml': BASE['channels.yaml'].replace('{ cluster: gov-1, region: us-gov-west-1 }', '{ cluster: dev-1, zone: a }') });
    assert.deepEqual(
      issues.map((i) => [i.line, i.field]),
      [
        [6, 'channels.stable.gov-prod[0].zone'],
        [6, 'channels.stable.gov-prod[0].region'],
        [6, 'channels.stable.gov-prod[0].cluster'],
      ],
    );
    assert.match(issues[2].message, /duplicate cluster "dev-1" in channel "stable".*channels\.stable\.dev\[0\]\.cluster \(line 3\)/);
  });

  test('strategy naming an unknown environment', async () => {
    const issues = await problems({ 'environments.yaml': BASE['environments.yaml'].replace('standard: [dev, prod]', 'standard: [dev, prod]\n  fast: [dev, production]') });
    assertIssue(only(issues), { file: 'environments.yaml', line: 15, field: 'strategies.fast[1]', message: /unknown environment "production": expected one of dev, prod, gov-prod/ });
  });

  test('strategy listing a GOV environment or one twice', async () => {
    const issues = await problems({ 'environments.yaml': BASE['environments.yaml'].replace('standard: [dev, prod]', 'standard: [dev, dev, gov-prod]') });
    assert.deepEqual(issues.map((i) => i.field), ['strategies.standard[1]', 'strategies.standard[2]']);
    assert.match(issues[0].message, /listed twice/);
    assert.match(issues[1].message, /GOV environment/);
  });

  test('gov must name an isGov environment', async () => {
    const issues = await problems({ 'environments.yaml': BASE['environments.yaml'].replace('gov: gov-prod', 'gov: dev') });
    assertIssue(only(issues), { file: 'environments.yaml', line: 4, field: 'environments[1].gov', message: /"dev" is not a GOV environment/ });
  });

  test('unknown owner', async () => {
    const issues = await problems({ 'catalog/services.yaml': BASE['catalog/services.yaml'].replace('owner: payments', 'owner: group:default/billing') });
    assertIssue(only(issues), { file: 'catalog/services.yaml', line: 5, field: 'spec.owner', message: /unknown team "billing".*known: payments/ });
  });

  test('owner that is not a group, and a bad dcp/is-gov annotation', async () => {
    const issues = await problems({
      'catalog/services.yaml': 'kind: Component\nmetadata:\n  name: x\n  annotations:\n    dcp/is-gov: "yes"\nspec:\n  owner: user:bob\n',
    });
    assert.deepEqual(
      issues.map((i) => [i.line, i.field]),
      [
        [5, 'metadata.annotations["dcp/is-gov"]'],
        [7, 'spec.owner'],
      ],
    );
  });

  test('YAML syntax error', async () => {
    const issues = await problems({ 'channels.yaml': 'channels:\n  stable:\n    dev: [{ cluster: a, region: b }\n  edge: {}\n' });
    const issue = only(issues);
    assert.equal(issue.file, 'channels.yaml');
    assert.equal(issue.field, '(syntax)');
    assert.equal(issue.line, 4);
    assert.match(issue.message, /^YAML syntax error: /);
  });

  test('duplicate service across files, reported at the second occurrence', async () => {
    const issues = await problems({ 'catalog/z/more.yaml': 'kind: Component\nmetadata:\n  name: payments-api\nspec: { owner: payments }\n' });
    assertIssue(only(issues), { file: 'catalog/z/more.yaml', line: 3, field: 'metadata.name', message: /duplicate service "payments-api": already defined at catalog\/services\.yaml:3/ });
  });

  test('catalog documents without kind or metadata.name', async () => {
    const issues = await problems({ 'catalog/other.yaml': 'kind: Location\nmetadata: {}\n---\nmetadata: { name: x }\n' });
    assert.deepEqual(
      issues.map((i) => [i.line, i.field]),
      [
        [2, 'metadata.name'],
        [4, 'kind'],
      ],
    );
  });

  test('missing channels.yaml and environments.yaml', async () => {
    const issues = await problems({ 'channels.yaml': null, 'environments.yaml': null });
    assert.deepEqual(
      issues.map((i) => [i.file, i.field]),
      [
        ['channels.yaml', '(file)'],
        ['environments.yaml', '(file)'],
      ],
    );
    assert.match(issues[0].message, /channels\.yaml is missing/);
  });

  test('a missing config folder names the folder', async () => {
    const missing = path.join(tmpdir(), 'dcp-config-does-not-exist');
    await assert.rejects(loadConfigFolder(missing), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.ok(error.message.includes(missing), error.message);
      assert.equal(error.issues.length, 1);
      return true;
    });
  });
});

describe('loadConfigFolder: every problem at once', () => {
  test('reports problems across all files, in file and line order, with a summary', async () => {
    const dir = await fixture({
      'channels.yaml': BASE['channels.yaml'].replace('region: us-west-2 }]', 'region: "" }]'),
      'environments.yaml': BASE['environments.yaml']
        .replace('duration: 30m', 'duration: soon')
        .replace('hours: "06:00-16:00"', 'hours: "6 to 4"')
        .replace('timezone: Europe/Berlin', 'timezone: Europe/Atlantis')
        .replace('{ required: true }', '{ required: true, timeout: 0h }'),
      'catalog/services.yaml': BASE['catalog/services.yaml'] + '---\nkind: Component\nmetadata: { name: y }\nspec: { owner: nobody }\n',
    });
    await assert.rejects(loadConfigFolder(dir), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.deepEqual(
        error.issues.map((i) => `${i.file}:${i.line} ${i.field}`),
        [
          'channels.yaml:3 channels.stable.dev[0].region',
          'environments.yaml:8 environments[1].changeCase.timeout',
          'environments.yaml:9 environments[1].windows[0].timezone',
          'environments.yaml:9 environments[1].windows[0].hours',
          'environments.yaml:10 environments[1].bakeTime.duration',
          'catalog/services.yaml:9 spec.owner',
        ],
      );
      assert.match(error.message, /^config is invalid: 6 problems \(first: channels\.yaml:3 channels\.stable\.dev\[0\]\.region: expected a non-empty text/);
      return true;
    });
  });
});

// A bake time must be one the phase can wait out: the environment it names must complete before
// the phase starts. Phases run in the strategy's order, and GOV phases after every commercial one
// in their counterparts' order (core/planner.ts); gates.ts counts the bake from the named phase's
// completion, so a phase planned later (or never before this one) would leave it waiting forever.
describe('loadConfigFolder: a bake time must name an environment that runs earlier', () => {
  /** dev, stage → gov-stage, prod → gov-prod; `bakes` maps an environment to what it bakes on. */
  function environments(bakes: Record<string, string>, strategies = 'standard: [dev, stage, prod]'): string {
    const env = (name: string, extra = '') => `  - name: ${name}\n${extra}${bakes[name] ? `    bakeTime: { environment: ${bakes[name]}, duration: 5m }\n` : ''}`;
    return `environments:
${env('dev')}${env('stage', '    gov: gov-stage\n')}${env('prod', '    gov: gov-prod\n')}${env('gov-stage', '    isGov: true\n')}${env('gov-prod', '    isGov: true\n')}strategies:
  ${strategies}
`;
  }
  const channels = `channels:
  stable:
    dev: [{ cluster: dev-1, region: us-west-2 }]
    stage: [{ cluster: stage-1, region: us-west-2 }]
    prod: [{ cluster: prod-1, region: us-west-2 }]
    gov-stage: [{ cluster: gov-stage-1, region: us-gov-west-1 }]
    gov-prod: [{ cluster: gov-prod-1, region: us-gov-west-1 }]
`;
  const load = async (text: string) => loadConfigFolder(await fixture({ 'channels.yaml': channels, 'environments.yaml': text }));
  const refused = (text: string) => problems({ 'channels.yaml': channels, 'environments.yaml': text });

  test('accepted: an earlier commercial environment, an earlier GOV one, a commercial one for a GOV environment', async () => {
    const config = await load(environments({ stage: 'dev', prod: 'stage', 'gov-stage': 'prod', 'gov-prod': 'gov-stage' }));
    assert.deepEqual(
      config.environments.map((e) => [e.name, e.bakeTime?.environment ?? null]),
      [['dev', null], ['stage', 'dev'], ['prod', 'stage'], ['gov-stage', 'prod'], ['gov-prod', 'gov-stage']],
    );
  });

  test('accepted configs (the shipped example, the fixture) plan every bake reference before the phase that bakes on it', async () => {
    const govService = BASE['catalog/services.yaml'] + '---\nkind: Component\nmetadata: { name: gov-api, annotations: { dcp/is-gov: "true" } }\nspec: { owner: payments }\n';
    const fixtureDir = await fixture({
      'channels.yaml': channels,
      'environments.yaml': environments({ stage: 'dev', prod: 'stage', 'gov-stage': 'prod', 'gov-prod': 'gov-stage' }, 'standard: [dev, stage, prod]\n  fast: [dev, prod]'),
      'catalog/services.yaml': govService,
    });
    let govPhases = 0;
    for (const config of [await loadConfigFolder(EXAMPLE), await loadConfigFolder(fixtureDir)]) {
      for (const strategy of Object.keys(config.strategies)) {
        for (const service of config.services) {
          const { phases } = plan(config, { component: service.name, channel: Object.keys(config.channels)[0], strategy });
          const order = phases.map((p) => p.environment);
          phases.forEach((phase, index) => {
            if (phase.isGov) govPhases += 1;
            const bakeOn = phase.policy.bakeTime?.environment;
            if (bakeOn !== undefined) assert.ok(order.indexOf(bakeOn) < index, `${strategy} for ${service.name}: ${phase.environment} bakes on ${bakeOn}, planned later (${order.join(', ')})`);
          });
        }
      }
    }
    assert.ok(govPhases > 0, 'GOV phases were planned');
  });

  test('accepted: a strategy without the baked-on environment (the bake time does not apply there)', async () => {
    await load(environments({ prod: 'stage', 'gov-prod': 'gov-stage' }, 'standard: [dev, stage, prod]\n  fast: [dev, prod]'));
  });

  test('refused: an environment the strategy plans later, naming the strategy', async () => {
    const issues = await refused(environments({ stage: 'prod' }, 'standard: [dev, stage, prod]\n  fast: [dev, prod]\n  reversed: [prod, stage]'));
    assertIssue(only(issues), {
      file: 'environments.yaml',
      line: 5,
      field: 'environments[1].bakeTime.environment',
      message: /"prod" runs after "stage" in strategy "standard": the phase would wait for it forever; bake on an environment that runs earlier/,
    });
  });

  test('refused: later in one strategy of several', async () => {
    const issues = await refused(environments({ prod: 'stage' }, 'standard: [dev, stage, prod]\n  odd: [dev, prod, stage]'));
    assertIssue(only(issues), { file: 'environments.yaml', line: 7, field: 'environments[2].bakeTime.environment', message: /runs after "prod" in strategy "odd"/ });
  });

  test('refused: a commercial environment baking on a GOV one', async () => {
    const issues = await refused(environments({ prod: 'gov-stage' }));
    assertIssue(only(issues), {
      file: 'environments.yaml',
      line: 7,
      field: 'environments[2].bakeTime.environment',
      message: /"gov-stage" is a GOV environment: GOV phases run after every commercial phase/,
    });
  });

  test('refused: a GOV environment baking on a GOV one that runs later (GOV phases follow their counterparts’ order)', async () => {
    const issues = await refused(environments({ 'gov-stage': 'gov-prod' }));
    assertIssue(only(issues), {
      file: 'environments.yaml',
      line: 9,
      field: 'environments[3].bakeTime.environment',
      message: /"gov-prod" runs after "gov-stage" in strategy "standard"/,
    });
  });

  test('refused: a GOV environment baking on its own counterpart order reversed by a strategy', async () => {
    const issues = await refused(environments({ 'gov-prod': 'gov-stage' }, 'standard: [dev, stage, prod]\n  backwards: [dev, prod, stage]'));
    assertIssue(only(issues), { file: 'environments.yaml', line: 11, field: 'environments[4].bakeTime.environment', message: /in strategy "backwards"/ });
  });
});
