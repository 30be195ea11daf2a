/** Change cases and change freezes as the API shows them. */
import { CHANGE_CASE_STATUSES } from '../../core/lifecycle.ts';
import { bool, dateTime, nullableDateTime, nullableStr, str, strings, timeWindow } from './primitives.ts';

export const ChangeCase = {
  $id: 'ChangeCase',
  type: 'object',
  required: ['id', 'provider', 'externalId', 'number', 'deploymentId', 'phaseId', 'queue', 'service', 'environment', 'isGov', 'summary',
    'description', 'status', 'statusDetail', 'deployWindow', 'outcome', 'createdAt', 'updatedAt', 'history'],
  additionalProperties: false,
  properties: {
    id: str,
    provider: str,
    externalId: nullableStr,
    number: nullableStr,
    deploymentId: str,
    phaseId: str,
    queue: str,
    service: str,
    environment: str,
    isGov: bool,
    summary: str,
    description: str,
    status: { type: 'string', enum: CHANGE_CASE_STATUSES },
    statusDetail: nullableStr,
    deployWindow: { anyOf: [{ type: 'null' }, timeWindow] },
    outcome: nullableStr,
    createdAt: dateTime,
    updatedAt: dateTime,
    history: {
      type: 'array',
      items: {
        type: 'object',
        required: ['from', 'to', 'by', 'at', 'comment'],
        additionalProperties: false,
        properties: { from: nullableStr, to: str, by: str, at: dateTime, comment: nullableStr },
      },
    },
  },
} as const;

export const Freeze = {
  $id: 'Freeze',
  type: 'object',
  required: ['id', 'environments', 'startsAt', 'endsAt', 'reason', 'createdBy', 'createdAt', 'liftedAt', 'liftedBy'],
  additionalProperties: false,
  properties: {
    id: str,
    environments: strings,
    startsAt: dateTime,
    endsAt: { ...nullableDateTime, description: 'Null: until lifted.' },
    reason: str,
    createdBy: str,
    createdAt: dateTime,
    liftedAt: nullableDateTime,
    liftedBy: nullableStr,
  },
} as const;
