/**
 * People acting on gates: approving or rejecting a phase, moving a built-in change case, setting
 * and lifting change freezes. Each records the decision and, in the same transaction, tells the
 * deployments it can unblock (their prerequisites are re-evaluated at once).
 */
import type { Clock } from '../core/clock.ts';
import { ConflictError, InputError, NotAllowedError, NotFoundError } from '../core/errors.ts';
import { canMoveChangeCase, isTerminalPhase, type ChangeCaseStatus } from '../core/lifecycle.ts';
import type { Engine } from '../engine/engine.ts';
import type { IdGenerator } from '../shared/ids.ts';
import type { Db, Queryable } from '../store/db.ts';
import { listEnvironments } from '../store/catalog.ts';
import * as gates from '../store/gates.ts';
import { enqueue, notifyWorkers } from '../store/jobs.ts';
import type { DeploymentDto } from '../store/deployment-reads.ts';
import type { AuditService, Caller } from './audit.ts';
import { authorize } from './auth.ts';
import type { DeploymentService } from './deployments.ts';

export interface FreezeRequest {
  environments: string[];
  startsAt: string;
  endsAt?: string;
  reason: string;
}

export interface TransitionRequest {
  status: ChangeCaseStatus;
  deployWindow?: { start: string; end: string };
  comment?: string;
}

export interface GateService {
  decide(deploymentId: string, phaseId: string, caller: Caller, decision: 'approve' | 'reject', comment: string | null): Promise<DeploymentDto>;
  getChangeCase(id: string): Promise<gates.ChangeCaseRecord>;
  /** Newest first; `before`: the `next` of the previous page. */
  listChangeCases(filter: { deploymentId?: string; status?: string; limit: number; before?: gates.TimeKey }): Promise<{ items: gates.ChangeCaseRecord[]; next: gates.TimeKey | null }>;
  transitionChangeCase(id: string, request: TransitionRequest, caller: Caller): Promise<gates.ChangeCaseRecord>;
  createFreeze(request: FreezeRequest, caller: Caller): Promise<gates.FreezeRecord>;
  /** Newest first; `before`: the `next` of the previous page. */
  listFreezes(current: boolean, limit: number, before?: gates.TimeKey): Promise<{ items: gates.FreezeRecord[]; next: gates.TimeKey | null }>;
  liftFreeze(id: string, caller: Caller): Promise<gates.FreezeRecord>;
}

export function createGateService(deps: { db: Db; clock: Clock; ids: IdGenerator; engine: Engine; deployments: DeploymentService; audit: AuditService }): GateService {
  const { db, clock, ids, engine } = deps;

  /** Re-evaluates the gates of deployments waiting in these environments (through jobs: there may be many). */
  async function nudgeWaiting(tx: Queryable, environments: string[], now: Date): Promise<void> {
    for (const deploymentId of await gates.deploymentsAwaiting(tx, environments)) {
      await enqueue(tx, { kind: 'deployment.signal', deploymentId, payload: { signal: { type: 'gates.changed' } }, dueAt: now }, now);
    }
    await notifyWorkers(tx);
  }

  function parseInstant(text: string, field: string): Date {
    const at = new Date(text);
    if (Number.isNaN(at.getTime())) throw new InputError(`bad ${field}`, [{ field, message: 'must be an ISO 8601 date-time' }]);
    return at;
  }

  return {
    async decide(deploymentId, phaseId, caller, decision, comment) {
      const deployment = await deps.deployments.get(deploymentId);
      const phase = deployment.phases.find((p) => p.id === phaseId);
      if (!phase) throw new NotFoundError(`deployment ${deploymentId} has no phase ${phaseId}`);
      const policy = phase.policy.approvals;
      if (!policy) throw new ConflictError(`phase ${phase.environment} needs no approval`);
      // Four eyes: an approver the policy names, one decision per person, never the deployment's
      // own trigger unless the policy allows it (a rejection is always welcome).
      const principal = authorize(caller.principal, 'phases:decide', { team: deployment.team, environment: phase.environment, approvers: policy.approvers });
      if (decision === 'approve' && principal.name === deployment.triggeredBy && !policy.allowSelfApproval) {
        throw new NotAllowedError(`you triggered this deployment: someone else must approve ${phase.environment} (the policy does not allow self-approval)`);
      }
      const by = principal.name;
      if (isTerminalPhase(phase.status) || phase.status === 'Deploying') {
        throw new ConflictError(`phase ${phase.environment} is ${phase.status}; approvals are taken before a phase deploys`);
      }
      await engine.apply(deploymentId, { type: 'gates.changed', phaseId }, {
        async before(tx, now) {
          const recorded = await gates.insertApproval(tx, { id: ids(), deploymentId, phaseId, by, decision, comment }, now);
          if (!recorded) throw new ConflictError(`${by} has already decided on phase ${phase.environment}`);
          await deps.audit.record(tx, caller, `deployments/${deploymentId}/phases/${phaseId}`, { decision });
        },
      });
      return deps.deployments.get(deploymentId);
    },

    async getChangeCase(id) {
      const found = await gates.getChangeCase(db, id);
      if (!found) throw new NotFoundError(`no change case with id ${id}`);
      return found;
    },

    listChangeCases: (filter) => gates.listChangeCases(db, filter),

    async transitionChangeCase(id, request, caller) {
      const current = await this.getChangeCase(id);
      const deployment = await deps.deployments.get(current.deploymentId);
      const principal = authorize(caller.principal, 'changecases:move', { team: deployment.team });
      const by = principal.name;
      if (current.provider !== 'builtin') {
        throw new ConflictError(`change case ${id} lives in ${current.provider}; move it there (DCP reads its state back)`);
      }
      if (!canMoveChangeCase(current.status, request.status)) {
        throw new ConflictError(`a change case cannot move from ${current.status} to ${request.status}`);
      }
      let window: { start: Date; end: Date } | undefined;
      if (request.status === 'scheduled-approved') {
        if (!request.deployWindow) throw new InputError('a deploy window is needed', [{ field: 'deployWindow', message: 'is required to move a case to scheduled-approved' }]);
        window = { start: parseInstant(request.deployWindow.start, 'deployWindow.start'), end: parseInstant(request.deployWindow.end, 'deployWindow.end') };
        if (window.end <= window.start) throw new InputError('the deploy window ends before it starts', [{ field: 'deployWindow.end', message: 'must be after deployWindow.start' }]);
      }
      await engine.apply(current.deploymentId, { type: 'gates.changed', phaseId: current.phaseId }, {
        async before(tx, now, events) {
          if (request.status === 'scheduled-approved') {
            const frozen = (await gates.freezesCovering(tx, [current.environment], now)).find((f) => new Date(f.startsAt) <= now);
            if (frozen) {
              throw new ConflictError(`a change freeze covers ${current.environment} (${frozen.id}: ${frozen.reason}); the case cannot be scheduled-approved until it ends or is lifted`);
            }
          }
          const moved = await gates.moveChangeCase(tx, id, { from: current.status, to: request.status, by, comment: request.comment ?? null, deployWindow: window }, now);
          if (!moved) throw new ConflictError(`change case ${id} moved meanwhile; read it again`);
          events.push({
            id: ids(), type: 'ChangeCaseUpdated', time: now,
            data: { deploymentId: moved.deploymentId, phaseId: moved.phaseId, environment: moved.environment, changeCaseId: id, from: current.status, to: moved.status, statusDetail: request.comment ?? `Moved by ${by}`, by },
          });
          await deps.audit.record(tx, caller, `change-cases/${id}`, { from: current.status, to: moved.status });
        },
      });
      return this.getChangeCase(id);
    },

    async createFreeze(request, caller) {
      const by = authorize(caller.principal, 'freezes:write').name;
      const freezable = new Set((await listEnvironments(db)).filter((e) => e.freezable).map((e) => e.name));
      const issues = request.environments.flatMap((name, i) =>
        freezable.has(name) ? [] : [{ field: `environments[${i}]`, message: `"${name}" is not a freezable environment; freezable: ${[...freezable].join(', ') || 'none'}` }],
      );
      if (issues.length > 0) throw new InputError('only freezable environments can be frozen', issues);
      const startsAt = parseInstant(request.startsAt, 'startsAt');
      const endsAt = request.endsAt ? parseInstant(request.endsAt, 'endsAt') : null;
      if (endsAt && endsAt <= startsAt) throw new InputError('the freeze ends before it starts', [{ field: 'endsAt', message: 'must be after startsAt' }]);
      return db.transaction(async (tx) => {
        const now = clock.now();
        const created = await gates.insertFreeze(tx, { id: ids(), environments: request.environments, startsAt, endsAt, reason: request.reason, by }, now);
        await nudgeWaiting(tx, request.environments, now);
        await deps.audit.record(tx, caller, `freezes/${created.id}`, { environments: request.environments });
        return created;
      });
    },

    listFreezes: (current, limit, before) => gates.listFreezes(db, { current, now: clock.now(), limit, before }),

    async liftFreeze(id, caller) {
      const by = authorize(caller.principal, 'freezes:write').name;
      const existing = await gates.getFreeze(db, id);
      if (!existing) throw new NotFoundError(`no change freeze with id ${id}`);
      return db.transaction(async (tx) => {
        const now = clock.now();
        const lifted = await gates.liftFreeze(tx, id, by, now);
        if (!lifted) throw new ConflictError(`change freeze ${id} was already lifted`);
        await nudgeWaiting(tx, lifted.environments, now);
        await deps.audit.record(tx, caller, `freezes/${id}`);
        return lifted;
      });
    },
  };
}
