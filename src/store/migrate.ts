/**
 * Numbered, forward-only migrations (`migrations/NNN_name.sql`), applied at start. All pending
 * migrations run in one transaction under an advisory lock, so several DCP processes starting
 * at once apply each exactly once: the others wait for the lock, then find nothing to do.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { Db } from './db.ts';

const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);
const LOCK_KEY = 727_001; // arbitrary, DCP's own

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function readMigrations(): Migration[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((file) => /^\d+_.+\.sql$/.test(file))
    .sort()
    .map((file) => ({
      version: Number(file.split('_')[0]),
      name: file.replace(/\.sql$/, ''),
      sql: readFileSync(new URL(file, MIGRATIONS_DIR), 'utf8'),
    }));
}

/** Applies what is pending; returns the names applied. */
export async function migrate(db: Db): Promise<string[]> {
  const migrations = readMigrations();
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    await tx.query(`CREATE TABLE IF NOT EXISTS dcp_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const rows = await tx.query<{ version: number }>('SELECT version FROM dcp_migrations');
    const applied = new Set(rows.map((r) => r.version));
    const done: string[] = [];
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO dcp_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      done.push(migration.name);
    }
    return done;
  });
}

/** Whether every known migration is applied (readiness). */
export async function isMigrated(db: Db): Promise<boolean> {
  const latest = Math.max(...readMigrations().map((m) => m.version));
  const rows = await db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'dcp_migrations'",
  );
  if (rows[0].n === 0) return false;
  const [row] = await db.query<{ v: number | null }>('SELECT max(version) AS v FROM dcp_migrations');
  return row.v === latest;
}
