/**
 * The app's only way to the DCP API: same-origin fetch with the session cookie, JSON in and out,
 * problem+json errors thrown as ApiError. A 401 tells the shell to bring the sign-in form back.
 */
import type {
  ArtifactManifest, ChangeCaseStatus, DcpEvent, Deployment, DeployWindow, Freeze, Page, Plan, Service, Session, Strategies, Target, Team,
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

interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json', ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, {
      method: options.method ?? 'GET',
      credentials: 'same-origin',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
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
    if (res.status === 401 && !(path === '/session' && options.method === 'POST')) unauthorized?.();
    throw new ApiError(res.status, problem.title ?? `${res.status} ${res.statusText}`, problem.detail, problem.errors ?? []);
  }
  return data as T;
}

function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

export interface DeploymentFilter {
  team?: string;
  service?: string;
  status?: string;
  environment?: string;
  q?: string;
}

export interface ManualDeployment {
  component: string;
  channel: string;
  strategy: string;
  artifactManifest: ArtifactManifest;
  environments?: string[];
  reason?: string;
}

export const api = {
  session: () => request<Session>('/session'),
  signIn: (token: string) => request<Session>('/session', { method: 'POST', body: { token } }),
  signOut: () => request<void>('/session', { method: 'DELETE' }),

  deployments: (filter: DeploymentFilter & { limit?: number; cursor?: string | null }, signal?: AbortSignal) =>
    request<Page<Deployment>>(`/deployments${query({ ...filter })}`, { signal }),
  deployment: (id: string, signal?: AbortSignal) => request<Deployment>(`/deployments/${encodeURIComponent(id)}`, { signal }),
  createDeployment: (body: ManualDeployment, idempotencyKey: string) =>
    request<Deployment>('/deployments', { method: 'POST', body, headers: { 'idempotency-key': idempotencyKey } }),
  cancel: (id: string, reason?: string) =>
    request<Deployment>(`/deployments/${encodeURIComponent(id)}/cancel`, { method: 'POST', body: reason ? { reason } : {} }),
  clone: (id: string, environments: string[]) =>
    request<Deployment>(`/deployments/${encodeURIComponent(id)}/clone`, { method: 'POST', body: { environments } }),
  plan: (body: { component: string; channel: string; strategy: string; environments?: string[] }, signal?: AbortSignal) =>
    request<Plan>('/plans', { method: 'POST', body, signal }),
  decide: (id: string, phaseId: string, decision: 'approve' | 'reject', comment: string) =>
    request<Deployment>(`/deployments/${encodeURIComponent(id)}/phases/${encodeURIComponent(phaseId)}/approvals`, {
      method: 'POST',
      body: comment ? { decision, comment } : { decision },
    }),
  moveChangeCase: (id: string, status: Exclude<ChangeCaseStatus, 'new'>, deployWindow?: DeployWindow) =>
    request<unknown>(`/change-cases/${encodeURIComponent(id)}/transition`, { method: 'POST', body: deployWindow ? { status, deployWindow } : { status } }),

  events: (deployment: string, after: number, signal?: AbortSignal) =>
    request<Page<DcpEvent>>(`/events${query({ deployment, after, limit: 500 })}`, { signal }),

  teams: () => request<Page<Team>>('/teams'),
  team: (name: string, signal?: AbortSignal) => request<Team>(`/teams/${encodeURIComponent(name)}`, { signal }),
  saveNotifications: (name: string, body: { workspace: string | null; channel: string | null }) =>
    request<Team>(`/teams/${encodeURIComponent(name)}/notifications`, { method: 'PUT', body }),
  services: () => request<Page<Service>>('/services'),
  targets: () => request<Page<Target>>('/targets'),
  strategies: () => request<Strategies>('/strategies'),

  freezes: (signal?: AbortSignal) => request<Page<Freeze>>('/freezes?limit=200', { signal }),
  setFreeze: (body: { environments: string[]; startsAt: string; endsAt?: string; reason: string }) =>
    request<Freeze>('/freezes', { method: 'POST', body }),
  liftFreeze: (id: string) => request<Freeze>(`/freezes/${encodeURIComponent(id)}`, { method: 'DELETE' }),
};

/** The message to show for any error a call threw. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.detail;
  if (error instanceof Error) return error.message;
  return String(error);
}
