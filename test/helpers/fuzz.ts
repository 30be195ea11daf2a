/**
 * Requests for the fuzz test (test/fuzz.test.ts), generated from `/openapi.json`: fast-check
 * arbitraries from each operation's request schemas (valid-looking: strings are often names the
 * running DCP knows, so requests get past validation into the services), and hostile mutations of
 * them (wrong types, missing and unknown fields, huge strings, deep nesting, prototype keys, NUL,
 * lone surrogates, invalid UTF-8, wrong content types, huge numbers, bad dates and cursors).
 */
import fc from 'fast-check';

type Schema = Record<string, any>;
export interface OpenApiDoc {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}
interface Parameter {
  in: 'path' | 'query' | 'header';
  name: string;
  required?: boolean;
  schema: Schema;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
}

export interface Op {
  method: string;
  path: string;
  parameters: Parameter[];
  body: Schema | null;
}

/** A request as sent: the body is raw bytes, so it can be anything (invalid UTF-8, not JSON). */
export interface FuzzRequest {
  op: string;
  mutation: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer | null;
}

export const MB = 1024 * 1024;
const DEEP = '\u0001deep-nesting:';
/** JSON text of `value`, with deep-nesting placeholders written out as that many nested arrays. */
function toJson(value: unknown): string {
  return JSON.stringify(value).replace(/"\\u0001deep-nesting:(\d+)"/g, (_, n: string) => '['.repeat(Number(n)) + '{"a":1}' + ']'.repeat(Number(n)));
}
const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/** Every operation of the document that takes a body, path parameters or a query. */
export function operationsOf(doc: OpenApiDoc): Op[] {
  const ops: Op[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const parameters = (op.parameters ?? []).filter((p) => p.in !== 'header' || p.name !== 'authorization');
      const body = op.requestBody?.content['application/json']?.schema ?? null;
      if (parameters.length === 0 && !body) continue;
      ops.push({ method: method.toUpperCase(), path, parameters, body });
    }
  }
  return ops;
}

function resolve(doc: OpenApiDoc, schema: Schema): Schema {
  let s = schema;
  while (typeof s.$ref === 'string') s = doc.components.schemas[s.$ref.replace('#/components/schemas/', '')];
  return s;
}

/** A valid-looking value of `schema`; strings often come from `known` (names and ids DCP has). */
export function valueOf(doc: OpenApiDoc, schema: Schema, known: string[], depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(doc, schema);
  if (s.const !== undefined) return fc.constant(s.const);
  if (Array.isArray(s.enum)) return fc.constantFrom(...s.enum);
  for (const combinator of ['anyOf', 'oneOf'] as const) {
    if (Array.isArray(s[combinator])) return fc.oneof(...s[combinator].map((branch: Schema) => valueOf(doc, branch, known, depth + 1)));
  }
  const types: string[] = s.type === undefined ? ['string'] : [s.type].flat();
  return fc.oneof(...types.map((type) => valueOfType(doc, s, type, known, depth)));
}

function valueOfType(doc: OpenApiDoc, s: Schema, type: string, known: string[], depth: number): fc.Arbitrary<unknown> {
  switch (type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return fc.integer({ min: s.minimum ?? -10, max: s.maximum ?? 1000 });
    case 'number':
      return fc.double({ min: s.minimum ?? -10, max: s.maximum ?? 1000, noNaN: true });
    case 'array': {
      const items = s.items ? valueOf(doc, s.items, known, depth + 1) : fc.string();
      return fc.array(items, { minLength: s.minItems ?? 0, maxLength: Math.min(s.maxItems ?? 3, 3) })
        .map((xs) => (s.uniqueItems ? [...new Map(xs.map((x) => [JSON.stringify(x), x])).values()] : xs))
        .filter((xs) => xs.length >= (s.minItems ?? 0));
    }
    case 'object': {
      if (depth > 6) return fc.constant({});
      const properties = (s.properties ?? {}) as Record<string, Schema>;
      const required = new Set<string>(s.required ?? []);
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [name, property] of Object.entries(properties)) record[name] = valueOf(doc, property, known, depth + 1);
      const fixed = fc.record(record, { requiredKeys: [...required].filter((k) => k in properties) });
      if (typeof s.additionalProperties !== 'object') return fixed;
      const extra = fc.dictionary(fc.oneof(fc.constantFrom('dcp.simulator/release-ms', 'dcp.simulator/scan-ms', 'dcp.simulator/fail-targets', 'dcp.simulator/scan-findings'), fc.string({ maxLength: 12 })),
        valueOf(doc, s.additionalProperties, [...known, '0', '1e300', '-5', 'critical:1', 'nope'], depth + 1), { maxKeys: 3 });
      return fc.tuple(fixed, extra).map(([a, b]) => ({ ...b, ...a }));
    }
    default: {
      if (s.format === 'date-time') return fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());
      const min = s.minLength ?? 0;
      const max = Math.min(s.maxLength ?? 40, 40);
      const random = fc.string({ minLength: min, maxLength: Math.max(min, max) });
      const fitting = known.filter((k) => k.length >= min && k.length <= (s.maxLength ?? Infinity));
      return fitting.length ? fc.oneof({ arbitrary: fc.constantFrom(...fitting), weight: 3 }, { arbitrary: random, weight: 1 }) : random;
    }
  }
}

/** Hostile values that replace one string, number or field. */
const HOSTILE_STRINGS: [string, fc.Arbitrary<string>][] = [
  ['NUL character', fc.string({ maxLength: 8 }).map((x) => `${x}\u0000${x}`)],
  ['lone surrogate', fc.constantFrom('\ud800', 'a\udfffb', '\udc00\ud800')],
  ['1 MB string', fc.constant('x'.repeat(MB))],
  ['10 MB string', fc.constant('y'.repeat(10 * MB))],
  ['9 KB string', fc.constant('z'.repeat(9 * 1024))],
  ['bad date', fc.constantFrom('0000-01-01T00:00:00Z', '2024-02-30T00:00:00Z', '99999-01-01T00:00:00Z', '2024-13-01T00:00:00Z', '1969-12-31T23:59:59Z', 'yesterday', '', '-000001-01-01T00:00:00Z', '9999-12-31T23:59:60Z')],
  ['bad cursor', fc.constantFrom('-1', '1e20', 'abc', '99999999999999999999', '', '0x10', '1.5', '9007199254740993', ' 1')],
  ['huge number as text', fc.constantFrom('1e20', '1e300', 'Infinity', 'NaN', '-0', '1e-300')],
];
const HOSTILE_VALUES: [string, fc.Arbitrary<unknown>][] = [
  ['wrong type', fc.constantFrom(0, -1, 1.5, true, null, [], {}, ['a'], { a: 1 }, 'text')],
  ['huge number', fc.constantFrom(1e20, 1e300, -1e300, Number.MAX_SAFE_INTEGER + 2, -0, 2 ** 53)],
  // A placeholder: the nesting is written into the JSON text only (helpers walking values stay shallow).
  ['deep nesting', fc.integer({ min: 1000, max: 5000 }).map((n) => `${DEEP}${n}`)],
];

/** Paths to every value inside `value` (objects and arrays walked), the root included. */
function pathsIn(value: unknown, at: (string | number)[] = []): (string | number)[][] {
  const out = [at];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...pathsIn(v, [...at, i])));
  else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) out.push(...pathsIn(v, [...at, k]));
  return out;
}

function setAt(value: unknown, path: (string | number)[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const copy: any = Array.isArray(value) ? [...value] : { ...(value as object) };
  copy[path[0]] = setAt(copy[path[0]], path.slice(1), replacement);
  return copy;
}

function deleteAt(value: unknown, path: (string | number)[]): unknown {
  if (path.length === 0) return value;
  const copy: any = Array.isArray(value) ? [...value] : { ...(value as object) };
  if (path.length === 1) {
    if (Array.isArray(copy)) copy.splice(Number(path[0]), 1);
    else delete copy[path[0]];
  } else copy[path[0]] = deleteAt(copy[path[0]], path.slice(1));
  return copy;
}

type Mutation = { name: string; apply(parts: Parts, pick: number): Parts | RawParts };
/** The parts of a request before it becomes bytes. */
interface Parts {
  params: Record<string, string>;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: unknown;
}
/** A request whose body is already bytes (invalid UTF-8, prototype keys, another content type). */
interface RawParts extends Omit<Parts, 'body'> {
  raw: Buffer;
  contentType?: string;
}

function pickOf<T>(xs: T[], pick: number): T {
  return xs[pick % xs.length];
}

/** The mutations, each with its arbitrary replacement value where it needs one. */
function mutations(op: Op): fc.Arbitrary<Mutation>[] {
  const out: fc.Arbitrary<Mutation>[] = [];
  const hasBody = op.body !== null;
  const stringSlots = (p: Parts) => [
    ...Object.keys(p.params).map((k) => ['params', k] as const),
    ...Object.keys(p.query).map((k) => ['query', k] as const),
    ...(hasBody ? pathsIn(p.body).filter((path) => path.length > 0).map((path) => ['body', path] as const) : []),
  ];
  const replaceOne = (name: string, value: unknown, p: Parts, pick: number): Parts => {
    const slots = stringSlots(p);
    if (slots.length === 0) return p;
    const [part, where] = pickOf(slots, pick);
    if (part === 'body') return { ...p, body: setAt(p.body, where, value) };
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    return { ...p, [part]: { ...p[part], [where]: text } };
  };
  for (const [name, arb] of [...HOSTILE_STRINGS, ...HOSTILE_VALUES]) {
    out.push((arb as fc.Arbitrary<unknown>).map((value) => ({ name, apply: (p, pick) => replaceOne(name, value, p, pick) })));
  }
  // Query parameters the operation does not know, and known ones with hostile values.
  out.push(fc.constant({ name: 'unknown query parameter', apply: (p) => ({ ...p, query: { ...p.query, zzz: '1' } }) }));
  const queryNames = op.parameters.filter((x) => x.in === 'query').map((x) => x.name);
  if (queryNames.length) {
    out.push(fc.tuple(fc.constantFrom(...queryNames), fc.constantFrom('1e20', '-1', '1.5', 'abc', '%00', '', '99999999999999999999', 'true', '0'))
      .map(([name, value]) => ({ name: `query ${name}=${value}`, apply: (p) => ({ ...p, query: { ...p.query, [name]: value } }) })));
  }
  if (hasBody) {
    out.push(fc.constant({ name: 'missing field', apply: (p, pick) => {
      const paths = pathsIn(p.body).filter((path) => path.length > 0);
      return paths.length ? { ...p, body: deleteAt(p.body, pickOf(paths, pick)) } : { ...p, body: undefined };
    } }));
    out.push(fc.constant({ name: 'unknown field', apply: (p, pick) => {
      const objects = pathsIn(p.body).filter((path) => { const v = path.reduce((o: any, k) => o?.[k], p.body); return typeof v === 'object' && v !== null && !Array.isArray(v); });
      return objects.length ? { ...p, body: setAt(p.body, [...pickOf(objects, pick), 'unexpectedField'], 'x') } : p;
    } }));
    for (const key of ['__proto__', 'constructor']) {
      out.push(fc.constant({ name: `${key} key`, apply: (p) => {
        const json = toJson(p.body ?? {});
        const injected = key === '__proto__' ? '"__proto__":{"isAdmin":true}' : '"constructor":{"prototype":{"isAdmin":true}}';
        const raw = json.startsWith('{') && json !== '{}' ? `{${injected},${json.slice(1)}` : `{${injected}}`;
        return { ...p, raw: Buffer.from(raw) };
      } }));
    }
    out.push(fc.constantFrom(Buffer.from([0xff, 0xfe]), Buffer.from([0xc3, 0x28]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xf8, 0x88, 0x80, 0x80, 0x80])).map((bytes) => ({
      name: 'invalid UTF-8', apply: (p) => {
        const json = toJson(p.body ?? {});
        const at = json.indexOf('":"');
        const raw = at < 0 ? Buffer.concat([Buffer.from('{"x":"'), bytes, Buffer.from('"}')])
          : Buffer.concat([Buffer.from(json.slice(0, at + 3)), bytes, Buffer.from(json.slice(at + 3))]);
        return { ...p, raw };
      },
    })));
    out.push(fc.constantFrom('text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'application/json; charset=latin1', 'application/octet-stream', 'application/cloudevents+json', '').map((contentType) => ({
      name: `content type ${contentType || '(none)'}`, apply: (p) => ({ ...p, raw: Buffer.from(toJson(p.body ?? {})), contentType }),
    })));
    out.push(fc.constantFrom('', 'null', '[]', '"text"', '123', '{', '{"a":1}}', 'true').map((text) => ({
      name: `body ${text || '(empty)'}`, apply: (p) => ({ ...p, raw: Buffer.from(text) }),
    })));
  }
  return out;
}

/** Percent-encoding that also writes lone surrogates (as the bytes WTF-8 gives them: invalid UTF-8 on the wire). */
function encode(value: string): string {
  if (/^%[0-9A-Fa-f]{2}$/.test(value)) return value;
  return value.replace(/[\ud800-\udfff]/g, (c) => `\u0002${c.charCodeAt(0).toString(16)}\u0002`).split(/\u0002([0-9a-f]{4})\u0002/)
    .map((piece, i) => {
      if (i % 2 === 0) return encodeURIComponent(piece);
      const code = parseInt(piece, 16);
      return [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    }).join('');
}

function expandPath(template: string, params: Record<string, string>): string {
  // Path values are sent percent-encoded, except those written as escapes already (%00, %FF).
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    return encode(params[name] ?? '');
  });
}

function toRequest(op: Op, mutation: string, parts: Parts | RawParts): FuzzRequest {
  const query = Object.entries(parts.query).map(([k, v]) => `${encodeURIComponent(k)}=${encode(v)}`).join('&');
  const path = expandPath(op.path, parts.params) + (query ? `?${query}` : '');
  const headers: Record<string, string> = { ...parts.headers };
  let body: Buffer | null = null;
  if ('raw' in parts) {
    body = parts.raw;
    if (parts.contentType === undefined) headers['content-type'] = 'application/json';
    else if (parts.contentType) headers['content-type'] = parts.contentType;
  } else if (op.body !== null && parts.body !== undefined) {
    body = Buffer.from(toJson(parts.body));
    headers['content-type'] = 'application/json';
  }
  return { op: `${op.method} ${op.path}`, mutation, method: op.method, path, headers, body };
}

/**
 * Valid-looking requests (about a third) and mutated ones, for one operation. `hints`: values for
 * parameters of that name (real cursors for `cursor`), used instead of the schema's.
 */
export function requestsFor(doc: OpenApiDoc, op: Op, known: string[], hints: Record<string, string[]> = {}): fc.Arbitrary<FuzzRequest> {
  const record = (inside: 'path' | 'query' | 'header') => {
    const ps = op.parameters.filter((p) => p.in === inside);
    const entries: Record<string, fc.Arbitrary<string>> = {};
    for (const p of ps) {
      entries[p.name] = hints[p.name]?.length ? fc.constantFrom(...hints[p.name])
        : valueOf(doc, p.schema, known).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
    }
    return fc.record(entries, { requiredKeys: ps.filter((p) => p.required || inside === 'path').map((p) => p.name) }) as fc.Arbitrary<Record<string, string>>;
  };
  const valid: fc.Arbitrary<Parts> = fc.record({
    params: record('path'),
    query: record('query'),
    headers: record('header'),
    body: op.body ? valueOf(doc, op.body, known) : fc.constant(undefined),
  });
  return fc.oneof(
    { arbitrary: valid.map((p) => toRequest(op, 'none', p)), weight: 1 },
    { arbitrary: fc.tuple(valid, fc.oneof(...mutations(op)), fc.nat()).map(([p, m, pick]) => toRequest(op, m.name, m.apply(p, pick))), weight: 2 },
  );
}
