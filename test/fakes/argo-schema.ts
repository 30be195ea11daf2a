/**
 * Argo's published schemas (test/fixtures/argo-workflows/, unmodified copies) with the two patches
 * the vendor notes call for, applied in memory:
 *   - `IntOrString` is typed as a string only; Kubernetes and Argo accept integers too
 *     (`retryStrategy.limit: 10`, `backoff.factor: 2`), so integers are allowed;
 *   - no definition forbids unknown fields, so a misspelt field would pass; every object
 *     definition with `properties` and no `additionalProperties` gets `additionalProperties: false`.
 */
import { readFileSync } from 'node:fs';

const FIXTURES = new URL('../fixtures/argo-workflows/', import.meta.url);
const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';

type Definitions = Record<string, Record<string, unknown>>;

export function patchDefinitions(definitions: Definitions): Definitions {
  const patched: Definitions = structuredClone(definitions);
  for (const [name, definition] of Object.entries(patched)) {
    if (name === INT_OR_STRING) {
      patched[name] = { ...definition, type: ['string', 'integer'] };
      continue;
    }
    if (definition.type === 'object' && definition.properties && definition.additionalProperties === undefined) {
      definition.additionalProperties = false;
    }
  }
  return patched;
}

/** The JSON Schema 2020-12 document (Workflow, WorkflowTemplate, …), patched. */
export function argoJsonSchema(): Record<string, unknown> {
  const schema = JSON.parse(readFileSync(new URL('schema.json', FIXTURES), 'utf8')) as { definitions: Definitions };
  return { ...schema, definitions: patchDefinitions(schema.definitions) };
}

export interface SwaggerOperation {
  parameters?: { name: string; in: 'path' | 'query' | 'body' | 'header'; required?: boolean; schema?: { $ref: string } }[];
}

/** The Argo Server's Swagger 2.0 document: paths and patched definitions. */
export function argoSwagger(): { paths: Record<string, Record<string, SwaggerOperation>>; definitions: Definitions } {
  const swagger = JSON.parse(readFileSync(new URL('swagger.json', FIXTURES), 'utf8')) as {
    paths: Record<string, Record<string, SwaggerOperation>>;
    definitions: Definitions;
  };
  return { paths: swagger.paths, definitions: patchDefinitions(swagger.definitions) };
}
