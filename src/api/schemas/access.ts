/** API tokens and the audit trail (contract §11). */
import { SCOPES } from '../../core/access.ts';
import { bool, dateTime, int, nullableDateTime, nullableStr, str } from './primitives.ts';

const scopes = { type: 'array', items: { type: 'string', enum: SCOPES }, minItems: 1, uniqueItems: true } as const;

export const TokenRequest = {
  $id: 'TokenRequest',
  type: 'object',
  required: ['name', 'scopes'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 100, description: 'What the token is for, e.g. "payments CI".' },
    scopes,
    team: { type: 'string', minLength: 1, maxLength: 100, description: "A CI token for one team's services: it belongs to nobody and may read, post builds and deploy." },
    user: { type: 'string', minLength: 1, maxLength: 200, description: 'Admins only: a token of this person (it acts as them) — how people sign in without OIDC.' },
    expiresAt: { ...dateTime, description: 'When the token stops working (default: never).' },
  },
} as const;

const tokenProperties = {
  id: str,
  name: str,
  scopes,
  team: nullableStr,
  owner: { ...nullableStr, description: 'The person the token acts as; null: a token that belongs to nobody.' },
  createdBy: nullableStr,
  createdAt: dateTime,
  expiresAt: nullableDateTime,
  lastUsedAt: { ...nullableDateTime, description: 'To the minute.' },
  revokedAt: nullableDateTime,
  bootstrap: { ...bool, description: 'The admin token made at first start (or from DCP_BOOTSTRAP_TOKEN).' },
} as const;

export const Token = {
  $id: 'Token',
  type: 'object',
  required: ['id', 'name', 'scopes', 'team', 'owner', 'createdBy', 'createdAt', 'expiresAt', 'lastUsedAt', 'revokedAt', 'bootstrap'],
  additionalProperties: false,
  properties: tokenProperties,
} as const;

export const NewToken = {
  $id: 'NewToken',
  type: 'object',
  description: 'The token, with its secret — shown this once; DCP keeps only its hash.',
  required: [...Token.required, 'token'],
  additionalProperties: false,
  properties: { ...tokenProperties, token: { type: 'string', description: 'The secret: send it as `Authorization: Bearer <token>`.' } },
} as const;

export const AuditRecord = {
  $id: 'AuditRecord',
  type: 'object',
  required: ['id', 'at', 'actor', 'actorKind', 'tokenId', 'action', 'resource', 'outcome', 'status', 'address', 'userAgent', 'detail'],
  additionalProperties: false,
  properties: {
    id: str,
    at: dateTime,
    actor: { ...str, description: "A person's name, a token's name, or anonymous." },
    actorKind: { type: 'string', enum: ['person', 'service', 'anonymous'] },
    tokenId: nullableStr,
    action: { ...str, description: 'The route, e.g. `POST /api/v1/deployments/:id/cancel`.' },
    resource: nullableStr,
    outcome: { type: 'string', enum: ['success', 'denied', 'failed'] },
    status: { anyOf: [{ type: 'null' }, int], description: 'The HTTP status, when the record was written as the answer went out.' },
    address: nullableStr,
    userAgent: nullableStr,
    detail: { anyOf: [{ type: 'null' }, { type: 'object', additionalProperties: true }], description: 'What changed: names and values, never a secret.' },
  },
} as const;
