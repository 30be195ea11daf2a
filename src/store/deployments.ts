/**
 * Deployments, phases and releases — the engine's write model: inserts, the engine's view, guarded
 * moves, and what its jobs read. The API's reads are in deployment-reads.ts.
 *
 * Every move is a guarded update (`WHERE id = $1 AND status = $from`): no row back means someone
 * else moved it first, which is a conflict, never a silent overwrite.
 */
import type { DeploymentView, Move, PhaseView, ReleaseView } from '../core/decide.ts';
import { NO_PREREQUISITES, type Prerequisites } from '../core/gates.ts';
import type {
  ArtifactManifest,
  CheckResult,
  DeploymentStatus,
  EnvironmentPolicy,
  OmittedEnvironment,
  PhaseStatus,
  ReleaseStatus,
  ScanFindings,
  SourceInfo,
  TargetSpec,
} from '../core/types.ts';
import type { Queryable } from './db.ts';
import { loadGateFacts } from './gates.ts';

export class MoveConflictError extends Error {}

export interface NewRelease {
  id: string;
  target: TargetSpec;
}
export interface NewPhase {
  id: string;
  environment: string;
  isGov: boolean;
  policy: EnvironmentPolicy;
  releases: NewRelease[];
}
export interface NewDeployment {
  id: string;
  buildId: string | null;
  idempotencyKey: string | null;
  service: string;
  team: string;
  channel: string;
  strategy: string;
  artifactManifest: ArtifactManifest;
  source: SourceInfo | null;
  reason: string | null;
  triggeredBy: string;
  clonedFrom: string | null;
  omittedEnvironments: OmittedEnvironment[];
  phases: NewPhase[];
  /** Field → SHA-256 of the request that made it (services/idempotency.ts); null when not keyed. */
  requestDigest?: Record<string, string> | null;
}


export async function insertDeployment(tx: Queryable, d: NewDeployment, now: Date): Promise<void> {
  const times = JSON.stringify({ Pending: now.toISOString() });
  const history = (detail: string) => JSON.stringify([{ status: 'Pending', at: now.toISOString(), detail }]);
  await tx.query(
    `INSERT INTO deployments (id, build_id, idempotency_key, service, team, channel, strategy, version, artifact_manifest,
       source, reason, triggered_by, cloned_from, status, status_detail, omitted_environments, created_at, updated_at, status_times, status_history,
       request_digest)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,'Pending',$14,$15,$16,$16,$17,$18,$19)`,
    [
      d.id, d.buildId, d.idempotencyKey, d.service, d.team, d.channel, d.strategy, d.artifactManifest.version,
      JSON.stringify(d.artifactManifest), d.source ? JSON.stringify(d.source) : null, d.reason, d.triggeredBy, d.clonedFrom,
      'Created; waiting to start', JSON.stringify(d.omittedEnvironments), now, times, history('Created; waiting to start'),
      d.requestDigest ? JSON.stringify(d.requestDigest) : null,
    ],
  );
  // Phases and releases in one statement each, whatever their number.
  const checksOf = (phase: NewDeployment['phases'][number]): CheckResult[] =>
    phase.policy.checks.map((c) => ({ name: c.name, type: c.type, status: 'NotEvaluated', detail: null }));
  await tx.query(
    `INSERT INTO phases (id, deployment_id, position, environment, is_gov, policy, status, status_detail, checks,
       prerequisites, created_at, updated_at, status_times, status_history)
     SELECT p.id, $1, p.position - 1, p.environment, p.is_gov, p.policy, 'Pending', 'Waiting for earlier phases', p.checks,
       $2, $3, $3, $4, $5
       FROM unnest($6::text[], $7::text[], $8::boolean[], $9::jsonb[], $10::jsonb[]) WITH ORDINALITY AS p(id, environment, is_gov, policy, checks, position)`,
    [d.id, JSON.stringify(NO_PREREQUISITES), now, times, history('Waiting for earlier phases'),
      d.phases.map((p) => p.id), d.phases.map((p) => p.environment), d.phases.map((p) => p.isGov),
      d.phases.map((p) => JSON.stringify(p.policy)), d.phases.map((p) => JSON.stringify(checksOf(p)))],
  );
  const releases = d.phases.flatMap((phase) => phase.releases.map((release, i) => ({ phaseId: phase.id, position: i, release })));
  if (releases.length === 0) return;
  await tx.query(
    `INSERT INTO releases (id, phase_id, deployment_id, position, service, target, region, target_spec, status,
       status_detail, created_at, updated_at, status_times, status_history)
     SELECT r.id, r.phase_id, $1, r.position, $2, r.target, r.region, r.target_spec, 'Pending',
       'Waiting for the phase to deploy', $3, $3, $4, $5
       FROM unnest($6::text[], $7::text[], $8::int[], $9::text[], $10::text[], $11::jsonb[]) AS r(id, phase_id, position, target, region, target_spec)`,
    [d.id, d.service, now, times, history('Waiting for the phase to deploy'),
      releases.map((r) => r.release.id), releases.map((r) => r.phaseId), releases.map((r) => r.position),
      releases.map((r) => r.release.target.cluster), releases.map((r) => r.release.target.region), releases.map((r) => JSON.stringify(r.release.target))],
  );
}

/** The columns the engine's view reads: the deployment row with its phases and releases as JSON. */
interface ViewRow {
  id: string;
  service: string;
  status: DeploymentStatus;
  status_detail: string;
  phases: {
    id: string;
    environment: string;
    is_gov: boolean;
    policy: EnvironmentPolicy;
    status: PhaseStatus;
    status_detail: string;
    checks: CheckResult[];
    check_round: number;
    completed_at: string | null;
  }[];
  releases: { id: string; phase_id: string; target: string; status: ReleaseStatus; status_detail: string; touched: boolean }[];
}

/** One round trip: the engine reads a deployment's view for every signal it applies. */
const VIEW_SQL = `
  SELECT d.id, d.service, d.status, d.status_detail,
    COALESCE((SELECT json_agg(json_build_object(
        'id', p.id, 'environment', p.environment, 'is_gov', p.is_gov, 'policy', p.policy, 'status', p.status,
        'status_detail', p.status_detail, 'checks', p.checks, 'check_round', p.check_round,
        'completed_at', p.status_times->>'Completed') ORDER BY p.position)
      FROM phases p WHERE p.deployment_id = d.id), '[]') AS phases,
    COALESCE((SELECT json_agg(json_build_object(
        'id', r.id, 'phase_id', r.phase_id, 'target', r.target, 'status', r.status, 'status_detail', r.status_detail,
        'touched', r.touched_at IS NOT NULL) ORDER BY r.position)
      FROM releases r WHERE r.deployment_id = d.id), '[]') AS releases
  FROM deployments d WHERE d.id = $1`;

/**
 * The engine's view of one deployment, with the facts its gates are evaluated on at `now`. Read
 * it after `lockDeployment`, in a statement of its own: a statement that waits for a row lock
 * still reads the other tables (phases, releases) as they were when it began.
 */
export async function loadView(tx: Queryable, id: string, now: Date): Promise<DeploymentView | null> {
  const [d] = await tx.query<ViewRow>(VIEW_SQL, [id]);
  if (!d) return null;
  const { phases, releases } = d;
  const facts = await loadGateFacts(
    tx,
    id,
    phases.map((p) => ({ environment: p.environment, freezable: p.policy.freezable, approvals: Boolean(p.policy.approvals), changeCase: Boolean(p.policy.changeCase?.required) })),
    now,
  );
  return {
    id: d.id,
    service: d.service,
    status: d.status,
    statusDetail: d.status_detail,
    phases: phases.map(
      (p): PhaseView => ({
        id: p.id,
        environment: p.environment,
        isGov: p.is_gov,
        status: p.status,
        statusDetail: p.status_detail,
        policy: p.policy,
        checks: p.checks,
        checkRound: p.check_round,
        completedAt: p.completed_at,
        gates: {
          approvals: facts.approvalsByPhase.get(p.id) ?? [],
          changeCase: facts.caseByPhase.get(p.id) ?? null,
          freezes: facts.freezesByEnvironment.get(p.environment) ?? [],
          bakeReference: null, // derived from the view by decide
        },
        releases: releases
          .filter((r) => r.phase_id === p.id)
          .map((r): ReleaseView => ({ id: r.id, target: r.target, status: r.status, statusDetail: r.status_detail, touched: r.touched })),
      }),
    ),
  };
}

const TABLE = { deployment: 'deployments', phase: 'phases', release: 'releases' } as const;
const ENTITIES = ['deployment', 'phase', 'release'] as const;

/** The statement that persists a wave of moves of these entities (at most one move per row). */
function movesSql(entities: readonly Move['entity'][]): string {
  const updates = entities.map((entity) => `${entity}_moved AS (
      UPDATE ${TABLE[entity]} t
         SET status = m.to_status, status_detail = m.detail, updated_at = $6,
             status_times = jsonb_build_object(m.to_status, $7::text) || t.status_times,
             status_history = t.status_history || jsonb_build_array(jsonb_build_object('status', m.to_status, 'at', $7::text, 'detail', m.detail))
        FROM m WHERE m.entity = '${entity}' AND t.id = m.id AND t.status = m.from_status
      RETURNING t.id)`);
  return `WITH m AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS m(entity, id, from_status, to_status, detail)),
    ${updates.join(',\n    ')}
    ${entities.map((entity) => `SELECT id FROM ${entity}_moved`).join(' UNION ALL ')}`;
}

/**
 * Persists moves with guarded updates, in the order given; throws MoveConflictError when a row
 * was not in its move's `from`. Each move is appended to `status_history`; `status_times` keeps
 * when each status was first reached. One statement per wave: a row that moves twice (Pending →
 * Checking → Deploying) moves in a later wave, which sees the first.
 */
export async function persistMoves(tx: Queryable, moves: readonly Move[], now: Date): Promise<void> {
  let rest = [...moves];
  while (rest.length > 0) {
    const seen = new Set<string>();
    const wave: Move[] = [];
    const later: Move[] = [];
    for (const move of rest) {
      const key = `${move.entity}:${move.id}`;
      // A row's later move waits for its earlier one; so does everything after it of that row.
      if (seen.has(key)) later.push(move);
      else {
        seen.add(key);
        wave.push(move);
      }
    }
    const entities = ENTITIES.filter((e) => wave.some((m) => m.entity === e));
    const rows = await tx.query<{ id: string }>(movesSql(entities), [
      wave.map((m) => m.entity), wave.map((m) => m.id), wave.map((m) => m.from), wave.map((m) => m.to), wave.map((m) => m.detail),
      now, now.toISOString(),
    ]);
    if (rows.length !== wave.length) {
      const moved = new Set(rows.map((r) => r.id));
      const stale = wave.find((m) => !moved.has(m.id))!;
      throw new MoveConflictError(`${stale.entity} ${stale.id} is no longer ${stale.from}`);
    }
    rest = later;
  }
}

/**
 * Locks a deployment's row for the transaction. Every transaction that changes a deployment's
 * gates, jobs or cases takes this lock first: one lock order, no deadlocks between them.
 */
export async function lockDeployment(tx: Queryable, id: string): Promise<void> {
  await tx.query('SELECT 1 FROM deployments WHERE id = $1 FOR UPDATE', [id]);
}

/** What a phase shows besides its status (check results, prerequisites, a new statusDetail). */
export async function recordPhase(
  tx: Queryable,
  phaseId: string,
  r: { checks?: CheckResult[]; checkRound?: number; prerequisites?: Prerequisites; statusDetail?: string },
  now: Date,
): Promise<void> {
  await tx.query(
    `UPDATE phases SET checks = COALESCE($2, checks), check_round = COALESCE($3, check_round),
        prerequisites = COALESCE($4, prerequisites), status_detail = COALESCE($5, status_detail), updated_at = $6
      WHERE id = $1`,
    [phaseId, r.checks ? JSON.stringify(r.checks) : null, r.checkRound ?? null, r.prerequisites ? JSON.stringify(r.prerequisites) : null,
      r.statusDetail ?? null, now],
  );
}

export async function setReleaseDetail(tx: Queryable, releaseId: string, detail: string, now: Date, touched = false): Promise<void> {
  await tx.query(
    `UPDATE releases SET status_detail = $2, updated_at = $3, touched_at = CASE WHEN $4::boolean THEN COALESCE(touched_at, $3) ELSE touched_at END WHERE id = $1`,
    [releaseId, detail, now, touched],
  );
}

/** Why a deployment still waits for its scan (a no-op once it no longer does). */
export async function setScanDetail(q: Queryable, deploymentId: string, detail: string, now: Date): Promise<void> {
  await q.query("UPDATE deployments SET status_detail = $2, updated_at = $3 WHERE id = $1 AND status = 'Scanning' AND status_detail <> $2", [deploymentId, detail, now]);
}

export async function recordScanFindings(tx: Queryable, deploymentId: string, findings: ScanFindings): Promise<void> {
  await tx.query('UPDATE deployments SET scan_findings = $2 WHERE id = $1', [deploymentId, JSON.stringify(findings)]);
}

export async function requestReleaseStop(tx: Queryable, releaseId: string, now: Date): Promise<void> {
  await tx.query('UPDATE releases SET stop_requested_at = $2 WHERE id = $1 AND stop_requested_at IS NULL', [releaseId, now]);
}

/** What the executor needs to run one release. */
export interface ReleaseWork {
  releaseId: string;
  deploymentId: string;
  status: ReleaseStatus;
  stopRequested: boolean;
  startedAt: Date;
  service: string;
  environment: string;
  target: TargetSpec;
  artifactManifest: ArtifactManifest;
}

export async function loadReleaseWork(q: Queryable, releaseId: string): Promise<ReleaseWork | null> {
  const [row] = await q.query<{
    id: string; deployment_id: string; status: ReleaseStatus; stop_requested_at: Date | null; started_at: string | null; updated_at: Date; service: string;
    environment: string; target_spec: TargetSpec; artifact_manifest: ArtifactManifest;
  }>(
    `SELECT r.id, r.deployment_id, r.status, r.stop_requested_at, r.status_times->>'Deploying' AS started_at, r.updated_at, r.service, p.environment, r.target_spec, d.artifact_manifest
       FROM releases r JOIN phases p ON p.id = r.phase_id JOIN deployments d ON d.id = r.deployment_id
      WHERE r.id = $1`,
    [releaseId],
  );
  if (!row) return null;
  return {
    releaseId: row.id,
    deploymentId: row.deployment_id,
    status: row.status,
    stopRequested: row.stop_requested_at !== null,
    startedAt: row.started_at ? new Date(row.started_at) : row.updated_at,
    service: row.service,
    environment: row.environment,
    target: row.target_spec,
    artifactManifest: row.artifact_manifest,
  };
}

/** What polling the scan needs: the deployment's status, artifact and when it began waiting. */
export async function loadScanWork(q: Queryable, deploymentId: string): Promise<{ status: DeploymentStatus; artifact: ArtifactManifest; since: Date | null } | null> {
  const [row] = await q.query<{ status: DeploymentStatus; artifact_manifest: ArtifactManifest; scanning: string | null }>(
    "SELECT status, artifact_manifest, status_times->>'Scanning' AS scanning FROM deployments WHERE id = $1",
    [deploymentId],
  );
  return row ? { status: row.status, artifact: row.artifact_manifest, since: row.scanning ? new Date(row.scanning) : null } : null;
}

/** What a round of a phase's checks needs. */
export interface CheckWork {
  status: PhaseStatus;
  checkRound: number;
  policy: EnvironmentPolicy;
  environment: string;
  deploymentId: string;
  service: string;
  artifact: ArtifactManifest;
  /** When the deployment began waiting for its scan (or was created). */
  scanSince: Date;
}

export async function loadCheckWork(q: Queryable, phaseId: string): Promise<CheckWork | null> {
  const [row] = await q.query<{
    status: PhaseStatus; check_round: number; policy: EnvironmentPolicy; environment: string; deployment_id: string; service: string;
    artifact_manifest: ArtifactManifest; scanning: string | null; created_at: Date;
  }>(
    `SELECT p.status, p.check_round, p.policy, p.environment, p.deployment_id, d.service, d.artifact_manifest,
            d.status_times->>'Scanning' AS scanning, d.created_at
       FROM phases p JOIN deployments d ON d.id = p.deployment_id WHERE p.id = $1`,
    [phaseId],
  );
  if (!row) return null;
  return {
    status: row.status, checkRound: row.check_round, policy: row.policy, environment: row.environment, deploymentId: row.deployment_id,
    service: row.service, artifact: row.artifact_manifest, scanSince: row.scanning ? new Date(row.scanning) : row.created_at,
  };
}

/** The deployment's team, version and the team's change-case queue (null when the team sets none). */
export async function loadCaseContext(q: Queryable, deploymentId: string): Promise<{ team: string; version: string; queue: string | null }> {
  const [row] = await q.query<{ team: string; version: string; queue: string | null }>(
    'SELECT d.team, d.version, t.change_case_queue AS queue FROM deployments d LEFT JOIN teams t ON t.name = d.team WHERE d.id = $1',
    [deploymentId],
  );
  return row;
}

/** Of `releaseIds`, those asked to stop. */
export async function stopRequestedAmong(q: Queryable, releaseIds: string[]): Promise<string[]> {
  if (releaseIds.length === 0) return [];
  const rows = await q.query<{ id: string }>(
    'SELECT id FROM releases WHERE id = ANY($1::text[]) AND stop_requested_at IS NOT NULL',
    [releaseIds],
  );
  return rows.map((r) => r.id);
}

/** Deployments waiting for the scan of an artifact that holds an image with one of `digests`. */
export async function scanningWithDigests(q: Queryable, digests: string[]): Promise<string[]> {
  if (digests.length === 0) return [];
  const rows = await q.query<{ id: string }>(
    `SELECT id FROM deployments
      WHERE status = 'Scanning'
        AND EXISTS (SELECT 1 FROM jsonb_array_elements(artifact_manifest->'images') AS image WHERE image->>'digest' = ANY($1::text[]))
      ORDER BY seq LIMIT 1000`,
    [digests],
  );
  return rows.map((r) => r.id);
}
