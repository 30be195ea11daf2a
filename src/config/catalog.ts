/**
 * catalog/ (contract §2.3): Backstage entities, several documents per file. Only Group (a team)
 * and Component (a service) are read; other kinds are ignored, and unknown keys are fine.
 */
import type { Service, Team } from '../core/types.ts';
import type { Field, YamlFile } from './fields.ts';

interface Entity {
  root: Field;
  kind: string;
  name: string;
  nameField: Field;
  metadata: Map<string, Field>;
  spec: Map<string, Field> | undefined;
}

function readEntity(root: Field): Entity | undefined {
  const entries = root.mapping(null, ['kind', 'metadata']);
  const kind = entries?.get('kind')?.text();
  const metadata = entries?.get('metadata')?.mapping(null, ['name']);
  const nameField = metadata?.get('name');
  const name = nameField?.text();
  if (!entries || kind === undefined || !metadata || !nameField || name === undefined) return undefined;
  const spec = kind === 'Group' || kind === 'Component' ? entries.get('spec')?.mapping(null) : undefined;
  return { root, kind, name, nameField, metadata, spec };
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
  const service: Service = { name: entity.name, team, isGov: isGovText === 'true', annotations: values };
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

export function readCatalog(files: YamlFile[]): { teams: Team[]; services: Service[] } {
  const entities = files.flatMap((file) => file.roots.flatMap((root) => readEntity(root) ?? []));
  const teamNames = new Map<string, Field>();
  const serviceNames = new Map<string, Field>();
  const teams = entities.filter((e) => e.kind === 'Group' && firstOccurrence(teamNames, e, 'team')).map(readTeam);
  // Owners are only checked when every catalog file parsed (a broken file may hold the team).
  const knownTeams = files.every((file) => file.ok) ? teamNames : undefined;
  const services = entities
    .filter((e) => e.kind === 'Component' && firstOccurrence(serviceNames, e, 'service'))
    .flatMap((e) => readService(e, knownTeams) ?? []);
  return { teams, services };
}
