/**
 * Prerequisites (contract §2.2, §5): what a phase waits on before it releases. Pure: the engine
 * gathers the facts (approvals, the change case, freezes, the bake reference) and the time, and
 * this decides `met`, `wait` (with the next instant worth re-evaluating at) or `cancel`.
 *
 * - approvals: `required` approvals from distinct people; one rejection cancels.
 * - changeCase: the case must be `scheduled-approved` and now inside its deploy window. Rejected:
 *   cancel. Not approved within `timeout` of the case's creation: cancel (timed out). A window
 *   that ends before the phase could deploy: cancel.
 * - freezable: no change freeze covers the environment.
 * - windows: now is inside one of the deploy windows.
 * - bakeTime: the named earlier phase of this deployment completed at least `duration` ago; if the
 *   plan has no such phase, it does not apply.
 */
import { formatDuration } from './duration.ts';
import type { ChangeCaseStatus } from './lifecycle.ts';
import type { EnvironmentPolicy } from './types.ts';
import { windowState } from './windows.ts';

export interface ApprovalFact {
  by: string;
  decision: 'approve' | 'reject';
  comment: string | null;
  at: string;
}

export interface ChangeCaseFact {
  id: string;
  number: string | null;
  status: ChangeCaseStatus;
  deployWindow: { start: string; end: string } | null;
  createdAt: string;
}

export interface FreezeFact {
  id: string;
  reason: string;
  startsAt: string;
  endsAt: string | null;
}

export interface GateFacts {
  approvals: ApprovalFact[];
  changeCase: ChangeCaseFact | null;
  /** Freezes covering the phase's environment that have not ended (active or scheduled). */
  freezes: FreezeFact[];
  /** The phase named by bakeTime.environment, if the plan has it. */
  bakeReference: { planned: boolean; completedAt: string | null } | null;
}

/** What the API shows per phase (contract §7 `prerequisites`). */
export interface Prerequisites {
  approvals: { required: number; approvers: string[]; received: ApprovalFact[]; rejectedBy: string | null; met: boolean } | null;
  changeCase: { id: string; number: string | null; status: ChangeCaseFact['status']; deployWindow: ChangeCaseFact['deployWindow']; timesOutAt: string; met: boolean } | null;
  freeze: { met: boolean; freezes: FreezeFact[] } | null;
  window: { met: boolean; windows: NonNullable<EnvironmentPolicy['windows']>; changesAt: string | null } | null;
  bakeTime: { environment: string; durationMs: number; applies: boolean; readyAt: string | null; met: boolean } | null;
}

export const NO_PREREQUISITES: Prerequisites = { approvals: null, changeCase: null, freeze: null, window: null, bakeTime: null };

export type GateEvaluation =
  | { verdict: 'met'; prerequisites: Prerequisites; detail: string }
  | { verdict: 'wait'; prerequisites: Prerequisites; detail: string; wakeAt: Date | null }
  | { verdict: 'cancel'; prerequisites: Prerequisites; detail: string };

export function hasPrerequisites(policy: EnvironmentPolicy): boolean {
  return Boolean(policy.approvals || policy.changeCase?.required || policy.freezable || policy.windows?.length || policy.bakeTime);
}

const iso = (d: Date) => d.toISOString();

export function evaluatePrerequisites(policy: EnvironmentPolicy, facts: GateFacts, now: Date): GateEvaluation {
  const p: Prerequisites = structuredClone(NO_PREREQUISITES);
  const waiting: string[] = [];
  const wakes: Date[] = [];
  let cancel: string | null = null;

  if (policy.approvals) {
    const approvers = new Set(facts.approvals.filter((a) => a.decision === 'approve').map((a) => a.by));
    const rejection = facts.approvals.find((a) => a.decision === 'reject');
    const met = !rejection && approvers.size >= policy.approvals.required;
    p.approvals = { required: policy.approvals.required, approvers: policy.approvals.approvers, received: facts.approvals, rejectedBy: rejection?.by ?? null, met };
    if (rejection) cancel = `Rejected by ${rejection.by}${rejection.comment ? `: ${rejection.comment}` : ''}`;
    else if (!met) {
      const missing = policy.approvals.required - approvers.size;
      waiting.push(`${missing} more approval${missing === 1 ? '' : 's'}`);
    }
  }

  if (policy.changeCase?.required) {
    const c = facts.changeCase;
    if (!c) {
      // No case yet (its creation is a job the phase's start enqueued): contract §7 shows
      // `changeCase: null` until it exists; the phase's statusDetail says it waits for it.
      waiting.push('the change case to be created');
    } else {
      const timesOutAt = new Date(new Date(c.createdAt).getTime() + policy.changeCase.timeoutMs);
      const name = c.number ?? c.id;
      const window = c.deployWindow ? { start: new Date(c.deployWindow.start), end: new Date(c.deployWindow.end) } : null;
      const approved = c.status === 'scheduled-approved';
      const inWindow = approved && window !== null && now >= window.start && now < window.end;
      p.changeCase = { id: c.id, number: c.number, status: c.status, deployWindow: c.deployWindow, timesOutAt: iso(timesOutAt), met: inWindow };
      if (c.status === 'rejected') cancel ??= `Change case ${name} was rejected`;
      else if (c.status === 'closed') cancel ??= `Change case ${name} was closed before the phase deployed`;
      else if (!approved && now >= timesOutAt) {
        cancel ??= `Change case ${name} was not approved within ${formatDuration(policy.changeCase.timeoutMs)} (timed out at ${iso(timesOutAt)})`;
      } else if (!approved) {
        waiting.push(`change case ${name} to be scheduled-approved (it is ${c.status}; times out at ${iso(timesOutAt)})`);
        wakes.push(timesOutAt);
      } else if (!window) {
        cancel ??= `Change case ${name} is approved without a deploy window`;
      } else if (now >= window.end) {
        cancel ??= `The deploy window of change case ${name} ended at ${iso(window.end)} before the phase could deploy`;
      } else if (now < window.start) {
        waiting.push(`the deploy window of change case ${name} to open at ${iso(window.start)}`);
        wakes.push(window.start);
      } else {
        wakes.push(window.end); // met now; if something else holds the phase, the window may end
      }
    }
  }

  if (policy.freezable) {
    const active = facts.freezes.filter((f) => new Date(f.startsAt) <= now && (!f.endsAt || new Date(f.endsAt) > now));
    p.freeze = { met: active.length === 0, freezes: active };
    for (const f of facts.freezes) {
      const starts = new Date(f.startsAt);
      if (starts > now) wakes.push(starts);
      else if (f.endsAt) wakes.push(new Date(f.endsAt));
    }
    if (active.length > 0) {
      const until = active.every((f) => f.endsAt) ? ` until ${iso(new Date(Math.max(...active.map((f) => new Date(f.endsAt!).getTime()))))}` : ' until it is lifted';
      waiting.push(`the change freeze (${active.map((f) => f.reason).join('; ')})${until}`);
    }
  }

  if (policy.windows?.length) {
    const state = windowState(policy.windows, now);
    p.window = { met: state.open, windows: policy.windows, changesAt: state.changesAt ? iso(state.changesAt) : null };
    if (state.changesAt) wakes.push(state.changesAt);
    if (!state.open) waiting.push(state.changesAt ? `the deploy window to open at ${iso(state.changesAt)}` : 'a deploy window (none will open)');
  }

  if (policy.bakeTime) {
    const ref = facts.bakeReference;
    const applies = ref?.planned ?? false;
    const readyAt = applies && ref?.completedAt ? new Date(new Date(ref.completedAt).getTime() + policy.bakeTime.durationMs) : null;
    const met = !applies || (readyAt !== null && now >= readyAt);
    p.bakeTime = { environment: policy.bakeTime.environment, durationMs: policy.bakeTime.durationMs, applies, readyAt: readyAt ? iso(readyAt) : null, met };
    if (!met) {
      if (readyAt) {
        waiting.push(`bake time: ${formatDuration(policy.bakeTime.durationMs)} after ${policy.bakeTime.environment}, until ${iso(readyAt)}`);
        wakes.push(readyAt);
      } else waiting.push(`${policy.bakeTime.environment} to complete and bake ${formatDuration(policy.bakeTime.durationMs)}`);
    }
  }

  if (cancel) return { verdict: 'cancel', prerequisites: p, detail: cancel };
  if (waiting.length === 0) return { verdict: 'met', prerequisites: p, detail: 'Prerequisites met' };
  const future = wakes.filter((w) => w > now).sort((a, b) => a.getTime() - b.getTime());
  return { verdict: 'wait', prerequisites: p, detail: `Waiting for ${waiting.join('; ')}`, wakeAt: future[0] ?? null };
}
