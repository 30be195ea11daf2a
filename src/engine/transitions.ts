/**
 * Private to the engine (engine.ts `apply` is the way in; a lint rule keeps it so).
 *
 * Applies a signal to a deployment inside a transaction (its row locked and read by the engine): ask `decide`,
 * persist every move with a guarded update and its event in the outbox, and turn the effects into
 * durable rows (jobs, locks, stop requests). Nothing here talks to the outside world: effects that
 * do (run a release, poll a scan) become jobs that the engine's workers pick up after commit.
 */
import { decide, type DeploymentView, type Move, type Signal } from '../core/decide.ts';
import { eventTypeFor, type DeploymentEventData } from '../core/events.ts';
import type { Queryable } from '../store/db.ts';
import { isTerminalDeployment } from '../core/lifecycle.ts';
import { loadCaseContext, loadView, persistMoves, recordPhase, recordScanFindings, requestReleaseStop, setReleaseDetail } from '../store/deployments.ts';
import type { NewDeploymentEvent } from '../store/events.ts';
import { changeCasesOf, insertChangeCase, moveChangeCase } from '../store/gates.ts';
import { deleteJobs, enqueueWithEvents, schedule, unschedule, type NewJob } from '../store/jobs.ts';
import { acquire, free } from '../store/locks.ts';
import { expireWorkflowTokens, getWorkflow, insertWorkflow, workflowKey } from '../store/workflows.ts';
import type { IdGenerator } from '../shared/ids.ts';

export interface TransitionContext {
  tx: Queryable;
  now: Date;
  ids: IdGenerator;
  /** The change-case provider in use (`builtin` cases live in DCP; others are synced by jobs). */
  changeProvider: string;
  /** The app's base URL, for links in change cases. */
  publicUrl: string;
  /** How releases run: one by one in this process (`release`), or a workflow per phase on Argo (`workflow`). */
  executorMode: 'release' | 'workflow';
}

/**
 * The context of one application: the events it writes and the jobs it enqueues go in one
 * statement at its end (jobs sooner when another write to the jobs table must come after them).
 */
interface Application extends TransitionContext {
  events: NewDeploymentEvent[];
  jobs: NewJob[];
}

function enqueue(ctx: Application, job: NewJob): void {
  ctx.jobs.push(job);
}

/** Writes the jobs enqueued so far: before a write that must see them (a timer set or removed under a key). */
async function flushJobs(ctx: Application): Promise<void> {
  await enqueueWithEvents(ctx.tx, ctx.jobs.splice(0), [], ctx.now);
}

/** How long a workflow's callback token still works once nothing of its deployment runs (late repeats answer 204). */
export const CALLBACK_GRACE_MS = 10 * 60_000;

export interface Applied {
  moves: Move[];
  /** The deployment after the signal, or null when it does not exist. */
  view: DeploymentView | null;
  /** Whether jobs were enqueued or stops requested: the engine should wake. */
  wake: boolean;
  /** Whether an in-flight release was asked to stop (its worker, maybe in another process, must look). */
  stops: boolean;
}

/** Applies `first` to the deployment read (and locked) as `loaded`; null: it does not exist. */
export async function applySignal(context: TransitionContext, loaded: DeploymentView | null, first: Signal | Signal[]): Promise<Applied> {
  if (!loaded) return { moves: [], view: null, wake: false, stops: false };
  const ctx: Application = { ...context, events: [], jobs: [] };
  let view = loaded;
  const deploymentId = view.id;
  const moves: Move[] = [];
  let wake = false;
  let stops = false;
  // Acquiring a lock yields a follow-up signal for the same deployment, handled in this transaction.
  const queue: Signal[] = Array.isArray(first) ? [...first] : [first];
  const workflows = ctx.executorMode === 'workflow';

  for (let signal = queue.shift(); signal; signal = queue.shift()) {
    const decision = decide(view, signal, ctx.now);
    await persistMoves(ctx.tx, decision.moves, ctx.now);
    for (const move of decision.moves) {
      ctx.events.push({ id: ctx.ids(), type: eventTypeFor(move), time: ctx.now, data: eventData(decision.view, move) });
      moves.push(move);
    }
    if (signal.type === 'scan.completed' && decision.moves.length > 0) await recordScanFindings(ctx.tx, deploymentId, signal.findings);
    view = decision.view;
    let refresh = false;

    // Locks are taken in target order so that two transactions never wait on each other in a cycle.
    const effects = [...decision.effects].sort((a, b) => effectOrder(view!, a) - effectOrder(view!, b));
    for (const effect of effects) {
      switch (effect.type) {
        case 'scan.poll':
          if (workflows) await startWorkflow(ctx, { kind: 'scan', deploymentId, phaseId: null });
          else enqueue(ctx, { kind: 'scan.poll', deploymentId, dueAt: ctx.now, dedupeKey: `scan:${deploymentId}` });
          wake = true;
          break;
        case 'scan.check':
          // Due now, whether a poll was waiting for its next turn or not (a scan workflow polls on its own).
          await flushJobs(ctx);
          await schedule(ctx.tx, { kind: 'scan.poll', deploymentId, payload: { once: workflows }, dueAt: ctx.now, dedupeKey: `scan:${deploymentId}` }, ctx.now);
          wake = true;
          break;
        case 'scan.stop':
          await flushJobs(ctx);
          await deleteJobs(ctx.tx, deploymentId, 'scan.poll');
          if (workflows) wake = (await stopWorkflow(ctx, deploymentId, workflowKey('scan', deploymentId))) || wake;
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
          if (workflows) break; // the phase's workflow runs it (phase.run)
          enqueue(ctx, { kind: 'release.run', deploymentId, payload: { releaseId: effect.releaseId }, dueAt: ctx.now, dedupeKey: `run:${effect.releaseId}` });
          wake = true;
          break;
        case 'phase.run':
          if (!workflows) break; // each release already runs (release.run)
          await startWorkflow(ctx, { kind: 'phase', deploymentId, phaseId: effect.phaseId });
          wake = true;
          break;
        case 'release.stop':
          await requestReleaseStop(ctx.tx, effect.releaseId, ctx.now);
          if (!workflows) wake = stops = true;
          else if (await stopWorkflow(ctx, deploymentId, workflowKey('phase', phaseOf(view, effect.releaseId)))) wake = true;
          else {
            // The phase's workflow was never submitted (the phase did not hold all its targets yet): nothing touched the target.
            queue.push({ type: 'release.finished', releaseId: effect.releaseId, outcome: 'Cancelled', detail: 'Stopped before it touched the target' });
          }
          break;
        case 'release.record': {
          await setReleaseDetail(ctx.tx, effect.releaseId, effect.statusDetail, ctx.now, effect.touched);
          // Progress without a move: watchers (the app, the stream) see it as a status event of the running release.
          const progress: Move = { entity: 'release', id: effect.releaseId, from: 'Deploying', to: 'Deploying', detail: effect.statusDetail };
          ctx.events.push({ id: ctx.ids(), type: 'ReleaseStatusChanged', time: ctx.now, data: eventData(view, progress) });
          break;
        }
        case 'checks.run':
          enqueue(ctx, {
            kind: 'checks.run', deploymentId, payload: { phaseId: effect.phaseId, round: effect.round, firstAt: ctx.now.toISOString() },
            dueAt: ctx.now, dedupeKey: `checks:${effect.phaseId}:${effect.round}`,
          });
          wake = true;
          break;
        case 'gates.wake': {
          const key = `gates:${effect.phaseId}`;
          if (effect.at) {
            const signal: Signal = { type: 'gates.changed', phaseId: effect.phaseId };
            await flushJobs(ctx);
            await schedule(ctx.tx, { kind: 'deployment.signal', deploymentId, payload: { signal }, dueAt: effect.at, dedupeKey: key }, ctx.now);
            wake = true;
          } else {
            await flushJobs(ctx);
            await unschedule(ctx.tx, key);
          }
          break;
        }
        case 'changeCase.create':
          wake = (await createChangeCase(ctx, view, effect.phaseId)) || wake;
          queue.push({ type: 'gates.changed', phaseId: effect.phaseId });
          refresh = true;
          break;
        case 'changeCases.close':
          wake = (await closeChangeCases(ctx, view, effect.outcome)) || wake;
          break;
        case 'phase.record':
          await recordPhase(ctx.tx, effect.phaseId, effect, ctx.now);
          break;
        case 'lock.free': {
          const next = await free(ctx.tx, { releaseId: effect.releaseId, service: view.service, target: targetOf(view, effect.releaseId) }, ctx.now);
          if (next) {
            const signal: Signal = { type: 'release.started', releaseId: next.releaseId };
            enqueue(ctx, { kind: 'deployment.signal', deploymentId: next.deploymentId, payload: { signal }, dueAt: ctx.now });
            wake = true;
          }
          break;
        }
      }
    }
    // Effects that changed the facts (a case created) are seen by the follow-up signal.
    if (refresh && queue.length > 0) view = (await loadView(ctx.tx, deploymentId, ctx.now))!;
  }
  // A workflow's callback token lives as long as something of its deployment runs.
  if (workflows && moves.length > 0 && isTerminalDeployment(view.status) && view.phases.every((p) => p.releases.every((r) => r.status !== 'Deploying'))) {
    await expireWorkflowTokens(ctx.tx, deploymentId, ctx.now, CALLBACK_GRACE_MS);
  }
  await enqueueWithEvents(ctx.tx, ctx.jobs, ctx.events, ctx.now);
  // The other processes are told after the commit (engine.ts): a NOTIFY in the transaction would
  // make every commit wait on PostgreSQL's one notify-queue lock.
  return { moves, view, wake, stops };
}

/** Records a workflow to run and queues its submission (a repeat is a no-op). */
async function startWorkflow(ctx: Application, w: { kind: 'scan' | 'phase'; deploymentId: string; phaseId: string | null }): Promise<void> {
  const key = await insertWorkflow(ctx.tx, w, ctx.now);
  enqueue(ctx, { kind: 'workflow.submit', deploymentId: w.deploymentId, payload: { key }, dueAt: ctx.now, dedupeKey: `wf-submit:${key}` });
}

/** Queues stopping a workflow DCP runs; whether there is one to stop. */
async function stopWorkflow(ctx: Application, deploymentId: string, key: string): Promise<boolean> {
  const workflow = await getWorkflow(ctx.tx, key);
  if (!workflow || workflow.status === 'finished') return false;
  enqueue(ctx, { kind: 'workflow.stop', deploymentId, payload: { key }, dueAt: ctx.now, dedupeKey: `wf-stop:${key}` });
  return true;
}

function phaseOf(view: DeploymentView, releaseId: string): string {
  const phase = view.phases.find((p) => p.releases.some((r) => r.id === releaseId));
  if (!phase) throw new Error(`release ${releaseId} is not part of deployment ${view.id}`);
  return phase.id;
}

/** Opens a phase's change case in the team's queue; whether a job must sync it with the provider. */
async function createChangeCase(ctx: Application, view: DeploymentView, phaseId: string): Promise<boolean> {
  const phase = view.phases.find((p) => p.id === phaseId)!;
  const info = await loadCaseContext(ctx.tx, view.id);
  const link = `${ctx.publicUrl}/deployments/${view.id}`;
  const created = await insertChangeCase(ctx.tx, {
    id: ctx.ids(),
    provider: ctx.changeProvider,
    deploymentId: view.id,
    phaseId,
    queue: info.queue ?? info.team,
    service: view.service,
    environment: phase.environment,
    isGov: phase.isGov,
    summary: `Deploy ${view.service} ${info.version} to ${phase.environment}${phase.isGov ? ' (GOV)' : ''}`,
    description: `DCP deployment ${view.id} releases ${view.service} ${info.version} to ${phase.releases.map((r) => r.target).join(', ')}. Details: ${link}`,
  }, ctx.now);
  ctx.events.push({
    id: ctx.ids(),
    type: 'ChangeCaseCreated',
    time: ctx.now,
    data: { deploymentId: view.id, phaseId, environment: phase.environment, changeCaseId: created.id, queue: created.queue, to: 'new', statusDetail: created.summary },
  });
  if (ctx.changeProvider === 'builtin') return false;
  enqueue(ctx, { kind: 'changecase.sync', deploymentId: view.id, payload: { caseId: created.id, action: 'create' }, dueAt: ctx.now, dedupeKey: `case-create:${created.id}` });
  return true;
}

/** Closes the deployment's open change cases with its outcome; whether provider jobs were queued. */
async function closeChangeCases(ctx: Application, view: DeploymentView, outcome: 'Completed' | 'Failed' | 'Cancelled'): Promise<boolean> {
  let queued = false;
  for (const c of await changeCasesOf(ctx.tx, view.id)) {
    if (c.status === 'closed') continue;
    const comment = `Deployment ${outcome.toLowerCase()}`;
    const closed = await moveChangeCase(ctx.tx, c.id, { from: c.status, to: 'closed', by: 'dcp', comment, outcome }, ctx.now);
    if (!closed) continue;
    ctx.events.push({
      id: ctx.ids(),
      type: 'ChangeCaseUpdated',
      time: ctx.now,
      data: { deploymentId: view.id, phaseId: c.phaseId, environment: c.environment, changeCaseId: c.id, from: c.status, to: 'closed', statusDetail: comment },
    });
    if (c.provider !== 'builtin') {
      enqueue(ctx, { kind: 'changecase.sync', deploymentId: view.id, payload: { caseId: c.id, action: 'close', outcome }, dueAt: ctx.now, dedupeKey: `case-close:${c.id}` });
      queued = true;
    }
  }
  return queued;
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
