/**
 * The Argo Server client: the four calls DCP's Argo executor makes (contract §9), over the Argo
 * Server's REST API (grpc-gateway; `api/openapi-spec/swagger.json` of argoproj/argo-workflows).
 *
 *   submit  POST /api/v1/workflows/{namespace}/submit        WorkflowSubmitRequest
 *           { namespace, resourceKind: "WorkflowTemplate", resourceName,
 *             submitOptions: { generateName, labels: "k=v,k2=v2", parameters: ["NAME=VALUE", …] } }
 *   list    GET  /api/v1/workflows/{namespace}?listOptions.labelSelector=k=v,k2=v2
 *   get     GET  /api/v1/workflows/{namespace}/{name}        404 → null
 *   stop    PUT  /api/v1/workflows/{namespace}/{name}/stop   WorkflowStopRequest { namespace, name, message? }
 *           (stop, not terminate: exit handlers still run, so a stopped phase still reports); 404 → done
 *
 * Answers are Workflow objects; only domain data leaves this module (`WorkflowSummary`).
 *
 * Errors: Argo answers failures as `{ code, message }` (grpc-gateway's runtime.Error); the message
 * is kept. Network failures, timeouts, 429 and 5xx → RetryableIntegrationError; 400, 401, 403,
 * 404 (submit: no such template), 409, 422 and other 4xx, and bodies that are not the expected
 * JSON → PermanentIntegrationError.
 */
import { PermanentIntegrationError, RetryableIntegrationError } from '../../core/errors.ts';
import { isObject, snippet, describeCause } from '../vendor-text.ts';

export type WorkflowPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Error' | '';

export interface WorkflowSummary {
  name: string;
  /** `status.phase`; '' while the controller has not yet picked the workflow up. */
  phase: WorkflowPhase;
  /** `status.message` (e.g. why it failed), null when absent. */
  message: string | null;
  labels: Record<string, string>;
  /** `spec.arguments.parameters` as submitted. */
  parameters: Record<string, string>;
  finishedAt: Date | null;
}

export interface SubmitRequest {
  /** The WorkflowTemplate's name (`dcp-scan-wait`, `dcp-phase`). */
  template: string;
  /** e.g. `dcp-phase-`; Argo appends a random suffix. */
  generateName: string;
  labels: Record<string, string>;
  parameters: Record<string, string>;
}

export interface ArgoClient {
  submit(request: SubmitRequest): Promise<{ name: string }>;
  list(labels: Record<string, string>): Promise<WorkflowSummary[]>;
  get(name: string): Promise<WorkflowSummary | null>;
  stop(name: string, message?: string): Promise<void>;
}

export interface ArgoClientOptions {
  /** The Argo Server, e.g. `https://argo.example.com:2746`. */
  url: string;
  namespace: string;
  /** Sent as `Authorization: Bearer <token>` (a service account token); none when null/absent. */
  token?: string | null;
  fetch?: typeof fetch;
  /** Per call, including reading the body. Default 10 s. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const PHASES = new Set<string>(['Pending', 'Running', 'Succeeded', 'Failed', 'Error', '']);
/** A Kubernetes label key (optional DNS prefix + name) and value; checked before they reach a selector. */
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

export function createArgoClient(options: ArgoClientOptions): ArgoClient {
  const baseUrl = options.url.replace(/\/+$/, '');
  const namespace = options.namespace;
  const doFetch = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const workflowsPath = `/api/v1/workflows/${encodeURIComponent(namespace)}`;

  /**
   * One call; the HTTP status and parsed JSON body, or the right integration error. A failure
   * `tolerated(status, message)` accepts is returned as `{ status, json: null }` instead.
   */
  async function call(
    what: string,
    method: string,
    path: string,
    body?: unknown,
    tolerated: (status: number, message: string) => boolean = () => false,
  ): Promise<{ status: number; json: unknown }> {
    const label = `Argo ${what} (${method} ${path.split('?')[0]})`;
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (options.token) headers.Authorization = `Bearer ${options.token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let status: number;
    let text: string;
    try {
      const response = await doFetch(`${baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      if (name === 'TimeoutError' || name === 'AbortError') {
        throw new RetryableIntegrationError(`${label} timed out after ${timeoutMs} ms`);
      }
      const reason = error instanceof Error ? describeCause(error) : String(error);
      throw new RetryableIntegrationError(`${label} failed: ${reason}`);
    }
    if (status < 200 || status > 299) {
      const argoMessage = errorMessage(text);
      if (tolerated(status, argoMessage)) return { status, json: null };
      const message = `${label} failed with HTTP ${status}${argoMessage}`;
      if (status === 429 || status >= 500) throw new RetryableIntegrationError(message);
      if (status === 401 || status === 403) {
        throw new PermanentIntegrationError(`${message} — check DCP_ARGO_TOKEN and the role bound to its service account (deploy/argo/rbac.yaml)`);
      }
      if (status === 404 && what === 'submit') {
        throw new PermanentIntegrationError(`${message} — is the WorkflowTemplate installed in namespace "${namespace}" (kubectl apply -n ${namespace} -f deploy/argo/)?`);
      }
      throw new PermanentIntegrationError(message);
    }
    try {
      return { status, json: JSON.parse(text) as unknown };
    } catch {
      throw new PermanentIntegrationError(`${label} answered HTTP ${status} with a body that is not JSON: ${snippet(text)}`);
    }
  }

  function summary(what: string, workflow: unknown): WorkflowSummary {
    const summarised = toSummary(workflow);
    if (!summarised) throw new PermanentIntegrationError(`Argo ${what} answered with something that is not a Workflow (no metadata.name)`);
    return summarised;
  }

  return {
    async submit(request) {
      const labels = labelList(request.labels);
      const parameters = Object.entries(request.parameters).map(([name, value]) => {
        // Argo splits NAME=VALUE at the first '=': a name must not contain one; a value may.
        if (name === '' || name.includes('=')) throw new PermanentIntegrationError(`Argo submit: the parameter name "${name}" is empty or contains "="`);
        return `${name}=${value}`;
      });
      const { json } = await call('submit', 'POST', `${workflowsPath}/submit`, {
        namespace,
        resourceKind: 'WorkflowTemplate',
        resourceName: request.template,
        submitOptions: { generateName: request.generateName, labels, parameters },
      });
      return { name: summary('submit', json).name };
    },

    async list(labels) {
      const selector = labelList(labels);
      const query = selector === '' ? '' : `?${new URLSearchParams({ 'listOptions.labelSelector': selector }).toString()}`;
      const { json } = await call('list workflows', 'GET', `${workflowsPath}${query}`);
      // An empty list is `{ metadata: {}, items: null }` — grpc-gateway drops empty arrays to null.
      const items = isObject(json) ? json.items : undefined;
      if (items === null || items === undefined) {
        if (isObject(json)) return [];
        throw new PermanentIntegrationError('Argo list workflows answered without a WorkflowList');
      }
      if (!Array.isArray(items)) throw new PermanentIntegrationError('Argo list workflows answered with "items" that is not a list');
      return items.map((item) => summary('list workflows', item));
    },

    async get(name) {
      const { status, json } = await call('get workflow', 'GET', `${workflowsPath}/${encodeURIComponent(name)}`, undefined, (status) => status === 404);
      return status === 404 ? null : summary('get workflow', json);
    },

    async stop(name, message) {
      const body: Record<string, string> = { namespace, name };
      if (message !== undefined && message !== '') body.message = message;
      // Nothing to stop: 404, the workflow is gone (deleted, or garbage-collected after it finished);
      // or it has completed already — Argo refuses that with "cannot shutdown a completed workflow"
      // (util.AlreadyShutdownError, answered as an internal error, so by its message).
      await call('stop workflow', 'PUT', `${workflowsPath}/${encodeURIComponent(name)}/stop`, body, (status, message) =>
        status === 404 || message.includes('cannot shutdown a completed workflow'),
      );
    },
  };
}

/** `k=v,k2=v2`, the form of both `submitOptions.labels` and a label selector; keys and values checked. */
function labelList(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([key, value]) => {
      if (!LABEL_KEY.test(key) || !LABEL_VALUE.test(value)) {
        throw new PermanentIntegrationError(`Argo: "${key}=${value}" is not a valid Kubernetes label (keys and values: up to 63 of [A-Za-z0-9-_.], starting and ending alphanumeric)`);
      }
      return `${key}=${value}`;
    })
    .join(',');
}

/** A Workflow object → the domain summary; null when it has no name. */
function toSummary(workflow: unknown): WorkflowSummary | null {
  if (!isObject(workflow)) return null;
  const metadata = isObject(workflow.metadata) ? workflow.metadata : {};
  const name = typeof metadata.name === 'string' ? metadata.name : '';
  if (name === '') return null;
  const labels: Record<string, string> = {};
  if (isObject(metadata.labels)) {
    for (const [key, value] of Object.entries(metadata.labels)) if (typeof value === 'string') labels[key] = value;
  }
  const parameters: Record<string, string> = {};
  const spec = isObject(workflow.spec) ? workflow.spec : {};
  const args = isObject(spec.arguments) ? spec.arguments : {};
  if (Array.isArray(args.parameters)) {
    for (const parameter of args.parameters) {
      if (isObject(parameter) && typeof parameter.name === 'string') {
        parameters[parameter.name] = typeof parameter.value === 'string' ? parameter.value : '';
      }
    }
  }
  const status = isObject(workflow.status) ? workflow.status : {};
  const rawPhase = typeof status.phase === 'string' ? status.phase : '';
  // A phase this client does not know (a newer Argo) reads as '' (not started/unknown) rather than failing the read.
  const phase = (PHASES.has(rawPhase) ? rawPhase : '') as WorkflowPhase;
  const message = typeof status.message === 'string' && status.message !== '' ? status.message : null;
  let finishedAt: Date | null = null;
  if (typeof status.finishedAt === 'string' && status.finishedAt !== '') {
    const date = new Date(status.finishedAt);
    if (!Number.isNaN(date.getTime())) finishedAt = date;
  }
  return { name, phase, message, labels, parameters, finishedAt };
}

/** grpc-gateway's error body: `{ code, message, details }` (older servers: `{ error, code, message }`). */
function errorMessage(text: string): string {
  try {
    const body: unknown = JSON.parse(text);
    if (isObject(body)) {
      const message = typeof body.message === 'string' && body.message !== '' ? body.message : typeof body.error === 'string' ? body.error : '';
      if (message !== '') return `: ${message}`;
    }
  } catch {
    // not JSON: fall through to a snippet of the text
  }
  return text.trim() === '' ? '' : `: ${snippet(text)}`;
}

