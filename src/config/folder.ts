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
 * Sizes are checked before anything is read (limits.ts: per file and for the whole folder), YAML
 * aliases are counted (fields.ts), and at most `limits.problems` problems are listed, each clipped
 * to `limits.shownChars`, with one last `(more)` entry counting the rest.
 *
 * This module finds and reads the files; fields.ts locates and reads values, and each file kind
 * has its reader: channels.ts, environments.ts, catalog.ts. It is pure apart from reading the
 * folder, so that worker.ts can run it off the main thread.
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
import { CONFIG_LIMITS, clip, formatBytes, type ConfigLimits } from './limits.ts';

/**
 * What one load reads against: the limits, the problems found so far, and the bytes read so far
 * (the folder limit counts every file, and files past it are not read).
 */
interface Reading {
  dir: string;
  limits: ConfigLimits;
  issues: FieldIssue[];
  bytes: number;
}

/**
 * A file's text, or undefined (with a problem) when it is larger than a file may be or than what
 * is left of the folder's allowance. Sizes come from stat, so an oversized file is never read.
 */
async function readLimited(reading: Reading, file: string): Promise<string | undefined> {
  const { limits, issues } = reading;
  const info = await stat(path.join(reading.dir, file));
  const size = info.size;
  if (!info.isFile()) {
    // A device or FIFO reports size 0 and may never end (`/dev/zero`).
    issues.push({ file, field: '(file)', message: `${file} is not a regular file` });
    return undefined;
  }
  if (size > limits.fileBytes) {
    issues.push({ file, field: '(file)', message: `${file} is ${formatBytes(size)}: a config file may be at most ${formatBytes(limits.fileBytes)}; split it (catalog/ may hold many files)` });
    return undefined;
  }
  reading.bytes += size;
  if (reading.bytes > limits.folderBytes) {
    issues.push({ file, field: '(file)', message: `the config files up to ${file} come to ${formatBytes(reading.bytes)}: a config folder may hold at most ${formatBytes(limits.folderBytes)}` });
    return undefined;
  }
  return readFile(path.join(reading.dir, file), 'utf8');
}

function isNotFound(error: unknown): boolean {
  return error instanceof Error && 'code' in error && (error.code === 'ENOENT' || error.code === 'ENOTDIR');
}

/** A top-level file that must exist and hold exactly one document. */
async function readMainFile(reading: Reading, file: string, topKey: string): Promise<YamlFile> {
  const { issues } = reading;
  let text: string | undefined;
  try {
    text = await readLimited(reading, file);
  } catch (error) {
    const reason = isNotFound(error) ? 'is missing' : `cannot be read (${error instanceof Error ? error.message : String(error)})`;
    issues.push({ file, field: '(file)', message: `${file} ${reason}: the config folder needs it, with a top-level "${topKey}:" key` });
    return { file, roots: [], ok: false };
  }
  if (text === undefined) return { file, roots: [], ok: false };
  const parsed = parseYaml(file, text, issues, reading.limits.aliases);
  if (parsed.ok && parsed.roots.length === 0) {
    issues.push({ file, line: 1, field: '(file)', message: `${file} is empty: expected a mapping with a top-level "${topKey}:" key` });
    parsed.ok = false;
  }
  for (const extra of parsed.roots.slice(1)) extra.problem(`expected a single YAML document in ${file}, found another one here`);
  return parsed;
}

/** A top-level file that may be absent (null then); when present, one document. */
async function readOptionalFile(reading: Reading, file: string): Promise<Field | null> {
  const { issues } = reading;
  let text: string | undefined;
  try {
    text = await readLimited(reading, file);
  } catch (error) {
    if (isNotFound(error)) return null;
    issues.push({ file, field: '(file)', message: `${file} cannot be read (${error instanceof Error ? error.message : String(error)})` });
    return null;
  }
  if (text === undefined) return null;
  const parsed = parseYaml(file, text, issues, reading.limits.aliases);
  for (const extra of parsed.roots.slice(1)) extra.problem(`expected a single YAML document in ${file}, found another one here`);
  return parsed.roots[0] ?? null;
}

/** Every `*.yaml` / `*.yml` under `catalog/`, in path order; none when the folder is absent. */
async function readCatalogFiles(reading: Reading): Promise<YamlFile[]> {
  const { dir, issues, limits } = reading;
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
  if (files.length > limits.files) {
    issues.push({ file: 'catalog', field: '(file)', message: `catalog/ holds ${files.length} YAML files: a config folder may hold at most ${limits.files}` });
    return [];
  }
  // One file after another: the folder allowance is counted in path order, and memory holds one text at a time.
  const read: YamlFile[] = [];
  for (const file of files) {
    const text = await readLimited(reading, file);
    read.push(text === undefined ? { file, roots: [], ok: false } : parseYaml(file, text, issues, limits.aliases));
  }
  return read;
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

/** An issue with its texts clipped: a 9,000-character name is shown, not echoed whole. */
function clipped(issue: FieldIssue, max: number): FieldIssue {
  const out: FieldIssue = { ...issue, field: clip(issue.field, max), message: clip(issue.message, max) };
  if (issue.file !== undefined) out.file = clip(issue.file, max);
  return out;
}

/** The first `limits.problems` issues in reading order, clipped, and a last one counting the rest. */
export function configError(unsorted: FieldIssue[], limits: ConfigLimits = CONFIG_LIMITS): ConfigError {
  const sorted = sortIssues(unsorted);
  const issues = sorted.slice(0, limits.problems).map((issue) => clipped(issue, limits.shownChars));
  const rest = sorted.length - issues.length;
  if (rest > 0) issues.push({ field: '(more)', message: `and ${rest} more problem${rest === 1 ? '' : 's'} (only the first ${limits.problems} are listed)` });
  const first = issues[0];
  const where = first.file ? `${first.file}${first.line ? `:${first.line}` : ''} ` : '';
  const count = `${sorted.length} problem${sorted.length === 1 ? '' : 's'}`;
  return new ConfigError(`config is invalid: ${count} (first: ${where}${first.field}: ${first.message})`, issues);
}

export interface LoadOptions {
  /** Other catalog sources are configured: a service may be owned by a team the folder does not hold. */
  ownersElsewhere?: boolean;
}

export async function loadConfigFolder(dir: string, limits: ConfigLimits = CONFIG_LIMITS, options: LoadOptions = {}): Promise<ConfigSnapshot> {
  await requireFolder(dir);
  const issues: FieldIssue[] = [];
  const reading: Reading = { dir, limits, issues, bytes: 0 };
  // In reading order (the folder allowance is counted in this order).
  const channelsFile = await readMainFile(reading, 'channels.yaml', 'channels');
  const environmentsFile = await readMainFile(reading, 'environments.yaml', 'environments');
  const accessFile = await readOptionalFile(reading, 'access.yaml');
  const catalogFiles = await readCatalogFiles(reading);
  const environmentsRoot = environmentsFile.roots[0];
  const { environments, strategies } = environmentsRoot ? readEnvironmentsFile(environmentsRoot) : { environments: [], strategies: {} };
  const environmentNames = environmentsFile.ok ? new Set(environments.map((e) => e.name)) : undefined;
  const channels = channelsFile.roots[0] ? readChannels(channelsFile.roots[0], environmentNames) : {};
  const { teams, services, users } = readCatalog(catalogFiles, options);
  const admins = accessFile ? readAccess(accessFile) : [];
  if (issues.length > 0) throw configError(issues, limits);
  return { channels, environments, strategies, teams, services, users, admins };
}
