/**
 * The Backstage catalog as a catalog source (contract §12, docs/integrations/backstage.md).
 *
 *   GET {url}/api/catalog/entities/by-query?filter=…&limit=N   the first page of a query
 *   GET {url}/api/catalog/entities/by-query?cursor=…&limit=N   the next ones (the cursor holds the query)
 *   → 200 { items: Entity[], totalItems, pageInfo: { nextCursor?, prevCursor? } }
 *
 * Three queries: Groups of `spec.type` team, Users, and the services (DCP_BACKSTAGE_FILTER,
 * default `kind=component,spec.type=service`). `Authorization: Bearer DCP_BACKSTAGE_TOKEN` when set.
 * A bad entity is a problem of its own (entity.ts); a failed request, an answer that is not a page,
 * or a limit crossed fails the whole fetch (the sync keeps the source's last good data).
 *
 * Limits: 200 entities a page, at most 2,000 pages a query and 16 MiB an answer; 30 s a request.
 * Edit links are the entity pages: {url}/catalog/{namespace}/{kind}/{name}.
 */
import type { CatalogSource, EntityProblem, SourceEntity } from '../../core/catalog.ts';
import { PermanentIntegrationError, RetryableIntegrationError } from '../../core/errors.ts';
import { describeCause, isObject, snippet } from '../vendor-text.ts';
import { readBackstageEntity } from './entity.ts';

export interface BackstageOptions {
  /** The backend's base URL (its catalog is under /api/catalog). */
  url: string;
  token: string | null;
  /** Which components are services (a Backstage filter). */
  filter: string;
  /** Where people open an entity page; default `url` (the app and the backend often share a host). */
  appUrl?: string;
  name?: string;
  pageSize?: number;
  maxPages?: number;
  maxBytes?: number;
  timeoutMs?: number;
}

export const TEAMS_FILTER = 'kind=group,spec.type=team';
export const USERS_FILTER = 'kind=user';

export function createBackstageCatalogSource(options: BackstageOptions): CatalogSource {
  const base = options.url.replace(/\/+$/, '');
  const app = (options.appUrl ?? base).replace(/\/+$/, '');
  const name = options.name ?? 'backstage';
  const pageSize = options.pageSize ?? 200;
  const maxPages = options.maxPages ?? 2000;
  const maxBytes = options.maxBytes ?? 16 * 1024 * 1024;
  const timeoutMs = options.timeoutMs ?? 30_000;

  async function page(query: URLSearchParams, signal?: AbortSignal): Promise<{ items: unknown[]; nextCursor: string | null }> {
    const url = `${base}/api/catalog/entities/by-query?${query}`;
    let response: Response;
    try {
      response = await fetch(url, {
        headers: { accept: 'application/json', ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) },
        signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new RetryableIntegrationError(`Backstage at ${base} cannot be reached: ${describeCause(error as Error)}`);
    }
    const length = Number(response.headers.get('content-length') ?? 0);
    if (length > maxBytes) throw new PermanentIntegrationError(`Backstage answered ${length} bytes: more than the ${maxBytes} a page may be`);
    const body = await response.text();
    if (!response.ok) {
      const kind = response.status >= 500 || response.status === 429 ? RetryableIntegrationError : PermanentIntegrationError;
      const hint = response.status === 401 || response.status === 403 ? ' (check DCP_BACKSTAGE_TOKEN)' : '';
      throw new kind(`Backstage answered ${response.status} to GET /api/catalog/entities/by-query${hint}: ${snippet(body)}`);
    }
    if (body.length > maxBytes) throw new PermanentIntegrationError(`Backstage answered more than the ${maxBytes} bytes a page may be`);
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      throw new PermanentIntegrationError(`Backstage answered something that is not JSON: ${snippet(body)}`);
    }
    if (!isObject(json) || !Array.isArray(json.items)) throw new PermanentIntegrationError('Backstage answered JSON without an items list: is DCP_BACKSTAGE_URL the backend (its /api/catalog)?');
    const info = json.pageInfo;
    const next = isObject(info) && typeof info.nextCursor === 'string' && info.nextCursor !== '' ? info.nextCursor : null;
    if (next !== null && next.length > 4096) throw new PermanentIntegrationError('Backstage answered a nextCursor longer than 4,096 characters');
    return { items: json.items, nextCursor: next };
  }

  async function query(filter: string, into: (raw: unknown) => void, signal?: AbortSignal): Promise<void> {
    let cursor: string | null = null;
    for (let pages = 0; ; pages++) {
      if (pages >= maxPages) throw new PermanentIntegrationError(`Backstage's answer to ${filter} goes on for more than ${maxPages} pages`);
      // The first page names the filter; the cursor of a next page holds the whole query.
      const params: URLSearchParams = cursor === null ? new URLSearchParams({ filter, limit: String(pageSize) }) : new URLSearchParams({ cursor, limit: String(pageSize) });
      const result = await page(params, signal);
      for (const item of result.items) into(item);
      if (result.nextCursor === null || result.items.length === 0) return;
      cursor = result.nextCursor;
    }
  }

  return {
    name,
    kind: 'backstage',
    location: base,
    async fetch(signal) {
      const entities: SourceEntity[] = [];
      const problems: EntityProblem[] = [];
      const seen = new Set<string>();
      const read = (raw: unknown) => {
        const reading = readBackstageEntity(raw, {
          source: name,
          origin: (ref) => ({ editUrl: `${app}/catalog/${encodeURIComponent(ref.namespace)}/${encodeURIComponent(ref.kind)}/${encodeURIComponent(ref.name)}` }),
        });
        if ('problem' in reading) problems.push(reading.problem);
        else if ('entity' in reading) {
          const id = `${reading.entity.kind}:${reading.entity.origin.ref}`;
          if (!seen.has(id)) entities.push(reading.entity);
          seen.add(id);
        }
      };
      for (const filter of [TEAMS_FILTER, USERS_FILTER, options.filter]) await query(filter, read, signal);
      return { entities, problems };
    },
  };
}
