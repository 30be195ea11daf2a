/**
 * Errors to HTTP, in one place: domain errors and request-validation failures become RFC 9457
 * `application/problem+json` bodies whose `errors[]` name the field.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import {
  ConfigError,
  ConflictError,
  DomainError,
  InputError,
  NotAllowedError,
  NotAuthenticatedError,
  NotFoundError,
  UnplannableError,
  type FieldIssue,
} from '../core/errors.ts';

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: FieldIssue[];
}

const KINDS: [new (...args: never[]) => DomainError, number, string, string][] = [
  [InputError, 400, 'invalid-request', 'The request is malformed'],
  [NotAuthenticatedError, 401, 'not-authenticated', 'Authentication required'],
  [NotAllowedError, 403, 'not-allowed', 'Not allowed'],
  [NotFoundError, 404, 'not-found', 'Not found'],
  [ConflictError, 409, 'conflict', 'Conflict with the current state'],
  [UnplannableError, 422, 'unplannable', 'The request cannot be planned'],
  [ConfigError, 422, 'invalid-config', 'The config is invalid; nothing was changed'],
];

/** `/artifactManifest/images/0/name` → `artifactManifest.images[0].name` */
export function fieldPath(instancePath: string, extra?: string): string {
  const parts = instancePath.split('/').filter(Boolean);
  if (extra) parts.push(extra);
  return parts.reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), '');
}

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

function validationIssues(error: FastifyError): FieldIssue[] {
  const where = (error as FastifyError & { validationContext?: string }).validationContext;
  const prefix = where && where !== 'body' ? `${where === 'querystring' ? 'query' : where}.` : '';
  return ((error.validation ?? []) as AjvError[]).map((v) => {
    if (v.keyword === 'required') {
      return { field: prefix + fieldPath(v.instancePath, String(v.params.missingProperty)), message: 'is required' };
    }
    if (v.keyword === 'additionalProperties') {
      return { field: prefix + fieldPath(v.instancePath, String(v.params.additionalProperty)), message: 'is not a known field' };
    }
    return { field: prefix + (fieldPath(v.instancePath) || '(body)'), message: v.message ?? 'is invalid' };
  });
}

export function toProblem(error: unknown, instance?: string): ProblemBody {
  const fe = error as FastifyError;
  if (fe?.validation) {
    const errors = validationIssues(fe);
    return {
      type: 'https://dcp.dev/problems/invalid-request',
      title: 'The request is malformed',
      status: 400,
      detail: errors.map((e) => `${e.field} ${e.message}`).join('; '),
      instance,
      errors,
    };
  }
  for (const [kind, status, slug, title] of KINDS) {
    if (error instanceof kind) {
      return { type: `https://dcp.dev/problems/${slug}`, title, status, detail: error.message, instance, errors: error.issues };
    }
  }
  if (fe?.statusCode === 429) {
    return { type: 'https://dcp.dev/problems/too-many-requests', title: 'Too many requests', status: 429, detail: `${fe.message}; wait and try again`, instance };
  }
  // Fastify's own client errors (a body that is not JSON, a wrong content type, too large).
  if (typeof fe?.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return { type: 'https://dcp.dev/problems/invalid-request', title: 'The request is malformed', status: fe.statusCode, detail: fe.message, instance };
  }
  return { type: 'about:blank', title: 'Internal error', status: 500, detail: 'DCP failed to handle the request; see its log', instance };
}

export function sendProblem(reply: FastifyReply, request: FastifyRequest, error: unknown): FastifyReply {
  const problem = toProblem(error, request.url);
  if (problem.status >= 500) request.log.error(error);
  return reply.code(problem.status).type('application/problem+json').send(problem);
}
