/**
 * `/openapi.json` describes every field the server sends: every operation has a 2xx response with
 * a schema, and no schema in it (nor any object or array nested in it) is left without a type.
 * Real responses — a deployment waiting on its gates with approvals, a change case and a freeze,
 * lists, the event log, the catalog — validate against their schemas (Ajv), and equal what the
 * services return: Fastify serialises from the response schema and drops what it does not name,
 * so a too-small schema would lose data silently.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { DEFAULT_CONFIG_DIR } from '../src/settings.ts';
import { ManualClock } from '../src/shared/clocks.ts';
import { createCatalogService } from '../src/services/catalog.ts';
import { createAuditService } from '../src/services/audit.ts';
import { listEvents } from '../src/store/events.ts';
import type { DeploymentDto } from '../src/store/deployment-reads.ts';
import { BACKENDS, build, startTestDcp, type TestDcp } from './helpers/dcp.ts';

type Schema = Record<string, any>;
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
/**
 * Fields that hold any JSON value by design: a check's `equals` (the value a JSON path must have),
 * an audit record's `detail` (what the change set: names to values, different per action).
 */
const ANY_JSON_VALUE = [/\/CheckSpec\/anyOf\/\d+\/properties\/equals$/, /\/AuditRecord\/properties\/detail\/anyOf\/1$/];

/** Every place in `schema` that does not say what it holds, as JSON-pointer-ish paths. */
function undescribed(doc: Schema, schema: unknown, at: string): string[] {
  if (ANY_JSON_VALUE.some((re) => re.test(at))) return [];
  if (typeof schema !== 'object' || schema === null) return [`${at}: ${JSON.stringify(schema)} (not a schema object)`];
  const s = schema as Schema;
  if (typeof s.$ref === 'string') {
    const name = s.$ref.replace('#/components/schemas/', '');
    return doc.components.schemas[name] ? [] : [`${at}: $ref ${s.$ref} resolves to nothing`];
  }
  for (const combinator of ['anyOf', 'oneOf', 'allOf'] as const) {
    if (Array.isArray(s[combinator])) return s[combinator].flatMap((branch: unknown, i: number) => undescribed(doc, branch, `${at}/${combinator}/${i}`));
  }
  if (s.type === undefined) return s.const !== undefined || Array.isArray(s.enum) ? [] : [`${at}: no type`];
  const types: string[] = [s.type].flat();
  const problems: string[] = [];
  if (types.includes('object')) {
    const properties = Object.entries((s.properties ?? {}) as Record<string, unknown>);
    const extra = typeof s.additionalProperties === 'object' ? s.additionalProperties : null;
    if (properties.length === 0 && !extra) problems.push(`${at}: an object with no properties described`);
    for (const [name, property] of properties) problems.push(...undescribed(doc, property, `${at}/properties/${name}`));
    if (extra) problems.push(...undescribed(doc, extra, `${at}/additionalProperties`));
    for (const name of (s.required ?? []) as string[]) {
      if (!(name in (s.properties ?? {})) && !extra) problems.push(`${at}: required ${name} is not described`);
    }
  }
  if (types.includes('array')) {
    if (s.items === undefined) problems.push(`${at}: an array with no items described`);
    else problems.push(...undescribed(doc, s.items, `${at}/items`));
  }
  return problems;
}

function operations(doc: Schema): { path: string; method: string; op: Schema }[] {
  return Object.entries(doc.paths as Record<string, Schema>).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((method) => ({ path, method, op: item[method] })));
}

/** Validates a body against the schema the document gives for that route's response. */
function validatorFor(doc: Schema) {
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
  addFormats.default(ajv);
  ajv.addSchema({ ...doc, $id: 'openapi.json' });
  const cache = new Map<string, ValidateFunction>();
  const pointer = (s: string) => s.replaceAll('~', '~0').replaceAll('/', '~1');
  return (method: string, path: string, status: number, body: unknown): void => {
    const response = doc.paths[path]?.[method]?.responses?.[String(status)];
    assert.ok(response, `${method.toUpperCase()} ${path} has no ${status} response in /openapi.json`);
    const ref = `openapi.json#/paths/${pointer(path)}/${method}/responses/${status}/content/application~1json/schema`;
    let validate = cache.get(ref);
    if (!validate) cache.set(ref, (validate = ajv.compile({ $ref: ref })));
    assert.ok(validate(body), `${method.toUpperCase()} ${path} ${status}: ${ajv.errorsText(validate.errors)}`);
  };
}

/** What a service returned, as it reads after a JSON round trip (dates are already strings). */
const json = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

for (const backend of BACKENDS) {
  describe(`openapi (${backend})`, () => {
    let t: TestDcp;
    let clock: ManualClock;
    let doc: Schema;
    let validate: ReturnType<typeof validatorFor>;
    before(async () => {
      clock = new ManualClock(new Date('2026-01-05T09:00:00Z'));
      t = await startTestDcp({ backend, clock, configDir: DEFAULT_CONFIG_DIR });
      doc = (await (await fetch(`${t.url}/openapi.json`)).json()) as Schema;
      validate = validatorFor(doc);
    });
    after(() => t.stop());
    /** Approvals are a person's: alice is in payments, which owns ledger-worker (a fresh session per call: the clock jumps). */
    const asAlice: TestDcp['api'] = async (...args) => (await t.as('alice'))(...args);

    test('every operation answers 2xx with a schema, and every field of every schema is described', () => {
      const problems: string[] = [];
      for (const { path, method, op } of operations(doc)) {
        const where = `${method.toUpperCase()} ${path}`;
        const responses = Object.entries((op.responses ?? {}) as Record<string, Schema>);
        // A redirect (OIDC sign-in) answers 3xx in place of 2xx, with nothing but its Location.
        if (!responses.some(([status]) => status.startsWith('2') || status.startsWith('3'))) problems.push(`${where}: no 2xx response`);
        for (const [status, response] of responses) {
          if (status === '204' || status.startsWith('3')) continue;
          const content = Object.entries((response.content ?? {}) as Record<string, Schema>);
          if (content.length === 0) problems.push(`${where} ${status}: no content schema`);
          for (const [type, media] of content) problems.push(...undescribed(doc, media.schema, `${where} ${status} ${type}`));
        }
      }
      for (const [name, schema] of Object.entries(doc.components.schemas as Record<string, unknown>)) {
        problems.push(...undescribed(doc, schema, `#/components/schemas/${name}`));
      }
      assert.deepEqual(problems, []);
      for (const name of ['Deployment', 'Phase', 'Release', 'Prerequisites', 'EnvironmentPolicy', 'Event', 'ChangeCase', 'Freeze', 'Team', 'Problem']) {
        assert.ok(doc.components.schemas[name], `components.schemas.${name}`);
      }
    });

    test('the walk finds what it is for: an untyped field, an open object, an array of anything', () => {
      const found = undescribed(doc, {
        type: 'object',
        properties: { a: {}, b: { type: 'object', additionalProperties: true }, c: { type: 'array' }, d: { anyOf: [{ type: 'null' }, {}] } },
      }, 'x');
      assert.deepEqual(found, [
        'x/properties/a: no type',
        'x/properties/b: an object with no properties described',
        'x/properties/c: an array with no items described',
        'x/properties/d/anyOf/1: no type',
      ]);
    });

    test('real responses validate against their schemas and lose nothing the services return', async () => {
      const created = await t.api('POST', '/api/v1/builds', build({ component: 'ledger-worker', annotations: { 'dcp.simulator/scan-findings': 'low:2,high:1' } }));
      assert.equal(created.status, 201);
      validate('post', '/api/v1/builds', 201, created.body);
      const waiting = (environment: string) => (d: DeploymentDto) => d.phases.find((p) => p.environment === environment)?.status === 'AwaitingPrerequisites';
      await t.waitFor(created.body.id, waiting('stage'), 'stage waiting for its bake time');
      clock.advance(60_000);
      const inProd = await t.waitFor(created.body.id, waiting('prod'), 'prod waiting');
      const prod = inProd.phases.find((p) => p.environment === 'prod')!;

      const approved = await asAlice('POST', `/api/v1/deployments/${inProd.id}/phases/${prod.id}/approvals`, { decision: 'approve', comment: 'ship it' });
      validate('post', '/api/v1/deployments/{id}/phases/{phaseId}/approvals', 201, approved.body);
      const freeze = await t.api('POST', '/api/v1/freezes', { environments: ['prod'], startsAt: clock.now().toISOString(), reason: 'release week' });
      assert.equal(freeze.status, 201, JSON.stringify(freeze.body));
      validate('post', '/api/v1/freezes', 201, freeze.body);
      await t.waitFor(inProd.id, (d) => d.phases.find((p) => p.environment === 'prod')!.prerequisites.freeze!.freezes.length === 1, 'the freeze in prod');

      const deployment = await t.api('GET', `/api/v1/deployments/${inProd.id}`);
      validate('get', '/api/v1/deployments/{id}', 200, deployment.body);
      const phase = deployment.body.phases.find((p: any) => p.environment === 'prod');
      assert.equal(phase.prerequisites.approvals.received.length, 1);
      assert.ok(phase.prerequisites.changeCase.id);
      assert.ok(deployment.body.scanFindings.counts.high === 1);
      assert.ok(deployment.body.phases.some((p: any) => p.status === 'Completed' && p.releases.every((r: any) => r.status === 'Succeeded')));
      assert.deepEqual(deployment.body, json(await t.dcp.deployments.get(inProd.id)));

      const list = await t.api('GET', '/api/v1/deployments?limit=5');
      validate('get', '/api/v1/deployments', 200, list.body);
      assert.deepEqual(list.body.items, json((await t.dcp.deployments.list({ limit: 5 })).items));

      const changeCase = await t.api('GET', `/api/v1/change-cases/${phase.prerequisites.changeCase.id}`);
      validate('get', '/api/v1/change-cases/{id}', 200, changeCase.body);
      assert.deepEqual(changeCase.body, json(await t.dcp.gates.getChangeCase(phase.prerequisites.changeCase.id)));
      const cases = await t.api('GET', `/api/v1/change-cases?deployment=${inProd.id}`);
      validate('get', '/api/v1/change-cases', 200, cases.body);
      const freezes = await t.api('GET', '/api/v1/freezes');
      validate('get', '/api/v1/freezes', 200, freezes.body);
      assert.deepEqual(freezes.body.items, json((await t.dcp.gates.listFreezes(false, 50)).items));

      const events = await t.api('GET', `/api/v1/events?deployment=${inProd.id}&after=0&limit=500`);
      validate('get', '/api/v1/events', 200, events.body);
      assert.deepEqual(events.body.items, json(await listEvents(t.dcp.db, { after: 0, deploymentId: inProd.id, limit: 500 })));
      validate('get', '/api/v1/events', 200, (await t.api('GET', '/api/v1/events?limit=3')).body);

      const catalog = createCatalogService({ db: t.dcp.db, clock, audit: createAuditService({ db: t.dcp.db, clock }) });
      const teams = await t.api('GET', '/api/v1/teams');
      validate('get', '/api/v1/teams', 200, teams.body);
      assert.deepEqual(teams.body.items, json((await catalog.listTeams({ limit: 50 })).items));
      const services = await t.api('GET', '/api/v1/services');
      validate('get', '/api/v1/services', 200, services.body);
      assert.deepEqual(services.body.items, json((await catalog.listServices({}, { limit: 50 })).items));
      const targets = await t.api('GET', '/api/v1/targets');
      validate('get', '/api/v1/targets', 200, targets.body);
      assert.deepEqual(targets.body.items, json((await catalog.listTargets({}, { limit: 50 })).items));
      const strategies = await t.api('GET', '/api/v1/strategies');
      validate('get', '/api/v1/strategies', 200, strategies.body);
      assert.deepEqual(strategies.body, json(await catalog.strategies()));

      const hook = await t.api('POST', '/api/v1/webhooks', { url: 'http://127.0.0.1:9/openapi', types: ['DeploymentFailed'] });
      validate('post', '/api/v1/webhooks', 201, hook.body);
      const sinks = await t.api('GET', '/api/v1/sinks');
      validate('get', '/api/v1/sinks', 200, sinks.body);
      const sink = sinks.body.items.find((s: any) => s.name === `webhook:${hook.body.id}`);
      assert.equal(sink?.kind, 'webhook');
      assert.equal(sink?.webhookId, hook.body.id);

      const plan = await t.api('POST', '/api/v1/plans', { component: 'payments-api', channel: 'stable', strategy: 'standard' });
      validate('post', '/api/v1/plans', 200, plan.body);
      assert.deepEqual(plan.body, json(await t.dcp.deployments.preview({ component: 'payments-api', channel: 'stable', strategy: 'standard' })));

      const reload = await t.api('POST', '/api/v1/config/reload', {});
      validate('post', '/api/v1/config/reload', 200, reload.body);
      validate('get', '/api/v1/session', 200, (await t.api('GET', '/api/v1/session')).body);
      validate('get', '/readyz', 200, (await t.api('GET', '/readyz')).body);
      validate('get', '/healthz', 200, (await t.api('GET', '/healthz')).body);
      const problem = await t.api('GET', '/api/v1/deployments/nope');
      validate('get', '/api/v1/deployments/{id}', 404, problem.body);
      const invalid = await t.api('POST', '/api/v1/builds', { buildId: 12345 });
      validate('post', '/api/v1/builds', 400, invalid.body);
    });
  });
}
