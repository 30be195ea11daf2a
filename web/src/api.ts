/**
 * The app's only way to the DCP API: same-origin fetch with the session cookie, JSON in and out,
 * problem+json errors thrown as ApiError. A 401 tells the shell to bring the sign-in form back.
 *
 * `call(method, path, options)` is typed by the generated `paths` (api/schema.ts): the path must
 * be one the API has for that method, and its path parameters, query, body and response are the
 * document's. `api` below names the calls the app makes.
 */
import type { paths } from './api/schema.ts';
import type {
  AuditFilter, ChangeCaseStatus, DcpEvent, Deployment, DeployWindow, FreezeRequest, ManualDeployment, NotificationSettings, Page, Strategies, TokenRequest,
  WebhookRequest,
} from './types.ts';

export interface FieldError {
  field: string;
  message: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly detail: string;
  readonly errors: FieldError[];

  constructor(status: number, title: string, detail: string | undefined, errors: FieldError[] = []) {
    super(detail || title);
    this.name = 'ApiError';
    this.status = status;
    this.detail = detail || title;
    this.errors = errors;
  }
}

let unauthorized: (() => void) | null = null;

/** The shell registers what to do when the session has ended. */
export function onUnauthorized(handler: (() => void) | null): void {
  unauthorized = handler;
}

// ---- The typed client over the generated paths ----

type Method = 'get' | 'post' | 'put' | 'delete';
/** The paths that have an operation for `M`. */
export type PathsFor<M extends Method> = { [P in keyof paths]: [NonNullable<paths[P][M]>] extends [never] ? never : P }[keyof paths];
type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;
type Json<R> = R extends { content: { 'application/json': infer B } } ? B : void;
/** The body of the operation's success responses (2xx). */
export type ResponseOf<O> = O extends { responses: infer R } ? Json<R[Extract<keyof R, 200 | 201 | 202 | 204>]> : never;
type PathParams<O> = O extends { parameters: { path: infer X } } ? { path: X } : { path?: never };
type QueryParams<O> = O extends { parameters: { query?: infer Q } } ? ([Q] extends [undefined] ? { query?: never } : { query?: Q }) : { query?: never };
type Body<O> = O extends { requestBody: { content: { 'application/json': infer B } } } ? { body: B }
  : O extends { requestBody?: { content: { 'application/json': infer B } } } ? { body?: B } : { body?: never };
export type CallOptions<O> = PathParams<O> & QueryParams<O> & Body<O> & { headers?: Record<string, string>; signal?: AbortSignal };

function url(path: string, params: { path?: object; query?: object }): string {
  const filled = path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(String((params.path as Record<string, unknown>)[name])));
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params.query ?? {})) if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `${filled}?${text}` : filled;
}

export async function call<M extends Method, P extends PathsFor<M>>(method: M, path: P, options: CallOptions<Operation<P, M>>): Promise<ResponseOf<Operation<P, M>>> {
  const { body, headers: extra, signal } = options as { body?: unknown; headers?: Record<string, string>; signal?: AbortSignal };
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json', ...extra };
  if (body !== undefined) headers['content-type'] = 'application/json';
  // Writes with the session cookie prove they come from this app (the server checks the pair).
  if (method !== 'get') {
    const csrf = /(?:^|;\s*)dcp_csrf=([^;]+)/.exec(document.cookie)?.[1];
    if (csrf) headers['x-csrf-token'] = decodeURIComponent(csrf);
  }
  let res: Response;
  try {
    res = await fetch(url(path, options as { path?: object; query?: object }), {
      method: method.toUpperCase(),
      credentials: 'same-origin',
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, 'Network error', 'DCP cannot be reached. Check your connection and try again.');
  }
  const text = await res.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!res.ok) {
    const problem = (data ?? {}) as { title?: string; detail?: string; errors?: FieldError[] };
    // A failed sign-in is the form's business; any other 401 means the session has ended.
    if (res.status === 401 && !(path === '/api/v1/session' && method === 'post')) unauthorized?.();
    throw new ApiError(res.status, problem.title ?? `${res.status} ${res.statusText}`, problem.detail, problem.errors ?? []);
  }
  return data as ResponseOf<Operation<P, M>>;
}

/**
 * Where types.ts reads a response more narrowly than the document describes it yet (see
 * `Described` there), the call's result is taken as the app's type; once the document describes
 * the field, both are the same type.
 */
const as = <T>(promise: Promise<unknown>) => promise as Promise<T>;

export type DeploymentFilter = NonNullable<paths['/api/v1/deployments']['get']['parameters']['query']>;

/** Every page of a list (the catalog's lists are small, but paged like every list): follows nextCursor to the end. */
async function allPages<T>(page: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>): Promise<{ items: T[] }> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const next = await page(cursor);
    items.push(...next.items);
    cursor = next.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return { items };
}

export const api = {
  session: () => call('get', '/api/v1/session', {}),
  signIn: (token: string) => call('post', '/api/v1/session', { body: { token } }),
  /** How one may sign in: with a token always; with OIDC when DCP is configured for it. */
  signInOptions: () => call('get', '/api/v1/session/options', {}),
  signOut: () => call('delete', '/api/v1/session', {}),

  deployments: (query: DeploymentFilter, signal?: AbortSignal) => as<Page<Deployment>>(call('get', '/api/v1/deployments', { query, signal })),
  deployment: (id: string, signal?: AbortSignal) => as<Deployment>(call('get', '/api/v1/deployments/{id}', { path: { id }, signal })),
  createDeployment: (body: ManualDeployment, idempotencyKey: string) =>
    as<Deployment>(call('post', '/api/v1/deployments', { body, headers: { 'idempotency-key': idempotencyKey } })),
  cancel: (id: string, reason?: string) => as<Deployment>(call('post', '/api/v1/deployments/{id}/cancel', { path: { id }, body: reason ? { reason } : {} })),
  clone: (id: string, environments: string[]) => as<Deployment>(call('post', '/api/v1/deployments/{id}/clone', { path: { id }, body: { environments } })),
  plan: (body: { component: string; channel: string; strategy: string; environments?: string[] }, signal?: AbortSignal) =>
    call('post', '/api/v1/plans', { body, signal }),
  decide: (id: string, phaseId: string, decision: 'approve' | 'reject', comment: string) =>
    as<Deployment>(call('post', '/api/v1/deployments/{id}/phases/{phaseId}/approvals', { path: { id, phaseId }, body: comment ? { decision, comment } : { decision } })),
  moveChangeCase: (id: string, status: Exclude<ChangeCaseStatus, 'new'>, deployWindow?: DeployWindow) =>
    call('post', '/api/v1/change-cases/{id}/transition', { path: { id }, body: deployWindow ? { status, deployWindow } : { status } }),

  events: (deployment: string, after: number, signal?: AbortSignal) =>
    as<Page<DcpEvent>>(call('get', '/api/v1/events', { query: { deployment, after, limit: 500 }, signal })),

  teams: () => allPages((cursor) => call('get', '/api/v1/teams', { query: { limit: 500, cursor } })),
  team: (id: string, signal?: AbortSignal) => call('get', '/api/v1/teams/{id}', { path: { id }, signal }),
  saveNotifications: (id: string, body: NotificationSettings) => call('put', '/api/v1/teams/{id}/notifications', { path: { id }, body }),
  services: () => allPages((cursor) => call('get', '/api/v1/services', { query: { limit: 500, cursor } })),
  catalogSources: (signal?: AbortSignal) => call('get', '/api/v1/catalog/sources', { signal }),
  syncCatalog: () => call('post', '/api/v1/catalog/sync', {}),
  targets: () => allPages((cursor) => call('get', '/api/v1/targets', { query: { limit: 500, cursor } })),
  strategies: () => as<Strategies>(call('get', '/api/v1/strategies', {})),

  freezes: (signal?: AbortSignal) => call('get', '/api/v1/freezes', { query: { limit: 200 }, signal }),
  setFreeze: (body: FreezeRequest) => call('post', '/api/v1/freezes', { body }),
  liftFreeze: (id: string) => call('delete', '/api/v1/freezes/{id}', { path: { id } }),

  tokens: (cursor?: string, signal?: AbortSignal) => call('get', '/api/v1/tokens', { query: cursor ? { limit: 50, cursor } : { limit: 50 }, signal }),
  createToken: (body: TokenRequest) => call('post', '/api/v1/tokens', { body }),
  revokeToken: (id: string) => call('delete', '/api/v1/tokens/{id}', { path: { id } }),
  audit: (filter: AuditFilter, signal?: AbortSignal) => call('get', '/api/v1/audit', { query: { limit: 50, ...filter }, signal }),

  webhooks: (cursor?: string, signal?: AbortSignal) => call('get', '/api/v1/webhooks', { query: cursor ? { limit: 50, cursor } : { limit: 50 }, signal }),
  createWebhook: (body: WebhookRequest) => call('post', '/api/v1/webhooks', { body }),
  deleteWebhook: (id: string) => call('delete', '/api/v1/webhooks/{id}', { path: { id } }),
  deliveries: (id: string, cursor?: string, signal?: AbortSignal) =>
    call('get', '/api/v1/webhooks/{id}/deliveries', { path: { id }, query: cursor ? { limit: 25, cursor } : { limit: 25 }, signal }),
  sinks: (signal?: AbortSignal) => call('get', '/api/v1/sinks', { signal }),
};

/** An ApiError's field errors by field path ("artifactManifest.charts[0].version" → message); {} for any other error. */
export function fieldErrorsOf(error: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!(error instanceof ApiError)) return out;
  for (const e of error.errors) out[e.field] = out[e.field] ? `${out[e.field]}; ${e.message}` : e.message;
  return out;
}

/** The message to show for any error a call threw. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.detail;
  if (error instanceof Error) return error.message;
  return String(error);
}
