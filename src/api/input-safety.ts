/**
 * What every request is checked for before its route sees it, once for all routes (the fuzz test,
 * test/fuzz.test.ts, is what found each of these answered 500):
 *
 *  - Text PostgreSQL cannot store: a NUL character (`\u0000`; PostgreSQL refuses it in text and
 *    jsonb alike) or a lone UTF-16 surrogate (not Unicode, so not UTF-8 either), in any string of
 *    the path, the query or the body — 400 naming the field. Checked here rather than by a
 *    `pattern` on every string schema: one walk over what was sent, and no schema can forget it.
 *  - `format: date-time` means a real instant in years 1970–9999 (Ajv's format alone accepts
 *    `0000-01-01T00:00:00Z`, `2024-02-30…` and the leap second `…:60`, which PostgreSQL refuses
 *    or PGlite cannot represent).
 *  - Fastify's own refusals (a malformed URL, a path parameter over 100 characters, headers over
 *    Node's limit) are problem+json like every other 4xx.
 */
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { InputError, type FieldIssue } from '../core/errors.ts';
import { fieldPath } from './problem.ts';

const NUL = /\u0000/;
// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** JSON nested deeper than this is refused (no request schema nests half as deep). */
export const MAX_DEPTH = 32;

/**
 * The issues of every string (keys included) in `value`, with `prefix` before each field path;
 * and of nesting deeper than MAX_DEPTH. Iterative: a 5,000-deep array must not overflow the stack.
 */
export function textIssues(value: unknown, prefix: string): FieldIssue[] {
  const issues: FieldIssue[] = [];
  // A value's place: its key under its parent's place. The path is spelled out only for an issue
  // (a path copied per value was ~5% of what POST /builds allocates).
  type Place = { key: string; up: Place; depth: number } | null;
  const field = (place: Place) => {
    const at: string[] = [];
    for (let p = place; p; p = p.up) at.push(p.key);
    return prefix + (fieldPath(`/${at.reverse().join('/')}`) || '(body)');
  };
  const stack: [unknown, Place][] = [[value, null]];
  while (stack.length && issues.length < 20) {
    const [v, place] = stack.pop()!;
    if (typeof v === 'string') {
      const message = NUL.test(v) ? 'must not contain a NUL character (\\u0000)' : LONE_SURROGATE.test(v) ? 'must not contain a lone UTF-16 surrogate (not valid Unicode)' : null;
      if (message) issues.push({ field: field(place), message });
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    const depth = place?.depth ?? 0;
    if (depth >= MAX_DEPTH) {
      issues.push({ field: field(place), message: `is nested too deeply (at most ${MAX_DEPTH} levels)` });
      continue;
    }
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], { key: String(i), up: place, depth: depth + 1 }]);
      continue;
    }
    const keys = Object.keys(v);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i];
      if (NUL.test(key) || LONE_SURROGATE.test(key)) issues.push({ field: field(place), message: 'has a field name with a NUL character or a lone surrogate' });
      stack.push([(v as Record<string, unknown>)[key], { key, up: place, depth: depth + 1 }]);
    }
  }
  return issues;
}

/** A preValidation hook: refuses text PostgreSQL cannot store, wherever it is in the request. */
export async function refuseUnstorableText(request: FastifyRequest): Promise<void> {
  const issues = [...textIssues(request.params, 'params.'), ...textIssues(request.query, 'query.'), ...textIssues(request.body, '')];
  if (issues.length) throw new InputError(issues.map((i) => `${i.field} ${i.message}`).join('; '), issues);
}

/**
 * A preHandler hook: query numbers are finite. Ajv's coercion turns `?limit=Infinity` or `1e400`
 * into Infinity and then lets it past `integer` and `maximum`.
 */
export async function refuseInfiniteQueryNumbers(request: FastifyRequest): Promise<void> {
  const query = (request.query ?? {}) as Record<string, unknown>;
  const issues = Object.entries(query)
    .filter(([, v]) => typeof v === 'number' && !Number.isFinite(v))
    .map(([name]) => ({ field: `query.${name}`, message: 'must be a finite number' }));
  if (issues.length) throw new InputError(issues.map((i) => `${i.field} ${i.message}`).join('; '), issues);
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-](\d{2}):(\d{2}))$/;
export const MIN_YEAR = 1970;
export const MAX_YEAR = 9999;

/** RFC 3339 date-time that is a real instant in years 1970–9999 (no Feb 30, no leap second). */
export function isInstant(text: string): boolean {
  const m = DATE_TIME.exec(text);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  if (year < MIN_YEAR || year > MAX_YEAR || month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return false;
  if (m[9] !== undefined && (Number(m[9]) > 23 || Number(m[10]) > 59)) return false;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCDate() !== day) return false;
  return !Number.isNaN(Date.parse(text));
}

interface AjvLike {
  addFormat(name: string, format: { type: 'string'; validate: (text: string) => boolean }): unknown;
}
/** Ajv's onCreate: after ajv-formats, `date-time` becomes isInstant. */
export function strictFormats(ajv: AjvLike): void {
  ajv.addFormat('date-time', { type: 'string', validate: isInstant });
}

/** Fastify's frameworkErrors (a bad URL, a too-long path parameter) as problem+json. */
export function frameworkProblem(send: (reply: FastifyReply, request: FastifyRequest, error: unknown) => FastifyReply) {
  return (error: Error & { statusCode?: number }, request: FastifyRequest, reply: FastifyReply): void => {
    void send(reply, request, error);
  };
}

/** Node's own refusals before a request exists (headers too large, a malformed request line). */
export function clientErrorProblem(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, detail] = error.code === 'HPE_HEADER_OVERFLOW' ? [431, 'the request line and headers exceed the size allowed; send long values in a JSON body']
    : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'the request took too long to arrive'] : [400, 'the request is not valid HTTP'];
  const body = JSON.stringify({ type: 'https://dcp.dev/problems/invalid-request', title: 'The request is malformed', status, detail });
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request'}\r\n`
      + `Content-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy(error);
}
