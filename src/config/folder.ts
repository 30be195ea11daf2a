/**
 * The config folder (contract §2): `channels.yaml`, `environments.yaml` and every `*.yaml` /
 * `*.yml` under `catalog/`. `loadConfigFolder` reads and validates all of it and returns a
 * complete ConfigSnapshot, or throws one ConfigError listing every problem found, each with the
 * file (relative to the folder), the 1-based line and the field path (`environments[3].checks[0].type`).
 *
 * Problems that concern a whole file use a pseudo-field: `(file)` (missing, unreadable, empty),
 * `(syntax)` (YAML syntax error, with the line the parser stopped at), `(document)` (a document
 * that is not a mapping, or one too many), `(folder)` (no folder).
 *
 * This module finds and reads the files; fields.ts locates and reads values, and each file kind
 * has its reader: channels.ts, environments.ts, catalog.ts.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, type FieldIssue } from '../core/errors.ts';
import type { ConfigSnapshot } from '../core/types.ts';
import { readCatalog } from './catalog.ts';
import { readChannels } from './channels.ts';
import { readEnvironmentsFile } from './environments.ts';
import { parseYaml, type Field, type YamlFile } from './fields.ts';
import { readAccess } from './access.ts';

function isNotFound(error: unknown): boolean {
  return error instanceof Error && 'code' in error && (error.code === 'ENOENT' || error.code === 'ENOTDIR');
}

/** A top-level file that must exist and hold exactly one document. */
async function readMainFile(dir: string, file: string, topKey: string, issues: FieldIssue[]): Promise<YamlFile> {
  let text: string;
  try {
    text = await readFile(path.join(dir, file), 'utf8');
  } catch (error) {
    const reason = isNotFound(error) ? 'is missing' : `cannot be read (${error instanceof Error ? error.message : String(error)})`;
    issues.push({ file, field: '(file)', message: `${file} ${reason}: the config folder needs it, with a top-level "${topKey}:" key` });
    return { file, roots: [], ok: false };
  }
  const parsed = parseYaml(file, text, issues);
  if (parsed.ok && parsed.roots.length === 0) {
    issues.push({ file, line: 1, field: '(file)', message: `${file} is empty: expected a mapping with a top-level "${topKey}:" key` });
    parsed.ok = false;
  }
  for (const extra of parsed.roots.slice(1)) extra.problem(`expected a single YAML document in ${file}, found another one here`);
  return parsed;
}

/** A top-level file that may be absent (null then); when present, one document. */
async function readOptionalFile(dir: string, file: string, issues: FieldIssue[]): Promise<Field | null> {
  let text: string;
  try {
    text = await readFile(path.join(dir, file), 'utf8');
  } catch (error) {
    if (isNotFound(error)) return null;
    issues.push({ file, field: '(file)', message: `${file} cannot be read (${error instanceof Error ? error.message : String(error)})` });
    return null;
  }
  const parsed = parseYaml(file, text, issues);
  for (const extra of parsed.roots.slice(1)) extra.problem(`expected a single YAML document in ${file}, found another one here`);
  return parsed.roots[0] ?? null;
}

/** Every `*.yaml` / `*.yml` under `catalog/`, in path order; none when the folder is absent. */
async function readCatalogFiles(dir: string, issues: FieldIssue[]): Promise<YamlFile[]> {
  const catalogDir = path.join(dir, 'catalog');
  let entries;
  try {
    entries = await readdir(catalogDir, { recursive: true, withFileTypes: true });
  } catch (error) {
    if (isNotFound(error)) return [];
    issues.push({ file: 'catalog', field: '(file)', message: `catalog/ cannot be read: ${error instanceof Error ? error.message : String(error)}` });
    return [];
  }
  const files = entries
    .filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name))
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();
  return Promise.all(files.map(async (file) => parseYaml(file, await readFile(path.join(dir, file), 'utf8'), issues)));
}

// ---------------------------------------------------------------------------------------------
// The folder.

async function requireFolder(dir: string): Promise<void> {
  const info = await stat(dir).catch(() => undefined);
  if (info?.isDirectory()) return;
  const message = `config folder ${path.resolve(dir)} ${info ? 'is not a folder' : 'does not exist'}: expected a folder holding channels.yaml, environments.yaml and catalog/`;
  throw new ConfigError(message, [{ field: '(folder)', message }]);
}

/** Issues in reading order: channels.yaml, environments.yaml, then the catalog files; by line within a file. */
function sortIssues(issues: FieldIssue[]): FieldIssue[] {
  const rank = (file = ''): string => (file === 'channels.yaml' ? '0' : file === 'environments.yaml' ? '1' : `2${file}`);
  return issues.toSorted((a, b) => rank(a.file).localeCompare(rank(b.file)) || (a.line ?? 0) - (b.line ?? 0));
}

function configError(unsorted: FieldIssue[]): ConfigError {
  const issues = sortIssues(unsorted);
  const first = issues[0];
  const where = first.file ? `${first.file}${first.line ? `:${first.line}` : ''} ` : '';
  const count = `${issues.length} problem${issues.length === 1 ? '' : 's'}`;
  return new ConfigError(`config is invalid: ${count} (first: ${where}${first.field}: ${first.message})`, issues);
}

export async function loadConfigFolder(dir: string): Promise<ConfigSnapshot> {
  await requireFolder(dir);
  const issues: FieldIssue[] = [];
  const [channelsFile, environmentsFile, catalogFiles, accessFile] = await Promise.all([
    readMainFile(dir, 'channels.yaml', 'channels', issues),
    readMainFile(dir, 'environments.yaml', 'environments', issues),
    readCatalogFiles(dir, issues),
    readOptionalFile(dir, 'access.yaml', issues),
  ]);
  const environmentsRoot = environmentsFile.roots[0];
  const { environments, strategies } = environmentsRoot ? readEnvironmentsFile(environmentsRoot) : { environments: [], strategies: {} };
  const environmentNames = environmentsFile.ok ? new Set(environments.map((e) => e.name)) : undefined;
  const channels = channelsFile.roots[0] ? readChannels(channelsFile.roots[0], environmentNames) : {};
  const { teams, services, users } = readCatalog(catalogFiles);
  const admins = accessFile ? readAccess(accessFile) : [];
  if (issues.length > 0) throw configError(issues);
  return { channels, environments, strategies, teams, services, users, admins };
}
