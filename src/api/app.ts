/**
 * The HTTP app: Fastify with one set of JSON Schemas for validation and the OpenAPI 3.1 document,
 * access decided on the matched route (api/access.ts), and problem+json errors.
 */
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { AjvCompiler } from '@fastify/ajv-compiler';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import cookie from '@fastify/cookie';
import { webRoutes } from './routes/web.ts';
import { sessionRoutes } from './routes/session.ts';
import { installAccess, type RouteRule } from './access.ts';
import { installAudit } from './audit.ts';
import type { ApiContext, TypeProvider } from './context.ts';
import { sendProblem } from './problem.ts';
import { ALL_SCHEMAS } from './schemas.ts';
import { catalogRoutes } from './routes/catalog.ts';
import { deploymentRoutes } from './routes/deployments.ts';
import { eventRoutes } from './routes/events.ts';
import { gateRoutes } from './routes/gates.ts';
import { systemRoutes } from './routes/system.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route with its access rule: what the authorization tests are generated from. */
    routeTable(): RouteRule[];
  }
}

export interface AppOptions {
  logger: boolean | { level: string };
  version: string;
  /** The built app (web/dist); not served when absent. */
  webRoot: string | null;
  /** Fastify's trustProxy (DCP_TRUST_PROXY): believe X-Forwarded-Proto/-For from these proxies. */
  trustProxy?: boolean | string;
}

type ValidatorFactory = NonNullable<NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>['buildValidator']>;
const ajvCompilers = AjvCompiler();

/**
 * Query strings, path parameters and headers are text, so their types are coerced (`?limit=5` is
 * the integer 5). A JSON body already has types: coercing it would store `"buildId": 12345` as
 * "12345" and `null` as "", so bodies are validated as sent, by a second Ajv with coercion off.
 */
const coerceAllButBodies: ValidatorFactory = (externalSchemas, ajvOptions) => {
  const options = ajvOptions as { customOptions?: Record<string, unknown> } | undefined;
  const coercing = ajvCompilers(externalSchemas, { ...options, customOptions: { ...options?.customOptions, coerceTypes: 'array' } });
  const exact = ajvCompilers(externalSchemas, { ...options, customOptions: { ...options?.customOptions, coerceTypes: false } });
  return (route) => (route.httpPart === 'body' ? exact : coercing)(route);
};

/** Query parameters that carry a credential (the OIDC callback's code and state): never logged. */
const SECRET_PARAMS = ['code', 'state', 'token', 'access_token', 'id_token'];

/** The request URL as logged: credentials in the query string replaced by `REDACTED`. */
export function loggedUrl(url: string): string {
  const at = url.indexOf('?');
  if (at < 0) return url;
  const params = new URLSearchParams(url.slice(at + 1));
  for (const name of SECRET_PARAMS) if (params.has(name)) params.set(name, 'REDACTED');
  return `${url.slice(0, at)}?${params.toString()}`;
}

export async function buildApp(ctx: ApiContext, options: AppOptions): Promise<FastifyInstance> {
  const logger = typeof options.logger === 'object'
    ? {
      ...options.logger,
      serializers: {
        req: (req: { method: string; url: string; host?: string; ip?: string; socket?: { remotePort?: number } }) => ({
          method: req.method, url: loggedUrl(req.url), host: req.host, remoteAddress: req.ip, remotePort: req.socket?.remotePort,
        }),
      },
    }
    : options.logger;
  const app = Fastify({
    logger,
    // Unknown fields are errors (not silently dropped), and every problem is reported at once.
    ajv: { customOptions: { removeAdditional: false, allErrors: true } },
    schemaController: { compilersFactory: { buildValidator: coerceAllButBodies } },
    bodyLimit: 5 * 1024 * 1024,
    trustProxy: options.trustProxy ?? false,
  }).withTypeProvider<TypeProvider>();

  app.addContentTypeParser(['application/cloudevents+json'], { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, JSON.parse(body as string));
    } catch (error) {
      (error as { statusCode?: number }).statusCode = 400;
      done(error as Error, undefined);
    }
  });

  for (const schema of ALL_SCHEMAS) app.addSchema(schema);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'DCP — Deploy Control Plane API',
        version: options.version,
        description: 'Builds become deployments that run through phases of releases. Every /api/v1 call needs `Authorization: Bearer <token>`.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  await app.register(cookie);
  installAudit(app, ctx.audit);
  const access = installAccess(app, ctx.auth);
  app.decorate('routeTable', access.routeTable);

  await access.registerPublic(() => app.register(swaggerUi, { routePrefix: '/docs' }));
  app.get('/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () => app.swagger());

  // A POST without a body (cancel, clone) means "no options".
  app.addHook('preValidation', async (request) => {
    if (request.body === undefined && (request.method === 'POST' || request.method === 'PUT')) request.body = {};
  });

  app.setErrorHandler((error, request, reply) => sendProblem(reply, request, error));

  deploymentRoutes(app, ctx);
  catalogRoutes(app, ctx);
  eventRoutes(app, ctx);
  gateRoutes(app, ctx);
  systemRoutes(app, ctx);
  sessionRoutes(app, ctx);
  await webRoutes(app, options.webRoot, access);
  return app;
}
