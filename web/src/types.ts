/**
 * The app's names for the shapes of the DCP API (v1). They are the generated ones
 * (api/schema.ts, from /openapi.json; `npm run gen:api`), never written by hand — except where the
 * OpenAPI document does not describe a field yet (it says `unknown` or "any object"): there
 * `Described<Generated, Local>` uses the local shape below, and switches to the generated one by
 * itself once the document describes the field (then the local shape can go).
 */
import type { components, paths } from './api/schema.ts';

type Schemas = components['schemas'];

/** The generated type when the document describes it; else the app's reading of it. */
type Described<Generated, Local> = unknown extends Generated ? Local : string extends keyof NonNullable<Generated> ? Local : Generated;

export type DeploymentStatus = Schemas['Deployment']['status'];
export type PhaseStatus = Schemas['Phase']['status'];
export type ReleaseStatus = Schemas['Release']['status'];
export type ChangeCaseStatus = Schemas['ChangeCase']['status'];

/** Every deployment status, in lifecycle order (the record fails to compile when the enum changes). */
const DEPLOYMENT_STATUS_ORDER: Record<DeploymentStatus, number> = { Pending: 0, Scanning: 1, Scanned: 2, InProgress: 3, Completed: 4, Failed: 5, Cancelled: 6 };
export const DEPLOYMENT_STATUSES = (Object.keys(DEPLOYMENT_STATUS_ORDER) as DeploymentStatus[]).sort((a, b) => DEPLOYMENT_STATUS_ORDER[a] - DEPLOYMENT_STATUS_ORDER[b]);

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export type Session = paths['/api/v1/session']['get']['responses'][200]['content']['application/json'];
export type ArtifactManifest = Schemas['ArtifactManifest'];
export type Image = ArtifactManifest['images'][number];
export type Chart = ArtifactManifest['charts'][number];
export type Release = Schemas['Release'];
export type Check = Schemas['Phase']['checks'][number];
export type Freeze = Schemas['Freeze'];
export type DeployWindow = NonNullable<Schemas['ChangeCase']['deployWindow']>;
export type Target = Schemas['Target'];
export type Plan = Schemas['Plan'];
export type Team = Schemas['Team'];
export type Service = Schemas['Service'];
/** Where a catalog fact came from, and the link to correct it (contract §12). */
export type Origin = Schemas['Origin'];
export type CatalogSource = Schemas['CatalogSource'];
export type OmittedEnvironment = Schemas['Deployment']['omittedEnvironments'][number];
export type ManualDeployment = Schemas['ManualDeploymentRequest'];
export type FreezeRequest = Schemas['FreezeRequest'];
export type NotificationSettings = Schemas['NotificationSettings'];
export type Token = Schemas['Token'];
export type NewToken = Schemas['NewToken'];
export type TokenRequest = Schemas['TokenRequest'];
export type Scope = TokenRequest['scopes'][number];
export type AuditRecord = Schemas['AuditRecord'];
export type AuditOutcome = AuditRecord['outcome'];
export type AuditFilter = NonNullable<paths['/api/v1/audit']['get']['parameters']['query']>;

// Prerequisites: the server's core/gates.ts `Prerequisites`, until the document describes them.
export interface Approval {
  by: string;
  decision: 'approve' | 'reject';
  comment: string | null;
  at: string;
}
/** A freeze as a phase's prerequisites name it (not the whole Freeze of /freezes). */
export type FreezeFact = Pick<Freeze, 'id' | 'reason' | 'startsAt' | 'endsAt'>;
interface LocalPrerequisites {
  approvals: { required: number; approvers: string[]; received: Approval[]; rejectedBy: string | null; met: boolean } | null;
  changeCase:
    | { id: string; number: string | null; status: ChangeCaseStatus; deployWindow: DeployWindow | null; timesOutAt: string; met: boolean }
    | { id: null; status: 'creating'; met: false }
    | null;
  freeze: { met: boolean; freezes: FreezeFact[] } | null;
  window: { met: boolean; windows: { timezone: string; days: string[]; hours: string }[]; changesAt: string | null } | null;
  bakeTime: { environment: string; durationMs: number; applies: boolean; readyAt: string | null; met: boolean } | null;
}
type GeneratedPrerequisites = Schemas['Phase']['prerequisites'];
export type Prerequisites = {
  [K in keyof LocalPrerequisites]: Described<K extends keyof GeneratedPrerequisites ? GeneratedPrerequisites[K] : unknown, LocalPrerequisites[K]>;
};

export type Phase = Omit<Schemas['Phase'], 'prerequisites'> & { prerequisites: Prerequisites };

export type ScanFindings = Described<Schemas['Deployment']['scanFindings'], { counts?: Record<string, number> } | null>;
export type Deployment = Omit<Schemas['Deployment'], 'phases' | 'scanFindings'> & { phases: Phase[]; scanFindings?: ScanFindings };

type StrategiesResponse = paths['/api/v1/strategies']['get']['responses'][200]['content']['application/json'];
export interface EnvironmentPolicy {
  name: string;
  isGov: boolean;
  gov?: string;
  freezable: boolean;
  checks: { name: string; type: string }[];
}
export interface Strategies {
  /** The document marks a strategy's fields optional; the server always sends both. */
  items: Required<StrategiesResponse['items'][number]>[];
  environments: Described<StrategiesResponse['environments'][number], EnvironmentPolicy>[];
}

/** A CloudEvent from the event log or the live stream. */
export type DcpEvent = Omit<Schemas['Event'], 'data'> & {
  data: Described<
    Schemas['Event']['data'],
    {
      deploymentId?: string;
      phaseId?: string;
      releaseId?: string;
      changeCaseId?: string;
      environment?: string;
      target?: string;
      from?: string | null;
      to?: string;
      statusDetail?: string;
    }
  >;
};

export type Webhook = Schemas['Webhook'];
export type NewWebhook = Schemas['NewWebhook'];
export type WebhookRequest = Schemas['WebhookRequest'];
export type WebhookDelivery = Schemas['WebhookDelivery'];
export type EventType = NonNullable<Webhook['types']>[number];
export type Sink = Schemas['Sink'];

/** Every event type a subscription may take, in the order DCP emits them (fails to compile when the enum changes). */
const EVENT_TYPE_ORDER: Record<EventType, number> = {
  DeploymentCreated: 0, DeploymentScanned: 1, DeploymentPhaseStarted: 2, DeploymentPhaseAwaitingPrerequisites: 3, DeploymentPhaseCompleted: 4,
  DeploymentPhaseFailed: 5, DeploymentPhaseCancelled: 6, ReleaseStarted: 7, ReleaseSucceeded: 8, ReleaseFailed: 9, DeploymentCompleted: 10,
  DeploymentFailed: 11, DeploymentCancelled: 12, ChangeCaseCreated: 13, ChangeCaseUpdated: 14, DeploymentStatusChanged: 15,
  DeploymentPhaseStatusChanged: 16, ReleaseStatusChanged: 17, BuildRejected: 18, WebhookSubscriptionDisabled: 19,
};
export const EVENT_TYPES = (Object.keys(EVENT_TYPE_ORDER) as EventType[]).sort((a, b) => EVENT_TYPE_ORDER[a] - EVENT_TYPE_ORDER[b]);
