/**
 * The shipped WorkflowTemplates (deploy/argo/) against Argo's own JSON Schema
 * (test/fixtures/argo-workflows/schema.json, patched in memory by test/fakes/argo-schema.ts:
 * IntOrString takes integers, unknown fields are refused), their parameters against contract §9,
 * and the callbacks they send, rendered from the templates by the fake's player
 * (test/fakes/argo-play.ts) — so a wrong field, id or status in a template fails here.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parseAllDocuments } from 'yaml';
import { argoJsonSchema } from './fakes/argo-schema.ts';
import { startFakeArgo, type FakeArgo } from './fakes/argo-server.ts';

const DIR = 'deploy/argo';

function shippedDocuments(): { file: string; object: Record<string, any> }[] {
  const documents: { file: string; object: Record<string, any> }[] = [];
  for (const file of readdirSync(DIR).filter((f) => f.endsWith('.yaml')).sort()) {
    for (const document of parseAllDocuments(readFileSync(path.join(DIR, file), 'utf8'))) {
      assert.deepEqual(document.errors, [], `${file} parses as YAML`);
      documents.push({ file, object: document.toJS() as Record<string, any> });
    }
  }
  return documents;
}

let validateTemplate: ValidateFunction;
function validator(): ValidateFunction {
  if (validateTemplate) return validateTemplate;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema({ ...argoJsonSchema(), $id: 'argo-schema' });
  validateTemplate = ajv.compile({ $ref: 'argo-schema#/definitions/io.argoproj.workflow.v1alpha1.WorkflowTemplate' });
  return validateTemplate;
}

const templates = () => shippedDocuments().filter((d) => d.object.kind === 'WorkflowTemplate');
const byName = (name: string) => templates().find((d) => d.object.metadata.name === name)?.object as Record<string, any>;
const parameterNames = (t: Record<string, any>) => (t.spec.arguments.parameters as { name: string }[]).map((p) => p.name);

describe('the shipped WorkflowTemplates', () => {
  it('every WorkflowTemplate in deploy/argo validates against Argo\'s JSON Schema (unknown fields refused)', () => {
    const shipped = templates();
    assert.deepEqual(shipped.map((d) => d.object.metadata.name).sort(), ['dcp-phase', 'dcp-scan-wait']);
    for (const { file, object } of shipped) {
      assert.equal(object.apiVersion, 'argoproj.io/v1alpha1');
      const ok = validator()(object);
      assert.ok(ok, `${file}: ${JSON.stringify(validator().errors?.slice(0, 5), null, 2)}`);
    }
  });

  it('the patched schema bites: a misspelt field, a wrong type and a string where an integer goes are refused', () => {
    const phase = byName('dcp-phase');
    const typo = structuredClone(phase);
    typo.spec.templates[0].parallelizm = 3;
    assert.equal(validator()(typo), false);
    assert.ok(validator().errors?.some((e) => e.keyword === 'additionalProperties' && (e.params as { additionalProperty: string }).additionalProperty === 'parallelizm'));

    const httpTypo = structuredClone(phase);
    httpTypo.spec.templates.find((t: any) => t.name === 'callback').http.header = [];
    assert.equal(validator()(httpTypo), false);

    const parameterised = structuredClone(phase);
    parameterised.spec.templates[0].parallelism = '{{workflow.parameters.parallelism}}';
    assert.equal(validator()(parameterised), false, 'parallelism is an integer: no parameter can set it');

    const intLimit = structuredClone(phase);
    intLimit.spec.templates.find((t: any) => t.name === 'callback').retryStrategy.limit = 7;
    assert.equal(validator()(intLimit), true, 'IntOrString takes an integer');
  });

  it('declares exactly the contract\'s parameters (plus the documented extras with defaults)', () => {
    const common = ['deploymentId', 'callbackUrl', 'callbackToken'];
    const scan = byName('dcp-scan-wait');
    assert.deepEqual(parameterNames(scan), [...common, 'artifact', 'pollSeconds', 'scanUrl']);
    const phase = byName('dcp-phase');
    assert.deepEqual(parameterNames(phase), [...common, 'phaseId', 'environment', 'releases', 'service', 'releaseTimeoutSeconds', 'cpcPollSeconds']);
    const defaults = (t: Record<string, any>) => Object.fromEntries((t.spec.arguments.parameters as { name: string; value?: string }[]).filter((p) => p.value !== undefined).map((p) => [p.name, p.value]));
    assert.deepEqual(Object.keys(defaults(scan)), ['pollSeconds', 'scanUrl']);
    assert.deepEqual(Object.keys(defaults(phase)), ['releaseTimeoutSeconds', 'cpcPollSeconds']);
    assert.equal(phase.spec.onExit, 'report-phase', 'a stopped phase still reports');
  });

  it('rbac.yaml gives the workflows the agent\'s permissions and DCP\'s token what the client calls need', () => {
    const docs = shippedDocuments().filter((d) => d.file === 'rbac.yaml').map((d) => d.object);
    const role = (name: string) => docs.find((d) => d.kind === 'Role' && d.metadata.name === name) as { rules: { resources: string[]; verbs: string[] }[] };
    const can = (name: string, resource: string, verb: string) => role(name).rules.some((r) => r.resources.includes(resource) && r.verbs.includes(verb));
    for (const [resource, verb] of [['workflowtasksets', 'list'], ['workflowtasksets', 'watch'], ['workflowtasksets/status', 'patch'], ['secrets', 'get']]) {
      assert.ok(can('dcp-workflow', resource, verb), `dcp-workflow: ${verb} ${resource}`);
    }
    for (const verb of ['create', 'get', 'list', 'patch']) assert.ok(can('dcp-server', 'workflows', verb), `dcp-server: ${verb} workflows`);
    assert.ok(can('dcp-server', 'workflowtemplates', 'get'));
    for (const t of templates()) assert.equal(t.object.spec.serviceAccountName, 'dcp-workflow');
  });
});

/** A stand-in for DCP's callback route: records each callback and answers 204. */
async function callbackSink(): Promise<{ url: string; calls: { authorization?: string; body: any }[]; close(): Promise<void> }> {
  const calls: { authorization?: string; body: any }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      calls.push({ authorization: req.headers.authorization, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/workflow-callbacks`,
    calls,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const RELEASE_FIELDS = ['releaseId', 'cluster', 'region', 'namespace', 'kubeContext', 'cpcEndpoint', 'chart', 'chartVersion', 'repository', 'idempotencyKey'];
const release = (id: string, cluster: string) =>
  Object.fromEntries(RELEASE_FIELDS.map((f) => [f, f === 'releaseId' ? id : f === 'cluster' ? cluster : f === 'idempotencyKey' ? `key-${id}` : f === 'cpcEndpoint' ? 'https://cpc.example.com' : `${f}-value`]));

describe('the callbacks the shipped templates send (rendered from deploy/argo)', () => {
  let argo: FakeArgo;
  let sink: Awaited<ReturnType<typeof callbackSink>>;
  before(async () => {
    argo = await startFakeArgo({ namespace: 'argo' });
    sink = await callbackSink();
  });
  after(async () => {
    await argo.close();
    await sink.close();
  });

  async function submit(template: string, parameters: Record<string, string>): Promise<string> {
    const res = await fetch(`${argo.url}/api/v1/workflows/argo/submit`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        namespace: 'argo',
        resourceKind: 'WorkflowTemplate',
        resourceName: template,
        submitOptions: { generateName: `${template}-`, labels: 'dcp.io/deployment=dep-1', parameters: Object.entries(parameters).map(([k, v]) => `${k}=${v}`) },
      }),
    });
    assert.equal(res.status, 200, await res.clone().text());
    return ((await res.json()) as { metadata: { name: string } }).metadata.name;
  }

  const common = () => ({ deploymentId: 'dep-1', callbackUrl: sink.url, callbackToken: 'cb-token' });
  const keys = (o: object) => Object.keys(o).sort();

  it('dcp-scan-wait: Succeeded with the findings, exactly the contract\'s fields', async () => {
    sink.calls.length = 0;
    const artifact = JSON.stringify({ name: 'payments-api', version: '1.42.0+b7', images: [{ name: 'r/p', digest: 'sha256:abc' }], charts: [], annotations: {} });
    const name = await submit('dcp-scan-wait', { ...common(), artifact, pollSeconds: '5' });
    const played = await argo.play(name, { scan: { findings: { critical: 0, high: 2 } } });
    assert.deepEqual(played.callbacks.map((c) => c.status), [204]);
    assert.equal(played.phase, 'Succeeded');
    assert.equal(sink.calls.length, 1);
    assert.equal(sink.calls[0].authorization, 'Bearer cb-token');
    const body = sink.calls[0].body;
    assert.deepEqual(keys(body), ['detail', 'findings', 'id', 'kind', 'status', 'workflow']);
    assert.deepEqual(body, { workflow: name, kind: 'scan', id: 'dep-1', status: 'Succeeded', detail: 'scan done', findings: { critical: 0, high: 2 } });
    // The poll the workflow would make, rendered from the template.
    const poll = new URL(played.requests.find((r) => r.url.includes('/v1/scans'))?.url ?? '');
    assert.deepEqual(Object.fromEntries(poll.searchParams), { artifact: 'payments-api', version: '1.42.0+b7', digest: 'sha256:abc' });
    assert.equal(argo.workflow(name)?.phase, 'Succeeded');
  });

  it('dcp-scan-wait: an error scan reports Failed without findings; a dropped callback sends nothing', async () => {
    sink.calls.length = 0;
    const artifact = JSON.stringify({ name: 'a', version: '1', images: [{ name: 'r/a', digest: 'sha256:1' }] });
    const name = await submit('dcp-scan-wait', { ...common(), artifact, pollSeconds: '5' });
    await argo.play(name, { scan: { error: 'scanner crashed: "oom"' } });
    assert.deepEqual(sink.calls[0].body, { workflow: name, kind: 'scan', id: 'dep-1', status: 'Failed', detail: 'scan error: scanner crashed: "oom"' });
    const dropped = await submit('dcp-scan-wait', { ...common(), artifact, pollSeconds: '5' });
    const result = await argo.play(dropped, { scan: 'drop' });
    assert.deepEqual(result.callbacks, []);
    assert.equal(sink.calls.length, 1);
    assert.equal(argo.workflow(dropped)?.phase, 'Succeeded');
  });

  it('dcp-phase: Running then the outcome per release, then the phase; exactly the contract\'s fields', async () => {
    sink.calls.length = 0;
    const releases = [release('rel-1', 'prod-usw2-1'), release('rel-2', 'prod-euc1-1'), release('rel-3', 'prod-apse1-1')];
    const name = await submit('dcp-phase', { ...common(), phaseId: 'ph-1', environment: 'prod', releases: JSON.stringify(releases), service: 'payments-api' });
    const played = await argo.play(name, { releases: { 'rel-2': { status: 'Failed', detail: 'helm: "timed out" waiting' }, 'rel-3': 'drop' } });
    assert.ok(played.callbacks.every((c) => c.status === 204));
    assert.equal(played.phase, 'Failed');
    for (const call of sink.calls) {
      assert.deepEqual(keys(call.body), ['detail', 'id', 'kind', 'status', 'workflow'], JSON.stringify(call.body));
      assert.equal(call.body.workflow, name);
      assert.equal(typeof call.body.detail, 'string');
      assert.equal(call.authorization, 'Bearer cb-token');
    }
    const seen = sink.calls.map((c) => `${c.body.kind}:${c.body.id}:${c.body.status}`);
    assert.deepEqual(seen, ['release:rel-1:Running', 'release:rel-1:Succeeded', 'release:rel-2:Running', 'release:rel-2:Failed', 'phase:ph-1:Failed']);
    assert.equal(sink.calls[3].body.detail, 'Failed: helm: "timed out" waiting');
    // One failed step, named with Argo's message (Argo lists workflow.failures in no fixed order).
    assert.match(sink.calls[4].body.detail, /^(verdict|release).*: .+/);
    // The CPC request the release would make, rendered from the template.
    const put = played.requests.find((r) => r.method === 'PUT' && r.url === 'https://cpc.example.com/v1/releases/key-rel-1');
    assert.deepEqual(put?.body, { cluster: 'prod-usw2-1', namespace: 'namespace-value', release: 'payments-api', chart: 'chart-value', chartVersion: 'chartVersion-value', repository: 'repository-value', timeoutSeconds: 900 });
    assert.equal(argo.workflow(name)?.phase, 'Failed');
  });

  it('dcp-phase: all Succeeded reports the phase Succeeded; a stopped workflow reports Cancelled', async () => {
    sink.calls.length = 0;
    const releases = JSON.stringify([release('rel-9', 'dev-1')]);
    const ok = await submit('dcp-phase', { ...common(), phaseId: 'ph-ok', environment: 'dev', releases, service: 'svc' });
    await argo.play(ok);
    assert.deepEqual(sink.calls.at(-1)?.body, { workflow: ok, kind: 'phase', id: 'ph-ok', status: 'Succeeded', detail: 'all releases succeeded' });

    const stopped = await submit('dcp-phase', { ...common(), phaseId: 'ph-stop', environment: 'dev', releases, service: 'svc' });
    argo.setPhase(stopped, 'Running');
    await fetch(`${argo.url}/api/v1/workflows/argo/${stopped}/stop`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ namespace: 'argo', name: stopped }) });
    sink.calls.length = 0;
    const result = await argo.play(stopped, { releases: { 'rel-9': 'drop' } });
    assert.equal(result.phase, 'Failed');
    assert.deepEqual(sink.calls.map((c) => [c.body.kind, c.body.status]), [['phase', 'Cancelled']]);
    assert.match(sink.calls[0].body.detail, /Stopped with strategy 'Stop'/);
  });

  it('a template bug fails the play: a wrong id, a misspelt field, a status outside the contract', async () => {
    const cases: [string, string, string, RegExp][] = [
      ['dcp-phase.yaml', '"id": {{=toJson(inputs.parameters.id)}}', '"id": {{=toJson(workflow.parameters.deploymentId)}}', /release callback with id "dep-1"/],
      ['dcp-phase.yaml', '"detail": {{=toJson(inputs.parameters.detail)}}', '"details": {{=toJson(inputs.parameters.detail)}}', /fields/],
      ['dcp-phase.yaml', "'Cancelled' : 'Failed')}}", "'Cancelled' : 'Failure')}}", /status "Failure"/],
      ['dcp-phase.yaml', '"release": {{=toJson(workflow.parameters.service)}}', '"releaseName": {{=toJson(workflow.parameters.service)}}', /CPC PUT body/],
      ['dcp-phase.yaml', '{{item.releaseId}}', '{{item.release}}', /unresolved template tag \{\{item.release\}\}/],
    ];
    for (const [file, from, to, error] of cases) {
      const dir = mkdtempSync(path.join(tmpdir(), 'dcp-argo-bug-'));
      try {
        cpSync(DIR, dir, { recursive: true });
        const text = readFileSync(path.join(dir, file), 'utf8');
        assert.ok(text.includes(from), `${file} contains ${from}`);
        writeFileSync(path.join(dir, file), text.replace(from, to));
        const broken = await startFakeArgo({ namespace: 'argo', templatesDir: dir });
        try {
          const res = await fetch(`${broken.url}/api/v1/workflows/argo/submit`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({
              resourceKind: 'WorkflowTemplate',
              resourceName: 'dcp-phase',
              submitOptions: { generateName: 'p-', parameters: [`deploymentId=dep-1`, `callbackUrl=${sink.url}`, 'callbackToken=t', 'phaseId=ph-x', 'environment=dev', `releases=${JSON.stringify([release('rel-x', 'c')])}`, 'service=svc'] },
            }),
          });
          const name = ((await res.json()) as { metadata: { name: string } }).metadata.name;
          await assert.rejects(broken.play(name, { releases: { 'rel-x': 'Failed' } }), error, `${from} → ${to}`);
        } finally {
          await broken.close();
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });
});
