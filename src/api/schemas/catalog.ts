/** The catalog and the config imports: teams, services, strategies. */
import { bool, dateTime, int, nullableDateTime, nullableStr, str, strMap, strings } from './primitives.ts';

/** Where one fact came from, and the link to correct it there (catalog sources, contract §12). */
export const Origin = {
  $id: 'Origin',
  type: 'object',
  required: ['source', 'ref', 'editUrl'],
  additionalProperties: false,
  properties: {
    source: { ...str, description: 'The catalog source: config, backstage, github.' },
    ref: { ...str, description: 'The entity ref (kind:namespace/name), or the file of a kilonova.yaml.' },
    file: { ...str, description: 'The file that holds it: a path in the config folder, or repo/catalog-info.yaml on GitHub.' },
    line: int,
    editUrl: { ...nullableStr, description: "Where to correct it: the Backstage entity page, the file on GitHub; null for the config folder (see file)." },
  },
} as const;

const provenance = {
  type: 'object',
  description: 'Where each fact came from, by field (entity, team, isGov, slack, members, changeCaseQueue).',
  additionalProperties: { $ref: 'Origin#' },
} as const;

export const Team = {
  $id: 'Team',
  type: 'object',
  required: ['name', 'changeCaseQueue', 'members', 'slack', 'notifications', 'services'],
  additionalProperties: false,
  properties: {
    name: str,
    title: str,
    changeCaseQueue: str,
    members: strings,
    slack: {
      type: 'object',
      description: "The team's Slack workspace and channel as imported from the catalog, and whether DCP can post to the channel in force.",
      required: ['error', 'errorAt'],
      additionalProperties: false,
      properties: {
        workspace: str,
        channel: str,
        error: { ...nullableStr, description: "Slack's error the last time DCP could not post to the team's channel (channel_not_found, not_in_channel, is_archived …); null once a message goes through, or when none failed." },
        errorAt: { ...nullableDateTime, description: 'When DCP last failed to post to the channel; null with no error.' },
      },
    },
    notifications: {
      type: 'object',
      description: 'The Slack settings in force: an override set in the app, else the catalog.',
      required: ['workspace', 'channel', 'source', 'updatedAt', 'updatedBy'],
      additionalProperties: false,
      properties: {
        workspace: nullableStr,
        channel: nullableStr,
        source: { type: 'string', enum: ['catalog', 'override'] },
        updatedAt: nullableDateTime,
        updatedBy: nullableStr,
      },
    },
    services: { ...strings, description: "The names of the team's services." },
    provenance,
  },
} as const;

export const Service = {
  $id: 'Service',
  type: 'object',
  required: ['name', 'team', 'isGov', 'annotations'],
  additionalProperties: false,
  properties: {
    name: str,
    team: { ...str, description: 'The owning team; with owner.status unknown, the name the source gave, which is no team.' },
    isGov: bool,
    lifecycle: str,
    annotations: strMap,
    owner: {
      type: 'object',
      description: 'How the team was found: resolved (spec.owner names the team), derived (spec.owner is a user: their first team), unknown (no team or user of that name in any source: the service is not built).',
      required: ['ref', 'status'],
      additionalProperties: false,
      properties: { ref: str, status: { type: 'string', enum: ['resolved', 'derived', 'unknown'] }, via: str },
    },
    retiredAt: { ...dateTime, description: 'When the service left every catalog source; it keeps its history and is not built.' },
    provenance,
  },
} as const;

const problemItem = {
  type: 'object',
  required: ['source', 'ref', 'field', 'reason'],
  additionalProperties: false,
  properties: { source: str, ref: str, field: str, reason: str, key: str, file: str, editUrl: nullableStr },
} as const;

export const CatalogSource = {
  $id: 'CatalogSource',
  type: 'object',
  required: ['name', 'kind', 'location', 'rank', 'status', 'lastSyncAt', 'lastSuccessAt', 'error', 'added', 'updated', 'removed', 'entities', 'problems'],
  additionalProperties: false,
  properties: {
    name: str,
    kind: { type: 'string', enum: ['config', 'backstage', 'github'] },
    location: str,
    rank: { ...int, description: 'Precedence: a lower rank wins when two sources hold the same entity.' },
    status: { type: 'string', enum: ['never', 'ok', 'partial', 'failed'], description: 'ok; partial (some entities were bad and skipped); failed (unreachable: the last good data stays).' },
    lastSyncAt: nullableDateTime,
    lastSuccessAt: nullableDateTime,
    error: nullableStr,
    added: int,
    updated: int,
    removed: int,
    entities: int,
    problems: { type: 'array', items: problemItem, description: 'The bad entities of the last sync: source, entity ref, field, reason.' },
  },
} as const;

export const CatalogSourceList = {
  $id: 'CatalogSourceList',
  type: 'object',
  required: ['items'],
  additionalProperties: false,
  properties: { items: { type: 'array', items: { $ref: 'CatalogSource#' } } },
} as const;

export const Strategies = {
  $id: 'Strategies',
  type: 'object',
  required: ['items', 'environments'],
  additionalProperties: false,
  properties: {
    items: {
      type: 'array',
      items: { type: 'object', required: ['name', 'environments'], additionalProperties: false, properties: { name: str, environments: strings } },
    },
    environments: { type: 'array', items: { $ref: 'EnvironmentPolicy#' } },
  },
} as const;

export const ConfigImport = {
  $id: 'ConfigImport',
  type: 'object',
  required: ['changed', 'importId', 'source', 'counts'],
  additionalProperties: false,
  properties: {
    changed: bool,
    importId: int,
    source: str,
    counts: {
      type: 'object',
      required: ['channels', 'targets', 'environments', 'strategies', 'teams', 'services'],
      additionalProperties: false,
      properties: { channels: int, targets: int, environments: int, strategies: int, teams: int, services: int },
    },
  },
} as const;
