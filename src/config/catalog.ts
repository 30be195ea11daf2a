/**
 * catalog/ (contract §2.3): Backstage entities, several documents per file. Group (a team),
 * Component (a service) and User (a person: `spec.profile.email`, `spec.memberOf`) are read; other
 * kinds are ignored, and unknown keys are fine. The people are the User entities and every name
 * in a team's `members`; a person's groups are their `memberOf` and the teams listing them.
 */
import type { Origin } from '../core/catalog.ts';
import type { Service, Team, User } from '../core/types.ts';
import type { Field, YamlFile } from './fields.ts';

interface Entity {
  root: Field;
  kind: string;
  name: string;
  nameField: Field;
  metadata: Map<string, Field>;
  spec: Map<string, Field> | undefined;
}

/**
 * A person's (or another entity's) name: free text, as catalogs use e-mail addresses, but without
 * control characters and at most 254 characters (an e-mail address's limit).
 */
function userName(field: Field | undefined): string | undefined {
  const name = field?.text();
  if (name === undefined || !field) return undefined;
  if (/[\u0000-\u001f\u007f]/.test(name) || name.length > 254) {
    field.problem(`invalid name ${field.shown}: at most 254 characters, without control characters (NUL, newline, tab …)`);
    return undefined;
  }
  return name;
}

function readEntity(root: Field): Entity | undefined {
  const entries = root.mapping(null, ['kind', 'metadata']);
  const kind = entries?.get('kind')?.text();
  const metadata = entries?.get('metadata')?.mapping(null, ['name']);
  const nameField = metadata?.get('name');
  const what = kind === 'Group' ? 'team' : kind === 'Component' ? 'service' : undefined;
  const name = what ? nameField?.name(what) : userName(nameField);
  if (!entries || kind === undefined || !metadata || !nameField || name === undefined) return undefined;
  const spec = kind === 'Group' || kind === 'Component' || kind === 'User' ? entries.get('spec')?.mapping(null) : undefined;
  return { root, kind, name, nameField, metadata, spec };
}

/** Where the entity sits in the config folder: the `config` source, its ref, file and line. */
function originOf(entity: Entity): Origin {
  const kind = entity.kind.toLowerCase();
  const namespace = entity.metadata.get('namespace')?.text() ?? 'default';
  return { source: 'config', ref: `${kind}:${namespace}/${entity.name}`, file: entity.root.file, line: entity.root.line, editUrl: null };
}

function annotationsOf(entity: Entity): { values: Record<string, string>; fields: Map<string, Field> } {
  return entity.metadata.get('annotations')?.textMap() ?? { values: {}, fields: new Map() };
}

function readTeam(entity: Entity): Team {
  const annotations = annotationsOf(entity).values;
  const team: Team = {
    name: entity.name,
    slack: {},
    changeCaseQueue: annotations['dcp/change-case-queue'] ?? entity.name,
    members: entity.spec?.get('members')?.texts() ?? [],
    origin: originOf(entity),
  };
  const title = entity.metadata.get('title')?.text();
  if (title !== undefined) team.title = title;
  if (annotations['slack.com/workspace'] !== undefined) team.slack.workspace = annotations['slack.com/workspace'];
  if (annotations['slack.com/channel'] !== undefined) team.slack.channel = annotations['slack.com/channel'];
  return team;
}

/** `team`, `group:team` or `group:namespace/team` -> `team`. */
function ownerTeam(owner: Field): string | undefined {
  const text = owner.text();
  if (text === undefined) return undefined;
  const match = /^(?:([^:/]+):)?(?:[^:/]+\/)?([^:/]+)$/.exec(text);
  if (!match || (match[1] !== undefined && match[1].toLowerCase() !== 'group')) {
    owner.problem(`expected the owning team as "team", "group:team" or "group:namespace/team", got ${owner.shown}`);
    return undefined;
  }
  return match[2];
}

/** `teams`: the known team names, or undefined when they cannot be known (a catalog file did not parse). */
function readService(entity: Entity, teams: Map<string, Field> | undefined): Service | undefined {
  const { values, fields } = annotationsOf(entity);
  const isGovText = values['dcp/is-gov'];
  if (isGovText !== undefined && isGovText !== 'true' && isGovText !== 'false') {
    fields.get('dcp/is-gov')?.problem(`expected "true" or "false", got ${JSON.stringify(isGovText)}`);
  }
  const ownerField = entity.spec?.get('owner');
  if (!ownerField) entity.root.child('spec', null, entity.root.line).missingKey('owner', ': the team (a Group) that owns the service');
  const team = ownerField && ownerTeam(ownerField);
  if (ownerField && team !== undefined && teams && !teams.has(team)) {
    ownerField.problem(`unknown team "${team}": no Group of that name in catalog/ (known: ${[...teams.keys()].join(', ') || 'none'})`);
  }
  const lifecycle = entity.spec?.get('lifecycle')?.text();
  if (team === undefined) return undefined;
  const service: Service = { name: entity.name, team, isGov: isGovText === 'true', annotations: values, origin: originOf(entity) };
  if (lifecycle !== undefined) service.lifecycle = lifecycle;
  return service;
}

/** A name seen twice is reported at its second occurrence. */
function firstOccurrence(seen: Map<string, Field>, entity: Entity, what: string): boolean {
  const first = seen.get(entity.name);
  if (first) entity.nameField.problem(`duplicate ${what} "${entity.name}": already defined at ${first.where}`);
  else seen.set(entity.name, entity.nameField);
  return !first;
}

/** `team`, `group:team` or `group:namespace/team` in a `memberOf` -> `team`. */
function groupName(ref: string): string {
  return ref.replace(/^group:/i, '').replace(/^[^/]*\//, '');
}

function readUser(entity: Entity): User {
  const profile = entity.spec?.get('profile')?.mapping(null);
  const user: User = { name: entity.name, groups: (entity.spec?.get('memberOf')?.texts() ?? []).map(groupName), origin: originOf(entity) };
  const email = profile?.get('email')?.text();
  const displayName = profile?.get('displayName')?.text();
  if (email !== undefined) user.email = email;
  if (displayName !== undefined) user.displayName = displayName;
  return user;
}

/** One user per name; team members without a User entity are people too; memberships both ways. */
function joinPeople(teams: Team[], entities: User[]): User[] {
  const users = new Map<string, User>(entities.map((u) => [u.name, { ...u, groups: [...new Set(u.groups)] }]));
  for (const team of teams) {
    for (const member of team.members) {
      const user = users.get(member) ?? { name: member, groups: [] };
      if (!user.groups.includes(team.name)) user.groups.push(team.name);
      users.set(member, user);
    }
  }
  for (const team of teams) {
    for (const user of users.values()) if (user.groups.includes(team.name) && !team.members.includes(user.name)) team.members.push(user.name);
  }
  return [...users.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * `ownersElsewhere`: other catalog sources are configured (Backstage, GitHub), so a service's
 * owner may be a team the folder does not hold; the merge (core/catalog.ts) resolves it then, or
 * marks it "owner unknown".
 */
export function readCatalog(files: YamlFile[], options: { ownersElsewhere?: boolean } = {}): { teams: Team[]; services: Service[]; users: User[] } {
  const entities = files.flatMap((file) => file.roots.flatMap((root) => readEntity(root) ?? []));
  const teamNames = new Map<string, Field>();
  const serviceNames = new Map<string, Field>();
  const teams = entities.filter((e) => e.kind === 'Group' && firstOccurrence(teamNames, e, 'team')).map(readTeam);
  // Owners are only checked when every catalog file parsed (a broken file may hold the team).
  const knownTeams = files.every((file) => file.ok) && !options.ownersElsewhere ? teamNames : undefined;
  const services = entities
    .filter((e) => e.kind === 'Component' && firstOccurrence(serviceNames, e, 'service'))
    .flatMap((e) => readService(e, knownTeams) ?? []);
  const userNames = new Map<string, Field>();
  const users = joinPeople(teams, entities.filter((e) => e.kind === 'User' && firstOccurrence(userNames, e, 'user')).map(readUser));
  return { teams, services, users };
}
