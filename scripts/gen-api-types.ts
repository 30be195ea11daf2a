/**
 * `npm run gen:api`: the web app's API types (web/src/api/schema.ts), generated with
 * openapi-typescript from the OpenAPI document DCP serves at /openapi.json.
 *
 * The document is built in-process — a whole DCP on an in-memory PGlite with the shipped config,
 * never listening — so the command needs no running server. The output is deterministic: paths
 * and component schemas are sorted by name, and the header has no date, so a stale file shows as
 * a diff (test/api-types.test.ts regenerates in memory and compares).
 *
 *   npm run gen:api            write web/src/api/schema.ts
 *   npm run gen:api -- --check exit 1 when the checked-in file is stale
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript';
import { startDcp } from '../src/main.ts';
import { readSettings } from '../src/settings.ts';
import { silentLogger } from '../src/shared/logger.ts';

export const SCHEMA_FILE = fileURLToPath(new URL('../web/src/api/schema.ts', import.meta.url));

const HEADER = `/**
 * GENERATED from DCP's OpenAPI document (/openapi.json) by openapi-typescript — do not edit.
 * Regenerate with \`npm run gen:api\` (scripts/gen-api-types.ts); test/api-types.test.ts fails when
 * this file is stale. The app's names for these shapes are in web/src/types.ts.
 */
`;

/** The OpenAPI document of a DCP wired as `npm start` wires it (in memory, not listening). */
export async function openApiDocument(): Promise<OpenAPI3> {
  const settings = readSettings({ DCP_DATA_DIR: 'memory://', DCP_BOOTSTRAP_TOKEN: 'gen-api-types', PORT: '0' });
  const dcp = await startDcp({ settings, log: silentLogger });
  try {
    await dcp.app.ready();
    return structuredClone(dcp.app.swagger()) as OpenAPI3;
  } finally {
    await dcp.stop();
  }
}

function sortedByKey<T>(record: Record<string, T> | undefined): Record<string, T> | undefined {
  if (!record) return record;
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The TypeScript text of web/src/api/schema.ts for `document`. */
export async function apiTypesSource(document?: OpenAPI3): Promise<string> {
  const doc = document ?? (await openApiDocument());
  const stable: OpenAPI3 = {
    ...doc,
    paths: sortedByKey(doc.paths),
    components: doc.components && { ...doc.components, schemas: sortedByKey(doc.components.schemas) },
  };
  const ast = await openapiTS(stable, { alphabetize: false, defaultNonNullable: false });
  return HEADER + astToString(ast);
}

if (import.meta.main) {
  const source = await apiTypesSource();
  if (process.argv.includes('--check')) {
    const current = readFileSync(SCHEMA_FILE, 'utf8');
    if (current !== source) {
      console.error(`${SCHEMA_FILE} is stale: run \`npm run gen:api\``);
      process.exit(1);
    }
    console.log(`${SCHEMA_FILE} is up to date`);
  } else {
    writeFileSync(SCHEMA_FILE, source);
    console.log(`wrote ${SCHEMA_FILE}`);
  }
}
