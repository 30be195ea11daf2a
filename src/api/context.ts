/** What the routes get: services only — no database, no store, no SQL of their own. */
import type { AuthService } from '../services/auth.ts';
import type { CatalogService } from '../services/catalog.ts';
import type { ConfigImportService } from '../services/config-import.ts';
import type { DeploymentService } from '../services/deployments.ts';
import type { EventService } from '../services/events.ts';
import type { GateService } from '../services/gates.ts';
import type { SystemService } from '../services/system.ts';

export interface ApiContext {
  auth: AuthService;
  deployments: DeploymentService;
  gates: GateService;
  catalog: CatalogService;
  events: EventService;
  configImport: ConfigImportService;
  system: SystemService;
}
