/**
 * A GitHub organisation as a catalog source (contract §12, docs/integrations/github.md).
 *
 *   GET {url}/orgs/{org}/repos?per_page=100             the repositories, page after page by `Link: <…>; rel="next"`
 *   GET {url}/repos/{org}/{repo}/contents/catalog-info.yaml   Backstage entities (a Component is a service
 *                                                             when its spec.type is `service`)
 *   GET {url}/repos/{org}/{repo}/contents/kilonova.yaml       `isGov: true|false` (and optionally
 *                                                             `component: NAME`) for the repository's services
 *
 * Every request is conditional when DCP has an answer of that URL (`If-None-Match: <etag>`; a
 * `304` reuses it and does not count against GitHub's rate limit). The rate-limit headers are
 * honoured: when `x-ratelimit-remaining` reaches 0 the next request waits on the injected clock
 * until `x-ratelimit-reset`; a `403`/`429` that says the limit is spent (or sends `retry-after`)
 * waits the same way and tries again. Requests go one at a time. GitHub Enterprise Server works
 * by pointing DCP_GITHUB_URL at its API (`https://HOST/api/v3`). A `Link` to another host than
 * DCP_GITHUB_URL's is refused (the token goes nowhere else).
 *
 * Per repository: a `catalog-info.yaml` that does not parse (or is too big) is one problem naming
 * the file; the entities last read from it stay (the sync keeps them by file). An entity that does
 * not validate is a problem of its own (entity.ts). A repository without either file is skipped.
 */
import { parseAllDocuments } from 'yaml';
import type { CatalogSource, EntityProblem, Origin, SourceEntity } from '../../core/catalog.ts';
import type { Clock } from '../../core/clock.ts';
import { PermanentIntegrationError, RetryableIntegrationError } from '../../core/errors.ts';
import { describeCause, isObject, snippet } from '../vendor-text.ts';
import { readBackstageEntity } from './entity.ts';

/** Answers kept for conditional requests (main.ts keeps them in the database). */
export interface HttpCache {
  get(url: string): Promise<{ etag: string; body: string } | undefined>;
  put(url: string, etag: string, body: string): Promise<void>;
}

export function memoryHttpCache(): HttpCache {
  const entries = new Map<string, { etag: string; body: string }>();
  return { get: async (url) => entries.get(url), put: async (url, etag, body) => void entries.set(url, { etag, body }) };
}

export interface GitHubOptions {
  /** The API base: https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server. */
  url: string;
  token: string | null;
  org: string;
  clock: Clock;
  cache?: HttpCache;
  name?: string;
  /** Called when a request waits for the rate limit's reset (tests move the clock there). */
  onRateLimit?: (until: Date) => void;
  maxPages?: number;
  maxFileBytes?: number;
  timeoutMs?: number;
}

const FILES = { catalog: 'catalog-info.yaml', gov: 'kilonova.yaml' } as const;
const REPO_NAME = /^[A-Za-z0-9._-]{1,100}$/;

/** The `rel="next"` target of a Link header, or null. */
export function nextLink(header: string | null): string | null {
  if (!header) return null;
  for (const part of header.split(',')) {
    const match = /^\s*<([^>]+)>\s*;(.*)$/.exec(part);
    if (match && /(^|;)\s*rel="?([^";]*\s)?next(\s[^";]*)?"?\s*(;|$)/.test(match[2])) return match[1];
  }
  return null;
}

export function createGitHubCatalogSource(options: GitHubOptions): CatalogSource {
  const base = options.url.replace(/\/+$/, '');
  const origin = new URL(base).origin;
  const name = options.name ?? 'github';
  const cache = options.cache ?? memoryHttpCache();
  const maxPages = options.maxPages ?? 100;
  const maxFileBytes = options.maxFileBytes ?? 512 * 1024;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const { clock } = options;
  /** Until when the rate limit is spent (no request before). */
  let blockedUntil = 0;

  async function waitForLimit(signal?: AbortSignal): Promise<void> {
    if (blockedUntil <= clock.now().getTime()) return;
    const until = new Date(blockedUntil);
    options.onRateLimit?.(until);
    await clock.sleepUntil(until, signal ?? new AbortController().signal);
    if (signal?.aborted) throw new RetryableIntegrationError('stopped while waiting for GitHub\'s rate limit to reset');
  }

  function noteLimit(response: Response): boolean {
    const remaining = response.headers.get('x-ratelimit-remaining');
    const reset = Number(response.headers.get('x-ratelimit-reset'));
    const retryAfter = Number(response.headers.get('retry-after'));
    const now = clock.now().getTime();
    let spent = false;
    if (remaining === '0' && Number.isFinite(reset) && reset > 0) {
      blockedUntil = Math.max(blockedUntil, reset * 1000);
      spent = true;
    }
    if ((response.status === 403 || response.status === 429) && Number.isFinite(retryAfter) && retryAfter > 0) {
      blockedUntil = Math.max(blockedUntil, now + Math.min(retryAfter, 3600) * 1000);
      spent = true;
    }
    return spent;
  }

  /** A GET: the body (from the cache on 304), or null for 404. */
  async function get(url: string, signal?: AbortSignal): Promise<{ body: string; link: string | null } | null> {
    if (new URL(url).origin !== origin) throw new PermanentIntegrationError(`GitHub linked to ${new URL(url).origin}, not ${origin}: refused (the token goes to DCP_GITHUB_URL only)`);
    for (let attempt = 0; ; attempt++) {
      await waitForLimit(signal);
      const cached = await cache.get(url);
      let response: Response;
      try {
        response = await fetch(url, {
          headers: {
            accept: 'application/vnd.github+json',
            'x-github-api-version': '2022-11-28',
            'user-agent': 'dcp-catalog',
            ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
            ...(cached ? { 'if-none-match': cached.etag } : {}),
          },
          signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        throw new RetryableIntegrationError(`GitHub at ${base} cannot be reached: ${describeCause(error as Error)}`);
      }
      const spent = noteLimit(response);
      if (response.status === 304 && cached) {
        await response.body?.cancel();
        return { body: cached.body, link: response.headers.get('link') ?? linkOf(cached.body) };
      }
      if ((response.status === 403 || response.status === 429) && spent && attempt < 3) {
        await response.body?.cancel();
        continue; // wait for the reset, then ask again
      }
      if (response.status === 404) {
        await response.body?.cancel();
        return null;
      }
      const length = Number(response.headers.get('content-length') ?? 0);
      if (length > 4 * maxFileBytes) throw new PermanentIntegrationError(`GitHub answered ${length} bytes for ${url}: too big`);
      const body = await response.text();
      if (!response.ok) {
        const kind = response.status >= 500 || response.status === 429 || response.status === 403 ? RetryableIntegrationError : PermanentIntegrationError;
        const hint = response.status === 401 ? ' (check DCP_GITHUB_TOKEN)' : '';
        throw new kind(`GitHub answered ${response.status} to GET ${url.slice(base.length)}${hint}: ${snippet(body)}`);
      }
      const link = response.headers.get('link');
      const etag = response.headers.get('etag');
      // The Link header is kept with the body: a 304 of a repository page may not repeat it.
      if (etag) await cache.put(url, etag, link ? `${LINK_PREFIX}${link}\n${body}` : body);
      return { body, link };
    }
  }

  async function repositories(signal?: AbortSignal): Promise<string[]> {
    const names: string[] = [];
    let url: string | null = `${base}/orgs/${encodeURIComponent(options.org)}/repos?per_page=100`;
    for (let pages = 0; url !== null; pages++) {
      if (pages >= maxPages) throw new PermanentIntegrationError(`the repositories of ${options.org} go on for more than ${maxPages} pages`);
      const answer = await get(url, signal);
      if (answer === null) throw new PermanentIntegrationError(`GitHub has no organisation "${options.org}" (404 on /orgs/${options.org}/repos): check DCP_GITHUB_ORG`);
      const list = parseJson(stripLink(answer.body));
      if (!Array.isArray(list)) throw new PermanentIntegrationError(`GitHub's list of repositories is not a list: ${snippet(answer.body)}`);
      for (const repo of list) {
        if (!isObject(repo) || typeof repo.name !== 'string' || !REPO_NAME.test(repo.name)) continue;
        if (repo.archived === true) continue;
        names.push(repo.name);
      }
      url = nextLink(answer.link);
    }
    return names;
  }

  /** A file at a repository's root: its text and its page on GitHub, or null when absent. */
  async function file(repo: string, path: string, signal?: AbortSignal): Promise<{ text: string; htmlUrl: string | null } | { error: string } | null> {
    const answer = await get(`${base}/repos/${encodeURIComponent(options.org)}/${encodeURIComponent(repo)}/contents/${path}`, signal);
    if (answer === null) return null;
    const json = parseJson(stripLink(answer.body));
    if (!isObject(json) || json.type !== 'file' || typeof json.content !== 'string') return { error: `not a file (GitHub answered ${isObject(json) ? `type ${String(json.type)}` : 'something else'})` };
    const htmlUrl = typeof json.html_url === 'string' && /^https?:\/\//.test(json.html_url) ? json.html_url : null;
    if (typeof json.size === 'number' && json.size > maxFileBytes) return { error: `${json.size} bytes: a catalog file may be at most ${maxFileBytes}` };
    if (json.encoding !== 'base64') return { error: `encoding ${String(json.encoding)}: expected base64 (the file may be too big for the contents API)` };
    const text = Buffer.from(json.content.replace(/\s+/g, ''), 'base64').toString('utf8');
    if (text.length > maxFileBytes) return { error: `more than ${maxFileBytes} bytes` };
    return { text, htmlUrl };
  }

  function yamlDocuments(text: string): { values: unknown[] } | { error: string } {
    try {
      const docs = parseAllDocuments(text, { prettyErrors: false });
      if (!Array.isArray(docs)) return { values: [] }; // an empty stream
      const values: unknown[] = [];
      for (const doc of docs) {
        const error = doc.errors[0];
        if (error) return { error: `YAML syntax error: ${error.message.split('\n')[0]}` };
        values.push(doc.toJS({ maxAliasCount: 100 }));
      }
      return { values: values.filter((v) => v !== null && v !== undefined) };
    } catch (error) {
      return { error: `YAML cannot be read: ${(error as Error).message.split('\n')[0]}` };
    }
  }

  async function readRepo(repo: string, entities: SourceEntity[], problems: EntityProblem[], signal?: AbortSignal): Promise<void> {
    const catalogPath = `${repo}/${FILES.catalog}`;
    const services: string[] = [];
    const catalog = await file(repo, FILES.catalog, signal);
    if (catalog && 'error' in catalog) problems.push({ source: name, ref: catalogPath, field: '(file)', reason: catalog.error, file: catalogPath });
    else if (catalog) {
      const docs = yamlDocuments(catalog.text);
      if ('error' in docs) problems.push({ source: name, ref: catalogPath, field: '(syntax)', reason: docs.error, file: catalogPath, editUrl: catalog.htmlUrl });
      else {
        for (const [i, doc] of docs.values.entries()) {
          const reading = readBackstageEntity(doc, {
            source: name,
            file: `${catalogPath}#${i + 1}`,
            origin: () => ({ file: catalogPath, editUrl: catalog.htmlUrl }),
            component: (spec) => spec.type === 'service',
          });
          if ('problem' in reading) problems.push(reading.problem);
          else if ('entity' in reading) {
            entities.push(reading.entity);
            if (reading.entity.kind === 'service') services.push(reading.entity.name);
          }
        }
      }
    }
    const govPath = `${repo}/${FILES.gov}`;
    const gov = await file(repo, FILES.gov, signal);
    if (!gov) return;
    const problem = (field: string, reason: string) => problems.push({ source: name, ref: govPath, field, reason, file: govPath, editUrl: 'htmlUrl' in gov ? gov.htmlUrl : null });
    if ('error' in gov) return void problem('(file)', gov.error);
    const docs = yamlDocuments(gov.text);
    if ('error' in docs) return void problem('(syntax)', docs.error);
    const doc = docs.values[0];
    if (!isObject(doc)) return void problem('(document)', 'expected a mapping with "isGov: true" or "isGov: false"');
    if (typeof doc.isGov !== 'boolean') return void problem('isGov', `expected true or false, got ${JSON.stringify(doc.isGov ?? null)?.slice(0, 50)}`);
    if (doc.component !== undefined && (typeof doc.component !== 'string' || !REPO_NAME.test(doc.component))) return void problem('component', 'expected the service\'s name');
    const where: Origin = { source: name, ref: govPath, file: govPath, editUrl: gov.htmlUrl };
    // The services it marks: the one it names, else the repository's components, else the repository's name.
    const marked = typeof doc.component === 'string' ? [doc.component] : services.length > 0 ? services : [repo];
    for (const service of marked) entities.push({ kind: 'gov', service, isGov: doc.isGov, origin: where });
  }

  return {
    name,
    kind: 'github',
    location: `${base}/orgs/${options.org}`,
    async fetch(signal) {
      const entities: SourceEntity[] = [];
      const problems: EntityProblem[] = [];
      for (const repo of await repositories(signal)) await readRepo(repo, entities, problems, signal);
      return { entities, problems };
    },
  };
}

const LINK_PREFIX = '#link:';

function linkOf(body: string): string | null {
  return body.startsWith(LINK_PREFIX) ? body.slice(LINK_PREFIX.length, body.indexOf('\n')) : null;
}

function stripLink(body: string): string {
  return body.startsWith(LINK_PREFIX) ? body.slice(body.indexOf('\n') + 1) : body;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new PermanentIntegrationError(`GitHub answered something that is not JSON: ${snippet(text)}`);
  }
}
