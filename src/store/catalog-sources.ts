/**
 * Catalog sources (contract §12): each source's last good entities and last sync, the durable
 * sync timer, the HTTP cache of conditional requests, and the merged catalog written into
 * teams / services / users.
 *
 * Writes happen in the caller's transaction. `lockCatalog` serialises the writers (a config
 * import, a sync on any process): whoever holds the catalog_state row merges and writes.
 */
import { createHash } from 'node:crypto';
import { entityKey, type EntityProblem, type MergedCatalog, type SourceEntity } from '../core/catalog.ts';
import type { Queryable } from './db.ts';

export type SyncStatus = 'never' | 'ok' | 'partial' | 'failed';

export interface SourceRecord {
  name: string;
  kind: 'config' | 'backstage' | 'github';
  location: string;
  rank: number;
  status: SyncStatus;
  lastSyncAt: string | null;
  lastSuccessAt: string | null;
  error: string | null;
  added: number;
  updated: number;
  removed: number;
  entities: number;
  problems: EntityProblem[];
}

export interface Changes {
  added: number;
  updated: number;
  removed: number;
  entities: number;
}

const digest = (data: unknown) => createHash('sha256').update(JSON.stringify(data)).digest('hex');

/**
 * A turn of the event loop every 25 rows: PGlite runs each query on the main thread (see
 * store/catalog.ts), and a catalog of thousands of entities must not hold HTTP and the engine.
 */
function pacer(): () => Promise<void> {
  let rows = 0;
  return async () => {
    if (++rows % 25 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
  };
}

/** Rows read in pages of this many (one huge result would be parsed in one go on the main thread). */
const READ_PAGE = 500;

/** Takes the catalog's write lock until the transaction ends (one merge at a time, across processes). */
export async function lockCatalog(tx: Queryable): Promise<void> {
  await tx.query('SELECT id FROM catalog_state WHERE id = 1 FOR UPDATE');
}

/** Registers (or updates) a source; whether it is new. */
export async function ensureSource(tx: Queryable, source: { name: string; kind: string; location: string; rank: number }): Promise<boolean> {
  const [existing] = await tx.query('SELECT name FROM catalog_sources WHERE name = $1', [source.name]);
  await tx.query(
    `INSERT INTO catalog_sources (name, kind, location, rank) VALUES ($1, $2, $3, $4)
     ON CONFLICT (name) DO UPDATE SET kind = $2, location = $3, rank = $4`,
    [source.name, source.kind, source.location, source.rank],
  );
  return existing === undefined;
}

/**
 * Makes the source's entities these, except that the rows keyed in `keep.keys` (entities that
 * were bad this time) and those last read from a file in `keep.files` (a file that did not parse)
 * stay as they were. Returns what changed.
 */
export async function replaceSourceEntities(
  tx: Queryable, source: string, entities: SourceEntity[], keepBad: { keys: Set<string>; files: Set<string> }, now: Date,
): Promise<Changes> {
  const rows = await tx.query<{ key: string; digest: string; file: string | null }>(
    `SELECT key, digest, data->'origin'->>'file' AS file FROM catalog_entities WHERE source = $1`, [source],
  );
  const before = new Map(rows.map((r) => [r.key, r.digest]));
  const keep = new Set([...keepBad.keys, ...rows.filter((r) => r.file !== null && keepBad.files.has(r.file)).map((r) => r.key)]);
  const seen = new Set<string>();
  let added = 0;
  let updated = 0;
  const pace = pacer();
  for (const entity of entities) {
    const key = entityKey(entity);
    if (seen.has(key) || keep.has(key)) continue;
    await pace();
    seen.add(key);
    const d = digest(entity);
    const old = before.get(key);
    if (old === d) continue;
    if (old === undefined) added += 1;
    else updated += 1;
    await tx.query(
      `INSERT INTO catalog_entities (source, key, data, digest, updated_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (source, key) DO UPDATE SET data = $3, digest = $4, updated_at = $5`,
      [source, key, JSON.stringify(entity), d, now],
    );
  }
  const gone = [...before.keys()].filter((key) => !seen.has(key) && !keep.has(key));
  if (gone.length > 0) await tx.query('DELETE FROM catalog_entities WHERE source = $1 AND key = ANY($2::text[])', [source, gone]);
  const kept = [...keep].filter((key) => before.has(key)).length;
  return { added, updated, removed: gone.length, entities: seen.size + kept };
}

export async function recordSync(
  tx: Queryable,
  source: string,
  result: { status: Exclude<SyncStatus, 'never'>; error: string | null; changes: Changes | null; problems: EntityProblem[] },
  now: Date,
): Promise<void> {
  const c = result.changes;
  await tx.query(
    `UPDATE catalog_sources SET status = $2, error = $3, last_sync_at = $4,
            last_success_at = CASE WHEN $2 = 'failed' THEN last_success_at ELSE $4 END,
            added = COALESCE($5, 0), updated = COALESCE($6, 0), removed = COALESCE($7, 0),
            entities = COALESCE($8, entities), problems = $9
      WHERE name = $1`,
    [source, result.status, result.error, now, c?.added ?? null, c?.updated ?? null, c?.removed ?? null, c?.entities ?? null, JSON.stringify(result.problems)],
  );
}

/** Every known source's entities, highest precedence (lowest rank) first. */
export async function rankedEntities(q: Queryable): Promise<{ source: string; entities: SourceEntity[] }[]> {
  const out: { source: string; entities: SourceEntity[] }[] = [];
  let after: { rank: number; source: string; key: string } | null = null;
  for (;;) {
    const rows: { rank: number; source: string; key: string; data: SourceEntity }[] = await q.query(
      `SELECT s.rank, e.source, e.key, e.data FROM catalog_entities e JOIN catalog_sources s ON s.name = e.source
        WHERE $1::integer IS NULL OR (s.rank, e.source, e.key) > ($1::integer, $2::text, $3::text)
        ORDER BY s.rank, e.source, e.key LIMIT $4`,
      [after?.rank ?? null, after?.source ?? null, after?.key ?? null, READ_PAGE],
    );
    for (const row of rows) {
      let last = out[out.length - 1];
      if (last?.source !== row.source) out.push((last = { source: row.source, entities: [] }));
      last.entities.push(row.data);
    }
    if (rows.length < READ_PAGE) return out;
    const tail = rows[rows.length - 1];
    after = { rank: tail.rank, source: tail.source, key: tail.key };
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

interface SourceRow {
  name: string; kind: SourceRecord['kind']; location: string; rank: number; status: SyncStatus; last_sync_at: Date | null; last_success_at: Date | null;
  error: string | null; added: number; updated: number; removed: number; entities: number; problems: EntityProblem[];
}

export async function listSources(q: Queryable): Promise<SourceRecord[]> {
  const rows = await q.query<SourceRow>('SELECT * FROM catalog_sources ORDER BY rank, name');
  return rows.map((r) => ({
    name: r.name, kind: r.kind, location: r.location, rank: r.rank, status: r.status,
    lastSyncAt: r.last_sync_at?.toISOString() ?? null, lastSuccessAt: r.last_success_at?.toISOString() ?? null,
    error: r.error, added: r.added, updated: r.updated, removed: r.removed, entities: r.entities, problems: r.problems,
  }));
}

/** Sources no longer configured: their rows go, so their entities no longer count. */
export async function dropSourcesExcept(tx: Queryable, names: string[]): Promise<void> {
  await tx.query('DELETE FROM catalog_entities WHERE NOT (source = ANY($1::text[]))', [names]);
  await tx.query('DELETE FROM catalog_sources WHERE NOT (name = ANY($1::text[]))', [names]);
}

/**
 * Writes the merged catalog: teams and people are replaced; services are upserted, and those in
 * no source any more are marked retired (kept, with their history). Bumps the generation.
 */
export async function writeMergedCatalog(tx: Queryable, merged: MergedCatalog, now: Date): Promise<void> {
  const pace = pacer();
  await tx.query('DELETE FROM teams');
  for (const team of merged.teams) {
    await tx.query(
      'INSERT INTO teams (name, title, slack_workspace, slack_channel, change_case_queue, members, provenance) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [team.name, team.title ?? null, team.slack.workspace ?? null, team.slack.channel ?? null, team.changeCaseQueue, JSON.stringify(team.members), JSON.stringify(team.provenance)],
    );
    await pace();
  }
  for (const s of merged.services) {
    await tx.query(
      `INSERT INTO services (name, team, is_gov, lifecycle, annotations, provenance, owner, retired_at) VALUES ($1, $2, $3, $4, $5, $6, $7, NULL)
       ON CONFLICT (name) DO UPDATE SET team = $2, is_gov = $3, lifecycle = $4, annotations = $5, provenance = $6, owner = $7, retired_at = NULL`,
      [s.name, s.team, s.isGov, s.lifecycle ?? null, JSON.stringify(s.annotations), JSON.stringify(s.provenance), JSON.stringify(s.owner)],
    );
    await pace();
  }
  await tx.query('UPDATE services SET retired_at = $2 WHERE retired_at IS NULL AND NOT (name = ANY($1::text[]))', [merged.services.map((s) => s.name), now]);
  await tx.query('DELETE FROM users');
  for (const user of merged.users) {
    await tx.query('INSERT INTO users (name, email, display_name, groups) VALUES ($1, $2, $3, $4)', [
      user.name, user.email ?? null, user.displayName ?? null, JSON.stringify(user.groups),
    ]);
    await pace();
  }
  await tx.query('UPDATE catalog_state SET generation = generation + 1 WHERE id = 1');
}

/** The merged catalog's generation: it moves at every write (the planner's config cache key). */
export async function catalogGeneration(q: Queryable): Promise<number> {
  const [row] = await q.query<{ generation: string | number }>('SELECT generation FROM catalog_state WHERE id = 1');
  return Number(row?.generation ?? 0);
}

/**
 * The durable sync timer: claims the sync due at or before `now` and sets the next one, `everyMs`
 * later. Only one process wins a due time; the others see it moved on.
 */
export async function claimSyncTimer(q: Queryable, now: Date, everyMs: number): Promise<boolean> {
  const rows = await q.query(
    `UPDATE catalog_state SET next_sync_at = $2 WHERE id = 1 AND (next_sync_at IS NULL OR next_sync_at <= $1) RETURNING id`,
    [now, new Date(now.getTime() + everyMs)],
  );
  return rows.length > 0;
}

/** Sets the next sync (after a sync made now, on start or on demand). */
export async function setNextSync(q: Queryable, at: Date): Promise<void> {
  await q.query('UPDATE catalog_state SET next_sync_at = $1 WHERE id = 1', [at]);
}

export async function nextSyncAt(q: Queryable): Promise<Date | null> {
  const [row] = await q.query<{ next_sync_at: Date | null }>('SELECT next_sync_at FROM catalog_state WHERE id = 1');
  return row?.next_sync_at ?? null;
}

export async function getHttpCache(q: Queryable, source: string, url: string): Promise<{ etag: string; body: string } | undefined> {
  const [row] = await q.query<{ etag: string; body: string }>('SELECT etag, body FROM catalog_http_cache WHERE source = $1 AND url = $2', [source, url]);
  return row;
}

export async function putHttpCache(q: Queryable, source: string, url: string, etag: string, body: string): Promise<void> {
  await q.query(
    `INSERT INTO catalog_http_cache (source, url, etag, body) VALUES ($1, $2, $3, $4)
     ON CONFLICT (source, url) DO UPDATE SET etag = $3, body = $4`,
    [source, url, etag, body],
  );
}
