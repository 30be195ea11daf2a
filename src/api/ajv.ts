/**
 * How request bodies are validated, in one place: the Fastify app (api/app.ts) and the bus intake
 * of builds (api/build-intake.ts) validate the same schemas with the same Ajv options, so a build
 * that is a 400 over HTTP is refused on NATS for the same reason.
 */
import { AjvCompiler } from '@fastify/ajv-compiler';
import { strictFormats } from './input-safety.ts';
import { ALL_SCHEMAS } from './schemas.ts';

/** Unknown fields are errors (not silently dropped), and every problem is reported at once. */
export const AJV_OPTIONS = { customOptions: { removeAdditional: false, allErrors: true }, onCreate: strictFormats } as const;

/** A JSON body already has types: it is validated as sent (no coercion), as api/app.ts does. */
export const BODY_AJV_CUSTOM_OPTIONS = { ...AJV_OPTIONS.customOptions, coerceTypes: false } as const;

export interface BodyValidator {
  (body: unknown): boolean;
  errors?: { instancePath: string; keyword: string; message?: string; params: Record<string, unknown> }[] | null;
}

/** A validator of a request body against a shared schema (`BuildEvent`), outside Fastify. */
export function bodyValidator(schema: (typeof ALL_SCHEMAS)[number]): BodyValidator {
  const external = Object.fromEntries(ALL_SCHEMAS.map((s) => [s.$id, s]));
  const compile = AjvCompiler()(external, { ...AJV_OPTIONS, customOptions: BODY_AJV_CUSTOM_OPTIONS });
  return compile({ schema, method: 'POST', url: '', httpPart: 'body' }) as unknown as BodyValidator;
}
