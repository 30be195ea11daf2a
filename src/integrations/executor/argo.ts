/**
 * The Argo executor (DCP_EXECUTOR=argo, contract §9): the scan wait and each phase run as
 * workflows from DCP's WorkflowTemplates (deploy/argo/), submitted through the Argo Server's REST
 * API (argo-client.ts). Every workflow carries the labels `dcp.io/deployment`, `dcp.io/kind` and,
 * for a phase, `dcp.io/phase`: `find` looks a workflow up by them, which is how DCP never submits
 * one twice. Parameters are strings (Argo's `NAME=VALUE`); JSON where the template reads JSON.
 */
import type { ArgoClient, WorkflowSummary } from './argo-client.ts';
import type { WorkflowExecutor, WorkflowRef, WorkflowState } from './port.ts';

export interface ArgoExecutorOptions {
  client: ArgoClient;
  scanTemplate: string;
  phaseTemplate: string;
}

export function labelsOf(ref: WorkflowRef): Record<string, string> {
  return ref.kind === 'scan'
    ? { 'dcp.io/deployment': ref.deploymentId, 'dcp.io/kind': 'scan' }
    : { 'dcp.io/deployment': ref.deploymentId, 'dcp.io/kind': 'phase', 'dcp.io/phase': ref.phaseId };
}

/** A generateName Kubernetes accepts: lower-case, `[a-z0-9-]`, short enough for Argo's suffixes. */
function generateName(...parts: string[]): string {
  const base = parts.join('-').toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-+/g, '-').slice(0, 40).replace(/^-+|-+$/g, '');
  return `${base || 'dcp'}-`;
}

const ENDED = new Set(['Succeeded', 'Failed', 'Error']);

function stateOf(w: WorkflowSummary): WorkflowState {
  return { name: w.name, phase: ENDED.has(w.phase) ? (w.phase as WorkflowState['phase']) : w.phase === 'Pending' ? 'Pending' : 'Running', message: w.message };
}

export function createArgoExecutor(options: ArgoExecutorOptions): WorkflowExecutor {
  const { client } = options;
  return {
    mode: 'workflow',
    name: 'argo',
    async find(ref) {
      const found = await client.list(labelsOf(ref));
      return found.length > 0 ? stateOf(found[0]) : null;
    },
    async submit(ref, input, callback) {
      const common = { deploymentId: ref.deploymentId, callbackUrl: callback.url, callbackToken: callback.token };
      if (input.kind === 'scan') {
        return client.submit({
          template: options.scanTemplate,
          generateName: generateName('dcp-scan', input.artifact.name),
          labels: labelsOf(ref),
          parameters: { ...common, artifact: JSON.stringify(input.artifact), pollSeconds: String(input.pollSeconds) },
        });
      }
      return client.submit({
        template: options.phaseTemplate,
        generateName: generateName('dcp', input.service, input.environment),
        labels: labelsOf(ref),
        parameters: { ...common, phaseId: input.phaseId, environment: input.environment, service: input.service, releases: JSON.stringify(input.releases) },
      });
    },
    async read(name) {
      const found = await client.get(name);
      return found ? stateOf(found) : null;
    },
    async stop(name, reason) {
      await client.stop(name, reason);
    },
  };
}
