/**
 * Every request to a route gets a `Caller` (services/audit.ts) before the access check runs, and
 * every write request — POST, PUT, PATCH, DELETE on a route, refused or not — leaves exactly one
 * audit record: the service's, written in the change's transaction, or else the one written here
 * as the answer goes out (onSend: before the client can read the trail).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuditService, Caller } from '../services/audit.ts';

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller;
  }
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** `deployments/<id>/phases/<phaseId>` for `/api/v1/deployments/:id/phases/:phaseId/approvals`. */
function resourceOf(request: FastifyRequest): string | null {
  const params = (request.params ?? {}) as Record<string, string>;
  const filled = request.routeOptions.url?.replace(/^\/api\/v1\//, '').replace(/:(\w+)/g, (_, name: string) => String(params[name] ?? ''));
  return filled ? filled.slice(0, 300) : null;
}

export function installAudit(app: FastifyInstance, audit: AuditService): void {
  app.decorateRequest('caller', null as unknown as Caller);
  app.addHook('onRequest', async (request) => {
    const agent = request.headers['user-agent'];
    request.caller = {
      principal: null,
      action: request.is404 ? `${request.method} (no route)` : `${request.method} ${request.routeOptions.url}`,
      address: request.ip,
      userAgent: typeof agent === 'string' ? agent : null,
      audited: false,
    };
  });
  app.addHook('onSend', async (request, reply, payload) => {
    if (!WRITES.has(request.method) || request.is404 || !request.caller) return payload;
    try {
      await audit.recordAnswer(request.caller, { status: reply.statusCode, resource: resourceOf(request) });
    } catch (error) {
      request.log.error({ err: error }, 'the audit record of this request could not be written');
    }
    return payload;
  });
}
