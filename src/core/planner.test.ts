/**
 * Planning (contract §4) against a small config built here: strategy order, targets per channel,
 * omitted environments, GOV phases, `environments` subsets, unplannable requests, snapshots.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { UnplannableError } from './errors.ts';
import { plan, type Plan, type PlanRequest } from './planner.ts';
import type { ConfigSnapshot, EnvironmentPolicy, TargetSpec } from './types.ts';

const env = (name: string, extra: Partial<EnvironmentPolicy> = {}): EnvironmentPolicy => ({ name, isGov: false, checks: [], freezable: false, ...extra });
const targets = (...clusters: string[]): TargetSpec[] => clusters.map((cluster) => ({ cluster, region: cluster.startsWith('gov') ? 'us-gov-west-1' : 'us-west-2' }));

/**
 * Channel `stable` has targets everywhere but qa; `edge` only in dev. stage and prod have GOV
 * counterparts. `payments-api` is a GOV service, `web` is not.
 */
function config(): ConfigSnapshot {
  return {
    users: [],
    admins: [],
    channels: {
      stable: {
        dev: targets('dev-1'),
        qa: [],
        stage: targets('stage-1'),
        prod: targets('prod-1', 'prod-2'),
        'gov-stage': targets('gov-stage-1'),
        'gov-prod': targets('gov-prod-1'),
      },
      edge: { dev: targets('edge-dev-1') },
    },
    environments: [
      env('dev'),
      env('qa'),
      env('stage', { gov: 'gov-stage', bakeTime: { environment: 'qa', durationMs: 60_000 } }),
      env('prod', {
        gov: 'gov-prod',
        checks: [{ name: 'no-critical-vulns', type: 'scan', maxSeverity: 'critical' }],
        approvals: { required: 1, approvers: ['team'] },
        changeCase: { required: true, timeoutMs: 14 * 3_600_000 },
        freezable: true,
      }),
      env('gov-stage', { isGov: true }),
      env('gov-prod', { isGov: true, changeCase: { required: true, timeoutMs: 14 * 3_600_000 } }),
    ],
    strategies: {
      standard: ['dev', 'qa', 'stage', 'prod'],
      // prod before stage: GOV phases follow their counterparts' order, not a fixed one.
      reversed: ['prod', 'stage'],
      late: ['qa', 'prod'],
    },
    teams: [{ name: 'payments', slack: {}, changeCaseQueue: 'payments', members: ['alice'] }],
    services: [
      { name: 'payments-api', team: 'payments', isGov: true, annotations: {} },
      { name: 'web', team: 'payments', isGov: false, annotations: {} },
    ],
  };
}

const request = (overrides: Partial<PlanRequest> = {}): PlanRequest => ({ component: 'web', channel: 'stable', strategy: 'standard', ...overrides });
const environments = (p: Plan): string[] => p.phases.map((phase) => phase.environment);

/** Asserts that planning fails as unplannable, naming exactly these fields. */
function assertUnplannable(cfg: ConfigSnapshot, req: PlanRequest, fields: string[]): UnplannableError {
  let caught: unknown;
  try {
    plan(cfg, req);
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof UnplannableError, `expected an UnplannableError, got ${String(caught)}`);
  assert.deepEqual(
    caught.issues.map((i) => i.field),
    fields,
  );
  for (const issue of caught.issues) assert.ok(issue.message.length > 0);
  return caught;
}

describe('plan: phases', () => {
  test('follow the strategy order, each with the channel’s targets for its environment', () => {
    const p = plan(config(), request());
    assert.deepEqual(environments(p), ['dev', 'stage', 'prod']);
    assert.deepEqual(
      p.phases.map((phase) => phase.targets.map((t) => t.cluster)),
      [['dev-1'], ['stage-1'], ['prod-1', 'prod-2']],
    );
    assert.deepEqual(
      p.phases.map((phase) => phase.policy.name),
      ['dev', 'stage', 'prod'],
    );
    assert.ok(p.phases.every((phase) => !phase.isGov));
    assert.equal(p.service.name, 'web');
    assert.equal(p.channel, 'stable');
    assert.equal(p.strategy, 'standard');
  });

  test('an environment without targets in the channel is left out, with a reason', () => {
    const p = plan(config(), request());
    const qa = p.omittedEnvironments.find((o) => o.environment === 'qa');
    assert.ok(qa, 'qa is listed as omitted');
    assert.match(qa.reason, /no targets/);
    assert.match(qa.reason, /stable/);
  });

  test('a channel that does not mention an environment at all leaves it out too', () => {
    const p = plan(config(), request({ channel: 'edge', strategy: 'standard' }));
    assert.deepEqual(environments(p), ['dev']);
    assert.deepEqual(
      p.omittedEnvironments.filter((o) => ['qa', 'stage', 'prod'].includes(o.environment)).map((o) => o.environment),
      ['qa', 'stage', 'prod'],
    );
  });
});

describe('plan: GOV phases', () => {
  test('an isGov service gets a GOV phase per counterpart, after all commercial phases, in counterpart order', () => {
    const p = plan(config(), request({ component: 'payments-api' }));
    assert.deepEqual(environments(p), ['dev', 'stage', 'prod', 'gov-stage', 'gov-prod']);
    assert.deepEqual(
      p.phases.map((phase) => phase.isGov),
      [false, false, false, true, true],
    );
    assert.deepEqual(
      p.phases.map((phase) => phase.targets.map((t) => t.cluster)).slice(3),
      [['gov-stage-1'], ['gov-prod-1']],
    );
    assert.ok(!p.omittedEnvironments.some((o) => o.environment.startsWith('gov-')));
  });

  test('GOV phases follow the order of their counterparts in the strategy', () => {
    const p = plan(config(), request({ component: 'payments-api', strategy: 'reversed' }));
    assert.deepEqual(environments(p), ['prod', 'stage', 'gov-prod', 'gov-stage']);
  });

  test('a non-GOV service gets no GOV phase; the GOV environments are listed as omitted', () => {
    const p = plan(config(), request({ component: 'web' }));
    assert.ok(p.phases.every((phase) => !phase.isGov));
    const gov = p.omittedEnvironments.filter((o) => o.environment.startsWith('gov-'));
    assert.deepEqual(
      gov.map((o) => o.environment),
      ['gov-stage', 'gov-prod'],
    );
    for (const o of gov) assert.match(o.reason, /not a GOV service/);
  });
});

describe('plan: an `environments` subset', () => {
  test('keeps the plan’s order and lists the rest as omitted (not selected)', () => {
    const p = plan(config(), request({ component: 'payments-api', environments: ['gov-prod', 'prod', 'dev'] }));
    assert.deepEqual(environments(p), ['dev', 'prod', 'gov-prod']);
    const omitted = Object.fromEntries(p.omittedEnvironments.map((o) => [o.environment, o.reason]));
    assert.equal(omitted.stage, 'not selected');
    assert.equal(omitted['gov-stage'], 'not selected');
    assert.match(omitted.qa, /no targets/);
  });

  test('a GOV environment for a non-GOV service is unplannable, naming its index', () => {
    const error = assertUnplannable(config(), request({ component: 'web', environments: ['dev', 'gov-prod'] }), ['environments[1]']);
    assert.match(error.issues[0].message, /gov-prod/);
    assert.match(error.issues[0].message, /not a GOV service/);
  });

  test('an environment without targets, or outside the strategy, is unplannable, naming each index', () => {
    const error = assertUnplannable(config(), request({ environments: ['qa', 'dev', 'nowhere'] }), ['environments[0]', 'environments[2]']);
    assert.match(error.issues[0].message, /no targets/);
    assert.match(error.issues[1].message, /not part of strategy "standard"/);
  });
});

describe('plan: unplannable requests', () => {
  const cases: [string, Partial<PlanRequest>, string[]][] = [
    ['an unknown component', { component: 'nope' }, ['component']],
    ['an unknown channel', { channel: 'nope' }, ['channel']],
    ['an unknown strategy', { strategy: 'nope' }, ['strategy']],
    ['all three unknown, each named', { component: 'a', channel: 'b', strategy: 'c' }, ['component', 'channel', 'strategy']],
  ];
  for (const [name, overrides, fields] of cases) {
    test(name, () => {
      assertUnplannable(config(), request(overrides), fields);
    });
  }

  test('a plan with no phase (no environment of the strategy has targets in the channel)', () => {
    const error = assertUnplannable(config(), request({ channel: 'edge', strategy: 'late' }), ['strategy']);
    assert.match(error.issues[0].message, /edge/);
  });

  test('an unknown component names the component in its message', () => {
    const error = assertUnplannable(config(), request({ component: 'ghost' }), ['component']);
    assert.match(error.issues[0].message, /ghost/);
  });
});

describe('plan: policy snapshots', () => {
  test('mutating the config after planning changes nothing in the plan', () => {
    const cfg = config();
    const p = plan(cfg, request({ component: 'payments-api' }));
    const before = structuredClone(p.phases);

    const prod = cfg.environments.find((e) => e.name === 'prod')!;
    prod.checks.push({ name: 'late', type: 'http', url: 'https://x.test' });
    prod.approvals!.required = 5;
    prod.freezable = false;
    cfg.environments.find((e) => e.name === 'gov-prod')!.changeCase!.timeoutMs = 1;
    cfg.channels.stable.prod.push({ cluster: 'prod-3', region: 'eu-central-1' });
    cfg.channels.stable.dev[0].cluster = 'renamed';

    assert.deepEqual(p.phases, before);
    assert.equal(p.phases[2].policy.checks.length, 1);
    assert.equal(p.phases[2].policy.approvals?.required, 1);
  });

  test('each phase has its own copy of the policy', () => {
    const cfg = config();
    const p = plan(cfg, request());
    const prod = p.phases.find((phase) => phase.environment === 'prod')!;
    assert.notEqual(prod.policy, cfg.environments.find((e) => e.name === 'prod'));
    assert.deepEqual(prod.policy, cfg.environments.find((e) => e.name === 'prod'));
  });
});
