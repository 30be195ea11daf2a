/**
 * What phase gates are evaluated on: approvals, change cases and change freezes.
 */
import type { ApprovalFact, ChangeCaseFact, FreezeFact } from '../core/gates.ts';
import type { ChangeCaseStatus } from '../core/lifecycle.ts';
import { allInOrder, type Queryable } from './db.ts';

// ---------------------------------------------------------------------------------------------
// Approvals

interface ApprovalRow {
  id: string;
  deployment_id: string;
  phase_id: string;
  decided_by: string;
  decision: 'approve' | 'reject';
  comment: string | null;
  decided_at: Date;
}

const approvalFact = (r: ApprovalRow): ApprovalFact => ({ by: r.decided_by, decision: r.decision, comment: r.comment, at: r.decided_at.toISOString() });

/** Records a decision; false when this person already decided on the phase. */
export async function insertApproval(
  tx: Queryable,
  a: { id: string; deploymentId: string; phaseId: string; by: string; decision: 'approve' | 'reject'; comment: string | null },
  now: Date,
): Promise<boolean> {
  const rows = await tx.query(
    `INSERT INTO approvals (id, deployment_id, phase_id, decided_by, decision, comment, decided_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (phase_id, decided_by) DO NOTHING RETURNING id`,
    [a.id, a.deploymentId, a.phaseId, a.by, a.decision, a.comment, now],
  );
  return rows.length > 0;
}

// ---------------------------------------------------------------------------------------------
// Change cases

export interface ChangeCaseRecord {
  id: string;
  provider: string;
  externalId: string | null;
  number: string | null;
  deploymentId: string;
  phaseId: string;
  queue: string;
  service: string;
  environment: string;
  isGov: boolean;
  summary: string;
  description: string;
  status: ChangeCaseStatus;
  statusDetail: string | null;
  deployWindow: { start: string; end: string } | null;
  outcome: string | null;
  createdAt: string;
  updatedAt: string;
  history: { from: string | null; to: string; by: string; at: string; comment: string | null }[];
}

interface ChangeCaseRow {
  id: string; provider: string; external_id: string | null; number: string | null; deployment_id: string; phase_id: string; queue: string;
  service: string; environment: string; is_gov: boolean; summary: string; description: string; status: ChangeCaseStatus; status_detail: string | null;
  deploy_window_start: Date | null; deploy_window_end: Date | null; outcome: string | null; created_at: Date; updated_at: Date;
  history: ChangeCaseRecord['history'];
}

function changeCase(r: ChangeCaseRow): ChangeCaseRecord {
  return {
    id: r.id,
    provider: r.provider,
    externalId: r.external_id,
    number: r.number,
    deploymentId: r.deployment_id,
    phaseId: r.phase_id,
    queue: r.queue,
    service: r.service,
    environment: r.environment,
    isGov: r.is_gov,
    summary: r.summary,
    description: r.description,
    status: r.status,
    statusDetail: r.status_detail,
    deployWindow: r.deploy_window_start && r.deploy_window_end ? { start: r.deploy_window_start.toISOString(), end: r.deploy_window_end.toISOString() } : null,
    outcome: r.outcome,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    history: r.history,
  };
}

export const caseFact = (c: ChangeCaseRecord): ChangeCaseFact => ({
  id: c.id, number: c.number, status: c.status, deployWindow: c.deployWindow, createdAt: c.createdAt,
});

export async function insertChangeCase(
  tx: Queryable,
  c: Pick<ChangeCaseRecord, 'id' | 'provider' | 'deploymentId' | 'phaseId' | 'queue' | 'service' | 'environment' | 'isGov' | 'summary' | 'description'>,
  now: Date,
): Promise<ChangeCaseRecord> {
  const [row] = await tx.query<ChangeCaseRow>(
    `INSERT INTO change_cases (id, provider, deployment_id, phase_id, queue, service, environment, is_gov, summary, description, status,
       created_at, updated_at, history)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'new', $11, $11, $12) RETURNING *`,
    [c.id, c.provider, c.deploymentId, c.phaseId, c.queue, c.service, c.environment, c.isGov, c.summary, c.description, now,
      JSON.stringify([{ from: null, to: 'new', by: 'dcp', at: now.toISOString(), comment: null }])],
  );
  return changeCase(row);
}

export async function getChangeCase(q: Queryable, id: string, forUpdate = false): Promise<ChangeCaseRecord | null> {
  const [row] = await q.query<ChangeCaseRow>(`SELECT * FROM change_cases WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  return row ? changeCase(row) : null;
}

/** Where a page of a newest-first list ends: the last item's time (ISO 8601) and id. */
export type TimeKey = [string, string];

export async function listChangeCases(
  q: Queryable,
  filter: { deploymentId?: string; status?: string; limit: number; before?: TimeKey },
): Promise<{ items: ChangeCaseRecord[]; next: TimeKey | null }> {
  const rows = await q.query<ChangeCaseRow & KeyTime>(
    `SELECT *, ${keyTime('created_at')} FROM change_cases WHERE ($1::text IS NULL OR deployment_id = $1) AND ($2::text IS NULL OR status = $2)
        AND ($4::timestamptz IS NULL OR (created_at, id) < ($4::timestamptz, $5::text))
      ORDER BY created_at DESC, id DESC LIMIT $3`,
    [filter.deploymentId ?? null, filter.status ?? null, filter.limit + 1, filter.before?.[0] ?? null, filter.before?.[1] ?? null],
  );
  return newestFirstPage(rows, filter.limit, changeCase);
}

interface KeyTime {
  key_time: string;
}
/** The key's time as text to the microsecond (a JavaScript Date would lose a timestamp's microseconds, and a page's edge with them). */
function keyTime(column: string): string {
  return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS key_time`;
}

function newestFirstPage<R extends { id: string } & KeyTime, T>(rows: R[], limit: number, item: (row: R) => T): { items: T[]; next: TimeKey | null } {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  const last = kept[kept.length - 1];
  return { items: kept.map(item), next: more ? [last.key_time, last.id] : null };
}

export async function changeCasesOf(q: Queryable, deploymentId: string): Promise<ChangeCaseRecord[]> {
  const rows = await q.query<ChangeCaseRow>('SELECT * FROM change_cases WHERE deployment_id = $1 ORDER BY created_at', [deploymentId]);
  return rows.map(changeCase);
}

/** Moves a case (guarded on its current status); returns the updated case, or null if it moved meanwhile. */
export async function moveChangeCase(
  tx: Queryable,
  id: string,
  move: { from: ChangeCaseStatus; to: ChangeCaseStatus; by: string; comment: string | null; deployWindow?: { start: Date; end: Date } | null; statusDetail?: string | null; outcome?: string },
  now: Date,
): Promise<ChangeCaseRecord | null> {
  const entry = JSON.stringify([{ from: move.from, to: move.to, by: move.by, at: now.toISOString(), comment: move.comment }]);
  const [row] = await tx.query<ChangeCaseRow>(
    `UPDATE change_cases SET status = $3, updated_at = $4, history = history || $5::jsonb,
        deploy_window_start = CASE WHEN $6::boolean THEN $7::timestamptz ELSE deploy_window_start END,
        deploy_window_end = CASE WHEN $6::boolean THEN $8::timestamptz ELSE deploy_window_end END,
        status_detail = COALESCE($9, status_detail), outcome = COALESCE($10, outcome)
      WHERE id = $1 AND status = $2 RETURNING *`,
    [id, move.from, move.to, now, entry, move.deployWindow !== undefined, move.deployWindow?.start ?? null, move.deployWindow?.end ?? null,
      move.statusDetail ?? null, move.outcome ?? null],
  );
  return row ? changeCase(row) : null;
}

export async function setChangeCaseExternal(tx: Queryable, id: string, externalId: string, number: string | null): Promise<void> {
  await tx.query('UPDATE change_cases SET external_id = $2, number = COALESCE($3, number) WHERE id = $1', [id, externalId, number]);
}

/** A provider-side change that is not a move (a new window on an approved case, new wording). */
export async function refreshChangeCase(tx: Queryable, id: string, r: { deployWindow: { start: Date; end: Date } | null; statusDetail: string | null }, now: Date): Promise<void> {
  await tx.query(
    'UPDATE change_cases SET deploy_window_start = $2, deploy_window_end = $3, status_detail = $4, updated_at = $5 WHERE id = $1',
    [id, r.deployWindow?.start ?? null, r.deployWindow?.end ?? null, r.statusDetail, now],
  );
}

/** Says why a case is not as expected (a provider refused it); not a move. */
export async function setChangeCaseDetail(tx: Queryable, id: string, statusDetail: string, now: Date): Promise<void> {
  await tx.query('UPDATE change_cases SET status_detail = $2, updated_at = $3 WHERE id = $1', [id, statusDetail, now]);
}

// ---------------------------------------------------------------------------------------------
// Change freezes

export interface FreezeRecord {
  id: string;
  environments: string[];
  startsAt: string;
  endsAt: string | null;
  reason: string;
  createdBy: string;
  createdAt: string;
  liftedAt: string | null;
  liftedBy: string | null;
}

interface FreezeRow {
  id: string; environments: string[]; starts_at: Date; ends_at: Date | null; reason: string; created_by: string; created_at: Date;
  lifted_at: Date | null; lifted_by: string | null;
}

function freeze(r: FreezeRow): FreezeRecord {
  return {
    id: r.id,
    environments: r.environments,
    startsAt: r.starts_at.toISOString(),
    endsAt: r.ends_at?.toISOString() ?? null,
    reason: r.reason,
    createdBy: r.created_by,
    createdAt: r.created_at.toISOString(),
    liftedAt: r.lifted_at?.toISOString() ?? null,
    liftedBy: r.lifted_by,
  };
}

export const freezeFact = (f: FreezeRecord): FreezeFact => ({ id: f.id, reason: f.reason, startsAt: f.startsAt, endsAt: f.endsAt });

export async function insertFreeze(
  tx: Queryable,
  f: { id: string; environments: string[]; startsAt: Date; endsAt: Date | null; reason: string; by: string },
  now: Date,
): Promise<FreezeRecord> {
  const [row] = await tx.query<FreezeRow>(
    `INSERT INTO freezes (id, environments, starts_at, ends_at, reason, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
    [f.id, f.environments, f.startsAt, f.endsAt, f.reason, f.by, now],
  );
  return freeze(row);
}

export async function getFreeze(q: Queryable, id: string): Promise<FreezeRecord | null> {
  const [row] = await q.query<FreezeRow>('SELECT * FROM freezes WHERE id = $1', [id]);
  return row ? freeze(row) : null;
}

/** Freezes, newest first; `current` keeps those not lifted and not ended at `now`. */
export async function listFreezes(q: Queryable, opts: { current: boolean; now: Date; limit: number; before?: TimeKey }): Promise<{ items: FreezeRecord[]; next: TimeKey | null }> {
  const rows = await q.query<FreezeRow & KeyTime>(
    `SELECT *, ${keyTime('starts_at')} FROM freezes WHERE (NOT $1::boolean OR (lifted_at IS NULL AND (ends_at IS NULL OR ends_at > $2)))
        AND ($4::timestamptz IS NULL OR (starts_at, id) < ($4::timestamptz, $5::text))
      ORDER BY starts_at DESC, id DESC LIMIT $3`,
    [opts.current, opts.now, opts.limit + 1, opts.before?.[0] ?? null, opts.before?.[1] ?? null],
  );
  return newestFirstPage(rows, opts.limit, freeze);
}

export async function liftFreeze(tx: Queryable, id: string, by: string, now: Date): Promise<FreezeRecord | null> {
  const [row] = await tx.query<FreezeRow>(
    'UPDATE freezes SET lifted_at = $2, lifted_by = $3 WHERE id = $1 AND lifted_at IS NULL RETURNING *',
    [id, now, by],
  );
  return row ? freeze(row) : null;
}

/** Freezes covering any of `environments` that have not ended by `now` (active or scheduled). */
export async function freezesCovering(q: Queryable, environments: string[], now: Date): Promise<FreezeRecord[]> {
  if (environments.length === 0) return [];
  const rows = await q.query<FreezeRow>(
    `SELECT * FROM freezes WHERE lifted_at IS NULL AND (ends_at IS NULL OR ends_at > $2) AND environments && $1::text[]
      ORDER BY starts_at`,
    [environments, now],
  );
  return rows.map(freeze);
}

/** Deployments with a phase waiting on prerequisites in one of `environments`. */
export async function deploymentsAwaiting(q: Queryable, environments: string[]): Promise<string[]> {
  const rows = await q.query<{ deployment_id: string }>(
    'SELECT DISTINCT deployment_id FROM phases WHERE awaiting_in = ANY($1::text[])',
    [environments],
  );
  return rows.map((r) => r.deployment_id);
}

// ---------------------------------------------------------------------------------------------
// The facts of one deployment's phases

export interface DeploymentGateFacts {
  approvalsByPhase: Map<string, ApprovalFact[]>;
  caseByPhase: Map<string, ChangeCaseFact>;
  freezesByEnvironment: Map<string, FreezeFact[]>;
}

/**
 * The gate facts of deployments' phases, by deployment: one query per kind of fact for all of
 * them (approvals, change cases, freezes), and only for the kinds their policies ask for.
 */
export async function loadGateFacts(
  q: Queryable,
  deployments: readonly { id: string; phases: { environment: string; freezable: boolean; approvals: boolean; changeCase: boolean }[] }[],
  now: Date,
): Promise<Map<string, DeploymentGateFacts>> {
  const all = new Map<string, DeploymentGateFacts>(deployments.map((d) => [d.id, { approvalsByPhase: new Map(), caseByPhase: new Map(), freezesByEnvironment: new Map() }]));
  const approving = deployments.filter((d) => d.phases.some((p) => p.approvals)).map((d) => d.id);
  const casing = deployments.filter((d) => d.phases.some((p) => p.changeCase)).map((d) => d.id);
  const freezable = [...new Set(deployments.flatMap((d) => d.phases.filter((p) => p.freezable).map((p) => p.environment)))];
  // Side by side (a pipelined connection: one round trip); all waited for before a failure is thrown.
  const [approvals, cases, freezes] = await allInOrder<unknown>([
    approving.length > 0 ? q.query<ApprovalRow>('SELECT * FROM approvals WHERE deployment_id = ANY($1::text[]) ORDER BY decided_at, id', [approving]) : Promise.resolve([]),
    casing.length > 0 ? q.query<ChangeCaseRow>('SELECT * FROM change_cases WHERE deployment_id = ANY($1::text[]) ORDER BY created_at', [casing]) : Promise.resolve([]),
    freezesCovering(q, freezable, now),
  ]) as [ApprovalRow[], ChangeCaseRow[], FreezeRecord[]];
  for (const r of approvals) {
    const facts = all.get(r.deployment_id)!;
    facts.approvalsByPhase.set(r.phase_id, [...(facts.approvalsByPhase.get(r.phase_id) ?? []), approvalFact(r)]);
  }
  for (const c of cases.map(changeCase)) all.get(c.deploymentId)!.caseByPhase.set(c.phaseId, caseFact(c));
  for (const d of deployments) {
    const facts = all.get(d.id)!;
    const mine = new Set(d.phases.filter((p) => p.freezable).map((p) => p.environment));
    // A freeze covering one of its freezable environments (as if read for this deployment alone).
    for (const f of freezes.filter((f) => f.environments.some((env) => mine.has(env)))) {
      for (const env of f.environments) facts.freezesByEnvironment.set(env, [...(facts.freezesByEnvironment.get(env) ?? []), freezeFact(f)]);
    }
  }
  return all;
}
