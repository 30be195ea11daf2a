/**
 * Syncing the catalog sources (contract §12): on start, every DCP_CATALOG_SYNC, and on
 * `POST /api/v1/catalog/sync` (admins).
 *
 * One source at a time, each in its own transaction: the source's fetch (outside any transaction)
 * yields its entities and its problems; its good entities replace its previous ones, a bad
 * entity's previous good version stays (`keep`), and the catalog is merged again from every
 * source's rows (core/catalog.ts) and written. A source that cannot be reached records the error
 * and keeps all of its rows. The config folder is a source too: its sync is the config import, at
 * start and on `POST /api/v1/config/reload` (services/config-import.ts calls `applyConfigCatalog`
 * in the import's transaction, so the folder stays all or nothing); the schedule and
 * `POST /api/v1/catalog/sync` read the external sources (re-reading the folder on a timer would
 * apply half-edited environments and channels too).
 *
 * The schedule is a durable timer, a row in PostgreSQL (catalog_state.next_sync_at): each process
 * sleeps until the due time on the injected clock, then claims it with a guarded update; only
 * the winner syncs, so several processes sync once per interval between them.
 *
 * Nothing here touches a deployment: a deployment's plan (phases, releases, policies, its team)
 * is stored with it when it is created, and a sync changes only the catalog tables.
 */
import { entitiesFromConfig, mergeCatalog, type CatalogSource, type EntityProblem } from '../core/catalog.ts';
import type { Clock } from '../core/clock.ts';
import type { ConfigSnapshot } from '../core/types.ts';
import * as store from '../store/catalog-sources.ts';
import type { Db, Queryable } from '../store/db.ts';
import type { Logger } from '../shared/logger.ts';
import type { AuditService, Caller } from './audit.ts';
import { authorize } from './auth.ts';

/** The config folder ranks last: Backstage, then GitHub, then the folder (docs/decisions.md). */
export const CONFIG_SOURCE = { name: 'config', kind: 'config', rank: 100 } as const;
/** At most this many problems are kept per source (the first ones); the count says how many there were. */
const MAX_PROBLEMS = 200;

export type SourceRecord = store.SourceRecord;

/** Merges every source's entities and writes the catalog in force (in the caller's transaction, under the catalog lock). */
export async function mergeAndWrite(tx: Queryable, now: Date): Promise<void> {
  const merged = mergeCatalog(await store.rankedEntities(tx));
  await store.writeMergedCatalog(tx, merged, now);
}

/** The config folder's catalog as the `config` source's entities, merged and written (in the import's transaction). */
export async function applyConfigCatalog(tx: Queryable, snapshot: Pick<ConfigSnapshot, 'teams' | 'services' | 'users'>, location: string, now: Date): Promise<void> {
  await store.lockCatalog(tx);
  const fresh = await store.ensureSource(tx, { ...CONFIG_SOURCE, location });
  const changes = await store.replaceSourceEntities(tx, CONFIG_SOURCE.name, entitiesFromConfig(snapshot), { keys: new Set(), files: new Set() }, now);
  await store.recordSync(tx, CONFIG_SOURCE.name, { status: 'ok', error: null, changes, problems: [] }, now);
  // The same folder again changes nothing: the catalog is merged only when the folder's entities moved.
  if (fresh || changes.added + changes.updated + changes.removed > 0) await mergeAndWrite(tx, now);
}

/** Records that the config folder could not be imported: its last good catalog stays. */
export async function recordConfigFailure(db: Db, location: string, error: string, now: Date): Promise<void> {
  await db.transaction(async (tx) => {
    await store.lockCatalog(tx);
    await store.ensureSource(tx, { ...CONFIG_SOURCE, location });
    await store.recordSync(tx, CONFIG_SOURCE.name, { status: 'failed', error, changes: null, problems: [] }, now);
  });
}

export interface CatalogSyncService {
  /** Syncs every source now (after a sync under way); for a caller: admins only, audited. */
  syncNow(caller?: Caller): Promise<SourceRecord[]>;
  sources(): Promise<SourceRecord[]>;
  /** Registers the sources, syncs once, and keeps the schedule. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Called after every sync (tests wait on it). */
  onSync(listener: (sources: SourceRecord[]) => void): () => void;
}

export function createCatalogSyncService(deps: {
  db: Db;
  clock: Clock;
  audit: AuditService;
  log: Logger;
  /** External sources, highest precedence first (the config folder is added last). */
  sources: CatalogSource[];
  everyMs: number;
}): CatalogSyncService {
  const { db, clock, log } = deps;
  const listeners = new Set<(sources: SourceRecord[]) => void>();
  const stopping = new AbortController();
  let chain: Promise<unknown> = Promise.resolve();
  let loop: Promise<void> | undefined;

  async function syncSource(source: CatalogSource): Promise<void> {
    let fetched;
    try {
      fetched = await source.fetch(stopping.signal);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log.warn(`catalog source ${source.name} (${source.location}) could not be read; its last good data stays: ${message}`);
      await db.transaction(async (tx) => {
        await store.lockCatalog(tx);
        await store.recordSync(tx, source.name, { status: 'failed', error: message, changes: null, problems: [] }, clock.now());
      });
      return;
    }
    const problems: EntityProblem[] = fetched.problems;
    const keep = { keys: new Set(problems.flatMap((p) => (p.key ? [p.key] : []))), files: new Set(problems.flatMap((p) => (p.file ? [p.file] : []))) };
    await db.transaction(async (tx) => {
      const now = clock.now();
      await store.lockCatalog(tx);
      const changes = await store.replaceSourceEntities(tx, source.name, fetched.entities, keep, now);
      const shown = problems.slice(0, MAX_PROBLEMS);
      if (problems.length > MAX_PROBLEMS) shown.push({ source: source.name, ref: '(more)', field: '(more)', reason: `and ${problems.length - MAX_PROBLEMS} more problems` });
      await store.recordSync(tx, source.name, { status: problems.length > 0 ? 'partial' : 'ok', error: null, changes, problems: shown }, now);
      await mergeAndWrite(tx, now);
    });
    if (problems.length > 0) log.warn(`catalog source ${source.name}: ${problems.length} bad entities skipped (first: ${problems[0].ref} ${problems[0].field}: ${problems[0].reason})`);
  }

  async function syncAll(): Promise<SourceRecord[]> {
    for (const source of deps.sources) {
      if (stopping.signal.aborted) break;
      await syncSource(source);
    }
    await store.setNextSync(db, new Date(clock.now().getTime() + deps.everyMs));
    const records = await store.listSources(db);
    for (const listener of listeners) listener(records);
    return records;
  }

  function queued(): Promise<SourceRecord[]> {
    const next = chain.then(syncAll);
    chain = next.catch((error: Error) => log.error(`catalog sync failed: ${error.message}`));
    return next;
  }

  async function schedule(): Promise<void> {
    while (!stopping.signal.aborted) {
      const due = (await store.nextSyncAt(db)) ?? clock.now();
      await clock.sleepUntil(due, stopping.signal);
      if (stopping.signal.aborted) return;
      if (await store.claimSyncTimer(db, clock.now(), deps.everyMs)) await queued().catch(() => undefined);
      else await chain; // another process took it (or it moved): read the new due time
    }
  }

  return {
    async syncNow(caller) {
      if (caller) authorize(caller.principal, 'config:write');
      const records = await queued();
      if (caller) await db.transaction((tx) => deps.audit.record(tx, caller, 'catalog/sync', { sources: records.map((r) => `${r.name}:${r.status}`).join(', ') }));
      return records;
    },
    sources: () => store.listSources(db),
    async start() {
      await db.transaction(async (tx) => {
        await store.lockCatalog(tx);
        // Sources no longer configured stop counting; the configured ones are registered in their order.
        await store.dropSourcesExcept(tx, [CONFIG_SOURCE.name, ...deps.sources.map((s) => s.name)]);
        for (const [rank, source] of deps.sources.entries()) await store.ensureSource(tx, { name: source.name, kind: source.kind, location: source.location, rank });
        await mergeAndWrite(tx, clock.now());
      });
      // No external source: nothing to schedule (the folder is synced by its import: at start and on reload).
      if (deps.sources.length === 0) return;
      void queued().catch(() => undefined);
      loop = schedule().catch((error: Error) => log.error(`catalog sync schedule stopped: ${error.message}`));
    },
    async stop() {
      stopping.abort();
      await loop;
      await chain;
    },
    onSync(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
