/** The catalog and the config imports: teams, services, strategies. */
import { bool, int, nullableDateTime, nullableStr, str, strMap, strings } from './primitives.ts';

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
  },
} as const;

export const Service = {
  $id: 'Service',
  type: 'object',
  required: ['name', 'team', 'isGov', 'annotations'],
  additionalProperties: false,
  properties: { name: str, team: str, isGov: bool, lifecycle: str, annotations: strMap },
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
