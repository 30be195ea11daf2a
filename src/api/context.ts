/** What the routes get: services and read-only stores, no SQL of their own. */
import type { Clock } from '../core/clock.ts';
import type { Db } from '../store/db.ts';
import type { Engine } from '../engine/engine.ts';
import type { Relay } from '../engine/relay.ts';
import type { AuthService } from '../services/auth.ts';
import type { ConfigImportService } from '../services/config-import.ts';
import type { DeploymentService } from '../services/deployments.ts';
import type { GateService } from '../services/gates.ts';

export interface ApiContext {
  db: Db;
  clock: Clock;
  engine: Engine;
  relay: Relay;
  auth: AuthService;
  deployments: DeploymentService;
  gates: GateService;
  configImport: ConfigImportService;
  /** Whether the process has finished starting (migrated, configured, engine running). */
  started: () => boolean;
}

