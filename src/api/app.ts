/**
 * The HTTP app: Fastify with one set of JSON Schemas for validation and the OpenAPI 3.1 document,
 * access decided on the matched route (api/access.ts), and problem+json errors.
 */
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { AjvCompiler } from '@fastify/ajv-compiler';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import cookie from '@fastify/cookie';
import helmet from 'helmet';
import rateLimit from '@fastify/rate-limit';
import { webRoutes } from './routes/web.ts';
import { sessionRoutes } from './routes/session.ts';
import { callbackRoutes } from './routes/callbacks.ts';
import { accessRoutes } from './routes/access.ts';
import { installAccess, type RouteRule } from './access.ts';
import { installAudit } from './audit.ts';
import type { ApiContext, TypeProvider } from './context.ts';
import { sendProblem } from './problem.ts';
import { clientErrorProblem, frameworkProblem, refuseInfiniteQueryNumbers, refuseUnstorableText } from './input-safety.ts';
import { AJV_OPTIONS, BODY_AJV_CUSTOM_OPTIONS } from './ajv.ts';
import { ALL_SCHEMAS } from './schemas.ts';
import { catalogRoutes } from './routes/catalog.ts';
import { deploymentRoutes } from './routes/deployments.ts';
import { eventRoutes } from './routes/events.ts';
import { gateRoutes } from './routes/gates.ts';
import { systemRoutes } from './routes/system.ts';
import { webhookRoutes } from './routes/webhooks.ts';
import { sinkRoutes } from './routes/sinks.ts';
import { slackRoutes } from './routes/slack.ts';

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
  const exact = ajvCompilers(externalSchemas, { ...options, customOptions: { ...options?.customOptions, ...BODY_AJV_CUSTOM_OPTIONS } });
  return (route) => (route.httpPart === 'body' ? exact : coercing)(route);
};

const SECRET_PARAMS = /^(code|state|token|access_token|id_token|session|secret|password)$/i;

/** What a log line says of a request: method, path, redacted query, address. */
export function logRequest(request: { method: string; url: string; ip?: string }): { method: string; url: string; remoteAddress?: string } {
  const [path, query] = request.url.split('?', 2);
  if (!query) return { method: request.method, url: path, remoteAddress: request.ip };
  const params = new URLSearchParams(query);
  for (const key of [...params.keys()]) if (SECRET_PARAMS.test(key)) params.set(key, '[redacted]');
  return { method: request.method, url: `${path}?${params}`, remoteAddress: request.ip };
}

export async function buildApp(ctx: ApiContext, options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    // Request lines are logged without secrets: query values that may carry one are redacted, and
    // headers (Authorization, Cookie) are never logged.
    logger: options.logger === false ? false : { ...(options.logger === true ? {} : options.logger), serializers: { req: logRequest } },
    // Unknown fields are errors (not silently dropped), and every problem is reported at once.
    ajv: AJV_OPTIONS,
    schemaController: { compilersFactory: { buildValidator: coerceAllButBodies } },
    bodyLimit: 5 * 1024 * 1024,
    trustProxy: options.trustProxy ?? false,
    frameworkErrors: frameworkProblem(sendProblem),
    clientErrorHandler: clientErrorProblem,
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
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          callbackToken: { type: 'http', scheme: 'bearer', description: 'The callback token DCP minted for one workflow (its `callbackToken` parameter); nothing else.' },
          harborSecret: { type: 'apiKey', in: 'header', name: 'Authorization', description: "The shared secret of Harbor's webhook policy (DCP_HARBOR_WEBHOOK_SECRET)." },
          slackSignature: { type: 'apiKey', in: 'header', name: 'X-Slack-Signature', description: "Slack's v0 request signature (with X-Slack-Request-Timestamp), made with DCP_SLACK_SIGNING_SECRET." },
        },
      },
      security: [{ bearer: [] }],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  await app.register(cookie);
  // Security headers on every answer: a CSP with no inline script and no framing, nosniff, …
  // Helmet itself, made once: @fastify/helmet made a new one on every request, parsing the CSP
  // again each time (~2% of DCP's CPU under POST /builds).
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"], scriptSrc: ["'self'"], styleSrc: ["'self'", "'unsafe-inline'"], imgSrc: ["'self'", 'data:'], connectSrc: ["'self'"],
        fontSrc: ["'self'"], objectSrc: ["'none'"], baseUri: ["'self'"], formAction: ["'self'"], frameAncestors: ["'none'"],
      },
    },
  });
  app.addHook('onRequest', (request, reply, done) => securityHeaders(request.raw, reply.raw, (error) => done(error as Error | undefined)));
  // Sign-in attempts are limited per address (routes opt in with config.rateLimit).
  await app.register(rateLimit, { global: false });
  installAudit(app, ctx.audit);
  const access = installAccess(app, ctx.auth);
  app.decorate('routeTable', access.routeTable);

  await access.registerPublic(() => app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true }));
  app.get('/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () => app.swagger());

  // A POST without a body (cancel, clone) means "no options".
  app.addHook('preValidation', async (request) => {
    if (request.body === undefined && (request.method === 'POST' || request.method === 'PUT')) request.body = {};
  });

  // NUL characters and lone surrogates anywhere in the request: 400 naming the field (api/input-safety.ts).
  app.addHook('preValidation', refuseUnstorableText);
  app.addHook('preHandler', refuseInfiniteQueryNumbers);

  app.setErrorHandler((error, request, reply) => sendProblem(reply, request, error));

  deploymentRoutes(app, ctx);
  catalogRoutes(app, ctx);
  eventRoutes(app, ctx);
  gateRoutes(app, ctx);
  systemRoutes(app, ctx);
  sessionRoutes(app, ctx);
  accessRoutes(app, ctx);
  callbackRoutes(app, ctx);
  webhookRoutes(app, ctx);
  sinkRoutes(app, ctx);
  await slackRoutes(app, ctx);
  await webRoutes(app, options.webRoot, access);
  return app;
}
