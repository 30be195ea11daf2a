/**
 * Catalog sources (contract §12): the port every source of teams, people and services implements
 * (the config folder, Backstage, GitHub), and the one pure merge of what they hold.
 *
 * Glossary
 * - Source: where catalog facts live (`config`, `backstage`, `github`). Each sync of a source
 *   yields its entities and its problems (bad entities, skipped and reported).
 * - Entity: a team (a Backstage Group of type team), a person (a User), a service (a Component),
 *   or a GOV marking (a repository's `kilonova.yaml`). Each carries its Origin.
 * - Origin: where one fact came from: the source, the Backstage entity ref, the file, and a link
 *   to correct it there (the Backstage entity page, the file on GitHub, the config folder path).
 * - Entity ref: `[kind:][namespace/]name` (Backstage's string form); kind and namespace default
 *   by context (`spec.owner`: group, the entity's own namespace).
 *
 * Precedence (docs/decisions.md, "Catalog precedence"): sources are ranked; an entity is taken
 * whole from the highest-ranked source that holds it (no field-by-field mixing of two versions of
 * one team). Two facts are merged across sources on purpose: `isGov` from a `kilonova.yaml` wins
 * over any `dcp/is-gov` annotation, and a team's Slack override made in DCP wins over every
 * source (it lives in its own table and is never written by a sync).
 *
 * Owners: a Component's `spec.owner` names a Group (a team) or a User. A user owner's team is the
 * user's first `memberOf` that is a known team, and the service says the team was derived. An
 * owner found in no source leaves the service "owner unknown": imported, listed, not buildable.
 */
import type { Origin, Provenance, Service, ServiceOwner, Team, User } from './types.ts';

export type { Origin, OwnerStatus, Provenance, ServiceOwner } from './types.ts';


export interface EntityRef {
  kind: string;
  namespace: string;
  name: string;
}

export interface SourceTeam {
  kind: 'team';
  name: string;
  title?: string;
  slack: { workspace?: string; channel?: string };
  changeCaseQueue?: string;
  members: string[];
  origin: Origin;
}

export interface SourceUser {
  kind: 'user';
  /** The person's name in DCP: the entity's name, `namespace/name` outside the default namespace. */
  name: string;
  namespace: string;
  entityName: string;
  email?: string;
  displayName?: string;
  /** The groups, in order, as names (a ref's namespace dropped: DCP team names are unique). */
  memberOf: string[];
  origin: Origin;
}

export interface SourceService {
  kind: 'service';
  name: string;
  namespace: string;
  /** `spec.owner` as read (a ref in any Backstage form). */
  owner: string;
  /** The `dcp/is-gov` annotation, when present. */
  isGov?: boolean;
  lifecycle?: string;
  annotations: Record<string, string>;
  origin: Origin;
}

/** A repository's `kilonova.yaml`: the service's isGov, winning over annotations. */
export interface SourceGov {
  kind: 'gov';
  service: string;
  isGov: boolean;
  origin: Origin;
}

export type SourceEntity = SourceTeam | SourceUser | SourceService | SourceGov;

/** A bad entity: skipped (its previous good version kept, when `key` says which one it was). */
export interface EntityProblem {
  source: string;
  /** The entity ref, or the file when the entity could not be named. */
  ref: string;
  field: string;
  reason: string;
  /** The entity's key (entityKey) when it could be named: its last good version stays. */
  key?: string;
  /** A file that could not be read whole (a YAML syntax error): every entity last read from it stays. */
  file?: string;
  editUrl?: string | null;
}

export interface SourceFetch {
  entities: SourceEntity[];
  problems: EntityProblem[];
}

/** The port: one catalog source. `fetch` throws when the source cannot be read at all (then its last good data stays). */
export interface CatalogSource {
  readonly name: string;
  readonly kind: 'config' | 'backstage' | 'github';
  /** Where it is (a URL, an organisation, a folder), for people. */
  readonly location: string;
  fetch(signal?: AbortSignal): Promise<SourceFetch>;
}

/** The identity of an entity within a source: what "the same entity" means from one sync to the next. */
export function entityKey(entity: SourceEntity): string {
  switch (entity.kind) {
    case 'team': return `team:${entity.name}`;
    case 'user': return `user:${entity.name}`;
    case 'service': return `service:${entity.name}`;
    case 'gov': return `gov:${entity.service}`;
  }
}

const NAME = /^[A-Za-z0-9]([-_.A-Za-z0-9]{0,61}[A-Za-z0-9])?$/;

/** Backstage's rule for names and namespaces: 1–63 of `[a-zA-Z0-9-_.]`, starting and ending alphanumeric. */
export function isEntityName(text: string): boolean {
  return NAME.test(text);
}

/**
 * Parses `[kind:][namespace/]name`. Kind and namespace not written take the defaults; kinds are
 * compared lower-case (Backstage's refs are case-insensitive).
 */
export function parseEntityRef(text: string, defaults: { kind: string; namespace: string }): EntityRef | { error: string } {
  const match = /^(?:([^:/]+):)?(?:([^:/]+)\/)?([^:/]+)$/.exec(text.trim());
  if (!match) return { error: `"${text.slice(0, 200)}" is not an entity reference ([kind:][namespace/]name)` };
  const [, kind, namespace, name] = match;
  for (const part of [namespace, name]) {
    if (part !== undefined && !isEntityName(part)) return { error: `"${part.slice(0, 100)}" in "${text.slice(0, 200)}" is not a valid entity name` };
  }
  return { kind: (kind ?? defaults.kind).toLowerCase(), namespace: (namespace ?? defaults.namespace).toLowerCase() === 'default' ? 'default' : (namespace ?? defaults.namespace), name };
}

export function formatEntityRef(ref: EntityRef): string {
  return `${ref.kind.toLowerCase()}:${ref.namespace}/${ref.name}`;
}

/** The person's DCP name for a User entity: the name in the default namespace, `namespace/name` elsewhere. */
export function personName(namespace: string, name: string): string {
  return namespace === 'default' ? name : `${namespace}/${name}`;
}

// ---------------------------------------------------------------------------------------------
// The merge.

export interface MergedTeam extends Team {
  provenance: Provenance;
}

export interface MergedService extends Service {
  owner: ServiceOwner;
  provenance: Provenance;
}

export interface MergedCatalog {
  teams: MergedTeam[];
  services: MergedService[];
  users: User[];
}

/**
 * The catalog in force from every source's entities, `ranked` highest precedence first. Pure and
 * deterministic: the same entities give the same catalog (sorted by name).
 */
export function mergeCatalog(ranked: { source: string; entities: SourceEntity[] }[]): MergedCatalog {
  const teams = new Map<string, SourceTeam>();
  const users = new Map<string, SourceUser>();
  const services = new Map<string, SourceService>();
  const govs = new Map<string, SourceGov>();
  for (const { entities } of ranked) {
    for (const e of entities) {
      if (e.kind === 'team' && !teams.has(e.name)) teams.set(e.name, e);
      else if (e.kind === 'user' && !users.has(e.name)) users.set(e.name, e);
      else if (e.kind === 'service' && !services.has(e.name)) services.set(e.name, e);
      else if (e.kind === 'gov' && !govs.has(e.service)) govs.set(e.service, e);
    }
  }

  // People: each user's groups are their memberOf and the teams listing them; teams list both ways.
  const people = new Map<string, User>();
  for (const u of users.values()) {
    const person: User = { name: u.name, groups: [...new Set(u.memberOf)] };
    if (u.email !== undefined) person.email = u.email;
    if (u.displayName !== undefined) person.displayName = u.displayName;
    people.set(u.name, person);
  }
  const merged: MergedTeam[] = [...teams.values()].map((t) => {
    const team: MergedTeam = {
      name: t.name, slack: { ...t.slack }, changeCaseQueue: t.changeCaseQueue ?? t.name, members: [...t.members],
      provenance: { entity: t.origin, slack: t.origin, changeCaseQueue: t.origin, members: t.origin },
    };
    if (t.title !== undefined) team.title = t.title;
    return team;
  });
  for (const team of merged) {
    for (const member of team.members) {
      const person = people.get(member) ?? { name: member, groups: [] };
      if (!person.groups.includes(team.name)) person.groups.push(team.name);
      people.set(member, person);
    }
  }
  for (const team of merged) {
    for (const person of people.values()) if (person.groups.includes(team.name) && !team.members.includes(person.name)) team.members.push(person.name);
  }

  const out: MergedService[] = [...services.values()].map((s) => {
    const owner = resolveOwner(s, teams, users);
    const gov = govs.get(s.name);
    const provenance: Provenance = { entity: s.origin, team: owner.origin, isGov: gov?.origin ?? s.origin };
    const service: MergedService = {
      name: s.name, team: owner.team, isGov: gov ? gov.isGov : (s.isGov ?? false), annotations: s.annotations, owner: owner.owner, provenance,
    };
    if (s.lifecycle !== undefined) service.lifecycle = s.lifecycle;
    return service;
  });

  const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  return { teams: merged.sort(byName), services: out.sort(byName), users: [...people.values()].sort(byName) };
}

function resolveOwner(s: SourceService, teams: Map<string, SourceTeam>, users: Map<string, SourceUser>): { team: string; owner: ServiceOwner; origin: Origin } {
  const ref = parseEntityRef(s.owner, { kind: 'group', namespace: s.namespace });
  const unknown = (name: string) => ({ team: name, owner: { ref: s.owner, status: 'unknown' as const }, origin: s.origin });
  if ('error' in ref) return unknown(s.owner);
  if (ref.kind === 'group') return teams.has(ref.name) ? { team: ref.name, owner: { ref: s.owner, status: 'resolved' }, origin: s.origin } : unknown(ref.name);
  if (ref.kind === 'user') {
    const user = users.get(personName(ref.namespace, ref.name));
    const team = user?.memberOf.find((g) => teams.has(g));
    if (user && team !== undefined) return { team, owner: { ref: s.owner, status: 'derived', via: formatEntityRef({ kind: 'user', namespace: ref.namespace, name: ref.name }) }, origin: user.origin };
    return unknown(ref.name);
  }
  return unknown(ref.name);
}

/** Why a service cannot be built now (owner unknown, retired), or null. For the planner's 422. */
export function unbuildableReason(service: Service): string | null {
  if (service.retiredAt) {
    return `service "${service.name}" is retired: it has been in no catalog source since ${service.retiredAt}; add it back to a source (Backstage, GitHub, catalog/) to build it`;
  }
  if (service.owner?.status === 'unknown') {
    const where = service.provenance?.entity;
    const fix = where ? ` (correct spec.owner at ${where.editUrl ?? where.file ?? where.source})` : '';
    return `service "${service.name}" has owner unknown: its owner "${service.owner.ref}" is no team or user in any catalog source${fix}`;
  }
  return null;
}

/**
 * The config folder's catalog (already validated as a whole by the folder's reader) as the
 * `config` source's entities. A folder service's owner is the team it names.
 */
export function entitiesFromConfig(catalog: { teams: Team[]; services: Service[]; users: User[] }): SourceEntity[] {
  const origin = (o: Origin | undefined, ref: string): Origin => o ?? { source: 'config', ref, editUrl: null };
  const teams: SourceEntity[] = catalog.teams.map((t) => {
    const team: SourceTeam = { kind: 'team', name: t.name, slack: { ...t.slack }, changeCaseQueue: t.changeCaseQueue, members: t.members, origin: origin(t.origin, `group:default/${t.name}`) };
    if (t.title !== undefined) team.title = t.title;
    return team;
  });
  const users: SourceEntity[] = catalog.users
    .filter((u) => u.origin) // people named only in a team's members come back from the team
    .map((u) => {
      const user: SourceUser = { kind: 'user', name: u.name, namespace: 'default', entityName: u.name, memberOf: u.groups, origin: origin(u.origin, `user:default/${u.name}`) };
      if (u.email !== undefined) user.email = u.email;
      if (u.displayName !== undefined) user.displayName = u.displayName;
      return user;
    });
  const services: SourceEntity[] = catalog.services.map((s) => {
    const service: SourceService = {
      kind: 'service', name: s.name, namespace: 'default', owner: `group:${s.team}`, isGov: s.isGov, annotations: s.annotations,
      origin: origin(s.origin, `component:default/${s.name}`),
    };
    if (s.lifecycle !== undefined) service.lifecycle = s.lifecycle;
    return service;
  });
  return [...teams, ...users, ...services];
}
