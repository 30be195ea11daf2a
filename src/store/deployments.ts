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
import { gathered, sqlState, type Queryable } from './db.ts';
import type { DeploymentDto, StatusChange } from './deployment-reads.ts';
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


/**
 * A deployment with its phases and releases. The deployments a transaction inserts side by side
 * (in one microtask: builds posted at once, applied together) go in one statement whatever their
 * number; a failure (a buildId taken) fails them all, and the engine applies them again one by one.
 */
export function insertDeployment(tx: Queryable, d: NewDeployment, now: Date): Promise<void> {
  return gatherInserts(tx, { d, now });
}

const gatherInserts = gathered<{ d: NewDeployment; now: Date }>((tx, items) => insertDeployments(tx, items));

/** The details a new deployment's rows start with. */
const CREATED_DETAIL = { deployment: 'Created; waiting to start', phase: 'Waiting for earlier phases', release: 'Waiting for the phase to deploy' } as const;
const checksOf = (phase: NewPhase): CheckResult[] => phase.policy.checks.map((c) => ({ name: c.name, type: c.type, status: 'NotEvaluated', detail: null }));

/**
 * The rows go as three JSON documents (`jsonb_to_recordset`), not as a parameter array per column:
 * node-postgres writes an array parameter as a text literal, escaping every element in JavaScript —
 * and each JSON column's element (a policy, a target, the manifest) is a string to escape whole.
 * That escaping was ~4% of DCP's CPU under POST /builds; one JSON.stringify per document is not.
 */
async function insertDeployments(tx: Queryable, items: readonly { d: NewDeployment; now: Date }[]): Promise<void> {
  const history = (now: Date, detail: string) => [{ status: 'Pending', at: now.toISOString(), detail }];
  const times = (now: Date) => ({ Pending: now.toISOString() });
  const deployments = items.map(({ d, now }) => ({
    id: d.id, build_id: d.buildId, idempotency_key: d.idempotencyKey, service: d.service, team: d.team, channel: d.channel, strategy: d.strategy,
    version: d.artifactManifest.version, artifact_manifest: d.artifactManifest, source: d.source, reason: d.reason, triggered_by: d.triggeredBy,
    cloned_from: d.clonedFrom, omitted: d.omittedEnvironments, at: now, times: times(now), history: history(now, CREATED_DETAIL.deployment),
    digest: d.requestDigest ?? null,
  }));
  const phases = items.flatMap(({ d, now }) => d.phases.map((phase, position) => ({
    id: phase.id, deployment_id: d.id, position, environment: phase.environment, is_gov: phase.isGov, policy: phase.policy, checks: checksOf(phase),
    at: now, times: times(now), history: history(now, CREATED_DETAIL.phase),
  })));
  const releases = items.flatMap(({ d, now }) => d.phases.flatMap((phase) => phase.releases.map((release, position) => ({
    id: release.id, phase_id: phase.id, deployment_id: d.id, position, service: d.service, target: release.target.cluster, region: release.target.region,
    target_spec: release.target, at: now, times: times(now), history: history(now, CREATED_DETAIL.release),
  }))));
  await tx.query(
    `WITH deployment AS (
       INSERT INTO deployments (id, build_id, idempotency_key, service, team, channel, strategy, version, artifact_manifest,
         source, reason, triggered_by, cloned_from, status, status_detail, omitted_environments, created_at, updated_at, status_times, status_history,
         request_digest)
       SELECT d.id, d.build_id, d.idempotency_key, d.service, d.team, d.channel, d.strategy, d.version, d.artifact_manifest,
         d.source, d.reason, d.triggered_by, d.cloned_from, 'Pending', $5, d.omitted, d.at, d.at, d.times, d.history, d.digest
         FROM jsonb_to_recordset($1::jsonb) AS d(id text, build_id text, idempotency_key text, service text, team text, channel text,
           strategy text, version text, artifact_manifest jsonb, source jsonb, reason text, triggered_by text, cloned_from text,
           omitted jsonb, at timestamptz, times jsonb, history jsonb, digest jsonb)),
     phase AS (
       INSERT INTO phases (id, deployment_id, position, environment, is_gov, policy, status, status_detail, checks,
         prerequisites, created_at, updated_at, status_times, status_history)
       SELECT p.id, p.deployment_id, p.position, p.environment, p.is_gov, p.policy, 'Pending', $6, p.checks,
         $4::jsonb, p.at, p.at, p.times, p.history
         FROM jsonb_to_recordset($2::jsonb) AS p(id text, deployment_id text, position int, environment text, is_gov boolean, policy jsonb,
           checks jsonb, at timestamptz, times jsonb, history jsonb))
     INSERT INTO releases (id, phase_id, deployment_id, position, service, target, region, target_spec, status,
       status_detail, created_at, updated_at, status_times, status_history)
     SELECT r.id, r.phase_id, r.deployment_id, r.position, r.service, r.target, r.region, r.target_spec, 'Pending',
       $7, r.at, r.at, r.times, r.history
       FROM jsonb_to_recordset($3::jsonb) AS r(id text, phase_id text, deployment_id text, position int, service text, target text,
         region text, target_spec jsonb, at timestamptz, times jsonb, history jsonb)`,
    [
      JSON.stringify(deployments), JSON.stringify(phases), JSON.stringify(releases), JSON.stringify(NO_PREREQUISITES),
      CREATED_DETAIL.deployment, CREATED_DETAIL.phase, CREATED_DETAIL.release,
    ],
  );
}

/**
 * A new deployment as `insertDeployment` stores it: the engine's view (its gates' facts still to
 * read: `withGateFacts`), and below the API's shape — so the transaction that creates it reads
 * neither. test/created-deployment.test.ts holds both to what reading them back gives.
 */
export function newDeploymentView(d: NewDeployment): DeploymentView {
  return {
    id: d.id,
    service: d.service,
    status: 'Pending',
    statusDetail: CREATED_DETAIL.deployment,
    phases: d.phases.map((p) => ({
      id: p.id,
      environment: p.environment,
      isGov: p.isGov,
      status: 'Pending',
      statusDetail: CREATED_DETAIL.phase,
      policy: p.policy,
      checks: checksOf(p),
      checkRound: 0,
      completedAt: null,
      gates: { approvals: [], changeCase: null, freezes: [], bakeReference: null },
      releases: p.releases.map((r) => ({ id: r.id, target: r.target.cluster, status: 'Pending', statusDetail: CREATED_DETAIL.release, touched: false })),
    })),
  };
}

export function newDeploymentDto(d: NewDeployment, now: Date): DeploymentDto {
  const at = now.toISOString();
  const row = (detail: string) => ({ createdAt: at, updatedAt: at, statusTimes: { Pending: at }, history: [{ status: 'Pending', at, detail }] });
  return {
    id: d.id,
    buildId: d.buildId,
    service: d.service,
    team: d.team,
    channel: d.channel,
    strategy: d.strategy,
    version: d.artifactManifest.version,
    artifactManifest: d.artifactManifest,
    source: d.source,
    reason: d.reason,
    triggeredBy: d.triggeredBy,
    clonedFrom: d.clonedFrom,
    status: 'Pending',
    statusDetail: CREATED_DETAIL.deployment,
    scanFindings: null,
    ...row(CREATED_DETAIL.deployment),
    omittedEnvironments: d.omittedEnvironments,
    phases: d.phases.map((p) => ({
      id: p.id,
      environment: p.environment,
      isGov: p.isGov,
      status: 'Pending',
      statusDetail: CREATED_DETAIL.phase,
      checks: checksOf(p),
      prerequisites: NO_PREREQUISITES,
      policy: p.policy,
      ...row(CREATED_DETAIL.phase),
      releases: p.releases.map((r) => ({
        id: r.id, target: r.target.cluster, region: r.target.region, status: 'Pending', statusDetail: CREATED_DETAIL.release, ...row(CREATED_DETAIL.release),
      })),
    })),
  };
}

/** `dto` as `writeRows(writes)` leaves its rows (the writes of other deployments are ignored). */
export function withWrites(dto: DeploymentDto, writes: readonly RowWrite[], now: Date): DeploymentDto {
  const at = now.toISOString();
  const mine = new Set([dto.id, ...dto.phases.flatMap((p) => [p.id, ...p.releases.map((r) => r.id)])]);
  const merged = new Map(mergeWrites(writes.filter((w) => mine.has(w.id)), at).map((w) => [`${w.entity}:${w.id}`, w]));
  const apply = <T extends { id: string; status: string; statusDetail: string; updatedAt: string; statusTimes: Record<string, string>; history: StatusChange[] }>(
    entity: Move['entity'], row: T, extra: (w: MergedWrite) => Partial<T> = () => ({}),
  ): T => {
    const w = merged.get(`${entity}:${row.id}`);
    if (!w) return row;
    return {
      ...row,
      status: w.to,
      statusDetail: w.detail ?? row.statusDetail,
      updatedAt: at,
      statusTimes: w.history.length > 0 ? { ...w.times, ...row.statusTimes } : row.statusTimes,
      history: w.history.length > 0 ? [...row.history, ...w.history] : row.history,
      ...extra(w),
    };
  };
  return apply('deployment', {
    ...dto,
    phases: dto.phases.map((p) => apply('phase', { ...p, releases: p.releases.map((r) => apply('release', r)) }, (w) => ({
      ...(w.checks !== undefined ? { checks: w.checks } : {}), ...(w.prerequisites !== undefined ? { prerequisites: w.prerequisites } : {}),
    }))),
  }, (w) => (w.findings !== undefined ? { scanFindings: w.findings } : {}));
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
  FROM deployments d WHERE d.id = ANY($1::text[])`;

/**
 * The engine's views of deployments, with the facts their gates are evaluated on at `now`. Read
 * them after `lockDeployments`, in a statement of its own: a statement that waits for a row lock
 * still reads the other tables (phases, releases) as they were when it began.
 */
export async function loadViews(tx: Queryable, ids: readonly string[], now: Date): Promise<Map<string, DeploymentView>> {
  if (ids.length === 0) return new Map();
  const views = (await tx.query<ViewRow>(VIEW_SQL, [ids])).map((d): DeploymentView => ({
    id: d.id,
    service: d.service,
    status: d.status,
    statusDetail: d.status_detail,
    phases: d.phases.map(
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
        gates: { approvals: [], changeCase: null, freezes: [], bakeReference: null }, // bakeReference: derived from the view by decide
        releases: d.releases
          .filter((r) => r.phase_id === p.id)
          .map((r): ReleaseView => ({ id: r.id, target: r.target, status: r.status, statusDetail: r.status_detail, touched: r.touched })),
      }),
    ),
  }));
  return new Map((await withGateFacts(tx, views, now)).map((view) => [view.id, view]));
}

/**
 * The views with their gates' facts read (again, after a transaction's own writes to them: a case
 * opened), for all of them at once.
 */
export async function withGateFacts(tx: Queryable, views: readonly DeploymentView[], now: Date, fresh = false): Promise<DeploymentView[]> {
  // A deployment this transaction creates (`fresh`) has no approvals or change cases yet: only freezes are read for it.
  const facts = await loadGateFacts(
    tx,
    views.map((view) => ({
      id: view.id,
      phases: view.phases.map((p) => ({
        environment: p.environment, freezable: p.policy.freezable, approvals: !fresh && Boolean(p.policy.approvals), changeCase: !fresh && Boolean(p.policy.changeCase?.required),
      })),
    })),
    now,
  );
  return views.map((view) => {
    const of = facts.get(view.id)!;
    return {
      ...view,
      phases: view.phases.map((p) => ({
        ...p,
        gates: {
          ...p.gates,
          approvals: of.approvalsByPhase.get(p.id) ?? [],
          changeCase: of.caseByPhase.get(p.id) ?? null,
          freezes: of.freezesByEnvironment.get(p.environment) ?? [],
        },
      })),
    };
  });
}

/**
 * A write to one row of a deployment: a move (`history`: appended to `status_history`, its time
 * kept in `status_times`), or what a row shows besides its status (a new `statusDetail`, check
 * results, prerequisites, a release touched or asked to stop, scan findings) with `to` = `from`.
 * Guarded either way: the row must be in `from`.
 */
export interface RowWrite {
  entity: Move['entity'];
  id: string;
  from: string;
  to: string;
  /** null: the detail stays. */
  detail: string | null;
  history: boolean;
  /** Releases: it has touched its target; it was asked to stop. */
  touched?: boolean;
  stop?: boolean;
  /** Phases. */
  checks?: CheckResult[];
  checkRound?: number;
  prerequisites?: Prerequisites;
  /** Deployments. */
  findings?: ScanFindings;
}

export const moveWrite = (move: Move): RowWrite => ({ entity: move.entity, id: move.id, from: move.from, to: move.to, detail: move.detail, history: true });

const TABLE = { deployment: 'deployments', phase: 'phases', release: 'releases' } as const;
const ENTITIES = ['deployment', 'phase', 'release'] as const;
/** What each table sets besides the status, from the wave's columns. */
const EXTRA = {
  deployment: 'scan_findings = COALESCE(m.findings, t.scan_findings)',
  // awaiting_in: the environment while the phase waits on its prerequisites (migration 015), else NULL.
  phase: `checks = COALESCE(m.checks, t.checks), check_round = COALESCE(m.check_round, t.check_round), prerequisites = COALESCE(m.prerequisites, t.prerequisites),
           awaiting_in = CASE WHEN m.to_status = 'AwaitingPrerequisites' THEN t.environment END`,
  release: `touched_at = CASE WHEN m.touched THEN COALESCE(t.touched_at, $2) ELSE t.touched_at END,
             stop_requested_at = CASE WHEN m.stop THEN COALESCE(t.stop_requested_at, $2) ELSE t.stop_requested_at END`,
} as const;

/** The statement that carries out row writes of these entities, one per row (its writes merged). */
function writesSql(entities: readonly Move['entity'][]): string {
  const updates = entities.map((entity) => `${entity}_written AS (
      UPDATE ${TABLE[entity]} t
         SET status = m.to_status, status_detail = COALESCE(m.detail, t.status_detail), updated_at = $2,
             status_times = CASE WHEN m.times IS NULL THEN t.status_times ELSE m.times || t.status_times END,
             status_history = CASE WHEN m.history IS NULL THEN t.status_history ELSE t.status_history || m.history END,
             ${EXTRA[entity]}
        FROM m WHERE m.entity = '${entity}' AND t.id = m.id AND t.status = m.from_status
      RETURNING t.id)`);
  // The writes as one JSON document (see insertDeployments: no array parameter per column). A row
  // no longer in its write's `from` fails the statement (migration 017): the check is the SQL's.
  return `WITH m AS (SELECT * FROM jsonb_to_recordset($1::jsonb)
                      AS m(entity text, id text, from_status text, to_status text, detail text, history jsonb, touched boolean, stop boolean,
                           checks jsonb, check_round int, prerequisites jsonb, times jsonb, findings jsonb)),
    ${updates.join(',\n    ')},
    written AS (${entities.map((entity) => `SELECT '${entity}' AS entity, id FROM ${entity}_written`).join(' UNION ALL ')})
    SELECT dcp_stale_write(m.entity || ' ' || m.id || ' is no longer ' || m.from_status) FROM m
     WHERE NOT EXISTS (SELECT 1 FROM written w WHERE w.entity = m.entity AND w.id = m.id) LIMIT 1`;
}

/** A row's writes of one transaction as one: what writing them one after another would leave. */
interface MergedWrite {
  entity: Move['entity'];
  id: string;
  from: string;
  to: string;
  detail: string | null;
  history: { status: string; at: string; detail: string | null }[];
  times: Record<string, string>;
  touched: boolean;
  stop: boolean;
  checks?: CheckResult[];
  checkRound?: number;
  prerequisites?: Prerequisites;
  findings?: ScanFindings;
}

function mergeWrites(writes: readonly RowWrite[], at: string): MergedWrite[] {
  const rows = new Map<string, MergedWrite>();
  for (const w of writes) {
    const key = `${w.entity}:${w.id}`;
    let row = rows.get(key);
    if (!row) rows.set(key, (row = { entity: w.entity, id: w.id, from: w.from, to: w.from, detail: null, history: [], times: {}, touched: false, stop: false }));
    // Each write is guarded by the status the one before it left.
    if (w.from !== row.to) throw new MoveConflictError(`${w.entity} ${w.id} is ${row.to}, not ${w.from}`);
    row.to = w.to;
    if (w.detail !== null) row.detail = w.detail;
    if (w.history) {
      row.history.push({ status: w.to, at, detail: w.detail });
      row.times[w.to] ??= at; // `status_times` keeps the first time of each status
    }
    row.touched ||= w.touched ?? false;
    row.stop ||= w.stop ?? false;
    if (w.checks !== undefined) row.checks = w.checks;
    if (w.checkRound !== undefined) row.checkRound = w.checkRound;
    if (w.prerequisites !== undefined) row.prerequisites = w.prerequisites;
    if (w.findings !== undefined) row.findings = w.findings;
  }
  return [...rows.values()];
}

/**
 * Carries out row writes, in the order given, in one statement: a row written several times
 * (Pending → Checking → Deploying) is written once with all its history.
 * Throws MoveConflictError when a row was not in its first write's `from`.
 */
export async function writeRows(tx: Queryable, writes: readonly RowWrite[], now: Date): Promise<void> {
  if (writes.length === 0) return;
  const rows = mergeWrites(writes, now.toISOString());
  const entities = ENTITIES.filter((e) => rows.some((w) => w.entity === e));
  const document = rows.map((w) => ({
    entity: w.entity, id: w.id, from_status: w.from, to_status: w.to, detail: w.detail,
    history: w.history.length > 0 ? w.history : null, touched: w.touched, stop: w.stop,
    checks: w.checks ?? null, check_round: w.checkRound ?? null, prerequisites: w.prerequisites ?? null,
    times: w.history.length > 0 ? w.times : null, findings: w.findings ?? null,
  }));
  await tx.query(writesSql(entities), [JSON.stringify(document), now]).catch((error: unknown) => {
    throw sqlState(error) === STALE_WRITE ? new MoveConflictError((error as Error).message) : error;
  });
}

/** SQLSTATE of a write whose row is no longer in its `from` (migration 017). */
const STALE_WRITE = 'DCP01';

/**
 * Locks deployments' rows for the transaction, in one order. Every transaction that changes a
 * deployment's gates, jobs or cases takes this lock first: one lock order, no deadlocks between them.
 */
export async function lockDeployments(tx: Queryable, ids: readonly string[]): Promise<void> {
  await tx.query('SELECT 1 FROM deployments WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE', [[...ids].sort()]);
}

/** Why a deployment still waits for its scan (a no-op once it no longer does). */
export async function setScanDetail(q: Queryable, deploymentId: string, detail: string, now: Date): Promise<void> {
  await q.query("UPDATE deployments SET status_detail = $2, updated_at = $3 WHERE id = $1 AND status = 'Scanning' AND status_detail <> $2", [deploymentId, detail, now]);
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

/** What the executor needs to run each of these releases (by id; an unknown one is left out). */
export async function loadReleaseWork(q: Queryable, releaseIds: readonly string[]): Promise<Map<string, ReleaseWork>> {
  const rows = await q.query<{
    id: string; deployment_id: string; status: ReleaseStatus; stop_requested_at: Date | null; started_at: string | null; updated_at: Date; service: string;
    environment: string; target_spec: TargetSpec; artifact_manifest: ArtifactManifest;
  }>(
    `SELECT r.id, r.deployment_id, r.status, r.stop_requested_at, r.status_times->>'Deploying' AS started_at, r.updated_at, r.service, p.environment, r.target_spec, d.artifact_manifest
       FROM releases r JOIN phases p ON p.id = r.phase_id JOIN deployments d ON d.id = r.deployment_id
      WHERE r.id = ANY($1::text[])`,
    [releaseIds],
  );
  return new Map(rows.map((row) => [row.id, {
    releaseId: row.id,
    deploymentId: row.deployment_id,
    status: row.status,
    stopRequested: row.stop_requested_at !== null,
    startedAt: row.started_at ? new Date(row.started_at) : row.updated_at,
    service: row.service,
    environment: row.environment,
    target: row.target_spec,
    artifactManifest: row.artifact_manifest,
  }]));
}

/** What polling the scan needs, for each of these deployments: its status, artifact and when it began waiting. */
export async function loadScanWork(q: Queryable, deploymentIds: readonly string[]): Promise<Map<string, { status: DeploymentStatus; artifact: ArtifactManifest; since: Date | null }>> {
  const rows = await q.query<{ id: string; status: DeploymentStatus; artifact_manifest: ArtifactManifest; scanning: string | null }>(
    "SELECT id, status, artifact_manifest, status_times->>'Scanning' AS scanning FROM deployments WHERE id = ANY($1::text[])",
    [deploymentIds],
  );
  return new Map(rows.map((row) => [row.id, { status: row.status, artifact: row.artifact_manifest, since: row.scanning ? new Date(row.scanning) : null }]));
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

/** What a round of checks needs, for each of these phases. */
export async function loadCheckWork(q: Queryable, phaseIds: readonly string[]): Promise<Map<string, CheckWork>> {
  const rows = await q.query<{
    id: string; status: PhaseStatus; check_round: number; policy: EnvironmentPolicy; environment: string; deployment_id: string; service: string;
    artifact_manifest: ArtifactManifest; scanning: string | null; created_at: Date;
  }>(
    `SELECT p.id, p.status, p.check_round, p.policy, p.environment, p.deployment_id, d.service, d.artifact_manifest,
            d.status_times->>'Scanning' AS scanning, d.created_at
       FROM phases p JOIN deployments d ON d.id = p.deployment_id WHERE p.id = ANY($1::text[])`,
    [phaseIds],
  );
  return new Map(rows.map((row) => [row.id, {
    status: row.status, checkRound: row.check_round, policy: row.policy, environment: row.environment, deploymentId: row.deployment_id,
    service: row.service, artifact: row.artifact_manifest, scanSince: row.scanning ? new Date(row.scanning) : row.created_at,
  }]));
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
