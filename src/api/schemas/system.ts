/** The session, readiness, and problem+json error bodies. */
import { READINESS_CHECKS } from '../../services/system.ts';
import { bool, dateTime, int, str } from './primitives.ts';

export const Session = {
  $id: 'Session',
  type: 'object',
  required: ['name', 'role'],
  additionalProperties: false,
  properties: { name: str, role: str, expiresAt: { ...dateTime, description: 'When a session signed in now ends.' } },
} as const;

export const Readiness = {
  $id: 'Readiness',
  type: 'object',
  required: ['status', 'checks'],
  additionalProperties: false,
  properties: {
    status: { type: 'string', enum: ['ready', 'not ready'] },
    checks: {
      type: 'object',
      required: READINESS_CHECKS,
      additionalProperties: false,
      properties: { started: bool, engine: bool, database: bool, migrated: bool, config: bool },
    },
  },
} as const;

export const Problem = {
  $id: 'Problem',
  type: 'object',
  description: 'RFC 9457 problem details (application/problem+json).',
  required: ['type', 'title', 'status', 'detail'],
  additionalProperties: false,
  properties: {
    type: str,
    title: str,
    status: int,
    detail: str,
    instance: str,
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['field', 'message'],
        additionalProperties: false,
        properties: { field: str, message: str, file: str, line: int },
      },
    },
  },
} as const;
