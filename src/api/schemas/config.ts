/** The config as imported: targets and environment policies (contract §2). */
import { SEVERITIES, type PrometheusCheckSpec } from '../../core/types.ts';
import { bool, int, str, strMap, strings } from './primitives.ts';

const PROMETHEUS_OPS = ['<', '<=', '>', '>=', '=='] as const satisfies readonly PrometheusCheckSpec['op'][];

const targetSpecProperties = {
  cluster: str,
  region: str,
  kubeContext: str,
  namespace: str,
  cpcEndpoint: str,
  labels: strMap,
} as const;

export const TargetSpec = {
  $id: 'TargetSpec',
  type: 'object',
  description: 'One cluster a phase releases to.',
  required: ['cluster', 'region'],
  additionalProperties: false,
  properties: targetSpecProperties,
} as const;

export const Target = {
  $id: 'Target',
  type: 'object',
  description: 'One cluster of one environment of one channel, as imported from channels.yaml.',
  required: ['channel', 'environment', 'cluster', 'region'],
  additionalProperties: false,
  properties: { channel: str, environment: str, ...targetSpecProperties },
} as const;

export const CheckSpec = {
  $id: 'CheckSpec',
  description: 'A check a phase runs when it starts (and again before it releases, if it waited).',
  anyOf: [
    {
      type: 'object',
      required: ['name', 'type', 'url'],
      additionalProperties: false,
      properties: {
        name: str,
        type: { const: 'http' },
        url: str,
        expectStatus: int,
        jsonPath: str,
        equals: { description: 'Any JSON value (a scalar from the config): the value at jsonPath must equal it.' },
        timeoutMs: int,
      },
    },
    {
      type: 'object',
      required: ['name', 'type', 'url', 'query', 'op', 'threshold'],
      additionalProperties: false,
      properties: { name: str, type: { const: 'prometheus' }, url: str, query: str, op: { type: 'string', enum: PROMETHEUS_OPS }, threshold: { type: 'number' } },
    },
    {
      type: 'object',
      required: ['name', 'type', 'maxSeverity'],
      additionalProperties: false,
      properties: { name: str, type: { const: 'scan' }, maxSeverity: { type: 'string', enum: SEVERITIES } },
    },
  ],
} as const;

export const WindowSpec = {
  $id: 'WindowSpec',
  type: 'object',
  required: ['timezone', 'days', 'hours'],
  additionalProperties: false,
  properties: {
    timezone: { type: 'string', description: 'An IANA time zone, e.g. Europe/Berlin.' },
    days: { ...strings, description: 'Lower-case three-letter day names: mon, tue, …' },
    hours: { type: 'string', description: '"HH:MM-HH:MM" in the window\'s time zone; may wrap midnight.' },
  },
} as const;

export const EnvironmentPolicy = {
  $id: 'EnvironmentPolicy',
  type: 'object',
  description: "An environment's checks and prerequisites; each phase keeps the policy it was planned with.",
  required: ['name', 'isGov', 'checks', 'freezable'],
  additionalProperties: false,
  properties: {
    name: str,
    gov: { type: 'string', description: 'The GOV environment planned after this one for isGov services.' },
    isGov: bool,
    checks: { type: 'array', items: { $ref: 'CheckSpec#' } },
    approvals: {
      type: 'object',
      required: ['required', 'approvers'],
      additionalProperties: false,
      properties: { required: int, approvers: strings },
    },
    changeCase: {
      type: 'object',
      required: ['required', 'timeoutMs'],
      additionalProperties: false,
      properties: { required: bool, timeoutMs: int },
    },
    freezable: bool,
    windows: { type: 'array', items: { $ref: 'WindowSpec#' } },
    bakeTime: {
      type: 'object',
      required: ['environment', 'durationMs'],
      additionalProperties: false,
      properties: { environment: str, durationMs: int },
    },
  },
} as const;
