/**
 * The imported config as tables (the target table, environment policies, strategies, the
 * catalog). An import replaces them all in the caller's transaction: it is all or nothing, and
 * importing the same folder twice changes nothing but the import record.
 */
import { createHash } from 'node:crypto';
import type { ConfigSnapshot, EnvironmentPolicy, Service, Target, TargetSpec, Team, User } from '../core/types.ts';
import type { Origin, ServiceOwner } from '../core/catalog.ts';
import type { Queryable } from './db.ts';

export function digestOf(snapshot: ConfigSnapshot): string {
  return createHash('sha256').update(JSON.stringify(snapshot)).digest('hex');
}

/**
 * A turn of the event loop every ROWS_PER_TURN rows written. PGlite runs each query on the main
 * thread, and an `await` between two queries is only a microtask: without these turns a large
 * import (thousands of services) would hold HTTP, /healthz and the engine for its whole length.
 */
const ROWS_PER_TURN = 25;

function pacer(): () => Promise<void> {
  let rows = 0;
  return async () => {
    rows += 1;
    if (rows % ROWS_PER_TURN === 0) await new Promise<void>((resolve) => setImmediate(resolve));
  };
}

/** Replaces the config (all but the catalog, which the caller merges); returns whether anything changed. */
export async function importConfig(tx: Queryable, snapshot: ConfigSnapshot, source: string, now: Date): Promise<{ changed: boolean; importId: number }> {
  const digest = digestOf(snapshot);
  const pace = pacer();
  const [latest] = await tx.query<{ id: number; digest: string }>('SELECT id, digest FROM config_imports ORDER BY id DESC LIMIT 1 FOR UPDATE');
  const changed = latest?.digest !== digest;
  if (changed) {
    await tx.query('DELETE FROM targets');
    await tx.query('DELETE FROM environments');
    await tx.query('DELETE FROM strategies');
    // Teams, services and people are the merged catalog of every source (store/catalog-sources.ts):
    // the caller hands the folder's catalog to the `config` source in this same transaction.
    await tx.query('DELETE FROM admins');
    for (const [channel, byEnvironment] of Object.entries(snapshot.channels)) {
      for (const [environment, targets] of Object.entries(byEnvironment)) {
        for (const [position, target] of targets.entries()) {
          await tx.query('INSERT INTO targets (channel, environment, cluster, position, spec) VALUES ($1, $2, $3, $4, $5)', [
            channel, environment, target.cluster, position, JSON.stringify(target),
          ]);
          await pace();
        }
      }
    }
    for (const [position, policy] of snapshot.environments.entries()) {
      await tx.query('INSERT INTO environments (name, position, policy) VALUES ($1, $2, $3)', [policy.name, position, JSON.stringify(policy)]);
      await pace();
    }
    for (const [name, environments] of Object.entries(snapshot.strategies)) {
      await tx.query('INSERT INTO strategies (name, environments) VALUES ($1, $2)', [name, JSON.stringify(environments)]);
      await pace();
    }
    for (const ref of snapshot.admins) {
      await tx.query('INSERT INTO admins (ref) VALUES ($1)', [ref]);
      await pace();
    }
  }
  const [row] = await tx.query<{ id: number }>(
    'INSERT INTO config_imports (imported_at, source, digest) VALUES ($1, $2, $3) RETURNING id',
    [now, source, digest],
  );
  return { changed, importId: row.id };
}

export async function latestImport(q: Queryable): Promise<{ id: number; importedAt: Date; source: string; digest: string } | null> {
  const [row] = await q.query<{ id: number; imported_at: Date; source: string; digest: string }>(
    'SELECT id, imported_at, source, digest FROM config_imports ORDER BY id DESC LIMIT 1',
  );
  return row ? { id: row.id, importedAt: row.imported_at, source: row.source, digest: row.digest } : null;
}

/**
 * A page of a list ordered by `key`: `limit` items after `after` (a key from a previous page's
 * `next`), and the key to continue from, null on the last page. No page: everything.
 */
export interface PageRequest<Key> {
  limit: number;
  after?: Key;
}
export interface Page<T, Key> {
  items: T[];
  next: Key | null;
}

/** Rows fetched with LIMIT page.limit + 1: the extra row says there is a next page. */
export function toPage<R, T, Key>(rows: R[], page: PageRequest<Key>, item: (row: R) => T, key: (row: R) => Key): Page<T, Key> {
  const more = rows.length > page.limit;
  const kept = more ? rows.slice(0, page.limit) : rows;
  return { items: kept.map(item), next: more ? key(kept[kept.length - 1]) : null };
}

/** A target's place in the table: channel, environment, position. */
export type TargetKey = [string, string, number];

export async function listTargets(q: Queryable, filter: { channel?: string; environment?: string } = {}): Promise<Target[]> {
  return (await pageTargets(q, filter)).items;
}

export async function pageTargets(q: Queryable, filter: { channel?: string; environment?: string }, page?: PageRequest<TargetKey>): Promise<Page<Target, TargetKey>> {
  const after = page?.after ?? null;
  const rows = await q.query<{ channel: string; environment: string; position: number; spec: TargetSpec }>(
    `SELECT channel, environment, position, spec FROM targets
      WHERE ($1::text IS NULL OR channel = $1) AND ($2::text IS NULL OR environment = $2)
        AND ($3::text IS NULL OR (channel, environment, position) > ($3::text, $4::text, $5::integer))
      ORDER BY channel, environment, position LIMIT $6`,
    [filter.channel ?? null, filter.environment ?? null, after?.[0] ?? null, after?.[1] ?? null, after?.[2] ?? null, page ? page.limit + 1 : null],
  );
  return toPage(rows, page ?? { limit: Infinity }, (r) => ({ ...r.spec, channel: r.channel, environment: r.environment }), (r) => [r.channel, r.environment, r.position]);
}

export async function listEnvironments(q: Queryable): Promise<EnvironmentPolicy[]> {
  const rows = await q.query<{ policy: EnvironmentPolicy }>('SELECT policy FROM environments ORDER BY position');
  return rows.map((r) => r.policy);
}

export async function listStrategies(q: Queryable): Promise<Record<string, string[]>> {
  const rows = await q.query<{ name: string; environments: string[] }>('SELECT name, environments FROM strategies ORDER BY name');
  return Object.fromEntries(rows.map((r) => [r.name, r.environments]));
}

export interface TeamRecord extends Team {
  /** As imported from the catalog, and whether DCP can post there: Slack's last error for the team's channel (null: none). */
  slack: Team['slack'] & { error: string | null; errorAt: string | null };
  /** Slack settings in force: the app's override where set, else the catalog's. */
  notifications: { workspace: string | null; channel: string | null; source: 'catalog' | 'override'; updatedAt: string | null; updatedBy: string | null };
}

interface TeamRow {
  name: string; title: string | null; slack_workspace: string | null; slack_channel: string | null; change_case_queue: string;
  members: string[]; provenance: Record<string, Origin>; o_workspace: string | null; o_channel: string | null; o_updated_at: Date | null; o_updated_by: string | null;
  s_error: string | null; s_at: Date | null;
}

export async function listTeams(q: Queryable, name?: string): Promise<TeamRecord[]> {
  return (await pageTeams(q, name)).items;
}

/** Teams by name; the key is the name. */
export async function pageTeams(q: Queryable, name?: string, page?: PageRequest<string>): Promise<Page<TeamRecord, string>> {
  const rows = await q.query<TeamRow>(
    `SELECT t.*, n.slack_workspace AS o_workspace, n.slack_channel AS o_channel, n.updated_at AS o_updated_at, n.updated_by AS o_updated_by,
            s.error AS s_error, s.at AS s_at
       FROM teams t LEFT JOIN team_notifications n ON n.team = t.name LEFT JOIN slack_channel_status s ON s.team = t.name
      WHERE ($1::text IS NULL OR t.name = $1) AND ($2::text IS NULL OR t.name > $2) ORDER BY t.name LIMIT $3`,
    [name ?? null, page?.after ?? null, page ? page.limit + 1 : null],
  );
  return toPage(rows, page ?? { limit: Infinity }, teamRecord, (r) => r.name);
}

function teamRecord(r: TeamRow): TeamRecord {
  return {
    name: r.name,
    title: r.title ?? undefined,
    slack: { workspace: r.slack_workspace ?? undefined, channel: r.slack_channel ?? undefined, error: r.s_error, errorAt: r.s_at?.toISOString() ?? null },
    changeCaseQueue: r.change_case_queue,
    members: r.members,
    provenance: r.provenance,
    notifications: r.o_updated_at
      ? { workspace: r.o_workspace, channel: r.o_channel, source: 'override', updatedAt: r.o_updated_at.toISOString(), updatedBy: r.o_updated_by }
      : { workspace: r.slack_workspace, channel: r.slack_channel, source: 'catalog', updatedAt: null, updatedBy: null },
  };
}

export async function setTeamNotifications(
  tx: Queryable,
  team: string,
  settings: { workspace: string | null; channel: string | null },
  by: string,
  now: Date,
): Promise<void> {
  // Null for both returns to the catalog's settings (the API's promise): no override row at all.
  if (settings.workspace === null && settings.channel === null) {
    await tx.query('DELETE FROM team_notifications WHERE team = $1', [team]);
    return;
  }
  await tx.query(
    `INSERT INTO team_notifications (team, slack_workspace, slack_channel, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (team) DO UPDATE SET slack_workspace = $2, slack_channel = $3, updated_at = $4, updated_by = $5`,
    [team, settings.workspace, settings.channel, now, by],
  );
}

export async function listServices(q: Queryable, filter: { team?: string; name?: string } = {}): Promise<Service[]> {
  return (await pageServices(q, filter)).items;
}

/** Services by name; the key is the name. */
export async function pageServices(q: Queryable, filter: { team?: string; name?: string }, page?: PageRequest<string>): Promise<Page<Service, string>> {
  const rows = await q.query<ServiceRow>(
    `SELECT name, team, is_gov, lifecycle, annotations, provenance, owner, retired_at FROM services
      WHERE ($1::text IS NULL OR team = $1) AND ($2::text IS NULL OR name = $2) AND ($3::text IS NULL OR name > $3) ORDER BY name LIMIT $4`,
    [filter.team ?? null, filter.name ?? null, page?.after ?? null, page ? page.limit + 1 : null],
  );
  return toPage(rows, page ?? { limit: Infinity }, serviceOf, (r) => r.name);
}

interface ServiceRow {
  name: string; team: string; is_gov: boolean; lifecycle: string | null; annotations: Record<string, string>;
  provenance: Record<string, Origin>; owner: ServiceOwner | null; retired_at: Date | null;
}

function serviceOf(r: ServiceRow): Service {
  const service: Service = { name: r.name, team: r.team, isGov: r.is_gov, annotations: r.annotations, provenance: r.provenance };
  if (r.lifecycle !== null) service.lifecycle = r.lifecycle;
  if (r.owner) service.owner = r.owner;
  if (r.retired_at) service.retiredAt = r.retired_at.toISOString();
  return service;
}

/** The config in force, as the planner reads it. */
export async function loadConfig(q: Queryable): Promise<ConfigSnapshot> {
  const channels: ConfigSnapshot['channels'] = {};
  for (const t of await listTargets(q)) {
    const { channel, environment, ...spec } = t;
    ((channels[channel] ??= {})[environment] ??= []).push(spec);
  }
  const teams = await listTeams(q);
  return {
    channels,
    environments: await listEnvironments(q),
    strategies: await listStrategies(q),
    teams: teams.map(({ notifications: _, slack: { workspace, channel }, ...team }) => ({ ...team, slack: { workspace, channel } })),
    services: await listServices(q),
    users: await listUsers(q),
    admins: (await q.query<{ ref: string }>('SELECT ref FROM admins ORDER BY ref')).map((r) => r.ref),
  };
}

export async function listUsers(q: Queryable): Promise<User[]> {
  const rows = await q.query<{ name: string; email: string | null; display_name: string | null; groups: string[] }>(
    'SELECT name, email, display_name, groups FROM users ORDER BY name',
  );
  return rows.map((r) => ({ name: r.name, groups: r.groups, ...(r.email ? { email: r.email } : {}), ...(r.display_name ? { displayName: r.display_name } : {}) }));
}
