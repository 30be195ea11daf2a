/**
 * The player behind `FakeArgo.play`: runs a shipped WorkflowTemplate (deploy/argo/) the way the
 * Argo controller and agent would, far enough to send DCP's callbacks as the template builds them.
 *
 * It walks the entrypoint's steps (groups in order; `withParam` items, `when`, `continueOn`),
 * renders every HTTP template's url, headers and body with ./argo-expr.ts, and
 *   - for the callbacks (url = the callbackUrl parameter) really POSTs the rendered request to DCP,
 *     unless the script drops it, and records DCP's HTTP status;
 *   - for the other calls answers as the script says the outside world behaves: the artifact API
 *     (`GET …/v1/scans?artifact&version&digest`) and CPC (`PUT|GET …/v1/releases/{key}`; the PUT
 *     body is checked against the CPC contract);
 * then evaluates the template's successCondition on that answer. Retries are not replayed: the
 * answer is the one the last attempt gets (a poll's terminal answer). Then the exit handler runs
 * with `workflow.status` and `workflow.failures` as Argo sets them, and the result says the phase
 * the workflow ends in. Steps run one after another (Argo runs a group's items concurrently):
 * callback order within a group is the items' order.
 *
 * Script:
 *   releases  per releaseId (default 'Succeeded'): 'Succeeded' | 'Failed' | 'Aborted'
 *             | { status, detail? } — what CPC answers; 'drop' — CPC succeeds, its callbacks are lost
 *   scan      { findings } (default { findings: {} }) | { error: detail } | 'drop' (done, callback lost)
 *   phase     'Succeeded' | 'Failed' | 'Error' — forces the workflow's end; 'drop' — the exit
 *             handler's callback is lost (end as the steps make it)
 * A workflow on which stop was called ends Failed with "Stopped with strategy 'Stop'", like Argo.
 */
import { goString, render, type Vars } from './argo-expr.ts';

type Json = Record<string, any>;

export interface ShippedTemplate {
  kind: string;
  metadata: { name: string };
  spec: {
    entrypoint: string;
    onExit?: string;
    arguments?: { parameters?: { name: string; value?: string }[] };
    templates: Json[];
  };
}

export type CpcStatus = 'Succeeded' | 'Failed' | 'Aborted';
export type ReleaseScript = CpcStatus | { status: CpcStatus; detail?: string } | 'drop';

export interface PlayScript {
  releases?: Record<string, ReleaseScript>;
  scan?: { findings: Record<string, number> } | { error: string } | 'drop';
  phase?: 'Succeeded' | 'Failed' | 'Error' | 'drop';
}

export interface PlayedCallback {
  /** The rendered JSON body sent (kind, id, status, … as the template built them). */
  body: Json;
  /** DCP's HTTP answer. */
  status: number;
}

export interface PlayResult {
  phase: 'Succeeded' | 'Failed' | 'Error';
  message: string | null;
  callbacks: PlayedCallback[];
  /** Every HTTP request the workflow would make, rendered (callbacks included, dropped ones too). */
  requests: { method: string; url: string; headers: Record<string, string>; body: unknown }[];
}

interface Node {
  phase: 'Succeeded' | 'Failed' | 'Skipped';
  result: string;
  message: string;
}

interface Failure {
  displayName: string;
  message: string;
  templateName: string;
  phase: 'Failed';
  podName: string;
  finishedAt: string;
}

const CPC_FIELDS = ['chart', 'chartVersion', 'cluster', 'namespace', 'release', 'repository', 'timeoutSeconds'];

export async function playWorkflow(
  template: ShippedTemplate,
  workflow: { name: string; parameters: Record<string, string>; stopped: boolean },
  script: PlayScript = {},
): Promise<PlayResult> {
  const globals: Vars = { 'workflow.name': workflow.name };
  for (const p of template.spec.arguments?.parameters ?? []) {
    const value = workflow.parameters[p.name] ?? p.value;
    if (value === undefined) throw new Error(`play: workflow parameter ${p.name} has no value`);
    globals[`workflow.parameters.${p.name}`] = value;
  }
  const callbackUrl = workflow.parameters.callbackUrl;
  const failures: Failure[] = [];
  const callbacks: PlayedCallback[] = [];
  const requests: PlayResult['requests'] = [];
  const releases = (): Json[] => JSON.parse(String(globals['workflow.parameters.releases'] ?? '[]')) as Json[];

  function templateNamed(name: string): Json {
    const found = template.spec.templates.find((t) => t.name === name);
    if (!found) throw new Error(`play: ${template.metadata.name} has no template "${name}"`);
    return found;
  }

  function dropped(body: Json): boolean {
    if (body.kind === 'release') return script.releases?.[String(body.id)] === 'drop';
    if (body.kind === 'phase') return script.phase === 'drop';
    if (body.kind === 'scan') return script.scan === 'drop';
    return false;
  }

  function cpcAnswer(method: string, url: URL, body: unknown): { statusCode: number; body: string } {
    const key = decodeURIComponent(url.pathname.split('/').at(-1) ?? '');
    const release = releases().find((r) => r.idempotencyKey === key);
    if (!release) throw new Error(`play: CPC call for key "${key}", which is no release's idempotencyKey`);
    if (method === 'PUT') {
      const fields = typeof body === 'object' && body !== null ? Object.keys(body).sort() : [];
      if (fields.join() !== CPC_FIELDS.join()) throw new Error(`play: the CPC PUT body has fields [${fields}], the CPC API takes [${CPC_FIELDS}]`);
      if (!Number.isInteger((body as Json).timeoutSeconds)) throw new Error('play: the CPC PUT body\'s timeoutSeconds is not an integer');
      return { statusCode: 200, body: JSON.stringify({ key, status: 'Pending', detail: 'accepted', touched: false }) };
    }
    const told = script.releases?.[String(release.releaseId)] ?? 'Succeeded';
    const outcome = told === 'drop' ? { status: 'Succeeded' as const } : typeof told === 'string' ? { status: told } : told;
    const detail = outcome.detail ?? (outcome.status === 'Succeeded' ? `deployed ${release.chart} ${release.chartVersion}` : `release ${outcome.status.toLowerCase()}`);
    return { statusCode: 200, body: JSON.stringify({ key, status: outcome.status, detail, touched: true }) };
  }

  function scanAnswer(url: URL): { statusCode: number; body: string } {
    for (const name of ['artifact', 'version', 'digest']) {
      if (!url.searchParams.get(name)) throw new Error(`play: the scan poll ${url.href} has no ${name}`);
    }
    const scan = script.scan ?? { findings: {} };
    if (scan !== 'drop' && 'error' in scan) return { statusCode: 200, body: JSON.stringify({ status: 'error', detail: scan.error }) };
    return { statusCode: 200, body: JSON.stringify({ status: 'done', findings: scan === 'drop' ? {} : scan.findings }) };
  }

  async function runHttp(t: Json, vars: Vars): Promise<Node> {
    const spec = t.http as Json;
    const method = String(spec.method ?? 'GET');
    const url = render(String(spec.url), vars);
    const headers: Record<string, string> = {};
    for (const h of (spec.headers ?? []) as Json[]) {
      headers[h.name] = h.valueFrom ? `<secret ${h.valueFrom.secretKeyRef.name}/${h.valueFrom.secretKeyRef.key}>` : render(String(h.value), vars);
    }
    const text = spec.body === undefined ? undefined : render(String(spec.body), vars);
    let body: unknown = undefined;
    if (text !== undefined) {
      try {
        body = JSON.parse(text);
      } catch {
        throw new Error(`play: template "${t.name}" renders a body that is not JSON: ${text}`);
      }
    }
    requests.push({ method, url, headers, body });

    let response: { statusCode: number; body: string };
    if (url === callbackUrl) {
      checkCallback(body, workflow.name, t.name);
      checkCallbackId(body as Json, workflow.parameters, releases(), t.name);
      if (dropped(body as Json)) return { phase: 'Succeeded', result: '', message: '' };
      const answer = await fetch(url, { method, headers, body: text });
      response = { statusCode: answer.status, body: await answer.text() };
      callbacks.push({ body: body as Json, status: answer.status });
    } else {
      const parsed = new URL(url);
      if (parsed.pathname.endsWith('/v1/scans')) response = scanAnswer(parsed);
      else if (/\/v1\/releases\/[^/]+$/.test(parsed.pathname)) response = cpcAnswer(method, parsed, body);
      else throw new Error(`play: template "${t.name}" calls ${method} ${url}, which the player does not know`);
    }
    const condition = spec.successCondition as string | undefined;
    const ok = condition
      ? evaluateCondition(condition, { request: { method, url, body: text ?? '', headers }, response: { ...response, headers: {} } })
      : response.statusCode >= 200 && response.statusCode < 300;
    return ok
      ? { phase: 'Succeeded', result: response.body, message: '' }
      : { phase: 'Failed', result: response.body, message: condition ? `successCondition '${condition}' evaluated false` : `received non-2xx response code: ${response.statusCode}` };
  }

  async function runTemplate(name: string, args: Record<string, string>, scope: Vars): Promise<Node> {
    const t = templateNamed(name);
    const vars: Vars = { ...scope };
    for (const p of (t.inputs?.parameters ?? []) as { name: string; value?: string }[]) {
      const value = args[p.name] ?? p.value;
      if (value === undefined) throw new Error(`play: template "${name}" needs input ${p.name}`);
      vars[`inputs.parameters.${p.name}`] = value;
    }
    for (const given of Object.keys(args)) {
      if (!(t.inputs?.parameters ?? []).some((p: Json) => p.name === given)) throw new Error(`play: template "${name}" declares no input "${given}"`);
    }
    if (t.http) return runHttp(t, vars);
    if (!t.steps) throw new Error(`play: template "${name}" is neither steps nor http; the player runs only those`);

    const stepVars: Vars = { ...vars };
    for (const group of t.steps as Json[][]) {
      let failed: string | null = null;
      for (const step of group) {
        const items: unknown[] = step.withParam ? (JSON.parse(render(String(step.withParam), stepVars)) as unknown[]) : [undefined];
        for (const [index, item] of items.entries()) {
          const itemVars: Vars = { ...stepVars };
          if (item !== undefined) {
            itemVars.item = typeof item === 'string' ? item : JSON.stringify(item);
            if (typeof item === 'object' && item !== null) {
              for (const [k, v] of Object.entries(item)) itemVars[`item.${k}`] = typeof v === 'string' ? v : JSON.stringify(v);
            }
          }
          const display = item === undefined ? step.name : `${step.name}(${index}:${goString(item).slice(0, 40)})`;
          let node: Node;
          const when = step.when === undefined ? 'true' : render(String(step.when), itemVars);
          if (when !== 'true' && when !== 'false') throw new Error(`play: step "${step.name}" has a when the player cannot decide: ${when}`);
          if (when === 'false') node = { phase: 'Skipped', result: '', message: '' };
          else {
            const stepArgs: Record<string, string> = {};
            for (const p of (step.arguments?.parameters ?? []) as Json[]) stepArgs[p.name] = render(String(p.value), itemVars);
            node = await runTemplate(step.template, stepArgs, scope);
          }
          stepVars[`steps.${step.name}.status`] = node.phase;
          stepVars[`steps.${step.name}.outputs.result`] = node.result;
          if (node.phase === 'Failed') {
            failures.push({ displayName: display, message: node.message, templateName: step.template, phase: 'Failed', podName: '', finishedAt: new Date().toISOString() });
            if (!step.continueOn?.failed) failed = display;
          }
        }
      }
      if (failed) return { phase: 'Failed', result: '', message: `child '${failed}' failed` };
    }
    return { phase: 'Succeeded', result: '', message: '' };
  }

  const main = await runTemplate(template.spec.entrypoint, {}, globals);
  let phase: PlayResult['phase'] = main.phase === 'Failed' ? 'Failed' : 'Succeeded';
  let message: string | null = main.phase === 'Failed' ? main.message : null;
  if (workflow.stopped) {
    failures.unshift({ displayName: workflow.name, message: "Stopped with strategy 'Stop'", templateName: template.spec.entrypoint, phase: 'Failed', podName: '', finishedAt: new Date().toISOString() });
    phase = 'Failed';
    message = "Stopped with strategy 'Stop'";
  }
  if (script.phase && script.phase !== 'drop') {
    phase = script.phase;
    if (phase !== 'Succeeded' && failures.length === 0) {
      failures.push({ displayName: workflow.name, message: `${phase} (as the test script says)`, templateName: template.spec.entrypoint, phase: 'Failed', podName: '', finishedAt: new Date().toISOString() });
    }
    message = phase === 'Succeeded' ? null : (message ?? `${failures[0].displayName}: ${failures[0].message}`);
  }
  if (template.spec.onExit) {
    const exitVars: Vars = { ...globals, 'workflow.status': phase };
    if (failures.length > 0) exitVars['workflow.failures'] = JSON.stringify(failures);
    await runTemplate(template.spec.onExit, {}, exitVars);
  }
  return { phase, message, callbacks, requests };
}

const KINDS = ['scan', 'phase', 'release'];
const STATUSES = ['Running', 'Succeeded', 'Failed', 'Cancelled'];

/**
 * A rendered callback body must be contract §9's: exactly workflow, kind, id, status, detail (all
 * strings), plus findings (an object of counts) with kind scan and status Succeeded only. A template
 * that renders anything else fails the test that plays it.
 */
export function checkCallback(body: unknown, workflowName: string, templateName: string): void {
  const problem = (what: string) => new Error(`play: template "${templateName}" renders a callback that breaks contract §9: ${what} — ${JSON.stringify(body)}`);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw problem('not a JSON object');
  const b = body as Json;
  const findings = b.kind === 'scan' && b.status === 'Succeeded';
  const expected = ['detail', 'id', 'kind', 'status', 'workflow', ...(findings ? ['findings'] : [])].sort();
  const keys = Object.keys(b).sort();
  if (keys.join() !== expected.join()) throw problem(`fields [${keys}], expected [${expected}]`);
  for (const field of ['workflow', 'kind', 'id', 'status', 'detail']) if (typeof b[field] !== 'string') throw problem(`${field} is not a string`);
  if (b.workflow !== workflowName) throw problem(`workflow is "${b.workflow}", not the workflow's name "${workflowName}"`);
  if (!KINDS.includes(b.kind)) throw problem(`kind "${b.kind}"`);
  if (!STATUSES.includes(b.status)) throw problem(`status "${b.status}"`);
  if (b.id === '') throw problem('an empty id');
  if (findings && (typeof b.findings !== 'object' || b.findings === null || Object.values(b.findings).some((n) => !Number.isInteger(n)))) {
    throw problem('findings is not an object of counts');
  }
}

/** The id names what the callback is about (contract §9): the deployment, the phase, or one of the releases. */
function checkCallbackId(body: Json, parameters: Record<string, string>, releases: Json[], templateName: string): void {
  const expected =
    body.kind === 'scan' ? [parameters.deploymentId] : body.kind === 'phase' ? [parameters.phaseId] : releases.map((r) => String(r.releaseId));
  if (!expected.includes(body.id)) {
    throw new Error(`play: template "${templateName}" renders a ${body.kind} callback with id "${body.id}", expected ${expected.map((e) => `"${e}"`).join(' or ')} (contract §9)`);
  }
}

function evaluateCondition(condition: string, env: Record<string, unknown>): boolean {
  // successCondition is a bare expr expression (no tags), over `request` and `response`.
  const value = render(`{{=${condition}}}`, { ...flatten('request', env.request), ...flatten('response', env.response) });
  if (value !== 'true' && value !== 'false') throw new Error(`play: successCondition ${condition} gave ${value}`);
  return value === 'true';
}

function flatten(prefix: string, value: unknown): Vars {
  const out: Vars = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[`${prefix}.${k}`] = v;
  return out;
}
