/**
 * Deployments as the API reads them (contract §7's deployment shape): one deployment with its
 * phases and releases, lists with filters and cursors. The read model; the engine's write model
 * is deployments.ts.
 */
import type { Prerequisites } from '../core/gates.ts';
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

/** One move of an entity, in order: the status it entered, when, and what it said. */
export interface StatusChange {
  status: string;
  at: string;
  detail: string | null;
}

interface DeploymentRow {
  id: string;
  seq: number;
  build_id: string | null;
  service: string;
  team: string;
  channel: string;
  strategy: string;
  artifact_manifest: ArtifactManifest;
  source: SourceInfo | null;
  reason: string | null;
  triggered_by: string;
  cloned_from: string | null;
  status: DeploymentStatus;
  status_detail: string;
  omitted_environments: OmittedEnvironment[];
  scan_findings: ScanFindings | null;
  created_at: Date;
  updated_at: Date;
  status_times: Record<string, string>;
  status_history: StatusChange[];
}
interface PhaseRow {
  id: string;
  deployment_id: string;
  position: number;
  environment: string;
  is_gov: boolean;
  policy: EnvironmentPolicy;
  status: PhaseStatus;
  status_detail: string;
  checks: CheckResult[];
  check_round: number;
  prerequisites: Prerequisites;
  created_at: Date;
  updated_at: Date;
  status_times: Record<string, string>;
  status_history: StatusChange[];
}
interface ReleaseRow {
  id: string;
  phase_id: string;
  position: number;
  target: string;
  region: string;
  target_spec: TargetSpec;
  status: ReleaseStatus;
  status_detail: string;
  created_at: Date;
  updated_at: Date;
  status_times: Record<string, string>;
  status_history: StatusChange[];
}


export interface ReleaseDto {
  id: string;
  target: string;
  region: string;
  status: ReleaseStatus;
  statusDetail: string;
  createdAt: string;
  updatedAt: string;
  /** When each status was first reached. */
  statusTimes: Record<string, string>;
  /** Every move, in order (a phase may enter Checking more than once). */
  history: StatusChange[];
}
export interface PhaseDto {
  id: string;
  environment: string;
  isGov: boolean;
  status: PhaseStatus;
  statusDetail: string;
  checks: CheckResult[];
  prerequisites: Prerequisites;
  policy: EnvironmentPolicy;
  createdAt: string;
  updatedAt: string;
  /** When each status was first reached. */
  statusTimes: Record<string, string>;
  /** Every move, in order (a phase may enter Checking more than once). */
  history: StatusChange[];
  releases: ReleaseDto[];
}
export interface DeploymentDto {
  id: string;
  buildId: string | null;
  service: string;
  team: string;
  channel: string;
  strategy: string;
  version: string;
  artifactManifest: ArtifactManifest;
  source: SourceInfo | null;
  reason: string | null;
  triggeredBy: string;
  clonedFrom: string | null;
  status: DeploymentStatus;
  statusDetail: string;
  scanFindings: ScanFindings | null;
  createdAt: string;
  updatedAt: string;
  /** When each status was first reached. */
  statusTimes: Record<string, string>;
  /** Every move, in order (a phase may enter Checking more than once). */
  history: StatusChange[];
  omittedEnvironments: OmittedEnvironment[];
  phases: PhaseDto[];
}

const DEPLOYMENT_COLUMNS = `id, seq, build_id, service, team, channel, strategy, artifact_manifest, source, reason, triggered_by,
  cloned_from, status, status_detail, omitted_environments, scan_findings, created_at, updated_at, status_times, status_history`;

function deploymentDto(d: DeploymentRow, phases: PhaseRow[], releases: (ReleaseRow & { phase_id: string })[]): DeploymentDto {
  return {
    id: d.id,
    buildId: d.build_id,
    service: d.service,
    team: d.team,
    channel: d.channel,
    strategy: d.strategy,
    version: d.artifact_manifest.version,
    artifactManifest: d.artifact_manifest,
    source: d.source,
    reason: d.reason,
    triggeredBy: d.triggered_by,
    clonedFrom: d.cloned_from,
    status: d.status,
    statusDetail: d.status_detail,
    scanFindings: d.scan_findings,
    createdAt: d.created_at.toISOString(),
    updatedAt: d.updated_at.toISOString(),
    statusTimes: d.status_times,
    history: d.status_history,
    omittedEnvironments: d.omitted_environments,
    phases: phases.map((p) => ({
      id: p.id,
      environment: p.environment,
      isGov: p.is_gov,
      status: p.status,
      statusDetail: p.status_detail,
      checks: p.checks,
      prerequisites: p.prerequisites,
      policy: p.policy,
      createdAt: p.created_at.toISOString(),
      updatedAt: p.updated_at.toISOString(),
      statusTimes: p.status_times,
      history: p.status_history,
      releases: releases
        .filter((r) => r.phase_id === p.id)
        .map((r) => ({
          id: r.id,
          target: r.target,
          region: r.region,
          status: r.status,
          statusDetail: r.status_detail,
          createdAt: r.created_at.toISOString(),
          updatedAt: r.updated_at.toISOString(),
          statusTimes: r.status_times,
          history: r.status_history,
        })),
    })),
  };
}

/** The phases and releases of deployments, read side by side. */
function partsOf(q: Queryable, ids: readonly string[]) {
  return Promise.all([
    q.query<PhaseRow>('SELECT * FROM phases WHERE deployment_id = ANY($1::text[]) ORDER BY position', [ids]),
    q.query<ReleaseRow & { phase_id: string; deployment_id: string }>('SELECT * FROM releases WHERE deployment_id = ANY($1::text[]) ORDER BY position', [ids]),
  ]);
}

/** Full deployments (with phases and releases) for the given rows, in the rows' order. */
async function hydrate(q: Queryable, rows: DeploymentRow[], parts?: Awaited<ReturnType<typeof partsOf>>): Promise<DeploymentDto[]> {
  if (rows.length === 0) return [];
  const [phases, releases] = parts ?? (await partsOf(q, rows.map((r) => r.id)));
  return rows.map((d) =>
    deploymentDto(
      d,
      phases.filter((p) => p.deployment_id === d.id),
      releases.filter((r) => r.deployment_id === d.id),
    ),
  );
}

export async function getDeployment(q: Queryable, id: string): Promise<DeploymentDto | null> {
  return (await getDeployments(q, [id])).get(id) ?? null;
}

/** Several deployments by id (an unknown one is left out); its three statements are sent at once. */
export async function getDeployments(q: Queryable, ids: readonly string[]): Promise<Map<string, DeploymentDto>> {
  // All three side by side: the ids are known.
  const [rows, parts] = await Promise.all([q.query<DeploymentRow>(`SELECT ${DEPLOYMENT_COLUMNS} FROM deployments WHERE id = ANY($1::text[])`, [ids]), partsOf(q, ids)]);
  return new Map((await hydrate(q, rows, parts)).map((d) => [d.id, d]));
}

export async function findDeploymentId(q: Queryable, by: { buildId?: string; idempotencyKey?: string }): Promise<string | null> {
  const [row] = by.buildId
    ? await q.query<{ id: string }>('SELECT id FROM deployments WHERE build_id = $1', [by.buildId])
    : await q.query<{ id: string }>('SELECT id FROM deployments WHERE idempotency_key = $1', [by.idempotencyKey]);
  return row?.id ?? null;
}

/** The deployments these buildIds made, by buildId, with the digests of the requests they came with. */
export async function findBuildDeployments(q: Queryable, buildIds: readonly string[]): Promise<Map<string, { id: string; requestDigest: Record<string, string> | null }>> {
  const rows = await q.query<{ id: string; build_id: string; request_digest: Record<string, string> | null }>(
    'SELECT id, build_id, request_digest FROM deployments WHERE build_id = ANY($1::text[])',
    [buildIds],
  );
  return new Map(rows.map((row) => [row.build_id, { id: row.id, requestDigest: row.request_digest }]));
}

/** The deployment a buildId or Idempotency-Key made, with the digest of the request it came with (null: made before digests). */
export async function findKeyedDeployment(q: Queryable, by: { buildId?: string; idempotencyKey?: string }): Promise<{ id: string; requestDigest: Record<string, string> | null } | null> {
  const [row] = by.buildId
    ? await q.query<{ id: string; request_digest: Record<string, string> | null }>('SELECT id, request_digest FROM deployments WHERE build_id = $1', [by.buildId])
    : await q.query<{ id: string; request_digest: Record<string, string> | null }>('SELECT id, request_digest FROM deployments WHERE idempotency_key = $1', [by.idempotencyKey]);
  return row ? { id: row.id, requestDigest: row.request_digest } : null;
}

export interface DeploymentFilter {
  service?: string;
  team?: string;
  status?: string;
  environment?: string;
  /** Free text: service, version, build id or deployment id. */
  q?: string;
  limit: number;
  /** The `seq` of the last item of the previous page. */
  before?: number;
}

export async function listDeployments(q: Queryable, f: DeploymentFilter): Promise<{ items: DeploymentDto[]; nextCursor: number | null }> {
  const where: string[] = [];
  const values: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    values.push(value);
    where.push(sql.replaceAll('?', `$${values.length}`));
  };
  if (f.service) add('service = ?', f.service);
  if (f.team) add('team = ?', f.team);
  if (f.status) add('status = ?', f.status);
  if (f.environment) add('EXISTS (SELECT 1 FROM phases p WHERE p.deployment_id = deployments.id AND p.environment = ?)', f.environment);
  if (f.q) add("(service ILIKE ? OR version ILIKE ? OR build_id ILIKE ? OR id ILIKE ?)", `%${f.q.replace(/[\\%_]/g, '\\$&')}%`);
  if (f.before !== undefined) add('seq < ?', f.before);
  values.push(f.limit + 1);
  const rows = await q.query<DeploymentRow>(
    `SELECT ${DEPLOYMENT_COLUMNS} FROM deployments ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY seq DESC LIMIT $${values.length}`,
    values,
  );
  const page = rows.slice(0, f.limit);
  const nextCursor = rows.length > f.limit ? page[page.length - 1].seq : null;
  return { items: await hydrate(q, page), nextCursor };
}
