/**
 * A fresh PostgreSQL database per integration test file, fast.
 *
 * Migrating a new database for every test file costs seconds; copying a template database costs
 * milliseconds. So the first test file to ask builds a template once (`prepare` runs the
 * migrations on it), and every test file then gets its own `CREATE DATABASE … TEMPLATE` copy:
 *
 *   const db = await createTestDatabase('dcp_template', (url) => migrate(url));
 *   after(() => db.drop());
 *
 * The server is the one `npm test` starts (scripts/pg-server.ts), handed over in
 * DCP_TEST_DATABASE_URL: a fresh private cluster per run, so a template never outlives the
 * migrations it was built from. If you point DCP_TEST_DATABASE_URL at a long-lived server
 * instead, put a version of the migrations in `templateName` (or drop the template by hand).
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

export interface TestDatabase {
  /** URL of the new database (same server and credentials as DCP_TEST_DATABASE_URL). */
  url: string;
  /** Drops the database, ending any connections still open to it. */
  drop(): Promise<void>;
}

/** Set on the template (as its database comment) once `prepare` has finished on it. */
const READY_MARK = 'dcp test template: ready';

function serverUrl(): string {
  const url = process.env.DCP_TEST_DATABASE_URL;
  if (!url) throw new Error('integration tests need DCP_TEST_DATABASE_URL; run them through `npm test`');
  return url;
}

/** The server's URL with another database name in it. */
function urlFor(database: string): string {
  const url = new URL(serverUrl());
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

/** Runs `body` with a connection to the server's own database, closed afterwards. */
async function withAdmin<T>(body: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl() });
  await client.connect();
  try {
    return await body(client);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(
  templateName: string,
  prepare: (url: string) => Promise<void>,
): Promise<TestDatabase> {
  // Plain lower-case names only: no quoting surprises, and room left for the copies' suffix.
  if (!/^[a-z_][a-z0-9_]{0,39}$/.test(templateName)) {
    throw new Error(`template name ${JSON.stringify(templateName)}: use lower-case letters, digits and _ (at most 40)`);
  }
  const name = `${templateName}_${process.pid}_${randomBytes(4).toString('hex')}`;

  await withAdmin(async (admin) => {
    const template = admin.escapeIdentifier(templateName);

    // 1. The template, built once. Test files run in parallel processes: the advisory lock lets
    //    one build it while the others wait; they then find it marked ready. The lock goes with
    //    the connection, so a crashed builder cannot leave it held.
    await admin.query('SELECT pg_advisory_lock(hashtext($1))', [`dcp-test-template:${templateName}`]);
    const { rows } = await admin.query<{ mark: string | null }>(
      `SELECT shobj_description(oid, 'pg_database') AS mark FROM pg_database WHERE datname = $1`,
      [templateName],
    );
    if (rows[0]?.mark !== READY_MARK) {
      // Absent, or left half-built by a builder that failed: (re)build it.
      await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${template}`);
      await prepare(urlFor(templateName));
      await admin.query(`COMMENT ON DATABASE ${template} IS ${admin.escapeLiteral(READY_MARK)}`);
    }
    await admin.query('SELECT pg_advisory_unlock(hashtext($1))', [`dcp-test-template:${templateName}`]);

    // 2. The copy. PostgreSQL refuses to copy a database that has connections (55006): those of
    //    `prepare` may take a moment to close, and other files may be connected to it briefly.
    for (let attempt = 1; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)} TEMPLATE ${template}`);
        return;
      } catch (error) {
        if ((error as { code?: string }).code !== '55006') throw error;
        if (attempt >= 50) {
          throw new Error(
            `could not copy template ${templateName}: it kept having connections for ~10 s ` +
              '(does `prepare` close every connection it opens?)',
            { cause: error },
          );
        }
        await sleep(Math.min(20 * attempt, 200));
      }
    }
  });

  let dropped = false;
  return {
    url: urlFor(name),
    async drop() {
      if (dropped) return;
      dropped = true;
      await withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(name)} WITH (FORCE)`));
    },
  };
}
