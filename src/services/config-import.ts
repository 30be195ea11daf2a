/**
 * Importing the config folder (contract §2): at start, on `POST /api/v1/config/reload`, and from
 * `dcp import`. Validation happens before anything is written; the import itself is one
 * transaction. A broken folder changes nothing.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Clock } from '../core/clock.ts';
import { ConfigError, InputError } from '../core/errors.ts';
import type { Db } from '../store/db.ts';
import { importConfig } from '../store/catalog.ts';
import { CONFIG_LIMITS, uploadBodyLimit, type ConfigLimits } from '../config/limits.ts';
import { checkUploadNames } from '../config/upload.ts';
import type { AuditService, Caller } from './audit.ts';
import { authorize } from './auth.ts';
import { loadConfigInWorker } from '../config/worker-load.ts';
import { applyConfigCatalog, recordConfigFailure } from './catalog-sync.ts';

export interface ImportResult {
  changed: boolean;
  importId: number;
  source: string;
  counts: { channels: number; targets: number; environments: number; strategies: number; teams: number; services: number };
}

export interface ConfigImportService {
  /** Re-reads the configured folder (for a caller: authorized and audited; without one: DCP's own start). */
  reload(caller?: Caller): Promise<ImportResult>;
  /** Imports files sent by a client (`dcp import DIR`): paths relative to the config folder. */
  importFiles(files: Record<string, string>, source: string, caller: Caller): Promise<ImportResult>;
  /** The HTTP body limit of an upload, derived from the folder limit (config/limits.ts). */
  readonly uploadBodyLimit: number;
}

/**
 * Every path reads through the same worker with the same limits (config/limits.ts): the folder on
 * disk, and an upload, which is written to a temporary folder first (its names checked before).
 */
export function createConfigImportService(deps: {
  db: Db; clock: Clock; configDir: string; audit: AuditService; limits?: ConfigLimits;
  /** Other catalog sources are configured: a folder service may be owned by one of their teams. */
  ownersElsewhere?: boolean;
}): ConfigImportService {
  const limits = deps.limits ?? CONFIG_LIMITS;
  // One import at a time: each worker may take limits.memoryMb, and the imports replace the same tables anyway.
  let previous: Promise<unknown> = Promise.resolve();
  function importFolder(dir: string, source: string, caller?: Caller): Promise<ImportResult> {
    if (caller) authorize(caller.principal, 'config:write');
    const next = previous.then(() => importNow(dir, source, caller));
    previous = next.catch(() => undefined);
    return next;
  }
  async function importNow(dir: string, source: string, caller?: Caller): Promise<ImportResult> {
    let snapshot;
    try {
      snapshot = await loadConfigInWorker(dir, limits, { ownersElsewhere: deps.ownersElsewhere ?? false });
    } catch (error) {
      // The catalog-sources view shows the folder's failure; its last good catalog stays.
      if (error instanceof ConfigError) await recordConfigFailure(deps.db, source, error.message, deps.clock.now());
      throw error;
    }
    const { changed, importId } = await deps.db.transaction(async (tx) => {
      const imported = await importConfig(tx, snapshot, source, deps.clock.now());
      await applyConfigCatalog(tx, snapshot, source, deps.clock.now());
      if (caller) await deps.audit.record(tx, caller, `config/imports/${imported.importId}`, { source, changed: imported.changed });
      return imported;
    });
    return {
      changed,
      importId,
      source,
      counts: {
        channels: Object.keys(snapshot.channels).length,
        targets: Object.values(snapshot.channels).flatMap((byEnv) => Object.values(byEnv).flat()).length,
        environments: snapshot.environments.length,
        strategies: Object.keys(snapshot.strategies).length,
        teams: snapshot.teams.length,
        services: snapshot.services.length,
      },
    };
  }

  return {
    uploadBodyLimit: uploadBodyLimit(limits),
    reload: (caller) => importFolder(deps.configDir, deps.configDir, caller),
    async importFiles(files, source, caller) {
      authorize(caller.principal, 'config:write');
      checkUploadNames(Object.keys(files), limits);
      const dir = await mkdtemp(join(tmpdir(), 'dcp-import-'));
      try {
        for (const [name, content] of Object.entries(files)) {
          try {
            await mkdir(dirname(join(dir, name)), { recursive: true });
            await writeFile(join(dir, name), content);
          } catch (error) {
            // Names that pass the checks can still collide: `catalog/a.yaml` and `catalog/a.yaml/b.yaml`.
            const message = `file name ${JSON.stringify(name)} cannot be written (${(error as { code?: string }).code ?? 'error'}): it collides with another file's path`;
            throw new InputError(message, [{ file: name, field: `files[${JSON.stringify(name)}]`, message }]);
          }
        }
        return await importFolder(dir, source, caller);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
