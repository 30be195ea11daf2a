/**
 * Private to the engine (engine.ts `apply` is the way in; a lint rule keeps it so).
 *
 * Applies signals to deployments inside one transaction (their rows locked and read by the engine):
 * ask `decide`, persist every move with a guarded update and its event in the outbox, and turn the
 * effects into durable rows (jobs, locks, stop requests) — for all the batch's deployments in a
 * few statements at its end. Nothing here talks to the outside world: effects that
 * do (run a release, poll a scan) become jobs that the engine's workers pick up after commit.
 */
import { decide, type DeploymentView, type Move, type Signal } from '../core/decide.ts';
import { eventTypeFor, type DeploymentEventData } from '../core/events.ts';
import { allInOrder, type Transaction } from '../store/db.ts';
import { isTerminalDeployment } from '../core/lifecycle.ts';
import { loadCaseContext, moveWrite, newDeploymentDto, withGateFacts, withWrites, writeRows, type NewDeployment, type RowWrite } from '../store/deployments.ts';
import type { DeploymentDto } from '../store/deployment-reads.ts';
import { appendEvents, type NewDeploymentEvent } from '../store/events.ts';
import { changeCasesOf, insertChangeCase, moveChangeCase } from '../store/gates.ts';
import { writeJobs, type Job, type JobWrite, type NewJob } from '../store/jobs.ts';
import { acquire, free, type LockHolder, type LockRequest } from '../store/locks.ts';
import { batched } from '../shared/batch.ts';
import { expireWorkflowTokens, getWorkflow, insertWorkflow, workflowKey } from '../store/workflows.ts';
import type { IdGenerator } from '../shared/ids.ts';

export interface TransitionContext {
  /** The transaction; applying ends it (`commitBehind`): nothing may be sent in it afterwards. */
  tx: Transaction;
  now: Date;
  ids: IdGenerator;
  /** The change-case provider in use (`builtin` cases live in DCP; others are synced by jobs). */
  changeProvider: string;
  /** The app's base URL, for links in change cases. */
  publicUrl: string;
  /** How releases run: one by one in this process (`release`), or a workflow per phase on Argo (`workflow`). */
  executorMode: 'release' | 'workflow';
  /** The deployments this transaction inserted, as inserted: `Applied.read` is built from them and the rows it writes, not read. */
  created?: ReadonlyMap<string, NewDeployment>;
  /** New jobs due now are written claimed by this owner (up to `limit`) and returned: the engine runs them after the commit. */
  claim?: { owner: string; until: Date; limit: number };
}

/**
 * What the application of a batch writes at its end, whatever the number of deployments and
 * signals: its rows' moves and details (a statement per wave), the target locks freed (and handed
 * on), then its jobs and events (one or two statements). Only what a decision must know at once
 * (whether a target lock is free, a change case opened) is written as it goes.
 */
interface Writes {
  rows: RowWrite[];
  jobs: JobWrite[];
  events: NewDeploymentEvent[];
  frees: { releaseId: string; service: string; target: string; deployment: number }[];
}

interface Application extends TransitionContext, Writes {
  /** Asks for a target lock; the requests of all the batch's deployments at a time go in one statement. */
  acquire(request: LockRequest): Promise<LockHolder | null>;
}

function enqueue(ctx: Application, job: NewJob): void {
  ctx.jobs.push({ op: 'insert', job });
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
  /** Whether events of it were written (the relay tells the event log's readers). */
  logged: boolean;
  /** A deployment this application created, as it left it (`TransitionContext.created`). */
  read?: DeploymentDto;
}

/**
 * Applies signals to deployments read (and locked) in one transaction: each entry's `signals` to
 * its `view` (null: it does not exist), in order, after the `events` its caller recorded; returns
 * what changed, entry by entry. Its writes are the transaction's last.
 */
export async function applySignals(
  context: TransitionContext,
  entries: readonly { view: DeploymentView | null; signals: Signal[]; events: NewDeploymentEvent[] }[],
): Promise<{ applied: Applied[]; claimed: Job[] }> {
  const acquireLocks = batched(async (requests: LockRequest[]) => {
    const holders = await acquire(context.tx, requests, context.now);
    return new Map(requests.map((r) => [r, holders.get(r.releaseId) ?? null]));
  });
  const ctx: Application = { ...context, rows: [], jobs: [], events: [], frees: [], acquire: async (request) => (await acquireLocks(request)) ?? null };
  // The deployments are applied side by side: they meet in the database only at target locks,
  // and those of all of them asked for at one time go in one statement. All are waited for
  // before the first failure is thrown: nothing may still use the transaction after it ends.
  const applied = await allInOrder(
    entries.map((entry, index): Promise<Applied> => (entry.view ? applyTo(ctx, index, entry.view, entry.signals) : Promise.resolve({ moves: [], view: null, wake: false, stops: false, logged: false }))),
  );
  // The rows, the locks freed, the jobs, then the events: sent one behind the other (a pipelined
  // connection), waited for only where a result is needed — the hand-overs of the locks freed,
  // whose next holders are read from the releases' statuses the rows leave.
  const rows = writeRows(ctx.tx, ctx.rows, ctx.now);
  if (ctx.frees.length > 0) {
    const deploymentOf = new Map(ctx.frees.map((f) => [f.releaseId, f.deployment]));
    const [, handed] = await allInOrder<unknown>([rows, free(ctx.tx, ctx.frees, ctx.now)]) as [void, Awaited<ReturnType<typeof free>>];
    for (const next of handed) {
      const signal: Signal = { type: 'release.started', releaseId: next.releaseId };
      enqueue(ctx, { kind: 'deployment.signal', deploymentId: next.deploymentId, payload: { signal }, dueAt: ctx.now });
      applied[deploymentOf.get(next.freed)!].wake = true;
    }
  }
  // The events last (they hold the event log's lock until the commit), each deployment's recorded
  // ones before those of its moves. These are the transaction's last statements: its COMMIT goes
  // right behind them (every check they make is in their SQL: a stale row fails its statement).
  const events = [...entries.flatMap((entry) => entry.events), ...ctx.events];
  const last = [ctx.frees.length > 0 ? Promise.resolve() : rows, writeJobs(ctx.tx, ctx.jobs, ctx.now, ctx.claim), appendEvents(ctx.tx, events)];
  ctx.tx.commitBehind(last);
  const [, claimed] = await allInOrder<unknown>(last) as [void, Job[]];
  entries.forEach((entry, i) => {
    const created = entry.view && ctx.created?.get(entry.view.id);
    if (created) applied[i].read = withWrites(newDeploymentDto(created, ctx.now), ctx.rows, ctx.now);
  });
  const logged = new Set(events.map((e) => e.data.deploymentId));
  entries.forEach((entry, i) => (applied[i].logged = entry.events.length > 0 || (entry.view !== null && logged.has(entry.view.id))));
  // The other processes are told after the commit (engine.ts): a NOTIFY in the transaction would
  // make every commit wait on PostgreSQL's one notify-queue lock.
  return { applied, claimed };
}

async function applyTo(ctx: Application, index: number, loaded: DeploymentView, first: Signal[]): Promise<Applied> {
  let view = loaded;
  const deploymentId = view.id;
  const moves: Move[] = [];
  let wake = false;
  let stops = false;
  // Acquiring a lock yields a follow-up signal for the same deployment, handled in this transaction.
  const queue: Signal[] = [...first];
  const workflows = ctx.executorMode === 'workflow';
  /** A write to a row besides a move: guarded by the status the row has now. */
  const record = (entity: Move['entity'], id: string, write: Omit<RowWrite, 'entity' | 'id' | 'from' | 'to' | 'history' | 'detail'> & { detail?: string }) => {
    const status = statusOf(view, entity, id);
    ctx.rows.push({ ...write, entity, id, from: status, to: status, detail: write.detail ?? null, history: false });
  };

  for (let signal = queue.shift(); signal; signal = queue.shift()) {
    const decision = decide(view, signal, ctx.now);
    for (const move of decision.moves) {
      ctx.rows.push(moveWrite(move));
      ctx.events.push({ id: ctx.ids(), type: eventTypeFor(move), time: ctx.now, data: eventData(decision.view, move) });
      moves.push(move);
    }
    view = decision.view;
    if (signal.type === 'scan.completed' && decision.moves.length > 0) record('deployment', deploymentId, { findings: signal.findings });
    let refresh = false;

    // The decision's locks are asked for at once (with the other deployments', in one order: store/locks.ts).
    const acquiring = decision.effects.flatMap((e) => (e.type === 'release.acquire' ? [e.releaseId] : []));
    const holders = new Map(await Promise.all(acquiring.map(async (releaseId) =>
      [releaseId, await ctx.acquire({ releaseId, deploymentId, service: view.service, target: targetOf(view, releaseId) })] as const)));
    for (const effect of decision.effects) {
      switch (effect.type) {
        case 'scan.poll':
          if (workflows) await startWorkflow(ctx, { kind: 'scan', deploymentId, phaseId: null });
          else enqueue(ctx, { kind: 'scan.poll', deploymentId, dueAt: ctx.now, dedupeKey: `scan:${deploymentId}` });
          wake = true;
          break;
        case 'scan.check':
          // Due now, whether a poll was waiting for its next turn or not (a scan workflow polls on its own).
          ctx.jobs.push({ op: 'upsert', job: { kind: 'scan.poll', deploymentId, payload: { once: workflows }, dueAt: ctx.now, dedupeKey: `scan:${deploymentId}` } });
          wake = true;
          break;
        case 'scan.stop':
          ctx.jobs.push({ op: 'delete', dedupeKey: `scan:${deploymentId}` });
          if (workflows) wake = (await stopWorkflow(ctx, deploymentId, workflowKey('scan', deploymentId))) || wake;
          break;
        case 'release.acquire': {
          const holder = holders.get(effect.releaseId);
          if (!holder) queue.push({ type: 'release.started', releaseId: effect.releaseId });
          else record('release', effect.releaseId, { detail: `Waiting for deployment ${holder.deploymentId} to finish releasing ${view.service} to ${targetOf(view, effect.releaseId)}` });
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
          record('release', effect.releaseId, { stop: true });
          if (!workflows) wake = stops = true;
          else if (await stopWorkflow(ctx, deploymentId, workflowKey('phase', phaseOf(view, effect.releaseId)))) wake = true;
          else {
            // The phase's workflow was never submitted (the phase did not hold all its targets yet): nothing touched the target.
            queue.push({ type: 'release.finished', releaseId: effect.releaseId, outcome: 'Cancelled', detail: 'Stopped before it touched the target' });
          }
          break;
        case 'release.record': {
          record('release', effect.releaseId, { detail: effect.statusDetail, touched: effect.touched });
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
            ctx.jobs.push({ op: 'upsert', job: { kind: 'deployment.signal', deploymentId, payload: { signal }, dueAt: effect.at, dedupeKey: key } });
            wake = true;
          } else ctx.jobs.push({ op: 'delete', dedupeKey: key });
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
          record('phase', effect.phaseId, { checks: effect.checks, checkRound: effect.checkRound, prerequisites: effect.prerequisites, detail: effect.statusDetail });
          break;
        case 'lock.free':
          ctx.frees.push({ releaseId: effect.releaseId, service: view.service, target: targetOf(view, effect.releaseId), deployment: index });
          break;
      }
    }
    // Effects that changed the facts (a case created) are seen by the follow-up signal.
    if (refresh && queue.length > 0) [view] = await withGateFacts(ctx.tx, [view], ctx.now);
  }
  // A workflow's callback token lives as long as something of its deployment runs.
  if (workflows && moves.length > 0 && isTerminalDeployment(view.status) && view.phases.every((p) => p.releases.every((r) => r.status !== 'Deploying'))) {
    await expireWorkflowTokens(ctx.tx, deploymentId, ctx.now, CALLBACK_GRACE_MS);
  }
  return { moves, view, wake, stops, logged: false };
}

function statusOf(view: DeploymentView, entity: Move['entity'], id: string): string {
  if (entity === 'deployment') return view.status;
  for (const phase of view.phases) {
    if (entity === 'phase' && phase.id === id) return phase.status;
    const release = entity === 'release' ? phase.releases.find((r) => r.id === id) : undefined;
    if (release) return release.status;
  }
  throw new Error(`${entity} ${id} is not part of deployment ${view.id}`);
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
