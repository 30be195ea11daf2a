/**
 * Importing the config folder (contract §2): at start, on `POST /api/v1/config/reload`, and from
 * `dcp import`. Validation happens before anything is written; the import itself is one
 * transaction. A broken folder changes nothing.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, normalize, isAbsolute } from 'node:path';
import type { Clock } from '../core/clock.ts';
import { InputError } from '../core/errors.ts';
import type { Db } from '../store/db.ts';
import { importConfig } from '../store/catalog.ts';
import { loadConfigFolder } from '../config/folder.ts';

export interface ImportResult {
  changed: boolean;
  importId: number;
  source: string;
  counts: { channels: number; targets: number; environments: number; strategies: number; teams: number; services: number };
}

export interface ConfigImportService {
  /** Re-reads the configured folder. */
  reload(): Promise<ImportResult>;
  /** Imports files sent by a client (`dcp import DIR`): paths relative to the config folder. */
  importFiles(files: Record<string, string>, source: string): Promise<ImportResult>;
}

export function createConfigImportService(deps: { db: Db; clock: Clock; configDir: string }): ConfigImportService {
  async function importFolder(dir: string, source: string): Promise<ImportResult> {
    const snapshot = await loadConfigFolder(dir);
    const { changed, importId } = await deps.db.transaction((tx) => importConfig(tx, snapshot, source, deps.clock.now()));
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
    reload: () => importFolder(deps.configDir, deps.configDir),
    async importFiles(files, source) {
      const dir = await mkdtemp(join(tmpdir(), 'dcp-import-'));
      try {
        for (const [name, content] of Object.entries(files)) {
          const path = normalize(name);
          if (isAbsolute(path) || path.startsWith('..')) {
            throw new InputError('bad file name', [{ field: `files.${name}`, message: 'must be a path inside the config folder' }]);
          }
          await mkdir(dirname(join(dir, path)), { recursive: true });
          await writeFile(join(dir, path), content);
        }
        return await importFolder(dir, source);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
