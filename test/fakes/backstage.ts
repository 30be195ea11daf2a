/**
 * A fake Backstage catalog backend for tests: a local HTTP server (127.0.0.1, a free port) that
 * answers the catalog's query endpoint the way Backstage's catalog-backend does:
 *
 *   GET /api/catalog/entities/by-query?filter=…&limit=N    the first page of a query
 *   GET /api/catalog/entities/by-query?cursor=…&limit=N    a next page (the cursor holds the query;
 *                                                          a filter beside a cursor is a 400, as in Backstage)
 *   → 200 { items, totalItems, pageInfo: { nextCursor?, prevCursor? } }
 *
 * Filters: `key=value` conditions, comma-separated, all of which must hold; keys are dotted paths
 * (`kind`, `spec.type`, `metadata.namespace`), compared case-insensitively as Backstage does.
 * Items are ordered by entity ref. `Authorization: Bearer <token>` is required (else 401).
 * Knobs: `down` (every request 503), `entities` (replace what it serves).
 */
import { readFileSync, readdirSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

export const FAKE_BACKSTAGE_TOKEN = 'backstage-test-token';
export const BACKSTAGE_EXAMPLES = fileURLToPath(new URL('../fixtures/backstage/examples/', import.meta.url));

/** Every entity of every YAML file under `dir`, in path order. */
export function loadEntities(dir: string = BACKSTAGE_EXAMPLES): Record<string, any>[] {
  const files = readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
  return files.flatMap((file) => parseAllDocuments(readFileSync(file, 'utf8')).map((doc: any) => doc.toJS()).filter(Boolean));
}

export interface FakeBackstage {
  url: string;
  entities: Record<string, any>[];
  requests: { url: string; authorization: string | undefined }[];
  down: boolean;
  close(): Promise<void>;
}

function valueAt(entity: Record<string, any>, path: string): unknown {
  let value: any = entity;
  for (const part of path.split('.')) value = value?.[part];
  return value;
}

function matches(entity: Record<string, any>, filter: string): boolean {
  return filter.split(',').every((condition) => {
    const [key, expected] = condition.split('=');
    const value = valueAt(entity, key.trim());
    if (expected === undefined) return value !== undefined;
    const values = Array.isArray(value) ? value : [value];
    return values.some((v) => typeof v === 'string' && v.toLowerCase() === expected.trim().toLowerCase());
  });
}

const refOf = (e: Record<string, any>) => `${String(e.kind).toLowerCase()}:${e.metadata?.namespace ?? 'default'}/${e.metadata?.name}`;

export async function startFakeBackstage(options: { entities?: Record<string, any>[]; pageSize?: number } = {}): Promise<FakeBackstage> {
  const fake: FakeBackstage = {
    url: '',
    entities: options.entities ?? loadEntities(),
    requests: [],
    down: false,
    close: async () => undefined,
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    fake.requests.push({ url: req.url ?? '/', authorization: req.headers.authorization });
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const error = (status: number, name: string, message: string) => send(status, { error: { name, message }, request: { method: req.method, url: req.url }, response: { statusCode: status } });
    if (fake.down) return error(503, 'ServiceUnavailableError', 'down for the test');
    if (req.headers.authorization !== `Bearer ${FAKE_BACKSTAGE_TOKEN}`) return error(401, 'AuthenticationError', 'Missing or invalid token');
    if (req.method !== 'GET' || url.pathname !== '/api/catalog/entities/by-query') return error(404, 'NotFoundError', `no route ${req.method} ${url.pathname}`);
    const cursorText = url.searchParams.get('cursor');
    const limit = Math.min(Number(url.searchParams.get('limit') ?? options.pageSize ?? 20), options.pageSize ?? 1000);
    if (!Number.isInteger(limit) || limit < 1) return error(400, 'InputError', 'limit must be a positive integer');
    let filter: string;
    let offset: number;
    if (cursorText !== null) {
      if (url.searchParams.has('filter')) return error(400, 'InputError', 'filter cannot be given with a cursor');
      try {
        ({ filter, offset } = JSON.parse(Buffer.from(cursorText, 'base64url').toString('utf8')));
      } catch {
        return error(400, 'InputError', 'Malformed cursor');
      }
    } else {
      filter = url.searchParams.get('filter') ?? '';
      offset = 0;
    }
    const all = fake.entities.filter((e) => filter === '' || matches(e, filter)).sort((a, b) => refOf(a).localeCompare(refOf(b)));
    const items = all.slice(offset, offset + limit);
    const pageInfo: Record<string, string> = {};
    if (offset + limit < all.length) pageInfo.nextCursor = Buffer.from(JSON.stringify({ filter, offset: offset + limit })).toString('base64url');
    if (offset > 0) pageInfo.prevCursor = Buffer.from(JSON.stringify({ filter, offset: Math.max(0, offset - limit) })).toString('base64url');
    send(200, { items, totalItems: all.length, pageInfo });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () => new Promise((resolve) => server.close(() => resolve()));
  return fake;
}
