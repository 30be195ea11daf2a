/**
 * A fake Argo Server for tests: a local HTTP server (127.0.0.1, a free port) that speaks the part
 * of the Argo Server REST API DCP uses, checked against Argo's own Swagger document
 * (test/fixtures/argo-workflows/swagger.json, patched by ./argo-schema.ts so unknown fields fail):
 *
 *   POST /api/v1/workflows/{namespace}/submit      body: WorkflowSubmitRequest → Workflow
 *   GET  /api/v1/workflows/{namespace}             ?listOptions.labelSelector=k=v,… → WorkflowList
 *   GET  /api/v1/workflows/{namespace}/{name}      → Workflow, 404 when unknown
 *   PUT  /api/v1/workflows/{namespace}/{name}/stop body: WorkflowStopRequest → Workflow
 *
 * Like Argo: a request whose path is not one of the Swagger paths, whose method it does not
 * define, with a query parameter the operation does not declare, or with a body that fails the
 * operation's body schema is refused (400/404/405) with grpc-gateway's `{ code, message }` body.
 * Submit loads the WorkflowTemplate from `templatesDir` (the shipped deploy/argo/ by default):
 * an unknown template is a 404 (`workflowtemplates.argoproj.io "x" not found`); a parameter the
 * template does not declare, or a declared one without a default that is not given, is a 400
 * (Argo's validation refuses the second, "spec.arguments.X.value is required"; for the first we
 * found no refusal in Argo — it would likely become an unused global parameter — so the fake
 * refuses it, so DCP never sends one the templates do not read). Workflow names are
 * generateName + 5 random characters. Stop of a finished workflow answers as Argo does
 * (500, "cannot shutdown a completed workflow: …").
 *
 * Test controls: `workflows()`, `waitForWorkflow`, `setPhase`, `delete`, `down`/`up` (503 or
 * refused connections), `failNext`, `stopped`, and `play` (./argo-play.ts): DCP's callbacks as the
 * shipped templates would send them, to the callbackUrl DCP submitted.
 *
 * End to end (DCP wired with DCP_ARGO_URL = argo.url and a reachable DCP_PUBLIC_URL):
 *   const argo = await startFakeArgo({ namespace: 'argo', token: FAKE_ARGO_TOKEN });
 *   // … post a build; DCP submits the phase …
 *   const wf = await argo.waitForWorkflow((w) => w.labels['dcp.io/phase'] === phaseId);
 *   argo.setPhase(wf.name, 'Running');
 *   const played = await argo.play(wf.name, { releases: { [releaseId]: { status: 'Failed', detail: 'helm: timeout' } } });
 *   // played.callbacks[i].status: DCP's answers (204 expected); the workflow now ends Failed, so a
 *   // reconcile reads the same outcome. `'drop'` loses a callback to exercise reconcile instead.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { parseAllDocuments } from 'yaml';
import { argoSwagger, type SwaggerOperation } from './argo-schema.ts';
import { playWorkflow, type PlayResult, type PlayScript, type ShippedTemplate } from './argo-play.ts';

export const FAKE_ARGO_TOKEN = 'argo-sa-token-123';

/** deploy/argo/ of this checkout, whatever the working directory. */
const SHIPPED_TEMPLATES = fileURLToPath(new URL('../../deploy/argo/', import.meta.url));

export type FakePhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Error' | '';

export interface FakeWorkflow {
  name: string;
  template: string;
  generateName: string;
  labels: Record<string, string>;
  parameters: Record<string, string>;
  phase: FakePhase;
  message: string | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** Whether stop was called (and accepted). */
  stopped: boolean;
  /** The stop request's message, when it had one. */
  stopMessage: string | null;
}

export interface FakeArgoOptions {
  namespace: string;
  /** When set, every request needs `Authorization: Bearer <token>` (else 401). */
  token?: string;
  /** Where the WorkflowTemplates are read from (every *.yaml; documents of kind WorkflowTemplate). Default: the shipped deploy/argo/. */
  templatesDir?: string;
}

export interface FakeArgo {
  url: string;
  namespace: string;
  /** What was submitted (and not deleted), in submit order. */
  workflows(): FakeWorkflow[];
  workflow(name: string): FakeWorkflow | undefined;
  /** Resolves with the first workflow (already submitted or still to come) that satisfies `predicate` — no polling. */
  waitForWorkflow(predicate: (workflow: FakeWorkflow) => boolean): Promise<FakeWorkflow>;
  /** Moves a workflow, as the controller would; a terminal phase sets finishedAt. */
  setPhase(name: string, phase: FakePhase, message?: string): void;
  /** The workflow is gone (deleted, garbage-collected): get → 404, not listed. */
  delete(name: string): void;
  /** `mode: '503'` (default): every request answers 503; `'refuse'`: the port is closed. */
  down(mode?: '503' | 'refuse'): Promise<void>;
  up(): Promise<void>;
  /** The next `n` requests answer `status` (default 503) with Argo's error body. */
  failNext(n: number, status?: number): void;
  /**
   * The next `n` submits are carried out but their answers never arrive (the connection is cut):
   * the window between Argo creating a workflow and DCP committing that it did.
   */
  loseSubmitAnswers(n: number): void;
  /** Resolves with the first request (already received or still to come) that satisfies `predicate` — no polling. */
  waitForRequest(predicate: (request: FakeArgo['requests'][number]) => boolean): Promise<FakeArgo['requests'][number]>;
  stopped(name: string): boolean;
  /** Calls DCP's callbacks as the shipped template would (see ./argo-play.ts) and sets the final phase. */
  play(name: string, script?: PlayScript): Promise<PlayResult>;
  /** Every request as received (method, path with query, body), for assertions. */
  requests: { method: string; path: string; authorization: string | undefined; body: unknown }[];
  close(): Promise<void>;
}

/** grpc codes as grpc-gateway maps them to HTTP. */
const GRPC = { 400: 3, 401: 16, 403: 7, 404: 5, 405: 12, 409: 6, 429: 8, 500: 13, 503: 14 } as Record<number, number>;

class ArgoError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  swaggerPath: string;
  operation: SwaggerOperation;
  validateBody: ValidateFunction | null;
}

/** Loads the WorkflowTemplates of a folder, by metadata.name. */
export function loadTemplates(dir: string): Map<string, ShippedTemplate> {
  const templates = new Map<string, ShippedTemplate>();
  for (const file of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
    for (const document of parseAllDocuments(readFileSync(path.join(dir, file), 'utf8'))) {
      const object = document.toJS() as ShippedTemplate | null;
      if (object && object.kind === 'WorkflowTemplate') templates.set(object.metadata.name, object);
    }
  }
  return templates;
}

let compiledRoutes: Route[] | null = null;

/** The Swagger paths as routes, with the body schemas compiled once per process. */
function routes(): Route[] {
  if (compiledRoutes) return compiledRoutes;
  const swagger = argoSwagger();
  const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
  ajv.addSchema({ $id: 'argo-swagger', definitions: swagger.definitions });
  const result: Route[] = [];
  for (const [swaggerPath, methods] of Object.entries(swagger.paths)) {
    const names: string[] = [];
    const pattern = new RegExp(
      `^${swaggerPath.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([^}]+)\}/g, (_, name: string) => {
        names.push(name);
        return '([^/]+)';
      })}$`,
    );
    for (const [method, operation] of Object.entries(methods)) {
      const body = operation.parameters?.find((p) => p.in === 'body');
      // Only the bodies DCP sends are compiled (compiling all of them would take seconds).
      const wanted = swaggerPath === '/api/v1/workflows/{namespace}/submit' || swaggerPath === '/api/v1/workflows/{namespace}/{name}/stop';
      const validateBody = body?.schema && wanted ? ajv.compile({ $ref: `argo-swagger${body.schema.$ref}` }) : null;
      result.push({ method: method.toUpperCase(), pattern, names, swaggerPath, operation, validateBody });
    }
  }
  // Literal segments win over parameters (`/submit` is not a workflow named "submit").
  result.sort((a, b) => a.names.length - b.names.length);
  compiledRoutes = result;
  return result;
}

export async function startFakeArgo(options: FakeArgoOptions): Promise<FakeArgo> {
  const namespace = options.namespace;
  const templatesDir = options.templatesDir ?? SHIPPED_TEMPLATES;
  const store = new Map<string, FakeWorkflow>();
  const requests: FakeArgo['requests'] = [];
  const waiters = new Set<{ predicate: (wf: FakeWorkflow) => boolean; resolve: (wf: FakeWorkflow) => void }>();
  type Received = FakeArgo['requests'][number];
  const requestWaiters = new Set<{ predicate: (r: Received) => boolean; resolve: (r: Received) => void }>();
  let lostAnswers = 0;
  const copy = (wf: FakeWorkflow): FakeWorkflow => ({ ...wf, labels: { ...wf.labels }, parameters: { ...wf.parameters } });
  let failures: { remaining: number; status: number } = { remaining: 0, status: 503 };
  let unavailable = false;
  let port = 0;

  function workflowObject(wf: FakeWorkflow): Record<string, unknown> {
    const status: Record<string, unknown> = {};
    if (wf.phase !== '') status.phase = wf.phase;
    if (wf.startedAt) status.startedAt = wf.startedAt.toISOString();
    if (wf.finishedAt) status.finishedAt = wf.finishedAt.toISOString();
    if (wf.message) status.message = wf.message;
    return {
      metadata: {
        name: wf.name,
        generateName: wf.generateName,
        namespace,
        uid: `uid-${wf.name}`,
        resourceVersion: '1',
        creationTimestamp: (wf.startedAt ?? new Date()).toISOString(),
        labels: { ...wf.labels, 'workflows.argoproj.io/workflow-template': wf.template, ...(wf.phase ? { 'workflows.argoproj.io/phase': wf.phase } : {}) },
      },
      spec: {
        workflowTemplateRef: { name: wf.template },
        arguments: { parameters: Object.entries(wf.parameters).map(([name, value]) => ({ name, value })) },
        ...(wf.stopped ? { shutdown: 'Stop' } : {}),
      },
      status,
    };
  }

  function find(name: string): FakeWorkflow {
    const wf = store.get(name);
    if (!wf) throw new ArgoError(404, `workflows.argoproj.io "${name}" not found`);
    return wf;
  }

  function parseKeyValues(text: string, what: string): Record<string, string> {
    const result: Record<string, string> = {};
    if (text === '') return result;
    for (const pair of text.split(',')) {
      const at = pair.indexOf('=');
      if (at <= 0) throw new ArgoError(400, `${what}: "${pair}" is not key=value`);
      result[pair.slice(0, at)] = pair.slice(at + 1).replace(/^=/, '');
    }
    return result;
  }

  function submit(body: Record<string, unknown>, pathNamespace: string): FakeWorkflow {
    if (body.namespace !== undefined && body.namespace !== pathNamespace) {
      throw new ArgoError(400, `the namespace of the request (${String(body.namespace)}) and of the path (${pathNamespace}) differ`);
    }
    if (body.resourceKind !== 'WorkflowTemplate') throw new ArgoError(400, `resourceKind "${String(body.resourceKind)}" is not supported by this fake (DCP submits a WorkflowTemplate)`);
    const templateName = String(body.resourceName ?? '');
    const template = loadTemplates(templatesDir).get(templateName);
    if (!template) throw new ArgoError(404, `workflowtemplates.argoproj.io "${templateName}" not found`);
    const opts = (body.submitOptions ?? {}) as { generateName?: string; labels?: string; parameters?: string[] };
    const parameters: Record<string, string> = {};
    for (const entry of opts.parameters ?? []) {
      const at = entry.indexOf('=');
      if (at <= 0) throw new ArgoError(400, `expected parameter of the form: NAME=VALUE. Received: ${entry}`);
      parameters[entry.slice(0, at)] = entry.slice(at + 1);
    }
    const declared = template.spec.arguments?.parameters ?? [];
    for (const name of Object.keys(parameters)) {
      if (!declared.some((p) => p.name === name)) throw new ArgoError(400, `parameter "${name}" is not declared by WorkflowTemplate "${templateName}" (spec.arguments.parameters)`);
    }
    for (const p of declared) {
      if (parameters[p.name] === undefined && p.value === undefined) throw new ArgoError(400, `spec.arguments.${p.name}.value is required`);
    }
    const generateName = opts.generateName ?? `${templateName}-`;
    let name: string;
    do name = `${generateName}${randomSuffix()}`;
    while (store.has(name));
    const wf: FakeWorkflow = {
      name,
      template: templateName,
      generateName,
      labels: parseKeyValues(opts.labels ?? '', 'labels'),
      parameters,
      phase: '',
      message: null,
      startedAt: new Date(),
      finishedAt: null,
      stopped: false,
      stopMessage: null,
    };
    store.set(name, wf);
    for (const waiter of waiters) {
      if (waiter.predicate(copy(wf))) {
        waiters.delete(waiter);
        waiter.resolve(copy(wf));
      }
    }
    return wf;
  }

  function list(query: URLSearchParams): Record<string, unknown> {
    const selector = parseKeyValues(query.get('listOptions.labelSelector') ?? '', 'labelSelector');
    const items = [...store.values()].filter((wf) => {
      const labels = workflowObject(wf).metadata as { labels: Record<string, string> };
      return Object.entries(selector).every(([k, v]) => labels.labels[k] === v);
    });
    // grpc-gateway leaves an empty repeated field out as null.
    return { metadata: { resourceVersion: '1' }, items: items.length === 0 ? null : items.map(workflowObject) };
  }

  function stop(wf: FakeWorkflow, body: Record<string, unknown>): FakeWorkflow {
    if (body.name !== undefined && body.name !== wf.name) throw new ArgoError(400, 'the name of the request and of the path differ');
    if (wf.phase === 'Succeeded' || wf.phase === 'Failed' || wf.phase === 'Error') {
      throw new ArgoError(500, `cannot shutdown a completed workflow: workflow: "${wf.name}", namespace: "${namespace}"`);
    }
    wf.stopped = true;
    wf.stopMessage = typeof body.message === 'string' ? body.message : null;
    return wf;
  }

  async function handle(req: http.IncomingMessage): Promise<{ status: number; body: unknown }> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const text = await readBody(req);
    let body: unknown = undefined;
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        throw new ArgoError(400, 'the request body is not JSON');
      }
    }
    const received = { method: req.method ?? '', path: `${url.pathname}${url.search}`, authorization: req.headers.authorization, body };
    requests.push(received);
    for (const waiter of requestWaiters) {
      if (waiter.predicate(received)) {
        requestWaiters.delete(waiter);
        waiter.resolve(received);
      }
    }
    if (unavailable) throw new ArgoError(503, 'upstream connect error or disconnect/reset before headers');
    if (failures.remaining > 0) {
      failures.remaining -= 1;
      throw new ArgoError(failures.status, `injected failure (HTTP ${failures.status})`);
    }
    if (options.token !== undefined && req.headers.authorization !== `Bearer ${options.token}`) {
      throw new ArgoError(401, 'token not valid. see https://argo-workflows.readthedocs.io/en/latest/faq/');
    }
    const candidates = routes().filter((r) => r.pattern.test(url.pathname));
    if (candidates.length === 0) throw new ArgoError(404, 'Not Found');
    const route = candidates.find((r) => r.method === req.method);
    if (!route) throw new ArgoError(405, 'Method Not Allowed');
    const match = route.pattern.exec(url.pathname) as RegExpExecArray;
    const params = Object.fromEntries(route.names.map((n, i) => [n, decodeURIComponent(match[i + 1])]));
    const declaredQuery = new Set((route.operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name));
    for (const key of url.searchParams.keys()) {
      if (!declaredQuery.has(key)) throw new ArgoError(400, `unknown query parameter "${key}" for ${route.method} ${route.swaggerPath}`);
    }
    if (route.validateBody) {
      if (body === undefined) throw new ArgoError(400, 'the request needs a body');
      if (!route.validateBody(body)) {
        const issue = route.validateBody.errors?.[0];
        const field = issue?.params && 'additionalProperty' in issue.params ? ` "${String(issue.params.additionalProperty)}"` : '';
        throw new ArgoError(400, `proto: invalid request body: ${issue?.instancePath || '/'} ${issue?.message ?? 'is invalid'}${field}`);
      }
    }
    if (params.namespace !== undefined && params.namespace !== namespace) {
      // Argo lists nothing from a namespace DCP's workflows are not in; the fake keeps one namespace.
      if (route.method === 'GET' && route.swaggerPath === '/api/v1/workflows/{namespace}') return { status: 200, body: { metadata: {}, items: null } };
      throw new ArgoError(404, `namespace "${params.namespace}" holds no workflows in this fake`);
    }
    const key = `${route.method} ${route.swaggerPath}`;
    switch (key) {
      case 'POST /api/v1/workflows/{namespace}/submit':
        return { status: 200, body: workflowObject(submit(body as Record<string, unknown>, params.namespace)) };
      case 'GET /api/v1/workflows/{namespace}':
        return { status: 200, body: list(url.searchParams) };
      case 'GET /api/v1/workflows/{namespace}/{name}':
        return { status: 200, body: workflowObject(find(params.name)) };
      case 'PUT /api/v1/workflows/{namespace}/{name}/stop':
        return { status: 200, body: workflowObject(stop(find(params.name), body as Record<string, unknown>)) };
      default:
        throw new ArgoError(501, `${key} is a real Argo Server call this fake does not implement`);
    }
  }

  const server = http.createServer((req, res) => {
    handle(req).then(
      ({ status, body }) => {
        if (lostAnswers > 0 && req.method === 'POST' && req.url?.endsWith('/submit') && status === 200) {
          lostAnswers -= 1;
          res.destroy();
          return;
        }
        send(res, status, body);
      },
      (error: unknown) => {
        const status = error instanceof ArgoError ? error.status : 500;
        const message = error instanceof Error ? error.message : String(error);
        send(res, status, { code: GRPC[status] ?? 2, message, details: [] });
      },
    );
  });

  async function listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    port = (server.address() as AddressInfo).port;
  }
  async function shut(): Promise<void> {
    if (!server.listening) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  await listen();
  const url = `http://127.0.0.1:${port}`;

  function setPhase(name: string, phase: FakePhase, message?: string): void {
    const wf = find(name);
    wf.phase = phase;
    if (message !== undefined) wf.message = message;
    wf.finishedAt = phase === 'Succeeded' || phase === 'Failed' || phase === 'Error' ? new Date() : null;
  }

  return {
    url,
    namespace,
    requests,
    workflows: () => [...store.values()].map(copy),
    workflow: (name) => {
      const wf = store.get(name);
      return wf ? copy(wf) : undefined;
    },
    waitForWorkflow(predicate) {
      const found = [...store.values()].map(copy).find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => waiters.add({ predicate, resolve }));
    },
    setPhase,
    delete(name) {
      find(name);
      store.delete(name);
    },
    async down(mode = '503') {
      if (mode === 'refuse') await shut();
      else unavailable = true;
    },
    async up() {
      unavailable = false;
      if (!server.listening) await listen();
    },
    failNext(n, status = 503) {
      failures = { remaining: n, status };
    },
    loseSubmitAnswers(n) {
      lostAnswers = n;
    },
    waitForRequest(predicate) {
      const found = requests.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => requestWaiters.add({ predicate, resolve }));
    },
    stopped: (name) => store.get(name)?.stopped ?? false,
    async play(name, script = {}) {
      const wf = find(name);
      const template = loadTemplates(templatesDir).get(wf.template);
      if (!template) throw new Error(`play: the WorkflowTemplate "${wf.template}" is no longer in ${templatesDir}`);
      const result = await playWorkflow(template, { name: wf.name, parameters: wf.parameters, stopped: wf.stopped }, script);
      setPhase(name, result.phase, result.message ?? undefined);
      return result;
    },
    close: shut,
  };
}

function randomSuffix(): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  return [...randomBytes(5)].map((b) => alphabet[b % alphabet.length]).join('');
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
