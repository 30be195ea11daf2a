/**
 * Workflows DCP runs on Argo (contract §9): one row per scan wait (`scan:<deploymentId>`) and per
 * phase (`phase:<phaseId>`). `submitting` until Argo has it (the callback token's hash is stored
 * before the submit), `running` while DCP reconciles it, `finished` once it ended; its callback
 * token works until `expires_at`.
 */
import type { ArtifactManifest, DeploymentStatus, ReleaseStatus, TargetSpec } from '../core/types.ts';
import type { Queryable } from './db.ts';

export type WorkflowKind = 'scan' | 'phase';

export interface WorkflowRecord {
  key: string;
  deploymentId: string;
  kind: WorkflowKind;
  phaseId: string | null;
  name: string | null;
  status: 'submitting' | 'running' | 'finished';
  detail: string | null;
  stopped: boolean;
  expiresAt: Date | null;
}

interface WorkflowRow {
  key: string; deployment_id: string; kind: WorkflowKind; phase_id: string | null; name: string | null;
  status: WorkflowRecord['status']; detail: string | null; stopped_at: Date | null; expires_at: Date | null;
}

const COLUMNS = 'key, deployment_id, kind, phase_id, name, status, detail, stopped_at, expires_at';

const record = (r: WorkflowRow): WorkflowRecord => ({
  key: r.key, deploymentId: r.deployment_id, kind: r.kind, phaseId: r.phase_id, name: r.name, status: r.status, detail: r.detail,
  stopped: r.stopped_at !== null, expiresAt: r.expires_at,
});

export const workflowKey = (kind: WorkflowKind, id: string): string => `${kind}:${id}`;

/** Records that DCP will run this workflow (a no-op when it already did). */
export async function insertWorkflow(tx: Queryable, w: { kind: WorkflowKind; deploymentId: string; phaseId: string | null }, now: Date): Promise<string> {
  const key = workflowKey(w.kind, w.kind === 'scan' ? w.deploymentId : w.phaseId!);
  await tx.query(
    `INSERT INTO workflows (key, deployment_id, kind, phase_id, status, created_at, updated_at) VALUES ($1, $2, $3, $4, 'submitting', $5, $5)
     ON CONFLICT (key) DO NOTHING`,
    [key, w.deploymentId, w.kind, w.phaseId, now],
  );
  return key;
}

export async function getWorkflow(q: Queryable, key: string): Promise<WorkflowRecord | null> {
  const [row] = await q.query<WorkflowRow>(`SELECT ${COLUMNS} FROM workflows WHERE key = $1`, [key]);
  return row ? record(row) : null;
}

export async function workflowByTokenHash(q: Queryable, hash: string): Promise<WorkflowRecord | null> {
  const [row] = await q.query<WorkflowRow>(`SELECT ${COLUMNS} FROM workflows WHERE token_hash = $1`, [hash]);
  return row ? record(row) : null;
}

/** Stores the hash of the token the next submit carries (only while it is not submitted). */
export async function setWorkflowToken(q: Queryable, key: string, hash: string, now: Date): Promise<boolean> {
  const rows = await q.query("UPDATE workflows SET token_hash = $2, updated_at = $3 WHERE key = $1 AND status = 'submitting' RETURNING 1", [key, hash, now]);
  return rows.length > 0;
}

/** Argo has the workflow (submitted, or found by its labels and adopted). */
export async function markSubmitted(tx: Queryable, key: string, name: string, now: Date): Promise<void> {
  await tx.query(
    "UPDATE workflows SET name = $2, status = 'running', submitted_at = $3, updated_at = $3 WHERE key = $1 AND status = 'submitting'",
    [key, name, now],
  );
}

/** DCP asked Argo to stop the workflow. */
export async function markStopped(tx: Queryable, key: string, now: Date): Promise<void> {
  await tx.query('UPDATE workflows SET stopped_at = COALESCE(stopped_at, $2), updated_at = $2 WHERE key = $1', [key, now]);
}

/** The workflow ended (or will never run); its token keeps working for `graceMs` (repeated callbacks). */
export async function finishWorkflow(tx: Queryable, key: string, detail: string, now: Date, graceMs: number): Promise<void> {
  await tx.query(
    `UPDATE workflows SET status = 'finished', detail = $2, finished_at = $3, updated_at = $3, expires_at = COALESCE(expires_at, $4)
      WHERE key = $1 AND status <> 'finished'`,
    [key, detail, now, new Date(now.getTime() + graceMs)],
  );
}

/** The deployment ended with nothing of it in flight: its workflows' tokens expire after `graceMs`. */
export async function expireWorkflowTokens(tx: Queryable, deploymentId: string, now: Date, graceMs: number): Promise<void> {
  await tx.query('UPDATE workflows SET expires_at = $2 WHERE deployment_id = $1 AND expires_at IS NULL', [deploymentId, new Date(now.getTime() + graceMs)]);
}

/** Whether the release is one of the phase's. */
export async function releaseInPhase(q: Queryable, releaseId: string, phaseId: string): Promise<boolean> {
  const rows = await q.query('SELECT 1 FROM releases WHERE id = $1 AND phase_id = $2', [releaseId, phaseId]);
  return rows.length > 0;
}

/** What submitting a phase's workflow needs: the phase, its releases and the artifact. */
export interface PhaseWork {
  deploymentId: string;
  service: string;
  environment: string;
  artifact: ArtifactManifest;
  deploymentStatus: DeploymentStatus;
  releases: { id: string; status: ReleaseStatus; stopRequested: boolean; target: TargetSpec }[];
}

export async function loadPhaseWork(q: Queryable, phaseId: string): Promise<PhaseWork | null> {
  const rows = await q.query<{
    deployment_id: string; service: string; environment: string; artifact_manifest: ArtifactManifest; deployment_status: DeploymentStatus;
    id: string | null; status: ReleaseStatus; stop_requested_at: Date | null; target_spec: TargetSpec;
  }>(
    `SELECT p.deployment_id, d.service, p.environment, d.artifact_manifest, d.status AS deployment_status,
            r.id, r.status, r.stop_requested_at, r.target_spec
       FROM phases p JOIN deployments d ON d.id = p.deployment_id LEFT JOIN releases r ON r.phase_id = p.id
      WHERE p.id = $1 ORDER BY r.position`,
    [phaseId],
  );
  if (rows.length === 0) return null;
  const [first] = rows;
  return {
    deploymentId: first.deployment_id, service: first.service, environment: first.environment, artifact: first.artifact_manifest,
    deploymentStatus: first.deployment_status,
    releases: rows.filter((r) => r.id !== null).map((r) => ({ id: r.id!, status: r.status, stopRequested: r.stop_requested_at !== null, target: r.target_spec })),
  };
}
