/**
 * The DCP app (web/dist, built by Vite) at `/`. Unknown paths outside /api fall back to the app's
 * index.html so that links such as /deployments/{id} (the ones Slack messages carry) open the app.
 */
import { existsSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import type { AccessControl } from '../access.ts';

export async function webRoutes(app: FastifyInstance, webRoot: string | null, access: AccessControl): Promise<void> {
  const served = webRoot !== null && existsSync(webRoot);
  // wildcard: files are looked up per request, so a rebuilt app is served without a restart.
  // The app's files are public: what they show comes from the API, which asks for a token.
  if (served) await access.registerPublic(() => app.register(fastifyStatic, { root: webRoot, wildcard: true, index: 'index.html', maxAge: '1h', immutable: false }));
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0];
    const isApi = path.startsWith('/api/') || path === '/openapi.json' || path.startsWith('/docs');
    if (served && request.method === 'GET' && !isApi && !/\.[a-z0-9]+$/i.test(path)) {
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    }
    return reply.code(404).type('application/problem+json').send({
      type: 'https://dcp.dev/problems/not-found', title: 'Not found', status: 404, detail: `no route ${request.method} ${path}`,
    });
  });
}
