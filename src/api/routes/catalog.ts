/** The imported config: teams, services, targets, strategies; Slack settings; reloading. */
import type { Api, ApiContext } from '../context.ts';
import { idParams, itemsOf, problemResponses } from '../schemas.ts';

export function catalogRoutes(app: Api, ctx: ApiContext): void {
  app.get('/api/v1/teams', {
    config: { access: 'read' },
    schema: { tags: ['catalog'], summary: 'Teams, with their services and Slack settings', response: { 200: itemsOf('Team#'), ...problemResponses } },
  }, async () => ({ items: await ctx.catalog.listTeams() }));

  app.get('/api/v1/teams/:id', {
    config: { access: 'read' },
    schema: { tags: ['catalog'], summary: 'One team', params: idParams, response: { 200: { $ref: 'Team#' }, ...problemResponses } },
  }, async (request) => ctx.catalog.getTeam(request.params.id));

  app.put('/api/v1/teams/:id/notifications', {
    config: { access: 'deployments:write' },
    schema: {
      tags: ['catalog'],
      summary: "Override a team's Slack workspace and channel (null for both returns to the catalog's)",
      params: idParams,
      body: { $ref: 'NotificationSettings#' },
      response: { 200: { $ref: 'Team#' }, ...problemResponses },
    },
  }, async (request) => ctx.catalog.setNotifications(request.params.id, request.body, request.caller));

  app.get('/api/v1/services', {
    config: { access: 'read' },
    schema: {
      tags: ['catalog'],
      summary: 'Services',
      querystring: { type: 'object', properties: { team: { type: 'string' } } },
      response: { 200: itemsOf('Service#'), ...problemResponses },
    },
  }, async (request) => ({ items: await ctx.catalog.listServices({ team: request.query.team }) }));

  app.get('/api/v1/targets', {
    config: { access: 'read' },
    schema: {
      tags: ['catalog'],
      summary: 'The imported target table',
      querystring: { type: 'object', properties: { channel: { type: 'string' }, environment: { type: 'string' } } },
      response: { 200: itemsOf('Target#'), ...problemResponses },
    },
  }, async (request) => ({ items: await ctx.catalog.listTargets({ channel: request.query.channel, environment: request.query.environment }) }));

  app.get('/api/v1/strategies', {
    config: { access: 'read' },
    schema: {
      tags: ['catalog'],
      summary: 'Strategies and the environments (with their policies) they progress through',
      response: { 200: { $ref: 'Strategies#' }, ...problemResponses },
    },
  }, async () => ctx.catalog.strategies());

  app.post('/api/v1/config/reload', {
    config: { access: 'admin' },
    schema: {
      tags: ['config'],
      summary: 'Re-import the config folder, or the files sent (as `dcp import DIR` does); all or nothing',
      body: { $ref: 'ConfigReloadRequest#' },
      response: { 200: { $ref: 'ConfigImport#' }, ...problemResponses },
    },
  }, async (request) => {
    const { files } = request.body;
    return files ? ctx.configImport.importFiles(files, `upload by ${request.principal.name}`) : ctx.configImport.reload();
  });
}
