/**
 * BuildCompleted events that arrive on the bus (contract §3, §10) take the same way in as
 * `POST /api/v1/builds`: a structured CloudEvent (`specversion`, `type: BuildCompleted`) is
 * unwrapped to its `data`; text PostgreSQL cannot store is refused; the body is validated against
 * the route's own `BuildEvent` schema with the route's Ajv options (api/ajv.ts); then
 * `deployments.submitBuild` — idempotent on buildId — as the service principal `nats`.
 *
 * It sits in api/ beside the routes because it is the same kind of thing, an inbound adapter,
 * and the schemas live here (services import no api). The composition root hands it to the
 * NATS consumer (integrations/bus/nats-builds.ts), which knows nothing of DCP's services.
 *
 * Verdicts: the deployment committed, or found (a repeat) → 'ack'. A refusal the HTTP route
 * would answer 4xx (malformed, unknown component/channel/strategy, no phase, no config yet, a
 * buildId reused with another body) → { term: reason naming the field } — redelivering cannot
 * fix it. Anything else (the database is down) throws: the consumer redelivers it later.
 * Each message leaves one audit record, as each write request does.
 */
import type { Principal } from '../core/access.ts';
import { DomainError, InputError } from '../core/errors.ts';
import type { AuditService, Caller } from '../services/audit.ts';
import type { BuildEvent, DeploymentService } from '../services/deployments.ts';
import type { Logger } from '../shared/logger.ts';
import { bodyValidator } from './ajv.ts';
import { textIssues } from './input-safety.ts';
import { toProblem } from './problem.ts';
import { BuildEvent as BuildEventSchema } from './schemas/requests.ts';

export type BuildIntakeVerdict = 'ack' | { term: string; buildId?: string };

/**
 * A structured CloudEvent carries the build in `data`; anything without `specversion` is the
 * build itself. Throws InputError for a CloudEvent of another type.
 */
export function unwrapBuildCloudEvent(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || !('specversion' in body)) return body;
  if (!('type' in body) || body.type !== 'BuildCompleted') {
    const type = 'type' in body ? body.type : undefined;
    throw new InputError('unsupported event', [{ field: 'type', message: `must be "BuildCompleted"; got ${JSON.stringify(type)}` }]);
  }
  return 'data' in body ? body.data : undefined;
}

/** The bus, as the audit trail and `triggeredBy` checks see it: may submit builds, nothing else. */
export const NATS_PRINCIPAL: Principal = {
  kind: 'service', name: 'nats', teams: [], groups: [], admin: false, scopes: ['builds:write'], team: null, tokenId: null, sessionId: null,
};

export function createBuildIntake(deps: { deployments: DeploymentService; audit: AuditService; log: Logger; subject: string }): (payload: unknown) => Promise<BuildIntakeVerdict> {
  const validate = bodyValidator(BuildEventSchema);
  const { log, subject } = deps;

  return async (payload) => {
    const caller: Caller = { principal: NATS_PRINCIPAL, action: `NATS ${subject}`, address: null, userAgent: null, audited: false };
    let buildId: string | undefined;
    try {
      const body = unwrapBuildCloudEvent(payload);
      const unstorable = textIssues(body, '');
      if (unstorable.length) throw new InputError(unstorable.map((i) => `${i.field} ${i.message}`).join('; '), unstorable);
      if (!validate(body)) throw Object.assign(new Error('invalid body'), { validation: validate.errors ?? [], validationContext: 'body' });
      const build = body as BuildEvent;
      buildId = build.buildId;
      const { created, deployment } = await deps.deployments.submitBuild(build, caller);
      log.info(`BuildCompleted ${build.buildId} on ${subject}: deployment ${deployment.id} ${created ? 'created' : 'already made by this build'}`);
      // A repeat changed nothing, so no service wrote its record: write it here, as the API does.
      await deps.audit.recordAnswer(caller, { status: created ? 201 : 200, resource: `deployments/${deployment.id}` });
      return 'ack';
    } catch (error) {
      const refused = error instanceof DomainError || (error as { validation?: unknown }).validation !== undefined;
      if (!refused) throw error;
      const problem = toProblem(error);
      const what = problem.status === 400 ? 'malformed BuildCompleted' : 'BuildCompleted refused';
      const detail = problem.errors?.length ? problem.errors.map((e) => `${e.field} ${e.message}`).join('; ') : problem.detail;
      const reason = `${what}${buildId ? ` ${buildId}` : ''} on ${subject}: ${detail}`;
      await deps.audit.recordAnswer(caller, { status: problem.status, resource: null, detail: { reason: detail.slice(0, 500) } })
        .catch((auditError: unknown) => log.error(`the audit record of a refused BuildCompleted could not be written: ${String(auditError)}`));
      return { term: reason, buildId };
    }
  };
}
