/**
 * The one decision function of the engine: given a deployment (with its phases and releases) and
 * a signal, it says which moves to make and which effects to run. Pure: the engine persists the
 * moves with guarded updates, writes one event per move to the outbox in the same transaction,
 * and runs the effects.
 *
 * Signals arrive at least once, so `decide` is idempotent: a signal that no longer applies (a
 * release that already ended, a scan result for a cancelled deployment) yields no move.
 *
 * Rules (contract §5):
 * - After the scan, phases run one after another. A phase starts Checking: its checks run (a
 *   failed check cancels it), then its prerequisites are evaluated (core/gates.ts): met → Deploying;
 *   not yet → AwaitingPrerequisites, re-evaluated on every event that can change them and at the
 *   next instant that matters (a durable timer); a rejection or timeout → Cancelled. A phase that
 *   waited goes back through Checking, so its checks run again just before it releases.
 * - Releases of a phase start concurrently (each once it holds its service×target lock). The first
 *   failed release fails the phase at once; releases not yet started are Skipped; releases in
 *   flight finish and keep their own outcome. A failed phase fails the deployment, later phases
 *   are Skipped.
 * - Cancel: deployment and running phase Cancelled at once, later phases Skipped, releases not yet
 *   started Skipped, releases in flight told to stop (they record their real end later).
 */
import { canMoveDeployment, canMovePhase, canMoveRelease, isTerminalDeployment, isTerminalPhase } from './lifecycle.ts';
import { evaluatePrerequisites, hasPrerequisites, type GateEvaluation, type GateFacts, type Prerequisites } from './gates.ts';
import type { CheckResult, DeploymentStatus, EnvironmentPolicy, PhaseStatus, ReleaseStatus, ScanFindings } from './types.ts';

export interface ReleaseView {
  id: string;
  target: string;
  status: ReleaseStatus;
  statusDetail: string;
  /** A workflow reported it under way at its target (it may have changed the target). */
  touched: boolean;
}

export interface PhaseView {
  id: string;
  environment: string;
  isGov: boolean;
  status: PhaseStatus;
  statusDetail: string;
  policy: EnvironmentPolicy;
  releases: ReleaseView[];
  /** Results of the latest round of checks (status Pending while it runs). */
  checks: CheckResult[];
  /** How many rounds of checks have started. */
  checkRound: number;
  /** When the phase completed (bake times count from it). */
  completedAt: string | null;
  /** What the prerequisites are evaluated on. */
  gates: GateFacts;
}

export interface DeploymentView {
  id: string;
  service: string;
  status: DeploymentStatus;
  statusDetail: string;
  phases: PhaseView[];
}

export type ReleaseOutcome = 'Succeeded' | 'Failed' | 'Cancelled';

export type Signal =
  /** A new deployment: begin waiting for the artifact's scan. */
  | { type: 'start' }
  | { type: 'scan.completed'; findings: ScanFindings }
  /** The registry says the artifact's scan may be done (Harbor's webhook): ask the scan provider now. */
  | { type: 'scan.recheck' }
  /** The release holds its service×target lock and may start. */
  | { type: 'release.started'; releaseId: string }
  | { type: 'release.finished'; releaseId: string; outcome: ReleaseOutcome; detail: string }
  /** A workflow reports a release under way at its target (no move: its detail, and that it touched the target). */
  | { type: 'release.progress'; releaseId: string; detail: string }
  /**
   * A phase's workflow ended (its exit handler, or DCP reading its status): the releases it did not
   * report end with it — Succeeded, Failed with the workflow's message, or, when it was stopped,
   * Cancelled if they had not touched their target (else Failed: their real outcome is unknown).
   */
  | { type: 'workflow.ended'; phaseId: string; outcome: ReleaseOutcome; detail: string }
  | { type: 'cancel'; by: string; reason?: string }
  /** A round of checks has finished. */
  | { type: 'checks.completed'; phaseId: string; round: number; results: CheckResult[] }
  /** Something a prerequisite depends on changed (an approval, a change case, a freeze, the time). */
  | { type: 'gates.changed'; phaseId?: string }
  /**
   * An integration refused for good (a 401, a bad request): the scan wait (no `phaseId`) or the
   * gated phase it served is cancelled at once with the reason, instead of retried for hours.
   */
  | { type: 'integration.failed'; phaseId?: string; detail: string };

export type Move =
  | { entity: 'deployment'; id: string; from: DeploymentStatus; to: DeploymentStatus; detail: string }
  | { entity: 'phase'; id: string; from: PhaseStatus; to: PhaseStatus; detail: string }
  | { entity: 'release'; id: string; from: ReleaseStatus; to: ReleaseStatus; detail: string };

export type Effect =
  /** Begin waiting for the artifact's scan (polling the scan provider, or a scan workflow). */
  | { type: 'scan.poll' }
  /** Ask the scan provider now whether the scan is done (once; the wait itself goes on as it was). */
  | { type: 'scan.check' }
  /** Try to take the service×target lock for a release; on success the engine signals `release.started`. */
  | { type: 'release.acquire'; releaseId: string }
  /** Hand the release to the executor (an executor that runs releases one by one). */
  | { type: 'release.run'; releaseId: string }
  /** Every release of the phase holds its target: an executor that runs a phase as one workflow starts it now. */
  | { type: 'phase.run'; phaseId: string }
  /** What a release in flight shows besides its status (progress reported by a workflow). */
  | { type: 'release.record'; releaseId: string; statusDetail: string; touched: boolean }
  /** Tell an in-flight release to stop. */
  | { type: 'release.stop'; releaseId: string }
  /** The release no longer needs (or never got to use) its lock: free it for the next in line. */
  | { type: 'lock.free'; releaseId: string }
  /** Stop waiting for the scan (the deployment was cancelled while scanning). */
  | { type: 'scan.stop' }
  /** Run a round of the phase's checks; the result comes back as `checks.completed`. */
  | { type: 'checks.run'; phaseId: string; round: number }
  /** Re-evaluate the phase's prerequisites at `at` (null: no timer needed any more). */
  | { type: 'gates.wake'; phaseId: string; at: Date | null }
  /** Open the phase's change case in the owning team's queue. */
  | { type: 'changeCase.create'; phaseId: string }
  /** The deployment ended: close its open change cases with the outcome. */
  | { type: 'changeCases.close'; outcome: 'Completed' | 'Failed' | 'Cancelled' }
  /** Persist what the phase shows besides its status: check results, prerequisites, detail. */
  | { type: 'phase.record'; phaseId: string; checks?: CheckResult[]; checkRound?: number; prerequisites?: Prerequisites; statusDetail?: string };

export interface Decision {
  moves: Move[];
  effects: Effect[];
  /** The deployment after the moves. */
  view: DeploymentView;
}

/**
 * A copy decide may change: the deployment, its phases and releases (their statuses, details,
 * checks and rounds). A phase's policy and gate facts are only read, and its checks are replaced,
 * never changed in place: they are shared (a structuredClone of it all was ~5% of the engine's CPU).
 */
function copyView(view: DeploymentView): DeploymentView {
  return { ...view, phases: view.phases.map((phase) => ({ ...phase, releases: phase.releases.map((release) => ({ ...release })) })) };
}

export function decide(deployment: DeploymentView, signal: Signal, now: Date): Decision {
  const d = copyView(deployment);
  const out: Decision = { moves: [], effects: [], view: d };
  const act = new Actor(d, out, now);

  switch (signal.type) {
    case 'start':
      if (d.status === 'Pending') {
        act.deployment('Scanning', "Waiting for the artifact's security scan");
        out.effects.push({ type: 'scan.poll' });
      }
      break;
    case 'scan.completed':
      if (d.status === 'Scanning') {
        act.deployment('Scanned', describeFindings(signal.findings));
        act.deployment('InProgress', `Deploying ${d.phases.length} phase${d.phases.length === 1 ? '' : 's'}`);
      }
      break;
    case 'scan.recheck':
      if (d.status === 'Scanning') out.effects.push({ type: 'scan.check' });
      break;
    case 'release.started': {
      const found = act.findRelease(signal.releaseId);
      if (found && found.release.status === 'Pending' && found.phase.status === 'Deploying') {
        act.release(found.release, 'Deploying', `Releasing to ${found.release.target}`);
        out.effects.push({ type: 'release.run', releaseId: found.release.id });
        if (found.phase.releases.every((r) => r.status !== 'Pending')) out.effects.push({ type: 'phase.run', phaseId: found.phase.id });
      } else if (found?.release.status === 'Deploying') {
        // A redelivered signal: the release runs and holds its lock until it finishes. Freeing
        // the lock here would let another deployment release to the same target at once.
      } else {
        // The phase ended while the release waited for its lock: give the lock back.
        out.effects.push({ type: 'lock.free', releaseId: signal.releaseId });
      }
      break;
    }
    case 'release.finished': {
      const found = act.findRelease(signal.releaseId);
      if (found && found.release.status === 'Deploying') act.finishRelease(found.phase, found.release, signal.outcome, signal.detail);
      break;
    }
    case 'release.progress': {
      const found = act.findRelease(signal.releaseId);
      if (found && found.release.status === 'Deploying' && (found.release.statusDetail !== signal.detail || !found.release.touched)) {
        found.release.statusDetail = signal.detail;
        found.release.touched = true;
        out.effects.push({ type: 'release.record', releaseId: found.release.id, statusDetail: signal.detail, touched: true });
      }
      break;
    }
    case 'workflow.ended': {
      const phase = d.phases.find((p) => p.id === signal.phaseId);
      for (const release of phase?.releases ?? []) {
        if (release.status !== 'Deploying') continue;
        if (signal.outcome !== 'Cancelled') act.finishRelease(phase!, release, signal.outcome, signal.detail);
        else if (!release.touched) act.finishRelease(phase!, release, 'Cancelled', `Stopped before it touched the target: ${signal.detail}`);
        else act.finishRelease(phase!, release, 'Failed', `Stopped while it ran at the target (its outcome there is unknown to DCP): ${signal.detail}`);
      }
      break;
    }
    case 'cancel':
      act.cancel(signal.by, signal.reason);
      break;
    case 'checks.completed': {
      const phase = d.phases.find((p) => p.id === signal.phaseId);
      if (phase?.status === 'Checking' && phase.checkRound === signal.round && phase.checks.some((c) => c.status === 'Pending')) {
        act.recordChecks(phase, signal.results);
        const failed = signal.results.find((r) => r.status === 'Failed');
        if (failed) act.cancelPhase(phase, `Check ${failed.name} failed: ${failed.detail ?? 'no detail'}`);
      }
      break;
    }
    case 'gates.changed':
      break; // settle() re-evaluates the current phase
    case 'integration.failed': {
      if (signal.phaseId === undefined) {
        if (d.status === 'Pending' || d.status === 'Scanning') act.abort(signal.detail);
        break;
      }
      const phase = d.phases.find((p) => p.id === signal.phaseId);
      if (phase && stillGated(phase)) act.cancelPhase(phase, signal.detail);
      break;
    }
  }
  act.settle(signal.type === 'gates.changed');
  return out;
}

/** Whether the phase still waits on checks or prerequisites (read after a move: not narrowed). */
function stillGated(phase: PhaseView): boolean {
  const status: PhaseStatus = phase.status;
  return status === 'Checking' || status === 'AwaitingPrerequisites';
}

function describeFindings(findings: ScanFindings): string {
  const parts = Object.entries(findings.counts)
    .filter(([, n]) => (n ?? 0) > 0)
    .map(([severity, n]) => `${n} ${severity}`);
  return parts.length === 0 ? 'Scan complete: no findings' : `Scan complete: ${parts.join(', ')}`;
}

/** Applies moves to the working copy, checking each against the lifecycle tables. */
class Actor {
  private readonly d: DeploymentView;
  private readonly out: Decision;
  private readonly now: Date;

  constructor(d: DeploymentView, out: Decision, now: Date) {
    this.d = d;
    this.out = out;
    this.now = now;
  }

  findRelease(releaseId: string): { phase: PhaseView; release: ReleaseView } | undefined {
    for (const phase of this.d.phases) {
      const release = phase.releases.find((r) => r.id === releaseId);
      if (release) return { phase, release };
    }
    return undefined;
  }

  deployment(to: DeploymentStatus, detail: string): void {
    const from = this.d.status;
    if (!canMoveDeployment(from, to)) throw new Error(`illegal deployment move ${from} → ${to}`);
    this.d.status = to;
    this.d.statusDetail = detail;
    this.out.moves.push({ entity: 'deployment', id: this.d.id, from, to, detail });
    const ended = to === 'Completed' || to === 'Failed' || to === 'Cancelled';
    if (ended && this.d.phases.some((p) => p.policy.changeCase?.required)) this.out.effects.push({ type: 'changeCases.close', outcome: to });
  }

  phase(phase: PhaseView, to: PhaseStatus, detail: string): void {
    const from = phase.status;
    if (!canMovePhase(from, to)) throw new Error(`illegal phase move ${from} → ${to}`);
    phase.status = to;
    phase.statusDetail = detail;
    if (to === 'Completed') phase.completedAt = this.now.toISOString();
    this.out.moves.push({ entity: 'phase', id: phase.id, from, to, detail });
    if (from === 'AwaitingPrerequisites') this.out.effects.push({ type: 'gates.wake', phaseId: phase.id, at: null });
  }

  release(release: ReleaseView, to: ReleaseStatus, detail: string): void {
    const from = release.status;
    if (!canMoveRelease(from, to)) throw new Error(`illegal release move ${from} → ${to}`);
    release.status = to;
    release.statusDetail = detail;
    this.out.moves.push({ entity: 'release', id: release.id, from, to, detail });
  }

  /** A release in flight ended: it frees its target; one that did not succeed while its phase still deploys fails the phase. */
  finishRelease(phase: PhaseView, release: ReleaseView, outcome: ReleaseOutcome, detail: string): void {
    this.release(release, outcome, detail);
    this.out.effects.push({ type: 'lock.free', releaseId: release.id });
    // A release cancelled outside a deployment cancel (by an operator on the cluster) counts as failed.
    if (outcome !== 'Succeeded' && phase.status === 'Deploying') this.failPhase(phase, release, detail);
  }

  /** The first failed release fails its phase, which fails the deployment. */
  failPhase(phase: PhaseView, release: ReleaseView, detail: string): void {
    const why = `Release to ${release.target} failed: ${detail}`;
    this.phase(phase, 'Failed', why);
    this.skipPendingReleases(phase, 'Not started: the phase failed');
    this.skipLaterPhases('Not started: an earlier phase failed');
    this.deployment('Failed', `Phase ${phase.environment} failed: ${why}`);
  }

  /** A gate stopped the phase (a failed check, a rejection, a timeout): the deployment is cancelled. */
  cancelPhase(phase: PhaseView, why: string): void {
    this.phase(phase, 'Cancelled', why);
    this.skipPendingReleases(phase, 'Not started: the phase was cancelled');
    this.skipLaterPhases('Not started: an earlier phase was cancelled');
    this.deployment('Cancelled', `Phase ${phase.environment} was cancelled: ${why}`);
  }

  recordChecks(phase: PhaseView, results: CheckResult[]): void {
    phase.checks = results;
    this.out.effects.push({ type: 'phase.record', phaseId: phase.id, checks: results });
  }

  /** Enters a round of checks if the phase has any; whether the phase must now wait for them. */
  private startChecks(phase: PhaseView): boolean {
    if (phase.policy.checks.length === 0) return false;
    phase.checkRound += 1;
    phase.checks = phase.policy.checks.map((c) => ({ name: c.name, type: c.type, status: 'Pending', detail: null }));
    this.out.effects.push({ type: 'phase.record', phaseId: phase.id, checks: phase.checks, checkRound: phase.checkRound });
    this.out.effects.push({ type: 'checks.run', phaseId: phase.id, round: phase.checkRound });
    return true;
  }

  /** Evaluates the prerequisites of a phase whose checks passed (or that waits). */
  private evaluate(phase: PhaseView): void {
    let result: GateEvaluation | { verdict: 'met' } = { verdict: 'met' };
    if (hasPrerequisites(phase.policy)) {
      const bake = phase.policy.bakeTime;
      const reference = bake ? this.d.phases.find((p) => p.environment === bake.environment) : undefined;
      const facts = { ...phase.gates, bakeReference: bake ? { planned: reference !== undefined, completedAt: reference?.completedAt ?? null } : null };
      const evaluation = evaluatePrerequisites(phase.policy, facts, this.now);
      this.out.effects.push({ type: 'phase.record', phaseId: phase.id, prerequisites: evaluation.prerequisites });
      result = evaluation;
    }
    if (result.verdict === 'cancel') {
      this.cancelPhase(phase, result.detail);
    } else if (result.verdict === 'met') {
      if (phase.status === 'AwaitingPrerequisites') {
        this.phase(phase, 'Checking', 'Prerequisites met; running the checks again before releasing');
        if (this.startChecks(phase)) return;
      }
      const n = phase.releases.length;
      this.phase(phase, 'Deploying', `Deploying to ${n} target${n === 1 ? '' : 's'}`);
      for (const release of phase.releases) this.out.effects.push({ type: 'release.acquire', releaseId: release.id });
    } else {
      if (phase.status === 'Checking') this.phase(phase, 'AwaitingPrerequisites', result.detail);
      else if (phase.statusDetail !== result.detail) {
        phase.statusDetail = result.detail;
        this.out.effects.push({ type: 'phase.record', phaseId: phase.id, statusDetail: result.detail });
      }
      this.out.effects.push({ type: 'gates.wake', phaseId: phase.id, at: result.wakeAt });
    }
  }

  cancel(by: string, reason: string | undefined): void {
    this.abort(`Cancelled by ${by}${reason ? `: ${reason}` : ''}`);
  }

  /** Ends the deployment Cancelled with `why`, stopping what runs (a user's cancel, a refused scan). */
  abort(why: string): void {
    if (isTerminalDeployment(this.d.status)) return;
    if (this.d.status === 'Pending' || this.d.status === 'Scanning') this.out.effects.push({ type: 'scan.stop' });
    const running = this.d.phases.find((p) => p.status !== 'Pending' && !isTerminalPhase(p.status));
    if (running) {
      this.phase(running, 'Cancelled', why);
      this.skipPendingReleases(running, 'Not started: the deployment was cancelled');
      for (const release of running.releases) {
        if (release.status === 'Deploying') this.out.effects.push({ type: 'release.stop', releaseId: release.id });
      }
    }
    this.skipLaterPhases('Not started: the deployment was cancelled');
    this.deployment('Cancelled', why);
  }

  private skipPendingReleases(phase: PhaseView, detail: string): void {
    for (const release of phase.releases) {
      if (release.status === 'Pending') {
        this.release(release, 'Skipped', detail);
        // It may be queued for a lock; freeing is a no-op when it holds none.
        this.out.effects.push({ type: 'lock.free', releaseId: release.id });
      }
    }
  }

  private skipLaterPhases(detail: string): void {
    for (const phase of this.d.phases) {
      if (phase.status === 'Pending') {
        this.phase(phase, 'Skipped', detail);
        for (const release of phase.releases) if (release.status === 'Pending') this.release(release, 'Skipped', detail);
      }
    }
  }

  /**
   * Carry the deployment forward as far as it can go without waiting on the outside world. A
   * phase awaiting prerequisites is re-evaluated only when something they depend on changed.
   */
  settle(gatesChanged: boolean): void {
    while (this.d.status === 'InProgress') {
      const current = this.d.phases.find((p) => !isTerminalPhase(p.status));
      if (!current) {
        this.deployment('Completed', `All ${this.d.phases.length} phases completed`);
        return;
      }
      if (current.status === 'Pending') {
        this.phase(current, 'Checking', current.policy.checks.length > 0 ? 'Running checks' : 'Evaluating prerequisites');
        if (current.policy.changeCase?.required && !current.gates.changeCase) {
          this.out.effects.push({ type: 'changeCase.create', phaseId: current.id });
        }
        if (this.startChecks(current)) return;
        continue;
      }
      if (current.status === 'Checking') {
        if (current.checks.some((c) => c.status === 'Pending')) return; // waiting for the checks
        this.evaluate(current);
        if (stillGated(current)) return;
        continue;
      }
      if (current.status === 'AwaitingPrerequisites') {
        if (!gatesChanged) return;
        gatesChanged = false; // evaluated once per signal
        this.evaluate(current);
        if (stillGated(current)) return;
        continue;
      }
      if (current.status === 'Deploying' && current.releases.every((r) => r.status === 'Succeeded')) {
        this.phase(current, 'Completed', `Released to ${current.releases.map((r) => r.target).join(', ')}`);
        continue;
      }
      return; // waiting on releases
    }
  }
}
