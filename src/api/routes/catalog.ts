/** The imported config: teams, services, targets, strategies; Slack settings; reloading. */
import type { Api, ApiContext } from '../context.ts';
import { decodeCursor, encodeCursor } from '../cursor.ts';
import { idParams, listQuery, pageOf, problemResponses } from '../schemas.ts';

export function catalogRoutes(app: Api, ctx: ApiContext): void {
  app.get('/api/v1/teams', {
    config: { access: 'read' },
    schema: {
      tags: ['catalog'],
      summary: 'Teams, with their services and Slack settings, by name',
      querystring: { type: 'object', additionalProperties: false, properties: { ...listQuery } },
      response: { 200: pageOf('Team#'), ...problemResponses },
    },
  }, async (request) => {
    const page = await ctx.catalog.listTeams({ limit: request.query.limit, after: decodeCursor(request.query.cursor, ['name'])?.[0] });
    return { items: page.items, nextCursor: encodeCursor(page.next === null ? null : [page.next]) };
  });

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
      summary: 'Services, by name',
      querystring: { type: 'object', additionalProperties: false, properties: { team: { type: 'string', maxLength: 200 }, ...listQuery } },
      response: { 200: pageOf('Service#'), ...problemResponses },
    },
  }, async (request) => {
    const { team, limit, cursor } = request.query;
    const page = await ctx.catalog.listServices({ team }, { limit, after: decodeCursor(cursor, ['name'])?.[0] });
    return { items: page.items, nextCursor: encodeCursor(page.next === null ? null : [page.next]) };
  });

  app.get('/api/v1/targets', {
    config: { access: 'read' },
    schema: {
      tags: ['catalog'],
      summary: 'The imported target table, by channel, environment and position',
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: { channel: { type: 'string', maxLength: 200 }, environment: { type: 'string', maxLength: 200 }, ...listQuery },
      },
      response: { 200: pageOf('Target#'), ...problemResponses },
    },
  }, async (request) => {
    const { channel, environment, limit, cursor } = request.query;
    const page = await ctx.catalog.listTargets({ channel, environment }, { limit, after: decodeCursor(cursor, ['name', 'name', 'position']) });
    return { items: page.items, nextCursor: encodeCursor(page.next) };
  });

  app.get('/api/v1/strategies', {
    config: { access: 'read' },
    schema: {
      tags: ['catalog'],
      summary: 'Strategies and the environments (with their policies) they progress through',
      response: { 200: { $ref: 'Strategies#' }, ...problemResponses },
    },
  }, async () => ctx.catalog.strategies());

  app.get('/api/v1/catalog/sources', {
    config: { access: 'read' },
    schema: {
      tags: ['catalog'],
      summary: "The catalog sources, by precedence: each one's last sync, what it changed (added, updated, removed) and its bad entities",
      response: { 200: { $ref: 'CatalogSourceList#' }, ...problemResponses },
    },
  }, async () => ({ items: await ctx.catalogSync.sources() }));

  app.post('/api/v1/catalog/sync', {
    config: { access: 'admin' },
    schema: {
      tags: ['catalog'],
      summary: 'Sync the external catalog sources (Backstage, GitHub) now; answers with every source once done',
      response: { 200: { $ref: 'CatalogSourceList#' }, ...problemResponses },
    },
  }, async (request) => ({ items: await ctx.catalogSync.syncNow(request.caller) }));

  app.post('/api/v1/config/reload', {
    config: { access: 'admin' },
    // Uploads are held to the config folder's limit (config/limits.ts), not the app's default.
    bodyLimit: ctx.configImport.uploadBodyLimit,
    schema: {
      tags: ['config'],
      summary: 'Re-import the config folder, or the files sent (as `dcp import DIR` does); all or nothing',
      body: { $ref: 'ConfigReloadRequest#' },
      response: { 200: { $ref: 'ConfigImport#' }, ...problemResponses },
    },
  }, async (request) => {
    const { files } = request.body;
    return files ? ctx.configImport.importFiles(files, `upload by ${request.principal.name}`, request.caller) : ctx.configImport.reload(request.caller);
  });
}
