/**
 * Deployment use cases: a build event, a manual deployment, a clone, a cancel, a plan preview,
 * and the reads. Routes and the CLI call these; they never touch SQL themselves.
 */
import { ConflictError, NotFoundError } from '../core/errors.ts';
import { isTerminalDeployment } from '../core/lifecycle.ts';
import { plan, type Plan } from '../core/planner.ts';
import type { ArtifactManifest, ConfigSnapshot, SourceInfo } from '../core/types.ts';
import { sqlState, type Db } from '../store/db.ts';
import { loadConfig, latestImport } from '../store/catalog.ts';
import { catalogGeneration } from '../store/catalog-sources.ts';
import * as reads from '../store/deployment-reads.ts';
import type { Engine } from '../engine/engine.ts';
import type { IdGenerator } from '../shared/ids.ts';
import type { AuditService, Caller } from './audit.ts';
import { authorize, signedIn } from './auth.ts';
import { findRepeat, requestDigest } from './idempotency.ts';
import { batched } from '../shared/batch.ts';

export interface BuildEvent {
  buildId: string;
  component: string;
  channel: string;
  strategy: string;
  artifactManifest: ArtifactManifest;
  source?: SourceInfo;
  triggeredBy?: string;
}

export interface ManualDeploymentRequest {
  component: string;
  channel: string;
  strategy: string;
  artifactManifest: ArtifactManifest;
  environments?: string[];
  source?: SourceInfo;
  reason?: string;
}

export interface PlanDto {
  service: string;
  team: string;
  channel: string;
  strategy: string;
  phases: { environment: string; isGov: boolean; policy: Plan['phases'][number]['policy']; targets: Plan['phases'][number]['targets'] }[];
  omittedEnvironments: Plan['omittedEnvironments'];
}

/**
 * Every write takes the `Caller`: it is authorized on the deployment's team (core/access.ts) and
 * audited in the transaction that makes the change.
 */
export interface DeploymentService {
  submitBuild(build: BuildEvent, caller: Caller): Promise<{ created: boolean; deployment: reads.DeploymentDto }>;
  createManual(request: ManualDeploymentRequest, caller: Caller, idempotencyKey?: string): Promise<{ created: boolean; deployment: reads.DeploymentDto }>;
  clone(id: string, options: { environments?: string[] }, caller: Caller): Promise<reads.DeploymentDto>;
  cancel(id: string, caller: Caller, reason?: string): Promise<reads.DeploymentDto>;
  preview(request: { component: string; channel: string; strategy: string; environments?: string[] }): Promise<PlanDto>;
  get(id: string): Promise<reads.DeploymentDto>;
  list(filter: reads.DeploymentFilter): Promise<{ items: reads.DeploymentDto[]; nextCursor: number | null }>;
}

export function createDeploymentService(deps: { db: Db; ids: IdGenerator; engine: Engine; audit: AuditService }): DeploymentService {
  const { db, ids } = deps;
  // The planner reads the config in force; it changes only on an import or a catalog sync, so cache it per both.
  let cached: { key: string; config: ConfigSnapshot } | undefined;
  // Requests at once share their reads (builds posted together: one read of each kind, not one each).
  const configVersion = batched(async (keys: 'current'[]) => {
    const [latest, generation] = await Promise.all([latestImport(db), catalogGeneration(db)]);
    return new Map(keys.map((k) => [k, latest ? `${latest.id}:${generation}` : null]));
  });
  /** The config in force; `version` when its version was asked for already. */
  async function config(version = configVersion('current')): Promise<ConfigSnapshot> {
    const key = await version;
    if (!key) throw new ConflictError('no config has been imported yet');
    if (cached?.key !== key) cached = { key, config: await loadConfig(db) };
    return cached.config;
  }
  const byId = batched((ids: string[]) => reads.getDeployments(db, ids));
  const byBuild = batched((buildIds: string[]) => reads.findBuildDeployments(db, buildIds));
  const findKeyed: typeof reads.findKeyedDeployment = async (q, by) => (by.buildId ? (await byBuild(by.buildId)) ?? null : reads.findKeyedDeployment(q, by));

  async function get(id: string): Promise<reads.DeploymentDto> {
    const dto = await byId(id);
    if (!dto) throw new NotFoundError(`no deployment with id ${id}`);
    return dto;
  }

  interface Creation {
    buildId: string | null;
    idempotencyKey: string | null;
    component: string;
    channel: string;
    strategy: string;
    artifactManifest: ArtifactManifest;
    source: SourceInfo | null;
    reason: string | null;
    triggeredBy: string;
    clonedFrom: string | null;
    environments?: string[];
    caller: Caller;
    /** What the caller must be allowed to do to the service's team. */
    action: 'builds:submit' | 'deployments:create';
    /** Of the keyed request (buildId or Idempotency-Key), to tell a repeat from a reuse; null otherwise. */
    requestDigest: Record<string, string> | null;
  }

  /** Plans and stores a deployment, then starts it — one transaction; a plan error stores nothing. */
  async function create(c: Creation, version?: Promise<string | null | undefined>): Promise<{ created: boolean; deployment: reads.DeploymentDto }> {
    const p = plan(await config(version), { component: c.component, channel: c.channel, strategy: c.strategy, environments: c.environments });
    authorize(c.caller.principal, c.action, { team: p.service.team });
    const id = ids();
    let applied: { read?: reads.DeploymentDto } | undefined;
    try {
      applied = await deps.engine.apply(id, { type: 'start' }, {
        creates: {
          id,
          buildId: c.buildId,
          idempotencyKey: c.idempotencyKey,
          service: p.service.name,
          team: p.service.team,
          channel: c.channel,
          strategy: c.strategy,
          artifactManifest: c.artifactManifest,
          source: c.source,
          reason: c.reason,
          triggeredBy: c.triggeredBy,
          clonedFrom: c.clonedFrom,
          requestDigest: c.requestDigest,
          omittedEnvironments: p.omittedEnvironments,
          phases: p.phases.map((phase) => ({
            id: ids(),
            environment: phase.environment,
            isGov: phase.isGov,
            policy: phase.policy,
            releases: phase.targets.map((target) => ({ id: ids(), target })),
          })),
        },
        // The engine inserts the deployment (a duplicate's 23505 is the failure thrown); its audit record beside it.
        async before(tx, now, events) {
          await deps.audit.record(tx, c.caller, `deployments/${id}`, { service: p.service.name, version: c.artifactManifest.version });
          events.push({
            id: ids(),
            type: 'DeploymentCreated',
            time: now,
            data: {
              deploymentId: id, to: 'Pending', statusDetail: 'Created', service: p.service.name, version: c.artifactManifest.version,
              buildId: c.buildId, triggeredBy: c.triggeredBy, environments: p.phases.map((phase) => phase.environment),
            },
          });
        },
      });
    } catch (error) {
      // The same build or idempotency key raced us in: answer with the deployment it made (409 if another request made it).
      if (sqlState(error) === '23505' && c.requestDigest) {
        const existing = await findRepeat(db, c.buildId ? { buildId: c.buildId } : { idempotencyKey: c.idempotencyKey! }, c.requestDigest, findKeyed);
        if (existing) return repeat(existing, c.caller, c.action);
      }
      throw error;
    }
    // As the transaction that made it left it (built from what it wrote: no read, before or after the commit).
    return { created: true, deployment: applied.read ?? (await get(id)) };
  }

  /** An idempotent repeat: the first deployment, for a caller allowed to have made it. */
  async function repeat(id: string, caller: Caller, action: 'builds:submit' | 'deployments:create'): Promise<{ created: false; deployment: reads.DeploymentDto }> {
    const deployment = await get(id);
    authorize(caller.principal, action, { team: deployment.team });
    return { created: false, deployment };
  }

  return {
    async submitBuild(build, caller) {
      const digest = requestDigest(build);
      // The config's version is read meanwhile (create needs it; a repeat does not mind).
      const version = configVersion('current');
      version.catch(() => undefined);
      const existing = await findRepeat(db, { buildId: build.buildId }, digest, findKeyed);
      if (existing) return repeat(existing, caller, 'builds:submit');
      return create({
        buildId: build.buildId,
        idempotencyKey: null,
        component: build.component,
        channel: build.channel,
        strategy: build.strategy,
        artifactManifest: build.artifactManifest,
        source: build.source ?? null,
        reason: null,
        triggeredBy: build.triggeredBy ?? 'ci',
        clonedFrom: null,
        caller,
        action: 'builds:submit',
        requestDigest: digest,
      }, version);
    },

    async createManual(request, caller, idempotencyKey) {
      const digest = idempotencyKey ? requestDigest(request) : null;
      if (idempotencyKey && digest) {
        const existing = await findRepeat(db, { idempotencyKey }, digest);
        if (existing) return repeat(existing, caller, 'deployments:create');
      }
      return create({
        buildId: null,
        idempotencyKey: idempotencyKey ?? null,
        component: request.component,
        channel: request.channel,
        strategy: request.strategy,
        artifactManifest: request.artifactManifest,
        source: request.source ?? null,
        reason: request.reason ?? null,
        triggeredBy: signedIn(caller).name,
        clonedFrom: null,
        environments: request.environments,
        caller,
        action: 'deployments:create',
        requestDigest: digest,
      });
    },

    async clone(id, options, caller) {
      const original = await get(id);
      const { deployment } = await create({
        buildId: null,
        idempotencyKey: null,
        component: original.service,
        channel: original.channel,
        strategy: original.strategy,
        artifactManifest: original.artifactManifest,
        source: original.source,
        reason: `Clone of ${original.id}`,
        triggeredBy: signedIn(caller).name,
        clonedFrom: original.id,
        environments: options.environments,
        caller,
        action: 'deployments:create',
        requestDigest: null,
      });
      return deployment;
    },

    async cancel(id, caller, reason) {
      const before = await get(id);
      const principal = authorize(caller.principal, 'deployments:cancel', { team: before.team });
      if (isTerminalDeployment(before.status)) {
        throw new ConflictError(`deployment ${id} is already ${before.status}; only a running deployment can be cancelled`);
      }
      const applied = await deps.engine.apply(id, { type: 'cancel', by: principal.name, reason }, {
        before: (tx) => deps.audit.record(tx, caller, `deployments/${id}`, reason ? { reason } : undefined),
      });
      if (applied.moves.length === 0 && applied.view && isTerminalDeployment(applied.view.status)) {
        throw new ConflictError(`deployment ${id} ended (${applied.view.status}) before it could be cancelled`);
      }
      return get(id);
    },

    async preview(request) {
      const p = plan(await config(), request);
      return {
        service: p.service.name,
        team: p.service.team,
        channel: p.channel,
        strategy: p.strategy,
        phases: p.phases.map((phase) => ({ environment: phase.environment, isGov: phase.isGov, policy: phase.policy, targets: phase.targets })),
        omittedEnvironments: p.omittedEnvironments,
      };
    },

    get,
    list: (filter) => reads.listDeployments(db, filter),
  };
}
