/**
 * DCP's settings, read from the environment once (contract §8), validated, frozen.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseDuration } from './core/duration.ts';
import { InputError, type FieldIssue } from './core/errors.ts';

export interface Settings {
  port: number;
  host: string;
  databaseUrl: string | null;
  /** A directory, or `memory://` for an in-memory embedded database. */
  dataDir: string;
  configDir: string;
  bootstrapToken: string | null;
  executor: 'embedded' | 'argo';
  /** DCP_ARGO_*: the Argo Server workflows are submitted to (required with DCP_EXECUTOR=argo). */
  argo: ArgoSettings | null;
  releaseDriver: 'simulated' | 'helm' | 'cpc';
  /**
   * DCP_SIMULATOR_EXECUTIONS (a file; unset: none): the simulated release driver appends a line per
   * execution it starts and ends, by idempotency key and pid — for tests that run several DCP
   * processes (the chaos test checks that no release was executed twice).
   */
  simulatorExecutions: string | null;
  /** DCP_CPC_TOKEN (a value or `file:PATH`; null: no Authorization header) and DCP_CPC_POLL (default 5s). */
  cpc: { token: string | null; pollMs: number };
  /** DCP_HELM_BIN (default `helm` on PATH) and DCP_HELM_TIMEOUT (helm's --timeout, default 10m). */
  helm: { bin: string; timeoutMs: number };
  scanProvider: 'simulated' | 'harbor' | 'http';
  /**
   * DCP_HARBOR_URL, DCP_HARBOR_USERNAME, DCP_HARBOR_PASSWORD (or `file:PATH`) and
   * DCP_HARBOR_WEBHOOK_SECRET (or `file:PATH`): Harbor for DCP_SCAN_PROVIDER=harbor; null when unset.
   */
  harbor: HarborSettings | null;
  /** DCP_SCAN_URL and DCP_SCAN_TOKEN (or `file:PATH`): the artifact API for DCP_SCAN_PROVIDER=http; null when unset. */
  scanHttp: { url: string; token: string | null } | null;
  /** DCP_SCAN_POLL (default 60s): how often a scan that is not done is asked about again. */
  scanPollMs: number;
  /** DCP_WEBHOOK_TIMEOUT (default 10s): how long one webhook delivery may take before it counts as failed. */
  webhookTimeoutMs: number;
  /**
   * The live stream: DCP_STREAM_MEMORY_EVENTS (default 10000), the newest events kept in memory
   * for readers that join or resume; DCP_STREAM_BUFFER_BYTES (default 1048576), a reader's
   * backlog past which it is disconnected (it resumes with Last-Event-ID).
   */
  stream: { memoryEvents: number; bufferBytes: number };
  changeProvider: 'builtin' | 'servicenow';
  /** DCP_SERVICENOW_URL and either DCP_SERVICENOW_TOKEN or DCP_SERVICENOW_USER/_PASSWORD. */
  servicenow: { url: string; token?: string; user?: string; password?: string } | null;
  publicUrl: string;
  logLevel: string;
  /** How long a worker's claim on a job lasts without renewal (a dead worker's jobs wait this long on PostgreSQL). */
  leaseMs: number;
  /**
   * DCP_HEARTBEAT (default 2s): how often this process writes its heartbeat row. A replica silent
   * for 1.5 heartbeats is taken for dead and its jobs and sink leases are taken over (within 2 heartbeats of a crash).
   */
  heartbeatMs: number;
  /** DCP_DRAIN_TIMEOUT (default 20s): on SIGTERM, how long work in flight may take to finish before it is handed back. */
  drainMs: number;
  /**
   * DCP_TRUST_PROXY: whether (or which) proxies' X-Forwarded-* headers to believe — `true`, or a
   * comma-separated list of addresses/CIDRs. Behind a TLS-terminating proxy it makes session cookies `Secure`.
   */
  trustProxy: boolean | string;
  /** DCP_SESSION_IDLE (default 12h) and DCP_SESSION_MAX (default 7d): when a sign-in session ends. */
  sessionIdleMs: number;
  sessionMaxMs: number;
  /** Sign-in with OIDC (DCP_OIDC_*); null: only token sign-in. */
  oidc: OidcSettings | null;
  /** NATS JetStream (DCP_NATS_*, contract §10); null: no bus. */
  nats: NatsSettings | null;
  /** Slack (DCP_SLACK_*, contract §10); null: no Slack (nothing sent, interactions refused). */
  slack: SlackSettings | null;
  /** Catalog sources (contract §12): DCP_CATALOG_SYNC, DCP_BACKSTAGE_*, DCP_GITHUB_*. */
  catalog: CatalogSettings;
}

export interface CatalogSettings {
  /** DCP_CATALOG_SYNC (default 5m): how often the external sources are synced (also at start and on POST /api/v1/catalog/sync). */
  syncMs: number;
  /** DCP_BACKSTAGE_URL (the backend's base), DCP_BACKSTAGE_TOKEN (a value or `file:PATH`), DCP_BACKSTAGE_FILTER; null: no Backstage. */
  backstage: { url: string; token: string | null; filter: string } | null;
  /** DCP_GITHUB_URL (default https://api.github.com), DCP_GITHUB_TOKEN (a value or `file:PATH`), DCP_GITHUB_ORG; null: no GitHub. */
  github: { url: string; token: string | null; org: string } | null;
}

export interface SlackSettings {
  /** DCP_SLACK_TOKEN (a value or `file:PATH`): the bot token for the Web API; null: no messages, no users.info. */
  token: string | null;
  /** DCP_SLACK_API_URL (default `https://slack.com/api/`): the Web API base, ending in `/`. */
  apiUrl: string;
  /** DCP_SLACK_SIGNING_SECRET (a value or `file:PATH`): verifies `POST /api/v1/slack/interactions`; null: refused. */
  signingSecret: string | null;
}

export interface NatsSettings {
  /** DCP_NATS_URL, comma-separated: `nats://host:4222`, `tls://…`, or `host:port`. */
  servers: string[];
  /** DCP_NATS_STREAM (default DCP_EVENTS): the events stream, created if missing over `dcp.events.>`. */
  stream: string;
  /** DCP_NATS_BUILDS_SUBJECT (default dcp.builds): BuildCompleted events, consumed by the durable `dcp-builds`. */
  buildsSubject: string;
}

export interface HarborSettings {
  url: string;
  /** Basic auth (a robot account such as `robot$dcp`); both null: anonymous (public projects, no scan requests). */
  username: string | null;
  password: string | null;
  /** The Auth Header value of Harbor's webhook policy; null: the webhook is refused. */
  webhookSecret: string | null;
}

export interface ArgoSettings {
  /** DCP_ARGO_URL: the Argo Server, e.g. https://argo.example.com:2746. */
  url: string;
  /** DCP_ARGO_NAMESPACE (default `argo`): where workflows are submitted. */
  namespace: string;
  /** DCP_ARGO_TOKEN: bearer token for the Argo Server (a value, or `file:PATH`). */
  token: string | null;
  /** DCP_ARGO_SCAN_TEMPLATE / DCP_ARGO_PHASE_TEMPLATE: the WorkflowTemplates (deploy/argo/). */
  scanTemplate: string;
  phaseTemplate: string;
  /** DCP_ARGO_RECONCILE (default 30s): how often DCP reads a running workflow's status. */
  reconcileMs: number;
}

export interface OidcSettings {
  /** DCP_OIDC_ISSUER: the provider's issuer URL (its discovery document is `/.well-known/openid-configuration` under it). */
  issuer: string;
  clientId: string;
  /** DCP_OIDC_CLIENT_SECRET, or the file named by `file:PATH`; null: a public client (PKCE only). */
  clientSecret: string | null;
  /** DCP_OIDC_SCOPES, space-separated (default `openid email profile`). */
  scopes: string;
  /** DCP_OIDC_CLAIM: the ID token's claim that names the catalog user (default `email`). */
  claim: string;
  /** DCP_OIDC_UNKNOWN: a person the catalog does not know signs in as a viewer, or is refused. */
  unknown: 'viewer' | 'deny';
  /** `${DCP_PUBLIC_URL}/api/v1/session/oidc/callback`: what the client is registered with at the provider. */
  redirectUri: string;
}

export const DEFAULT_CONFIG_DIR = fileURLToPath(new URL('../config/', import.meta.url));

function oneOf<T extends string>(issues: FieldIssue[], name: string, value: string | undefined, allowed: readonly T[], later: readonly string[] = []): T {
  const v = value ?? allowed[0];
  if (allowed.includes(v as T)) return v as T;
  const soon = later.includes(v) ? ` ("${v}" comes in a later release)` : '';
  issues.push({ field: name, message: `must be one of ${allowed.join(', ')}${soon}; got "${v}"` });
  return allowed[0];
}

function duration(issues: FieldIssue[], name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const ms = parseDuration(value);
  if (ms === null || ms <= 0) issues.push({ field: name, message: `must be a duration such as 30m, 12h or 7d; got "${value}"` });
  return ms ?? fallback;
}

/** `file:PATH` reads the secret from a file (a mounted secret), trimmed; anything else is the value. */
function positiveInteger(issues: FieldIssue[], name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) issues.push({ field: name, message: `must be a positive integer; got "${value}"` });
  return Number.isSafeInteger(n) && n >= 1 ? n : fallback;
}

function secretValue(issues: FieldIssue[], name: string, value: string | undefined): string | null {
  if (value === undefined || value === '') return null;
  if (!value.startsWith('file:')) return value;
  const path = value.slice('file:'.length);
  try {
    const secret = readFileSync(path, 'utf8').trim();
    if (secret === '') issues.push({ field: name, message: `names the file ${path}, which is empty` });
    return secret || null;
  } catch (error) {
    issues.push({ field: name, message: `names the file ${path}, which cannot be read: ${(error as Error).message}` });
    return null;
  }
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * DCP_OIDC_*: all or nothing. An issuer needs a client id; a client id without an issuer is a
 * mistake too (it would silently leave OIDC off). The issuer is https, or http on loopback only
 * (a provider run beside DCP for tests and demos): tokens never cross a network in the clear.
 */
function readOidc(issues: FieldIssue[], env: NodeJS.ProcessEnv, publicUrl: string): OidcSettings | null {
  const issuer = env.DCP_OIDC_ISSUER || undefined;
  if (issuer === undefined) {
    const stray = ['DCP_OIDC_CLIENT_ID', 'DCP_OIDC_CLIENT_SECRET'].filter((name) => env[name]);
    for (const name of stray) issues.push({ field: name, message: 'is set but DCP_OIDC_ISSUER is not: set the issuer to sign in with OIDC, or unset it' });
    return null;
  }
  if (!URL.canParse(issuer)) issues.push({ field: 'DCP_OIDC_ISSUER', message: `must be the provider's issuer URL; got "${issuer}"` });
  else {
    const url = new URL(issuer);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
      issues.push({ field: 'DCP_OIDC_ISSUER', message: `must be an https URL (http only on loopback); got "${issuer}"` });
    }
  }
  const clientId = env.DCP_OIDC_CLIENT_ID || '';
  if (clientId === '') issues.push({ field: 'DCP_OIDC_CLIENT_ID', message: 'is required when DCP_OIDC_ISSUER is set: the client id DCP is registered with at the provider' });
  const scopes = (env.DCP_OIDC_SCOPES || 'openid email profile').trim().split(/\s+/);
  if (!scopes.includes('openid')) issues.push({ field: 'DCP_OIDC_SCOPES', message: `must include openid; got "${env.DCP_OIDC_SCOPES}"` });
  const claim = env.DCP_OIDC_CLAIM || 'email';
  return {
    issuer,
    clientId,
    clientSecret: secretValue(issues, 'DCP_OIDC_CLIENT_SECRET', env.DCP_OIDC_CLIENT_SECRET),
    scopes: scopes.join(' '),
    claim,
    unknown: oneOf(issues, 'DCP_OIDC_UNKNOWN', env.DCP_OIDC_UNKNOWN || undefined, ['viewer', 'deny'] as const),
    redirectUri: `${publicUrl.replace(/\/+$/, '')}/api/v1/session/oidc/callback`,
  };
}

function httpUrl(issues: FieldIssue[], name: string, value: string): void {
  if (!URL.canParse(value) || !['http:', 'https:'].includes(new URL(value).protocol)) {
    issues.push({ field: name, message: `must be an http or https URL; got "${value}"` });
  }
}

/**
 * The scan provider's settings. The chosen provider's URL is required; a URL set for a provider
 * that is not chosen is a mistake too: DCP would silently run the simulated scan, which passes
 * everything.
 */
function readScan(issues: FieldIssue[], env: NodeJS.ProcessEnv, provider: Settings['scanProvider']): Pick<Settings, 'harbor' | 'scanHttp'> {
  const harborUrl = env.DCP_HARBOR_URL || '';
  const scanUrl = env.DCP_SCAN_URL || '';
  let harbor: HarborSettings | null = null;
  let scanHttp: Settings['scanHttp'] = null;
  if (harborUrl !== '') {
    httpUrl(issues, 'DCP_HARBOR_URL', harborUrl);
    harbor = {
      url: harborUrl,
      username: env.DCP_HARBOR_USERNAME || null,
      password: secretValue(issues, 'DCP_HARBOR_PASSWORD', env.DCP_HARBOR_PASSWORD),
      webhookSecret: secretValue(issues, 'DCP_HARBOR_WEBHOOK_SECRET', env.DCP_HARBOR_WEBHOOK_SECRET),
    };
    if (harbor.username && !harbor.password && !issues.some((i) => i.field === 'DCP_HARBOR_PASSWORD')) {
      issues.push({ field: 'DCP_HARBOR_PASSWORD', message: 'is required when DCP_HARBOR_USERNAME is set' });
    }
    if (!harbor.username && harbor.password) issues.push({ field: 'DCP_HARBOR_USERNAME', message: 'is required when DCP_HARBOR_PASSWORD is set' });
    if (provider !== 'harbor') issues.push({ field: 'DCP_HARBOR_URL', message: `is set but DCP_SCAN_PROVIDER is ${provider}: set DCP_SCAN_PROVIDER=harbor, or unset it` });
  } else if (provider === 'harbor') {
    issues.push({ field: 'DCP_HARBOR_URL', message: 'is required when DCP_SCAN_PROVIDER=harbor' });
  }
  if (scanUrl !== '') {
    httpUrl(issues, 'DCP_SCAN_URL', scanUrl);
    scanHttp = { url: scanUrl, token: secretValue(issues, 'DCP_SCAN_TOKEN', env.DCP_SCAN_TOKEN) };
    if (provider !== 'http') issues.push({ field: 'DCP_SCAN_URL', message: `is set but DCP_SCAN_PROVIDER is ${provider}: set DCP_SCAN_PROVIDER=http, or unset it` });
  } else if (provider === 'http') {
    issues.push({ field: 'DCP_SCAN_URL', message: 'is required when DCP_SCAN_PROVIDER=http' });
  }
  return { harbor, scanHttp };
}

/** DCP_ARGO_*, read when DCP_EXECUTOR=argo. */
function readArgo(issues: FieldIssue[], env: NodeJS.ProcessEnv): ArgoSettings {
  const url = env.DCP_ARGO_URL || '';
  if (url === '') issues.push({ field: 'DCP_ARGO_URL', message: 'is required when DCP_EXECUTOR=argo: the Argo Server, e.g. https://argo.example.com:2746' });
  else if (!URL.canParse(url) || !['http:', 'https:'].includes(new URL(url).protocol)) issues.push({ field: 'DCP_ARGO_URL', message: `must be an http(s) URL; got "${url}"` });
  const name = (field: string, value: string | undefined, fallback: string): string => {
    const v = value || fallback;
    // Kubernetes names: DNS-1123 labels/subdomains.
    if (!/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(v)) issues.push({ field, message: `must be a Kubernetes name (lower-case letters, digits, '-', '.'); got "${v}"` });
    return v;
  };
  return {
    url: url.replace(/\/+$/, ''),
    namespace: name('DCP_ARGO_NAMESPACE', env.DCP_ARGO_NAMESPACE, 'argo'),
    token: secretValue(issues, 'DCP_ARGO_TOKEN', env.DCP_ARGO_TOKEN),
    scanTemplate: name('DCP_ARGO_SCAN_TEMPLATE', env.DCP_ARGO_SCAN_TEMPLATE, 'dcp-scan-wait'),
    phaseTemplate: name('DCP_ARGO_PHASE_TEMPLATE', env.DCP_ARGO_PHASE_TEMPLATE, 'dcp-phase'),
    reconcileMs: duration(issues, 'DCP_ARGO_RECONCILE', env.DCP_ARGO_RECONCILE, 30_000),
  };
}

/** Whether some subject matches both patterns (`*` one token, `>` one or more at the end). */
export function subjectsOverlap(a: string, b: string): boolean {
  const x = a.split('.');
  const y = b.split('.');
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] === '>' || y[i] === '>') return x[i] !== undefined && y[i] !== undefined;
    if (x[i] === undefined || y[i] === undefined) return false;
    if (x[i] !== '*' && y[i] !== '*' && x[i] !== y[i]) return false;
  }
  return true;
}

const NATS_SCHEMES = new Set(['nats:', 'tls:', 'ws:', 'wss:']);

/**
 * DCP_NATS_*: the servers (each `scheme://host:port` with a NATS scheme, or `host:port`), a stream
 * name JetStream accepts, and a subject of non-empty tokens outside `dcp.events.>` (the events
 * stream owns those). DCP_NATS_STREAM or DCP_NATS_BUILDS_SUBJECT without DCP_NATS_URL is a mistake:
 * it would silently leave the bus off.
 */
function readNats(issues: FieldIssue[], env: NodeJS.ProcessEnv): NatsSettings | null {
  const url = env.DCP_NATS_URL?.trim() || '';
  if (url === '') {
    for (const name of ['DCP_NATS_STREAM', 'DCP_NATS_BUILDS_SUBJECT'].filter((n) => env[n])) {
      issues.push({ field: name, message: 'is set but DCP_NATS_URL is not: set the NATS server(s) to use the bus, or unset it' });
    }
    return null;
  }
  const servers = url.split(',').map((server) => server.trim()).filter(Boolean);
  for (const server of servers) {
    const withScheme = /^[a-z]+:\/\//i.test(server) ? server : `nats://${server}`;
    if (!URL.canParse(withScheme) || !NATS_SCHEMES.has(new URL(withScheme).protocol) || !new URL(withScheme).hostname) {
      issues.push({ field: 'DCP_NATS_URL', message: `must be NATS server URLs (nats://host:4222, tls://…, comma-separated); got "${server}"` });
    }
  }
  const stream = env.DCP_NATS_STREAM || 'DCP_EVENTS';
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(stream)) {
    issues.push({ field: 'DCP_NATS_STREAM', message: `must be a JetStream stream name (letters, digits, _ and -; at most 64); got "${stream}"` });
  }
  const buildsSubject = env.DCP_NATS_BUILDS_SUBJECT || 'dcp.builds';
  if (!/^[^\s.]+(\.[^\s.]+)*$/.test(buildsSubject)) {
    issues.push({ field: 'DCP_NATS_BUILDS_SUBJECT', message: `must be a NATS subject (dot-separated tokens, no spaces); got "${buildsSubject}"` });
  } else if (subjectsOverlap(buildsSubject, 'dcp.events.>')) {
    issues.push({ field: 'DCP_NATS_BUILDS_SUBJECT', message: `must not overlap dcp.events.> (the events DCP publishes); got "${buildsSubject}"` });
  }
  return { servers, stream, buildsSubject };
}

/**
 * DCP_SLACK_*: null when neither the token nor the signing secret is set. DCP_SLACK_API_URL alone
 * is a mistake (it would silently leave Slack off). The API URL is http(s); it ends in `/` so that
 * `users.info` resolves under it.
 */
function readSlack(issues: FieldIssue[], env: NodeJS.ProcessEnv): SlackSettings | null {
  const token = secretValue(issues, 'DCP_SLACK_TOKEN', env.DCP_SLACK_TOKEN);
  const signingSecret = secretValue(issues, 'DCP_SLACK_SIGNING_SECRET', env.DCP_SLACK_SIGNING_SECRET);
  const apiUrl = env.DCP_SLACK_API_URL || 'https://slack.com/api/';
  if (token === null && signingSecret === null) {
    if (env.DCP_SLACK_API_URL && !issues.some((i) => i.field.startsWith('DCP_SLACK_'))) {
      issues.push({ field: 'DCP_SLACK_API_URL', message: 'is set but neither DCP_SLACK_TOKEN nor DCP_SLACK_SIGNING_SECRET is: set them to use Slack, or unset it' });
    }
    return null;
  }
  httpUrl(issues, 'DCP_SLACK_API_URL', apiUrl);
  return { token, apiUrl: apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`, signingSecret };
}

/** A Backstage filter: `key=value` conditions (or a bare `key`: it exists), comma-separated, all of which must hold. */
const BACKSTAGE_FILTER = /^[^=,\s]+(=[^,]*)?(,[^=,\s]+(=[^,]*)?)*$/;

/**
 * DCP_CATALOG_SYNC, DCP_BACKSTAGE_*, DCP_GITHUB_*. A token or filter without its URL (or a GitHub
 * URL or token without the organisation) is a mistake: it would silently leave the source off.
 */
function readCatalogSources(issues: FieldIssue[], env: NodeJS.ProcessEnv): CatalogSettings {
  const syncMs = duration(issues, 'DCP_CATALOG_SYNC', env.DCP_CATALOG_SYNC, 5 * 60_000);
  let backstage: CatalogSettings['backstage'] = null;
  const backstageUrl = env.DCP_BACKSTAGE_URL?.trim() || '';
  if (backstageUrl === '') {
    for (const name of ['DCP_BACKSTAGE_TOKEN', 'DCP_BACKSTAGE_FILTER'].filter((n) => env[n])) {
      issues.push({ field: name, message: 'is set but DCP_BACKSTAGE_URL is not: set the Backstage backend URL to read its catalog, or unset it' });
    }
  } else {
    httpUrl(issues, 'DCP_BACKSTAGE_URL', backstageUrl);
    const filter = env.DCP_BACKSTAGE_FILTER?.trim() || 'kind=component,spec.type=service';
    if (!BACKSTAGE_FILTER.test(filter) || filter.length > 1000) {
      issues.push({ field: 'DCP_BACKSTAGE_FILTER', message: `must be a Backstage filter: key=value conditions, comma-separated (e.g. kind=component,spec.type=service); got "${filter.slice(0, 200)}"` });
    }
    backstage = { url: backstageUrl.replace(/\/+$/, ''), token: secretValue(issues, 'DCP_BACKSTAGE_TOKEN', env.DCP_BACKSTAGE_TOKEN), filter };
  }
  let github: CatalogSettings['github'] = null;
  const org = env.DCP_GITHUB_ORG?.trim() || '';
  if (org === '') {
    for (const name of ['DCP_GITHUB_URL', 'DCP_GITHUB_TOKEN'].filter((n) => env[n])) {
      issues.push({ field: name, message: 'is set but DCP_GITHUB_ORG is not: set the organisation whose repositories hold catalog-info.yaml, or unset it' });
    }
  } else {
    if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/.test(org)) issues.push({ field: 'DCP_GITHUB_ORG', message: `must be a GitHub organisation name (letters, digits, -); got "${org.slice(0, 100)}"` });
    const url = env.DCP_GITHUB_URL?.trim() || 'https://api.github.com';
    httpUrl(issues, 'DCP_GITHUB_URL', url);
    github = { url: url.replace(/\/+$/, ''), token: secretValue(issues, 'DCP_GITHUB_TOKEN', env.DCP_GITHUB_TOKEN), org };
  }
  return { syncMs, backstage, github };
}

function readTrustProxy(value: string | undefined): boolean | string {
  if (value === undefined || value === '' || value === 'false') return false;
  if (value === 'true') return true;
  return value;
}

/** Addresses that mean "every interface": where DCP listens, never where a link can point. */
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]']);

/**
 * The default base of links in notifications and change cases: `http://HOST:PORT`, except that a
 * wildcard HOST becomes `localhost` (a link to 0.0.0.0 opens nothing) and an IPv6 address is
 * bracketed. Behind a load balancer or on another machine, set DCP_PUBLIC_URL (docs/decisions.md).
 */
export function defaultPublicUrl(host: string, port: number): string {
  if (WILDCARD_HOSTS.has(host)) return `http://localhost:${port}`;
  const literal = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `http://${literal}:${port}`;
}

export function readSettings(env: NodeJS.ProcessEnv = process.env): Readonly<Settings> {
  const issues: FieldIssue[] = [];
  const port = Number(env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) issues.push({ field: 'PORT', message: `must be a TCP port number; got "${env.PORT}"` });
  const host = env.HOST ?? '127.0.0.1';
  const settings: Settings = {
    port,
    host,
    databaseUrl: env.DATABASE_URL || null,
    dataDir: env.DCP_DATA_DIR || './.dcp',
    configDir: env.DCP_CONFIG || DEFAULT_CONFIG_DIR,
    bootstrapToken: env.DCP_BOOTSTRAP_TOKEN || null,
    executor: oneOf(issues, 'DCP_EXECUTOR', env.DCP_EXECUTOR || undefined, ['embedded', 'argo'] as const),
    argo: null,
    releaseDriver: oneOf(issues, 'DCP_RELEASE_DRIVER', env.DCP_RELEASE_DRIVER, ['simulated', 'helm', 'cpc'] as const),
    simulatorExecutions: env.DCP_SIMULATOR_EXECUTIONS || null,
    cpc: {
      token: secretValue(issues, 'DCP_CPC_TOKEN', env.DCP_CPC_TOKEN),
      pollMs: duration(issues, 'DCP_CPC_POLL', env.DCP_CPC_POLL, 5000),
    },
    helm: {
      bin: env.DCP_HELM_BIN || 'helm',
      timeoutMs: duration(issues, 'DCP_HELM_TIMEOUT', env.DCP_HELM_TIMEOUT, 10 * 60_000),
    },
    scanProvider: oneOf(issues, 'DCP_SCAN_PROVIDER', env.DCP_SCAN_PROVIDER, ['simulated', 'harbor', 'http'] as const),
    harbor: null,
    scanHttp: null,
    scanPollMs: duration(issues, 'DCP_SCAN_POLL', env.DCP_SCAN_POLL, 60_000),
    webhookTimeoutMs: duration(issues, 'DCP_WEBHOOK_TIMEOUT', env.DCP_WEBHOOK_TIMEOUT, 10_000),
    stream: {
      memoryEvents: positiveInteger(issues, 'DCP_STREAM_MEMORY_EVENTS', env.DCP_STREAM_MEMORY_EVENTS, 10_000),
      bufferBytes: positiveInteger(issues, 'DCP_STREAM_BUFFER_BYTES', env.DCP_STREAM_BUFFER_BYTES, 1 << 20),
    },
    changeProvider: oneOf(issues, 'DCP_CHANGE_PROVIDER', env.DCP_CHANGE_PROVIDER, ['builtin', 'servicenow'] as const, ['gus']),
    servicenow: env.DCP_SERVICENOW_URL
      ? { url: env.DCP_SERVICENOW_URL, token: env.DCP_SERVICENOW_TOKEN, user: env.DCP_SERVICENOW_USER, password: env.DCP_SERVICENOW_PASSWORD }
      : null,
    publicUrl: env.DCP_PUBLIC_URL || defaultPublicUrl(host, port),
    logLevel: env.LOG_LEVEL || 'info',
    leaseMs: Number(env.DCP_LEASE_MS ?? 30_000),
    heartbeatMs: duration(issues, 'DCP_HEARTBEAT', env.DCP_HEARTBEAT, 2000),
    drainMs: duration(issues, 'DCP_DRAIN_TIMEOUT', env.DCP_DRAIN_TIMEOUT, 20_000),
    trustProxy: readTrustProxy(env.DCP_TRUST_PROXY),
    sessionIdleMs: duration(issues, 'DCP_SESSION_IDLE', env.DCP_SESSION_IDLE, 12 * 3600_000),
    sessionMaxMs: duration(issues, 'DCP_SESSION_MAX', env.DCP_SESSION_MAX, 7 * 24 * 3600_000),
    oidc: null,
    nats: null,
    slack: null,
    catalog: { syncMs: 0, backstage: null, github: null },
  };
  settings.oidc = readOidc(issues, env, settings.publicUrl);
  Object.assign(settings, readScan(issues, env, settings.scanProvider));
  if (settings.executor === 'argo') settings.argo = readArgo(issues, env);
  settings.nats = readNats(issues, env);
  settings.slack = readSlack(issues, env);
  settings.catalog = readCatalogSources(issues, env);
  if (!Number.isInteger(settings.leaseMs) || settings.leaseMs < 1000) {
    issues.push({ field: 'DCP_LEASE_MS', message: `must be a number of milliseconds, at least 1000; got "${env.DCP_LEASE_MS}"` });
  }
  if (settings.heartbeatMs < 100) issues.push({ field: 'DCP_HEARTBEAT', message: `must be at least 100ms; got "${env.DCP_HEARTBEAT}"` });
  if (settings.changeProvider === 'servicenow') {
    const sn = settings.servicenow;
    if (!sn) issues.push({ field: 'DCP_SERVICENOW_URL', message: 'is required when DCP_CHANGE_PROVIDER=servicenow' });
    else if (!sn.token && !(sn.user && sn.password)) {
      issues.push({ field: 'DCP_SERVICENOW_TOKEN', message: 'or DCP_SERVICENOW_USER and DCP_SERVICENOW_PASSWORD are required for ServiceNow' });
    }
  }
  if (issues.length > 0) {
    throw new InputError(`invalid environment: ${issues.map((i) => `${i.field} ${i.message}`).join('; ')}`, issues);
  }
  return Object.freeze(settings);
}
