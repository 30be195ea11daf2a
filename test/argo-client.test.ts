/**
 * The Argo Server client against the fake Argo Server (test/fakes/argo-server.ts), whose request
 * checks come from Argo's Swagger document: submit/list/get/stop round trips, the label selector,
 * the error classes, and proof that the fake's Swagger check refuses what Argo would.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PermanentIntegrationError, RetryableIntegrationError } from '../src/core/errors.ts';
import { createArgoClient } from '../src/integrations/executor/argo-client.ts';
import { FAKE_ARGO_TOKEN, startFakeArgo, type FakeArgo } from './fakes/argo-server.ts';
import { localServers } from './contracts/servers.ts';

const TEMPLATE = `apiVersion: argoproj.io/v1alpha1
kind: WorkflowTemplate
metadata:
  name: t-echo
spec:
  entrypoint: main
  arguments:
    parameters:
      - name: deploymentId
      - name: note
        value: "none"
  templates:
    - name: main
      suspend: {}
`;

describe('Argo Server client', () => {
  let argo: FakeArgo;
  let dir: string;
  const servers = localServers();

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'dcp-argo-'));
    writeFileSync(path.join(dir, 'templates.yaml'), TEMPLATE);
    argo = await startFakeArgo({ namespace: 'argo', token: FAKE_ARGO_TOKEN, templatesDir: dir });
  });
  after(async () => {
    await argo.close();
    await servers.closeAll();
    rmSync(dir, { recursive: true, force: true });
  });

  const client = () => createArgoClient({ url: argo.url, namespace: 'argo', token: FAKE_ARGO_TOKEN });

  it('submits from a WorkflowTemplate and reads the workflow back by name and by labels', async () => {
    const labels = { 'dcp.io/deployment': 'dep-1', 'dcp.io/kind': 'scan' };
    const seen = argo.waitForWorkflow((w) => w.labels['dcp.io/deployment'] === 'dep-1');
    const { name } = await client().submit({
      template: 't-echo',
      generateName: 'dcp-scan-',
      labels,
      parameters: { deploymentId: 'dep-1', note: 'a=b, with "quotes" and , commas' },
    });
    assert.match(name, /^dcp-scan-[a-z0-9]{5}$/);
    assert.equal((await seen).name, name);
    const submitted = argo.workflow(name);
    assert.deepEqual(submitted?.parameters, { deploymentId: 'dep-1', note: 'a=b, with "quotes" and , commas' });
    assert.deepEqual(submitted?.labels, labels);
    assert.equal(argo.requests.at(-1)?.authorization, `Bearer ${FAKE_ARGO_TOKEN}`);

    const fresh = await client().get(name);
    assert.equal(fresh?.phase, '');
    assert.equal(fresh?.finishedAt, null);
    assert.equal(fresh?.parameters.deploymentId, 'dep-1');

    argo.setPhase(name, 'Failed', 'child "x" failed');
    const done = await client().get(name);
    assert.equal(done?.phase, 'Failed');
    assert.equal(done?.message, 'child "x" failed');
    assert.ok(done?.finishedAt instanceof Date);

    const listed = await client().list(labels);
    assert.deepEqual(listed.map((w) => w.name), [name]);
    assert.equal(listed[0].labels['dcp.io/kind'], 'scan');
  });

  it('selects by every label: a workflow with one label different is not listed', async () => {
    const a = await client().submit({ template: 't-echo', generateName: 'dcp-phase-', labels: { 'dcp.io/deployment': 'dep-2', 'dcp.io/phase': 'ph-1' }, parameters: { deploymentId: 'dep-2' } });
    await client().submit({ template: 't-echo', generateName: 'dcp-phase-', labels: { 'dcp.io/deployment': 'dep-2', 'dcp.io/phase': 'ph-2' }, parameters: { deploymentId: 'dep-2' } });
    const found = await client().list({ 'dcp.io/deployment': 'dep-2', 'dcp.io/phase': 'ph-1' });
    assert.deepEqual(found.map((w) => w.name), [a.name]);
    const query = argo.requests.at(-1)?.path ?? '';
    assert.equal(new URL(query, 'http://x').searchParams.get('listOptions.labelSelector'), 'dcp.io/deployment=dep-2,dcp.io/phase=ph-1');
    assert.deepEqual(await client().list({ 'dcp.io/deployment': 'nobody' }), []);
  });

  it('get of an unknown workflow is null; stop records the stop, and stop of a gone or finished one is fine', async () => {
    assert.equal(await client().get('dcp-phase-zzzzz'), null);
    const { name } = await client().submit({ template: 't-echo', generateName: 'dcp-phase-', labels: {}, parameters: { deploymentId: 'd' } });
    argo.setPhase(name, 'Running');
    await client().stop(name, 'cancelled by alice');
    assert.equal(argo.stopped(name), true);
    assert.equal(argo.workflow(name)?.stopMessage, 'cancelled by alice');
    argo.setPhase(name, 'Failed', "Stopped with strategy 'Stop'");
    await client().stop(name); // completed: Argo's "cannot shutdown a completed workflow" is not an error here
    argo.delete(name);
    await client().stop(name);
    assert.equal(await client().get(name), null);
  });

  it('sorts failures: 401 and an unknown template are permanent, 503, 429 and a closed port retryable', async () => {
    const wrong = createArgoClient({ url: argo.url, namespace: 'argo', token: 'wrong' });
    await assert.rejects(wrong.list({}), (e: unknown) => e instanceof PermanentIntegrationError && /401.*token not valid/.test(e.message));
    const none = createArgoClient({ url: argo.url, namespace: 'argo' });
    await assert.rejects(none.get('x'), PermanentIntegrationError);

    await assert.rejects(
      client().submit({ template: 'no-such', generateName: 'x-', labels: {}, parameters: {} }),
      (e: unknown) => e instanceof PermanentIntegrationError && /404.*workflowtemplates.argoproj.io "no-such" not found/.test(e.message),
    );
    await assert.rejects(
      client().submit({ template: 't-echo', generateName: 'x-', labels: {}, parameters: { deploymentId: 'd', undeclared: 'v' } }),
      (e: unknown) => e instanceof PermanentIntegrationError && /400.*undeclared/.test(e.message),
    );

    argo.failNext(1, 503);
    await assert.rejects(client().list({}), RetryableIntegrationError);
    argo.failNext(1, 429);
    await assert.rejects(client().list({}), RetryableIntegrationError);
    argo.failNext(1, 409);
    await assert.rejects(client().list({}), PermanentIntegrationError);

    await argo.down();
    await assert.rejects(client().list({}), (e: unknown) => e instanceof RetryableIntegrationError && /503/.test(e.message));
    await argo.down('refuse');
    // A pooled keep-alive socket sees "other side closed", a new one ECONNREFUSED: both are the network.
    await assert.rejects(client().list({}), (e: unknown) => e instanceof RetryableIntegrationError && /fetch failed/.test(e.message));
    await assert.rejects(client().list({}), (e: unknown) => e instanceof RetryableIntegrationError && /ECONNREFUSED/.test(e.message));
    await argo.up();
    await client().list({});

    const silent = await servers.silent();
    const slow = createArgoClient({ url: silent, namespace: 'argo', timeoutMs: 50 });
    await assert.rejects(slow.get('x'), (e: unknown) => e instanceof RetryableIntegrationError && /timed out/.test(e.message));
  });

  it('the fake refuses what Argo would: an unknown body field, an unknown path, an unknown query parameter', async () => {
    const post = (p: string, body: unknown) =>
      fetch(`${argo.url}${p}`, { method: 'POST', headers: { Authorization: `Bearer ${FAKE_ARGO_TOKEN}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const typo = await post('/api/v1/workflows/argo/submit', {
      namespace: 'argo',
      resourceKind: 'WorkflowTemplate',
      resourceName: 't-echo',
      submitOptions: { generateName: 'x-', parameter: ['deploymentId=d'] },
    });
    assert.equal(typo.status, 400);
    const error = (await typo.json()) as { code: number; message: string };
    assert.equal(error.code, 3);
    assert.match(error.message, /parameter/);

    const wrongType = await post('/api/v1/workflows/argo/submit', { resourceKind: 'WorkflowTemplate', resourceName: 't-echo', submitOptions: { labels: { a: 'b' } } });
    assert.equal(wrongType.status, 400);

    assert.equal((await post('/api/v1/workflow/argo/submit', {})).status, 404);
    const query = await fetch(`${argo.url}/api/v1/workflows/argo?labelSelector=a=b`, { headers: { Authorization: `Bearer ${FAKE_ARGO_TOKEN}` } });
    assert.equal(query.status, 400);
    const stopTypo = await fetch(`${argo.url}/api/v1/workflows/argo/x/stop`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${FAKE_ARGO_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'x', reason: 'nope' }),
    });
    assert.equal(stopTypo.status, 400);
  });

  it('refuses labels that are not Kubernetes labels before calling Argo', async () => {
    const before = argo.requests.length;
    await assert.rejects(client().list({ 'dcp.io/deployment': 'a,b=c' }), PermanentIntegrationError);
    assert.equal(argo.requests.length, before);
  });
});
