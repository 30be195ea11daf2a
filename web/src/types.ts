/** The shapes of the DCP API (v1) that the app reads; see /openapi.json. */

export type DeploymentStatus = 'Pending' | 'Scanning' | 'Scanned' | 'InProgress' | 'Completed' | 'Failed' | 'Cancelled';
export type PhaseStatus = 'Pending' | 'Checking' | 'AwaitingPrerequisites' | 'Deploying' | 'Completed' | 'Failed' | 'Cancelled' | 'Skipped';
export type ReleaseStatus = 'Pending' | 'Deploying' | 'Succeeded' | 'Failed' | 'Cancelled' | 'Skipped';
export type ChangeCaseStatus = 'new' | 'submitted' | 'scheduled-approved' | 'rejected' | 'closed';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Session {
  name: string;
  role: string;
}

export interface Image {
  name: string;
  digest?: string;
  tag?: string;
}

export interface Chart {
  name: string;
  version: string;
  repository?: string;
}

export interface ArtifactManifest {
  name: string;
  version: string;
  images: Image[];
  charts: Chart[];
  annotations?: Record<string, string>;
}

export interface Release {
  id: string;
  target: string;
  region: string;
  status: ReleaseStatus;
  statusDetail: string;
  updatedAt?: string;
  statusTimes?: Record<string, string>;
}

export interface Check {
  name: string;
  type: string;
  status: string;
  detail: string | null;
}

export interface Approval {
  by: string;
  decision: 'approve' | 'reject';
  comment: string | null;
  at: string;
}

export interface DeployWindow {
  start: string;
  end: string;
}

export interface Freeze {
  id: string;
  environments: string[];
  startsAt: string;
  endsAt: string | null;
  reason: string;
  createdBy?: string;
  createdAt?: string;
  liftedAt?: string | null;
  liftedBy?: string | null;
}

export interface Prerequisites {
  approvals: { required: number; approvers: string[]; received: Approval[]; rejectedBy: string | null; met: boolean } | null;
  changeCase:
    | { id: string; number: string | null; status: ChangeCaseStatus; deployWindow: DeployWindow | null; timesOutAt: string; met: boolean }
    | { id: null; status: 'creating'; met: false }
    | null;
  freeze: { met: boolean; freezes: Freeze[] } | null;
  window: { met: boolean; windows: { timezone: string; days: string[]; hours: string }[]; changesAt: string | null } | null;
  bakeTime: { environment: string; durationMs: number; applies: boolean; readyAt: string | null; met: boolean } | null;
}

export interface Phase {
  id: string;
  environment: string;
  isGov: boolean;
  status: PhaseStatus;
  statusDetail: string;
  checks: Check[];
  prerequisites: Prerequisites;
  releases: Release[];
  statusTimes?: Record<string, string>;
}

export interface OmittedEnvironment {
  environment: string;
  reason: string;
}

export interface Deployment {
  id: string;
  buildId: string | null;
  service: string;
  team: string;
  channel: string;
  strategy: string;
  version?: string;
  artifactManifest: ArtifactManifest;
  source?: { repository?: string; commit?: string; branch?: string } | null;
  reason?: string | null;
  triggeredBy: string;
  clonedFrom: string | null;
  status: DeploymentStatus;
  statusDetail: string;
  scanFindings?: { counts?: Record<string, number> } | null;
  createdAt: string;
  updatedAt: string;
  omittedEnvironments: OmittedEnvironment[];
  phases: Phase[];
}

export interface Target {
  channel: string;
  environment: string;
  cluster: string;
  region: string;
  kubeContext?: string;
  namespace?: string;
  cpcEndpoint?: string;
  labels?: Record<string, string>;
}

export interface Plan {
  service: string;
  team: string;
  channel: string;
  strategy: string;
  phases: { environment: string; isGov: boolean; targets: Target[] }[];
  omittedEnvironments: OmittedEnvironment[];
}

export interface Team {
  name: string;
  title?: string;
  changeCaseQueue: string;
  members?: string[];
  slack: { workspace?: string; channel?: string };
  notifications: { workspace: string | null; channel: string | null; source: 'catalog' | 'override'; updatedAt: string | null; updatedBy: string | null };
  services: string[];
}

export interface Service {
  name: string;
  team: string;
  isGov: boolean;
  lifecycle?: string;
}

export interface EnvironmentPolicy {
  name: string;
  isGov: boolean;
  gov?: string;
  freezable: boolean;
  checks: { name: string; type: string }[];
}

export interface Strategies {
  items: { name: string; environments: string[] }[];
  environments: EnvironmentPolicy[];
}

/** A CloudEvent from the event log or the live stream. */
export interface DcpEvent {
  id: string;
  type: string;
  time: string;
  subject: string;
  position: number;
  data: {
    deploymentId?: string;
    phaseId?: string;
    releaseId?: string;
    changeCaseId?: string;
    environment?: string;
    target?: string;
    from?: string | null;
    to?: string;
    statusDetail?: string;
  };
}
