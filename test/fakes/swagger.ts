/**
 * A Swagger 2.0 document as a checker for fakes: does a request match one of its operations
 * (method, path template, declared query parameters and headers, body schema), and does an answer
 * match the schema the operation declares for its status?
 *
 * Swagger 2.0 definitions are JSON Schema draft 4 with extensions: the whole `definitions` object
 * is added to Ajv as one schema, so `$ref: '#/definitions/X'` resolves inside it. Vendor keywords
 * (`x-nullable`, `x-omitempty`, `example`, …) are declared as annotations, and formats Ajv does not
 * know (`int`, `int8`, `uint64`, `float64`) as anything-goes, so Ajv stays strict about the rest.
 *
 * `strict` names definitions to close (`additionalProperties: false`): the swagger lets any
 * object carry extra fields, so without it a misspelt field in a fake (`scan_stauts`) would pass.
 * The copied file is never edited; this is the patch step, done in memory.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

type Json = Record<string, any>;

export interface Operation {
  method: string;
  /** The path template as the swagger writes it, e.g. `/projects/{project_name}/…`. */
  template: string;
  operationId: string;
  /** Path parameters as they came on the wire (still encoded). */
  rawParams: Record<string, string>;
  spec: Json;
}

export interface SwaggerChecker {
  /** The operation a request is, or a list of what is wrong with it. */
  request(method: string, rawUrl: string, headers: Record<string, string | string[] | undefined>, body: unknown): { operation: Operation } | { problems: string[] };
  /** What is wrong with an answer of `operation` (empty: it is one the swagger allows). */
  response(operation: Operation, status: number, body: unknown): string[];
  /** Validate a value against a definition by name (`Artifact`). */
  definition(name: string, value: unknown): string[];
  parameter(name: string): Json;
}

export function loadSwagger(file: string, options: { strict?: string[] } = {}): SwaggerChecker {
  const doc = parse(readFileSync(file, 'utf8')) as Json;
  const definitions = structuredClone(doc.definitions) as Json;
  for (const name of options.strict ?? []) {
    if (!definitions[name]) throw new Error(`no definition ${name} in ${file}`);
    definitions[name].additionalProperties = false;
  }
  const ajv = new Ajv({ strict: true, allErrors: true, strictTypes: false, strictTuples: false });
  addFormats.default(ajv);
  for (const format of ['int', 'int8', 'uint64', 'float64']) ajv.addFormat(format, true);
  for (const keyword of vendorKeywords(doc)) ajv.addKeyword(keyword);
  ajv.addSchema({ $id: 'swagger', definitions });
  const compiled = new Map<string, ValidateFunction>();
  const validate = (schema: Json, value: unknown): string[] => {
    // Schemas inside paths refer to '#/definitions/X': point them at the added document.
    const key = JSON.stringify(schema);
    let fn = compiled.get(key);
    if (!fn) compiled.set(key, (fn = ajv.compile(JSON.parse(key.replaceAll('"#/definitions/', '"swagger#/definitions/')))));
    return fn(value) ? [] : (fn.errors ?? []).map((e) => `${e.instancePath || '(body)'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` "${e.params.additionalProperty}"` : ''}`);
  };
  const resolve = (node: Json): Json => {
    let out = node;
    while (typeof out?.$ref === 'string' && !out.$ref.startsWith('#/definitions/')) {
      const [, section, name] = out.$ref.split('/');
      out = doc[section][name];
    }
    return out;
  };

  const basePath = String(doc.basePath ?? '');
  const operations = Object.entries(doc.paths as Json).flatMap(([template, item]) => {
    const names: string[] = [];
    const regex = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([^}]+)\}/g, (_, name: string) => (names.push(name), '([^/]+)'))}$`);
    return Object.entries(item as Json)
      .filter(([method]) => ['get', 'put', 'post', 'delete', 'patch', 'head'].includes(method))
      .map(([method, spec]) => ({ method: method.toUpperCase(), template, regex, names, spec: spec as Json, shared: ((item as Json).parameters ?? []) as Json[] }));
  });

  return {
    request(method, rawUrl, headers, body) {
      const url = new URL(rawUrl, 'http://fake');
      if (!url.pathname.startsWith(`${basePath}/`)) return { problems: [`${method} ${url.pathname}: not under the API's base path ${basePath}`] };
      const path = url.pathname.slice(basePath.length);
      // Templates with fewer parameters first: /artifacts/{reference}/scan is not a {reference}.
      const matches = operations.filter((op) => op.regex.test(path)).sort((a, b) => a.names.length - b.names.length);
      const op = matches.find((m) => m.method === method);
      if (!op) return { problems: [`${method} ${path}: ${matches.length > 0 ? `the swagger has no ${method} for ${matches[0].template}` : 'no such path in the swagger'}`] };
      const values = op.regex.exec(path)!.slice(1);
      const rawParams = Object.fromEntries(op.names.map((name, i) => [name, values[i]]));
      const params = [...op.shared, ...((op.spec.parameters ?? []) as Json[])].map(resolve);
      const problems: string[] = [];
      for (const key of url.searchParams.keys()) {
        const param = params.find((p) => p.in === 'query' && p.name === key);
        if (!param) problems.push(`query parameter ${key} is not declared for ${op.method} ${op.template}`);
        else if (param.type === 'boolean' && !['true', 'false'].includes(url.searchParams.get(key)!)) problems.push(`query parameter ${key} must be true or false`);
      }
      for (const param of params.filter((p) => p.in === 'header')) {
        const value = headers[param.name.toLowerCase()];
        if (param.required && value === undefined) problems.push(`header ${param.name} is required`);
      }
      const bodyParam = params.find((p) => p.in === 'body');
      if (body !== undefined && !bodyParam) problems.push(`${op.method} ${op.template} takes no body`);
      if (bodyParam?.schema && body !== undefined) problems.push(...validate(bodyParam.schema, body).map((p) => `body: ${p}`));
      if (bodyParam?.required && body === undefined) problems.push(`${op.method} ${op.template} needs a body`);
      const operation: Operation = { method: op.method, template: op.template, operationId: String(op.spec.operationId ?? ''), rawParams, spec: op.spec };
      return problems.length > 0 ? { problems } : { operation };
    },
    response(operation, status, body) {
      const declared = operation.spec.responses?.[String(status)];
      if (!declared) return [`${operation.method} ${operation.template} does not declare HTTP ${status}`];
      const schema = resolve(declared).schema;
      if (!schema) return body === undefined ? [] : [`${operation.method} ${operation.template} ${status} has no body in the swagger`];
      return validate(schema, body).map((p) => `${operation.method} ${operation.template} ${status}: ${p}`);
    },
    definition(name, value) {
      return validate({ $ref: `#/definitions/${name}` }, value);
    },
    parameter(name) {
      return doc.parameters[name] as Json;
    },
  };
}

/** Every `x-…` keyword and `example` the document uses: annotations to Ajv, not assertions. */
function vendorKeywords(doc: Json): string[] {
  const found = new Set<string>(['example']);
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key.startsWith('x-')) found.add(key);
        walk(value);
      }
    }
  };
  walk(doc.definitions);
  return [...found];
}
