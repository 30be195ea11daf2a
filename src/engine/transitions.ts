/**
 * Applies a signal to a deployment inside a transaction: lock the deployment row, ask `decide`,
 * persist every move with a guarded update and its event in the outbox, and turn the effects into
 * durable rows (jobs, locks, stop requests). Nothing here talks to the outside world: effects that
 * do (run a release, poll a scan) become jobs that the engine's workers pick up after commit.
 */
import { decide, type DeploymentView, type Move, type Signal } from '../core/decide.ts';
import { eventTypeFor, type DeploymentEventData } from '../core/events.ts';
import type { Queryable } from '../store/db.ts';
import { loadView, persistMove, recordScanFindings, requestReleaseStop, setReleaseDetail } from '../store/deployments.ts';
import { appendEvent } from '../store/events.ts';
import { deleteJobs, enqueue } from '../store/jobs.ts';
import { acquire, free } from '../store/locks.ts';
import type { IdGenerator } from './ids.ts';

export interface TransitionContext {
  tx: Queryable;
  now: Date;
  ids: IdGenerator;
}

export interface Applied {
  moves: Move[];
  /** The deployment after the signal, or null when it does not exist. */
  view: DeploymentView | null;
  /** Whether jobs were enqueued or stops requested: the engine should wake. */
  wake: boolean;
}

export const WAKE_CHANNEL = 'dcp_wake';

export async function applySignal(ctx: TransitionContext, deploymentId: string, first: Signal): Promise<Applied> {
  let view = await loadView(ctx.tx, deploymentId, true);
  if (!view) return { moves: [], view: null, wake: false };
  const moves: Move[] = [];
  let wake = false;
  // Acquiring a lock yields a follow-up signal for the same deployment, handled in this transaction.
  const queue: Signal[] = [first];

  for (let signal = queue.shift(); signal; signal = queue.shift()) {
    const decision = decide(view, signal);
    for (const move of decision.moves) {
      await persistMove(ctx.tx, move, ctx.now);
      await appendEvent(ctx.tx, { id: ctx.ids(), type: eventTypeFor(move), time: ctx.now, data: eventData(decision.view, move) });
      moves.push(move);
    }
    if (signal.type === 'scan.completed' && decision.moves.length > 0) await recordScanFindings(ctx.tx, deploymentId, signal.findings);
    view = decision.view;

    // Locks are taken in target order so that two transactions never wait on each other in a cycle.
    const effects = [...decision.effects].sort((a, b) => effectOrder(view!, a) - effectOrder(view!, b));
    for (const effect of effects) {
      switch (effect.type) {
        case 'scan.poll':
          await enqueue(ctx.tx, { kind: 'scan.poll', deploymentId, dueAt: ctx.now, dedupeKey: `scan:${deploymentId}` }, ctx.now);
          wake = true;
          break;
        case 'scan.stop':
          await deleteJobs(ctx.tx, deploymentId, 'scan.poll');
          break;
        case 'release.acquire': {
          const target = targetOf(view, effect.releaseId);
          const holder = await acquire(ctx.tx, { releaseId: effect.releaseId, deploymentId, service: view.service, target }, ctx.now);
          if (!holder) queue.push({ type: 'release.started', releaseId: effect.releaseId });
          else {
            const detail = `Waiting for deployment ${holder.deploymentId} to finish releasing ${view.service} to ${target}`;
            await setReleaseDetail(ctx.tx, effect.releaseId, detail, ctx.now);
          }
          break;
        }
        case 'release.run':
          await enqueue(ctx.tx, { kind: 'release.run', deploymentId, payload: { releaseId: effect.releaseId }, dueAt: ctx.now, dedupeKey: `run:${effect.releaseId}` }, ctx.now);
          wake = true;
          break;
        case 'release.stop':
          await requestReleaseStop(ctx.tx, effect.releaseId, ctx.now);
          wake = true;
          break;
        case 'lock.free': {
          const next = await free(ctx.tx, { releaseId: effect.releaseId, service: view.service, target: targetOf(view, effect.releaseId) }, ctx.now);
          if (next) {
            const signal: Signal = { type: 'release.started', releaseId: next.releaseId };
            await enqueue(ctx.tx, { kind: 'deployment.signal', deploymentId: next.deploymentId, payload: { signal }, dueAt: ctx.now }, ctx.now);
            wake = true;
          }
          break;
        }
      }
    }
  }
  if (wake) await ctx.tx.query('SELECT pg_notify($1, $2)', [WAKE_CHANNEL, '']);
  return { moves, view, wake };
}

function targetOf(view: DeploymentView, releaseId: string): string {
  for (const phase of view.phases) {
    const release = phase.releases.find((r) => r.id === releaseId);
    if (release) return release.target;
  }
  throw new Error(`release ${releaseId} is not part of deployment ${view.id}`);
}

function effectOrder(view: DeploymentView, effect: { type: string; releaseId?: string }): number {
  if (!effect.releaseId) return 0;
  const all = view.phases.flatMap((p) => p.releases).map((r) => r.target).sort();
  return all.indexOf(targetOf(view, effect.releaseId)) + 1;
}

/** The CloudEvent `data` of a move (contract §6). */
export function eventData(view: DeploymentView, move: Move): DeploymentEventData {
  const data: DeploymentEventData = { deploymentId: view.id, from: move.from, to: move.to, statusDetail: move.detail };
  if (move.entity === 'phase') {
    const phase = view.phases.find((p) => p.id === move.id)!;
    Object.assign(data, { phaseId: phase.id, environment: phase.environment });
  }
  if (move.entity === 'release') {
    const phase = view.phases.find((p) => p.releases.some((r) => r.id === move.id))!;
    const release = phase.releases.find((r) => r.id === move.id)!;
    Object.assign(data, { phaseId: phase.id, releaseId: release.id, environment: phase.environment, target: release.target });
  }
  return data;
}
