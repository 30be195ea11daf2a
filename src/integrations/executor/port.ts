/**
 * Executor: how releases run. Two kinds, by what they are handed:
 * - a `ReleaseExecutor` runs one release at a time, in this process, through a release driver
 *   (the embedded executor): the engine hands it each release as soon as the release holds its
 *   service×target lock, and the outcome is the promise's;
 * - a `WorkflowExecutor` runs work as workflows on a workflow engine (Argo, contract §9): the
 *   scan wait, and each phase as one workflow over all its releases, submitted once the phase
 *   holds all its targets. Outcomes come back through the workflow-callback API, and from the
 *   workflow's status when callbacks do not come.
 */
import type { ArtifactManifest } from '../../core/types.ts';
import type { ReleaseRequest, ReleaseResult } from '../release/port.ts';

export interface ReleaseExecutor {
  readonly mode: 'release';
  readonly name: string;
  /** Idempotent by `request.idempotencyKey`. */
  run(request: ReleaseRequest, signal: AbortSignal): Promise<ReleaseResult>;
}

/** Which workflow: a deployment's scan wait, or one of its phases. */
export type WorkflowRef = { kind: 'scan'; deploymentId: string } | { kind: 'phase'; deploymentId: string; phaseId: string };

/** One release of a phase workflow (the `releases` parameter of `dcp-phase`). */
export interface WorkflowRelease {
  releaseId: string;
  cluster: string;
  region: string;
  namespace: string;
  kubeContext: string;
  cpcEndpoint: string;
  chart: string;
  chartVersion: string;
  repository: string;
  idempotencyKey: string;
}

export type WorkflowInput =
  | { kind: 'scan'; artifact: ArtifactManifest; pollSeconds: number }
  | { kind: 'phase'; service: string; phaseId: string; environment: string; releases: WorkflowRelease[] };

/** Where and how the workflow reports back. */
export interface WorkflowCallback {
  url: string;
  /** Valid for this workflow's callbacks only. */
  token: string;
}

export interface WorkflowState {
  name: string;
  /** Argo's phases: `Pending`/`Running` run on; the others are ends. */
  phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Error';
  message: string | null;
}

export interface WorkflowExecutor {
  readonly mode: 'workflow';
  readonly name: string;
  /** The workflow submitted for `ref` before (found by its labels), or null: what makes submitting safe to repeat. */
  find(ref: WorkflowRef): Promise<WorkflowState | null>;
  submit(ref: WorkflowRef, input: WorkflowInput, callback: WorkflowCallback): Promise<{ name: string }>;
  /** The workflow's state; null when it no longer exists. */
  read(name: string): Promise<WorkflowState | null>;
  /** Stops it so that its exit handler still reports (a no-op when it is gone). */
  stop(name: string, reason: string): Promise<void>;
}

export type Executor = ReleaseExecutor | WorkflowExecutor;
