/**
 * Progress from Argo workflows (contract §9): `POST /api/v1/workflow-callbacks`. A callback is
 * authenticated by the token DCP minted for that one workflow (stored as its hash; no DCP token or
 * session is accepted, and the token opens nothing else), checked against what the workflow runs
 * (its deployment's scan, its phase, a release of its phase), and turned into the engine signals
 * the embedded executor's releases produce. Repeats and late callbacks are harmless: `decide`
 * ignores a signal that no longer applies.
 */
import type { Principal } from '../core/access.ts';
import type { Clock } from '../core/clock.ts';
import type { Signal } from '../core/decide.ts';
import { InputError, NotAllowedError, NotAuthenticatedError } from '../core/errors.ts';
import { SEVERITIES, type ScanFindings, type Severity } from '../core/types.ts';
import { CALLBACK_GRACE_MS, type Engine } from '../engine/engine.ts';
import type { Db } from '../store/db.ts';
import { finishWorkflow, releaseInPhase, workflowByTokenHash, type WorkflowRecord } from '../store/workflows.ts';
import { secretHash } from '../shared/secrets.ts';
import type { AuditService, Caller } from './audit.ts';

export const CALLBACK_KINDS = ['scan', 'phase', 'release'] as const;
export const CALLBACK_STATUSES = ['Running', 'Succeeded', 'Failed', 'Cancelled'] as const;

export interface WorkflowCallback {
  workflow: string;
  kind: (typeof CALLBACK_KINDS)[number];
  id: string;
  status: (typeof CALLBACK_STATUSES)[number];
  detail?: string;
  findings?: Partial<Record<string, number>>;
}

export interface WorkflowCallbackService {
  /** Applies a callback (or recognises a repeat); throws 401/403/400 errors as the contract says. */
  report(caller: Caller, token: string | undefined, callback: WorkflowCallback): Promise<void>;
}

/** The workflow as the audit trail names it: a principal that exists only for this request. */
function workflowPrincipal(workflow: WorkflowRecord): Principal {
  return {
    kind: 'service', name: `workflow:${workflow.name ?? workflow.key}`, teams: [], groups: [], admin: false, scopes: [], team: null, tokenId: null, sessionId: null,
  };
}

function findingsOf(callback: WorkflowCallback): ScanFindings {
  const counts: ScanFindings['counts'] = {};
  for (const [severity, n] of Object.entries(callback.findings ?? {})) {
    if (!(SEVERITIES as readonly string[]).includes(severity)) throw new InputError(`findings.${severity} is not a severity (${SEVERITIES.join(', ')})`, [{ field: `findings.${severity}`, message: `must be one of ${SEVERITIES.join(', ')}` }]);
    if ((n ?? 0) > 0) counts[severity as Severity] = n;
  }
  return { counts };
}

export function createWorkflowCallbackService(deps: { db: Db; clock: Clock; engine: Engine; audit: AuditService }): WorkflowCallbackService {
  /** The signals a callback means, and whether it is the workflow's own end. */
  async function signalsOf(workflow: WorkflowRecord, callback: WorkflowCallback): Promise<{ signals: Signal[]; ends: boolean }> {
    const detail = callback.detail?.trim() || `${callback.status} (workflow ${callback.workflow})`;
    const foreign = (what: string) => new NotAllowedError(`this callback token is for workflow ${workflow.name ?? workflow.key}, which does not run ${what}`);
    if (callback.findings !== undefined && !(callback.kind === 'scan' && callback.status === 'Succeeded')) {
      throw new InputError('findings come only with kind scan and status Succeeded', [{ field: 'findings', message: 'only with kind "scan" and status "Succeeded"' }]);
    }
    switch (callback.kind) {
      case 'scan': {
        if (workflow.kind !== 'scan' || callback.id !== workflow.deploymentId) throw foreign(`the scan of ${callback.id}`);
        if (callback.status === 'Running') return { signals: [], ends: false };
        if (callback.status === 'Succeeded') return { signals: [{ type: 'scan.completed', findings: findingsOf(callback) }], ends: true };
        if (callback.status === 'Cancelled' || workflow.stopped) return { signals: [], ends: true };
        return { signals: [{ type: 'integration.failed', detail: `The security scan workflow failed: ${detail}` }], ends: true };
      }
      case 'phase': {
        if (workflow.kind !== 'phase' || callback.id !== workflow.phaseId) throw foreign(`phase ${callback.id}`);
        if (callback.status === 'Running') return { signals: [], ends: false };
        // A workflow DCP stopped ends "Failed" in Argo's words: for its releases it was a stop.
        const outcome = callback.status === 'Succeeded' ? 'Succeeded' : callback.status === 'Cancelled' || workflow.stopped ? 'Cancelled' : 'Failed';
        return { signals: [{ type: 'workflow.ended', phaseId: callback.id, outcome, detail }], ends: true };
      }
      case 'release': {
        if (workflow.kind !== 'phase' || !(await releaseInPhase(deps.db, callback.id, workflow.phaseId!))) throw foreign(`release ${callback.id}`);
        if (callback.status === 'Running') {
          return { signals: [{ type: 'release.progress', releaseId: callback.id, detail: callback.detail?.trim() ? `Running: ${callback.detail.trim()}` : `Running (workflow ${callback.workflow})` }], ends: false };
        }
        return { signals: [{ type: 'release.finished', releaseId: callback.id, outcome: callback.status, detail }], ends: false };
      }
    }
  }

  return {
    async report(caller, token, callback) {
      if (!token) throw new NotAuthenticatedError('a workflow callback needs its Bearer callback token');
      const workflow = await workflowByTokenHash(deps.db, secretHash(token));
      if (!workflow || (workflow.expiresAt && workflow.expiresAt <= deps.clock.now())) throw new NotAuthenticatedError('the callback token is not valid (unknown, or its deployment has ended)');
      caller.principal = workflowPrincipal(workflow);
      // The name is recorded once Argo answered the submit; a callback may come first.
      if (workflow.name && callback.workflow !== workflow.name) throw new NotAllowedError(`this callback token belongs to workflow ${workflow.name}, not ${callback.workflow}`);
      const { signals, ends } = await signalsOf(workflow, callback);
      await deps.engine.apply(workflow.deploymentId, signals, {
        async before(tx, now) {
          await deps.audit.record(tx, caller, `workflow:${callback.workflow}`, { kind: callback.kind, id: callback.id, status: callback.status });
          if (ends) await finishWorkflow(tx, workflow.key, detailOf(callback), now, CALLBACK_GRACE_MS);
        },
      });
    },
  };
}

const detailOf = (callback: WorkflowCallback): string => `reported ${callback.status}${callback.detail ? `: ${callback.detail}` : ''}`;
