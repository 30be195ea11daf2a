/**
 * ChangeCaseProvider: where change cases live. `builtin` keeps them in DCP (moved through
 * `POST /api/v1/change-cases/{id}/transition`); `servicenow` creates a normal change through
 * ServiceNow's Change Management REST API and reads its state and planned window back.
 *
 * DCP's own lifecycle (contract §5): new → submitted → scheduled-approved | rejected, and closed
 * from any state. Adapters map the vendor's states onto it.
 */
import type { ChangeCaseStatus } from '../../core/lifecycle.ts';

export { CHANGE_CASE_STATUSES, type ChangeCaseStatus } from '../../core/lifecycle.ts';

export interface DeployWindow {
  start: Date;
  end: Date;
}

export interface NewChangeCase {
  /** DCP's id of the case: the idempotency key of the creation (a retry must not create two). */
  caseId: string;
  /** The owning team's queue (catalog annotation `dcp/change-case-queue`). */
  queue: string;
  service: string;
  environment: string;
  isGov: boolean;
  version: string;
  deploymentId: string;
  /** A link to the deployment's page in the app. */
  deploymentUrl: string;
  summary: string;
  description: string;
}

export interface ChangeCaseState {
  status: ChangeCaseStatus;
  deployWindow: DeployWindow | null;
  /** The vendor's own words for the state, for statusDetail. */
  detail?: string;
}

export interface ChangeCaseProvider {
  readonly name: string;
  /** Creates the case; returns the vendor's id (e.g. a ServiceNow sys_id and number). */
  create(request: NewChangeCase): Promise<{ externalId: string; number?: string }>;
  /** The case's current state (external providers are polled; builtin cases are read from DCP). */
  read(externalId: string): Promise<ChangeCaseState>;
  /** Closes the case with the deployment's outcome. */
  close(externalId: string, outcome: 'successful' | 'unsuccessful' | 'cancelled', note: string): Promise<void>;
}
