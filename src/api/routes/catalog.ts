/** The imported config: teams, services, targets, strategies; Slack settings; reloading. */
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context.ts';
import { problemResponses } from '../schemas.ts';

const items = (ref: string) => ({ type: 'object', required: ['items'], properties: { items: { type: 'array', items: { $ref: ref } } } }) as const;

export function catalogRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get('/api/v1/teams', {
    config: { access: 'read' },
    schema: { tags: ['catalog'], summary: 'Teams, with their services and Slack settings', response: { 200: items('Team#'), ...problemResponses } },
  }, async () => ({ items: await ctx.catalog.listTeams() }));

  app.get('/api/v1/teams/:id', {
    config: { access: 'read' },
    schema: { tags: ['catalog'], summary: 'One team', params: { type: 'object', properties: { id: { type: 'string' } } }, response: { 200: { $ref: 'Team#' }, ...problemResponses } },
  }, async (request) => {
    const id = (request.params as { id: string }).id;
    return ctx.catalog.getTeam(id);
  });

  app.put('/api/v1/teams/:id/notifications', {
    config: { access: 'deployments:write' },
    schema: {
      tags: ['catalog'],
      summary: "Override a team's Slack workspace and channel (null for both returns to the catalog's)",
      params: { type: 'object', properties: { id: { type: 'string' } } },
      body: { $ref: 'NotificationSettings#' },
      response: { 200: { $ref: 'Team#' }, ...problemResponses },
    },
  }, async (request) => {
    const id = (request.params as { id: string }).id;
    const body = request.body as { workspace: string | null; channel: string | null };
    return ctx.catalog.setNotifications(id, body, request.principal.name);
  });

  app.get('/api/v1/services', {
    config: { access: 'read' },
    schema: {
      tags: ['catalog'],
      summary: 'Services',
      querystring: { type: 'object', properties: { team: { type: 'string' } } },
      response: { 200: items('Service#'), ...problemResponses },
    },
  }, async (request) => ({ items: await ctx.catalog.listServices(request.query as { team?: string }) }));

  app.get('/api/v1/targets', {
    config: { access: 'read' },
    schema: {
      tags: ['catalog'],
      summary: 'The imported target table',
      querystring: { type: 'object', properties: { channel: { type: 'string' }, environment: { type: 'string' } } },
      response: { 200: items('Target#'), ...problemResponses },
    },
  }, async (request) => ({ items: await ctx.catalog.listTargets(request.query as { channel?: string; environment?: string }) }));

  app.get('/api/v1/strategies', {
    config: { access: 'read' },
    schema: {
      tags: ['catalog'],
      summary: 'Strategies and the environments (with their policies) they progress through',
      response: {
        200: {
          type: 'object',
          required: ['items', 'environments'],
          properties: {
            items: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, environments: { type: 'array', items: { type: 'string' } } } } },
            environments: { type: 'array', items: { type: 'object', additionalProperties: true } },
          },
        },
        ...problemResponses,
      },
    },
  }, async () => ctx.catalog.strategies());

  app.post('/api/v1/config/reload', {
    config: { access: 'admin' },
    schema: {
      tags: ['config'],
      summary: 'Re-import the config folder, or the files sent (as `dcp import DIR` does); all or nothing',
      body: {
        type: 'object',
        additionalProperties: false,
        properties: { files: { type: 'object', additionalProperties: { type: 'string' }, description: 'Path (relative to the config folder) → content.' } },
      },
      response: { 200: { $ref: 'ConfigImport#' }, ...problemResponses },
    },
  }, async (request) => {
    const files = (request.body as { files?: Record<string, string> } | undefined)?.files;
    return files ? ctx.configImport.importFiles(files, `upload by ${request.principal.name}`) : ctx.configImport.reload();
  });
}
