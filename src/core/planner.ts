/**
 * Planning (contract §4): which phases a deployment has, in which order, with which targets.
 *
 * 1. Phases follow the strategy's environment order; each takes the channel's targets for its
 *    environment. An environment without targets in the channel is left out, and the plan says so.
 * 2. For an isGov service each planned environment with a `gov:` counterpart adds a GOV phase;
 *    GOV phases come after all commercial phases, in their counterparts' order.
 * 3. Each phase carries a snapshot of its environment's policy: a frozen copy, made once per
 *    config snapshot and shared by every plan of it (a build posted costs no copy).
 * 4. `environments` (manual deployments and clones) picks a subset of that plan.
 */
import { unbuildableReason } from './catalog.ts';
import { UnplannableError, type FieldIssue } from './errors.ts';
import type { ConfigSnapshot, EnvironmentPolicy, OmittedEnvironment, Service, TargetSpec } from './types.ts';

export interface PlanRequest {
  component: string;
  channel: string;
  strategy: string;
  /** A subset of the planned environments (manual deployments, clones); all when absent. */
  environments?: string[];
}

export interface PlannedPhase {
  environment: string;
  isGov: boolean;
  policy: EnvironmentPolicy;
  targets: TargetSpec[];
}

export interface Plan {
  service: Service;
  channel: string;
  strategy: string;
  phases: PlannedPhase[];
  omittedEnvironments: OmittedEnvironment[];
}

/** A config snapshot's services by name, and its policies and targets as plans share them (frozen copies). */
interface Planning {
  services: Map<string, Service>;
  policies: Map<string, EnvironmentPolicy>;
  channels: ConfigSnapshot['channels'];
}
const planning = new WeakMap<ConfigSnapshot, Planning>();

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}

function planningOf(config: ConfigSnapshot): Planning {
  let of = planning.get(config);
  if (!of) {
    of = {
      services: new Map(config.services.map((s) => [s.name, s])),
      policies: new Map(config.environments.map((e) => [e.name, deepFreeze(structuredClone(e))])),
      channels: deepFreeze(structuredClone(config.channels)),
    };
    planning.set(config, of);
  }
  return of;
}

export function plan(config: ConfigSnapshot, request: PlanRequest): Plan {
  const issues: FieldIssue[] = [];
  const { services, policies, channels } = planningOf(config);
  const service = services.get(request.component);
  if (!service) issues.push({ field: 'component', message: `unknown component "${request.component}": no service of that name in the catalog` });
  // Owner unknown or retired (catalog sources, contract §12): listed, never built.
  const unbuildable = service ? unbuildableReason(service) : null;
  if (unbuildable) issues.push({ field: 'component', message: unbuildable });
  const channel = Object.hasOwn(channels, request.channel) ? channels[request.channel] : undefined;
  if (!channel) issues.push({ field: 'channel', message: `unknown channel "${request.channel}"; known: ${Object.keys(config.channels).join(', ')}` });
  const order = Object.hasOwn(config.strategies, request.strategy) ? config.strategies[request.strategy] : undefined;
  if (!order) issues.push({ field: 'strategy', message: `unknown strategy "${request.strategy}"; known: ${Object.keys(config.strategies).join(', ')}` });
  if (!service || unbuildable || !channel || !order) throw new UnplannableError(unbuildable ?? 'the build cannot be planned', issues);

  const phases: PlannedPhase[] = [];
  const govPhases: PlannedPhase[] = [];
  const omitted: OmittedEnvironment[] = [];

  /** Plans the environment; whether it was planned. */
  const consider = (name: string, into: PlannedPhase[]): boolean => {
    const policy = policies.get(name);
    if (!policy) {
      omitted.push({ environment: name, reason: 'not defined in environments.yaml' });
      return false;
    }
    const targets = (Object.hasOwn(channel, name) ? channel[name] : undefined) ?? [];
    if (targets.length === 0) {
      omitted.push({ environment: name, reason: `channel "${request.channel}" has no targets in ${name}` });
      return false;
    }
    into.push({ environment: name, isGov: policy.isGov, policy, targets });
    return true;
  };

  const seen = new Set<string>();
  for (const name of order) {
    const planned = consider(name, phases);
    const gov = policies.get(name)?.gov;
    // Only a planned environment adds its GOV counterpart, and each counterpart is planned once.
    if (!gov || seen.has(gov)) continue;
    seen.add(gov);
    if (!service.isGov) omitted.push({ environment: gov, reason: `${service.name} is not a GOV service` });
    else if (!planned) omitted.push({ environment: gov, reason: `its commercial counterpart ${name} is not planned` });
    else consider(gov, govPhases);
  }

  let all = [...phases, ...govPhases];
  if (request.environments) {
    const planned = new Set(all.map((p) => p.environment));
    request.environments.forEach((name, i) => {
      if (!planned.has(name)) {
        const why = omitted.find((o) => o.environment === name)?.reason ?? `not part of strategy "${request.strategy}"`;
        issues.push({ field: `environments[${i}]`, message: `environment "${name}" cannot be deployed: ${why}` });
      }
    });
    if (issues.length > 0) throw new UnplannableError('the requested environments cannot be planned', issues);
    const wanted = new Set(request.environments);
    for (const p of all) if (!wanted.has(p.environment)) omitted.push({ environment: p.environment, reason: 'not selected' });
    all = all.filter((p) => wanted.has(p.environment));
  }

  if (all.length === 0) {
    throw new UnplannableError('the plan has no phase', [
      request.environments
        ? { field: 'environments', message: 'select at least one environment' }
        : { field: 'strategy', message: `no environment of strategy "${request.strategy}" has targets in channel "${request.channel}"` },
    ]);
  }
  return { service, channel: request.channel, strategy: request.strategy, phases: all, omittedEnvironments: omitted };
}
