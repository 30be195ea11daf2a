/**
 * The domain of DCP, in the user guide's words.
 *
 * Glossary
 * - Service: a deployable component, keyed by its component name. Belongs to one Team.
 * - Team: owns services; has Slack settings and a change-case queue.
 * - Environment: a stage (dev, stage, prod, gov-prod) with a policy of checks and prerequisites.
 * - Channel: a named set of targets (stable, edge); comes with the build event.
 * - Target: one cluster in one environment of one channel.
 * - Strategy: an ordered progression of environments.
 * - Deployment: one artifact manifest going through a series of Phases.
 * - Phase: all releases to the targets of one environment; phases run one after another.
 * - Release: one Helm release of the artifact to one target; releases of a phase run concurrently.
 * - Check: an automatic test a phase must pass; a failure cancels the phase.
 * - Prerequisite: a gate the phase waits on (approvals, change case, freeze, window, bake time).
 *
 * This module is pure data: no I/O, no clock.
 */

export const DEPLOYMENT_STATUSES = ['Pending', 'Scanning', 'Scanned', 'InProgress', 'Completed', 'Failed', 'Cancelled'] as const;
export type DeploymentStatus = (typeof DEPLOYMENT_STATUSES)[number];

export const PHASE_STATUSES = ['Pending', 'Checking', 'AwaitingPrerequisites', 'Deploying', 'Completed', 'Failed', 'Cancelled', 'Skipped'] as const;
export type PhaseStatus = (typeof PHASE_STATUSES)[number];

export const RELEASE_STATUSES = ['Pending', 'Deploying', 'Succeeded', 'Failed', 'Cancelled', 'Skipped'] as const;
export type ReleaseStatus = (typeof RELEASE_STATUSES)[number];

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

// ---------------------------------------------------------------------------------------------
// Configuration (contract §2): what `channels.yaml`, `environments.yaml` and `catalog/` hold.

export interface TargetSpec {
  cluster: string;
  region: string;
  kubeContext?: string;
  namespace?: string;
  cpcEndpoint?: string;
  labels?: Record<string, string>;
}

/** A target as imported: one cluster of one environment of one channel. */
export interface Target extends TargetSpec {
  channel: string;
  environment: string;
}

export interface HttpCheckSpec {
  name: string;
  type: 'http';
  url: string;
  expectStatus?: number;
  jsonPath?: string;
  equals?: unknown;
  timeoutMs?: number;
}

export interface PrometheusCheckSpec {
  name: string;
  type: 'prometheus';
  url: string;
  query: string;
  op: '<' | '<=' | '>' | '>=' | '==';
  threshold: number;
}

export interface ScanCheckSpec {
  name: string;
  type: 'scan';
  maxSeverity: Severity;
}

export type CheckSpec = HttpCheckSpec | PrometheusCheckSpec | ScanCheckSpec;

export interface WindowSpec {
  timezone: string;
  /** Lower-case three-letter day names: mon, tue, … */
  days: string[];
  /** "HH:MM-HH:MM" in the window's timezone. */
  hours: string;
}

/** An environment's policy; each phase carries a snapshot of it taken at planning time. */
export interface EnvironmentPolicy {
  name: string;
  /** The GOV counterpart planned for isGov services. */
  gov?: string;
  /** A GOV environment: planned only for isGov services. */
  isGov: boolean;
  checks: CheckSpec[];
  /**
   * `required` approvals from distinct people among `approvers` (`team`: the owning team's
   * members; `group:NAME`; `user:NAME`); the person who triggered the deployment may approve it
   * only with `allowSelfApproval`.
   */
  approvals?: { required: number; approvers: string[]; allowSelfApproval?: boolean };
  changeCase?: { required: boolean; timeoutMs: number };
  freezable: boolean;
  windows?: WindowSpec[];
  bakeTime?: { environment: string; durationMs: number };
}

// Catalog provenance (contract §12; core/catalog.ts merges the sources).

/** Where one fact came from, and where to correct it. */
export interface Origin {
  /** The source's name: `config`, `backstage`, `github`. */
  source: string;
  /** The entity ref, `kind:namespace/name` (lower-case kind), or the file for a GOV marking. */
  ref: string;
  /** The file that holds it (config folder path, or `repo/catalog-info.yaml`), when known. */
  file?: string;
  line?: number;
  /** Where a person corrects it: the Backstage entity page, the file on GitHub; null when there is no page (the config folder: `file`). */
  editUrl: string | null;
}

export type OwnerStatus = 'resolved' | 'derived' | 'unknown';

export interface ServiceOwner {
  /** `spec.owner` as the source wrote it. */
  ref: string;
  status: OwnerStatus;
  /** For `derived`: the user whose first team it is (`user:default/guest`). */
  via?: string;
}

/** Where each fact of a team or service came from, by field (`entity`, `team`, `isGov`, `slack`, …). */
export type Provenance = Record<string, Origin>;

export interface Team {
  name: string;
  title?: string;
  slack: { workspace?: string; channel?: string };
  changeCaseQueue: string;
  members: string[];
  /** Where each fact came from (catalog sources, contract §12); set once imported. */
  provenance?: Provenance;
  /** Where the config folder's reader found it. */
  origin?: Origin;
}

export interface Service {
  name: string;
  team: string;
  isGov: boolean;
  lifecycle?: string;
  annotations: Record<string, string>;
  /** How the owning team was found (catalog sources); absent: `team` as written. */
  owner?: ServiceOwner;
  /** When the service left every catalog source (ISO time); absent: in a source. Retired services are not built. */
  retiredAt?: string;
  provenance?: Provenance;
  origin?: Origin;
}

/** Everything one import of the config folder yields; validated as a whole. */
/** A person, from the catalog: a Backstage `User` entity, or a name in a team's `members`. */
export interface User {
  name: string;
  email?: string;
  displayName?: string;
  /** The groups (teams among them) the person belongs to: `memberOf`, and the teams listing them. */
  groups: string[];
  origin?: Origin;
}

export interface ConfigSnapshot {
  /** channel -> environment -> targets */
  channels: Record<string, Record<string, TargetSpec[]>>;
  environments: EnvironmentPolicy[];
  /** strategy -> ordered environment names */
  strategies: Record<string, string[]>;
  teams: Team[];
  services: Service[];
  users: User[];
  /** Who administers DCP (`access.yaml`): `user:NAME` (or a bare name) and `group:NAME` entries. */
  admins: string[];
}

// ---------------------------------------------------------------------------------------------
// Build events and deployments (contract §3, §4).

export interface ArtifactManifest {
  name: string;
  version: string;
  images: { name: string; digest?: string; tag?: string }[];
  charts: { name: string; version: string; repository?: string }[];
  annotations: Record<string, string>;
}

export interface SourceInfo {
  repository?: string;
  commit?: string;
  branch?: string;
}

export interface ScanFindings {
  /** severity -> number of findings */
  counts: Partial<Record<Severity, number>>;
}

export interface OmittedEnvironment {
  environment: string;
  reason: string;
}

export const CHECK_TYPES = ['http', 'prometheus', 'scan'] as const satisfies readonly CheckSpec['type'][];

export const CHECK_STATUSES = ['Pending', 'Passed', 'Failed', 'NotEvaluated'] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

export interface CheckResult {
  name: string;
  type: CheckSpec['type'];
  status: CheckStatus;
  detail: string | null;
}
