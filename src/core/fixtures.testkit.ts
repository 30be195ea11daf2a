/**
 * The one fixture kit for core tests: deployments, phases, releases, policies and gate facts as a
 * new deployment has them, with only what a test cares about spelled out.
 *
 *   deploymentView('InProgress', phaseView('dev', 'Deploying', { 'dev-1': 'Deploying' }), …)
 *
 * By default a phase's id is its environment's name, a release's target is `<id>.cluster`, an
 * environment whose name starts with `gov-` is a GOV one, and a policy has no checks and no gates.
 */
import type { DeploymentView, PhaseView, ReleaseView } from './decide.ts';
import type { GateFacts } from './gates.ts';
import type { DeploymentStatus, EnvironmentPolicy, PhaseStatus, ReleaseStatus } from './types.ts';

export const isGovName = (environment: string): boolean => environment.startsWith('gov-');

/** An environment's policy with no checks and no prerequisites, plus `overrides`. */
export function policyFor(environment: string, overrides: Partial<EnvironmentPolicy> = {}): EnvironmentPolicy {
  return { name: environment, isGov: isGovName(environment), checks: [], freezable: false, ...overrides };
}

/** The facts of a phase nothing has happened to yet (no approval, no case, no freeze), plus `overrides`. */
export function gateFacts(overrides: Partial<GateFacts> = {}): GateFacts {
  return { approvals: [], changeCase: null, freezes: [], bakeReference: null, ...overrides };
}

export function releaseView(id: string, status: ReleaseStatus = 'Pending', target = `${id}.cluster`, touched = false): ReleaseView {
  return { id, target, status, statusDetail: '', touched };
}

/**
 * A phase of `environment`. `releases` maps release ids to their status (targets `<id>.cluster`),
 * or lists ReleaseViews; `overrides` sets anything else (id, policy, checks, gates, …).
 */
export function phaseView(
  environment: string,
  status: PhaseStatus = 'Pending',
  releases: Record<string, ReleaseStatus> | ReleaseView[] = {},
  overrides: Partial<PhaseView> = {},
): PhaseView {
  return {
    id: environment,
    environment,
    isGov: isGovName(environment),
    status,
    statusDetail: '',
    policy: policyFor(environment),
    checks: [],
    checkRound: 0,
    completedAt: null,
    gates: gateFacts(),
    releases: Array.isArray(releases) ? releases : Object.entries(releases).map(([id, s]) => releaseView(id, s)),
    ...overrides,
  };
}

export function deploymentView(status: DeploymentStatus, ...phases: PhaseView[]): DeploymentView {
  return { id: 'd1', service: 'payments-api', status, statusDetail: '', phases };
}

/**
 * A new deployment (everything Pending) of phases named `p0`, `p1`, … with `sizes[p]` releases
 * each (`p0r0`, `p0r1`, … on targets `<environment>-1`, …), as the property tests generate them.
 */
export function newDeployment(environments: readonly string[], sizes: readonly number[], policies: readonly EnvironmentPolicy[] = []): DeploymentView {
  return deploymentView(
    'Pending',
    ...sizes.map((size, p) => {
      const environment = environments[p];
      const releases = Array.from({ length: size }, (_, r) => releaseView(`p${p}r${r}`, 'Pending', `${environment}-${r + 1}`));
      return phaseView(environment, 'Pending', releases, { id: `p${p}`, policy: policies[p] ?? policyFor(environment) });
    }),
  );
}
