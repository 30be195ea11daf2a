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
 * Values are read through `Field`: a YAML node plus its path, file and line, with small readers
 * (`mapping` with allowed keys, `text`, `bool`, `duration`, …) that record a problem and return
 * undefined when the value is wrong, so that validation goes on and reports everything at once.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { isAlias, isMap, isNode, isScalar, isSeq, LineCounter, parseAllDocuments, type Document } from 'yaml';
import { parseDuration } from '../core/duration.ts';
import { ConfigError, type FieldIssue } from '../core/errors.ts';
import type { ConfigSnapshot, Service, TargetSpec, Team } from '../core/types.ts';
import { readEnvironmentsFile } from './environments.ts';

// ---------------------------------------------------------------------------------------------
// Field: a located YAML value and its readers.

interface Source {
  file: string;
  lines: LineCounter;
  doc: Document;
  issues: FieldIssue[];
}

/** `parent.key`, or `parent["key"]` when the key is not a plain name (annotations such as `dcp/is-gov`). */
function joinPath(parent: string, key: string): string {
  if (!/^[A-Za-z_][\w-]*$/.test(key)) return `${parent}[${JSON.stringify(key)}]`;
  return parent ? `${parent}.${key}` : key;
}

export class Field {
  /** The value's node (aliases resolved); null when absent or empty. */
  readonly node: unknown;
  readonly path: string;
  /** The key this value was read under ('' for a document or list item). */
  readonly key: string;
  /** The line of that key (or of the list item / document). */
  readonly keyLine: number;
  readonly #src: Source;

  constructor(src: Source, node: unknown, fieldPath: string, key: string, keyLine: number) {
    this.#src = src;
    this.node = isAlias(node) ? (node.resolve(src.doc) ?? null) : (node ?? null);
    this.path = fieldPath;
    this.key = key;
    this.keyLine = keyLine;
  }

  /** The line of the value (an empty value sits right after its key or dash); the key's line when absent. */
  get line(): number {
    return this.#lineOf(this.node) ?? this.keyLine;
  }

  /** `file:line`, for messages that point at an earlier occurrence. */
  get where(): string {
    return `${this.#src.file}:${this.line}`;
  }

  /** True when the value is absent or an empty/null scalar. */
  get isEmpty(): boolean {
    return this.node === null || (isScalar(this.node) && this.node.value === null);
  }

  /** The value as shown in messages: `"text"`, `42`, `a list`, `nothing`. */
  get shown(): string {
    if (this.isEmpty) return 'nothing';
    if (isMap(this.node)) return 'a mapping';
    if (isSeq(this.node)) return 'a list';
    return isScalar(this.node) ? JSON.stringify(this.node.value) : 'an unsupported value';
  }

  problem(message: string, line: number = this.line): void {
    this.#src.issues.push({ file: this.#src.file, line, field: this.path || '(document)', message });
  }

  child(key: string, node: unknown, keyLine: number): Field {
    return new Field(this.#src, node, joinPath(this.path, key), key, keyLine);
  }

  missingKey(key: string, hint = ''): void {
    this.child(key, null, this.line).problem(`missing required key "${key}"${hint}`);
  }

  /** The raw scalar under `key` of a mapping, without reporting anything (to pick a check's type first). */
  peek(key: string): unknown {
    if (!isMap(this.node)) return undefined;
    const pair = this.node.items.find((item) => isScalar(item.key) && item.key.value === key);
    const value = isAlias(pair?.value) ? pair.value.resolve(this.#src.doc) : pair?.value;
    return isScalar(value) ? value.value : value;
  }

  /**
   * A mapping's entries by key. With `allowed`, any other key is a problem (reported at the key's
   * line); `null` allows any key (channel names, labels, catalog entities). Missing `required`
   * keys are reported at the mapping's line.
   */
  mapping(allowed: readonly string[] | null, required: readonly string[] = []): Map<string, Field> | undefined {
    if (!isMap(this.node)) {
      const keys = allowed ? ` with keys ${allowed.join(', ')}` : '';
      this.problem(`expected a mapping${keys}, got ${this.shown}`);
      return undefined;
    }
    const entries = new Map<string, Field>();
    for (const pair of this.node.items) {
      const keyLine = this.#lineOf(pair.key) ?? this.line;
      const key = isScalar(pair.key) ? pair.key.value : undefined;
      if (typeof key !== 'string' || key === '') {
        this.problem(`expected a text key, got ${JSON.stringify(key ?? null)} (quote it)`, keyLine);
        continue;
      }
      const entry = this.child(key, pair.value, keyLine);
      if (allowed && !allowed.includes(key)) {
        entry.problem(`unknown key "${key}": expected one of ${allowed.join(', ')}`, keyLine);
        continue;
      }
      entries.set(key, entry);
    }
    for (const key of required) if (!entries.has(key)) this.missingKey(key);
    return entries;
  }

  /** A mapping with free keys, as a list of its entries. */
  entries(): Field[] | undefined {
    const entries = this.mapping(null);
    return entries && [...entries.values()];
  }

  list(): Field[] | undefined {
    if (!isSeq(this.node)) {
      this.problem(`expected a list, got ${this.shown}`);
      return undefined;
    }
    return this.node.items.map((item, index) => new Field(this.#src, item, `${this.path}[${index}]`, '', this.#lineOf(item) ?? this.line));
  }

  #scalar(): unknown {
    return isScalar(this.node) ? this.node.value : undefined;
  }

  #expect<T>(value: T | undefined, expected: string): T | undefined {
    if (value === undefined) this.problem(`expected ${expected}, got ${this.shown}`);
    return value;
  }

  /** A non-empty string. */
  text(): string | undefined {
    const value = this.#scalar();
    return this.#expect(typeof value === 'string' && value.trim() !== '' ? value : undefined, 'a non-empty text');
  }

  bool(): boolean | undefined {
    const value = this.#scalar();
    return this.#expect(typeof value === 'boolean' ? value : undefined, 'true or false');
  }

  number(): number | undefined {
    const value = this.#scalar();
    return this.#expect(typeof value === 'number' && Number.isFinite(value) ? value : undefined, 'a number');
  }

  integer(min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
    const value = this.#scalar();
    const ok = typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
    return this.#expect(ok ? value : undefined, `a whole number ${range}`);
  }

  oneOf<T extends string>(values: readonly T[]): T | undefined {
    const value = this.#scalar();
    const found = values.find((candidate) => candidate === value);
    return this.#expect(found, `one of ${values.join(', ')}`);
  }

  /** A positive duration (`90s`, `30m`, `14h`, `2d`), in milliseconds. */
  duration(): number | undefined {
    const value = this.#scalar();
    const ms = typeof value === 'string' ? parseDuration(value) : null;
    return this.#expect(ms !== null && ms > 0 ? ms : undefined, 'a positive duration such as 90s, 30m, 14h or 2d');
  }

  /** A string, number, boolean or null: a value to compare with. */
  scalarValue(): string | number | boolean | null | undefined {
    const value = isScalar(this.node) ? this.node.value : this.node;
    const ok = value === null || ['string', 'number', 'boolean'].includes(typeof value);
    return this.#expect(ok ? (value as string | number | boolean | null) : undefined, 'a text, number, boolean or null');
  }

  /** A list of non-empty strings (bad items are reported and left out). */
  texts(): string[] | undefined {
    return this.list()?.flatMap((item) => item.text() ?? []);
  }

  /** A mapping of text to text (labels, annotations); values must be quoted when they look like numbers or booleans. */
  textMap(): { values: Record<string, string>; fields: Map<string, Field> } | undefined {
    const entries = this.mapping(null);
    if (!entries) return undefined;
    const values: Record<string, string> = {};
    for (const [key, entry] of entries) {
      const value = entry.#scalar();
      if (typeof value === 'string') values[key] = value;
      else entry.problem(`expected a text value, got ${entry.shown}${isScalar(entry.node) ? ' (quote it)' : ''}`);
    }
    return { values, fields: entries };
  }

  #lineOf(node: unknown): number | undefined {
    if (!isNode(node) || !node.range) return undefined;
    return this.#src.lines.linePos(node.range[0]).line;
  }
}

// ---------------------------------------------------------------------------------------------
// Reading files.

interface YamlFile {
  file: string;
  /** The documents that parsed without errors. */
  roots: Field[];
  /** False when the file had syntax errors (cross-file references into it are not checked). */
  ok: boolean;
}

function parseYaml(file: string, text: string, issues: FieldIssue[]): YamlFile {
  const lines = new LineCounter();
  const result: YamlFile = { file, roots: [], ok: true };
  for (const doc of parseAllDocuments(text, { lineCounter: lines })) {
    for (const error of doc.errors) {
      const message = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      issues.push({ file, line: error.linePos?.[0].line ?? 1, field: '(syntax)', message: `YAML syntax error: ${message}` });
      result.ok = false;
    }
    if (doc.errors.length > 0) continue;
    const startLine = lines.linePos(doc.range[0]).line;
    const root = new Field({ file, lines, doc, issues }, doc.contents, '', '', startLine);
    if (!root.isEmpty) result.roots.push(root);
  }
  return result;
}

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
// channels.yaml

const TARGET_KEYS = ['cluster', 'region', 'kubeContext', 'namespace', 'cpcEndpoint', 'labels'] as const;
const TARGET_SETTINGS = ['kubeContext', 'namespace', 'cpcEndpoint'] as const;

/** `environments`: the names defined in environments.yaml, or undefined when it could not be read. */
function readChannels(root: Field, environments: Set<string> | undefined): ConfigSnapshot['channels'] {
  const channels: ConfigSnapshot['channels'] = {};
  const top = root.mapping(['channels'], ['channels']);
  for (const channel of top?.get('channels')?.entries() ?? []) {
    channels[channel.key] = readChannel(channel, environments);
  }
  return channels;
}

function readChannel(channel: Field, environments: Set<string> | undefined): Record<string, TargetSpec[]> {
  const targets: Record<string, TargetSpec[]> = {};
  const clusters = new Map<string, Field>();
  for (const environment of channel.entries() ?? []) {
    if (environments && !environments.has(environment.key)) {
      const known = [...environments].join(', ');
      environment.problem(`unknown environment "${environment.key}": environments.yaml defines ${known}`, environment.keyLine);
    }
    const items = environment.list();
    if (items?.length === 0) environment.problem('expected at least one target (or leave the environment out)');
    targets[environment.key] = (items ?? []).flatMap((item) => readTarget(item, channel.key, clusters) ?? []);
  }
  return targets;
}

function readTarget(item: Field, channel: string, clusters: Map<string, Field>): TargetSpec | undefined {
  const entries = item.mapping(TARGET_KEYS, ['cluster', 'region']);
  if (!entries) return undefined;
  const clusterField = entries.get('cluster');
  const cluster = clusterField?.text();
  const region = entries.get('region')?.text();
  if (clusterField && cluster !== undefined) {
    const first = clusters.get(cluster);
    if (first) clusterField.problem(`duplicate cluster "${cluster}" in channel "${channel}": already a target at ${first.path} (line ${first.line})`);
    else clusters.set(cluster, clusterField);
  }
  const settings = TARGET_SETTINGS.map((key) => [key, entries.get(key)?.text()] as const);
  const labels = entries.get('labels')?.textMap();
  if (cluster === undefined || region === undefined) return undefined;
  const target: TargetSpec = { cluster, region };
  for (const [key, value] of settings) if (value !== undefined) target[key] = value;
  if (labels) target.labels = labels.values;
  return target;
}

// ---------------------------------------------------------------------------------------------
// catalog/: Backstage entities. Only Group (team) and Component (service) are read; unknown keys are fine.

interface Entity {
  root: Field;
  kind: string;
  name: string;
  nameField: Field;
  metadata: Map<string, Field>;
  spec: Map<string, Field> | undefined;
}

function readEntity(root: Field): Entity | undefined {
  const entries = root.mapping(null, ['kind', 'metadata']);
  const kind = entries?.get('kind')?.text();
  const metadata = entries?.get('metadata')?.mapping(null, ['name']);
  const nameField = metadata?.get('name');
  const name = nameField?.text();
  if (!entries || kind === undefined || !metadata || !nameField || name === undefined) return undefined;
  const spec = kind === 'Group' || kind === 'Component' ? entries.get('spec')?.mapping(null) : undefined;
  return { root, kind, name, nameField, metadata, spec };
}

function annotationsOf(entity: Entity): { values: Record<string, string>; fields: Map<string, Field> } {
  return entity.metadata.get('annotations')?.textMap() ?? { values: {}, fields: new Map() };
}

function readTeam(entity: Entity): Team {
  const annotations = annotationsOf(entity).values;
  const team: Team = {
    name: entity.name,
    slack: {},
    changeCaseQueue: annotations['dcp/change-case-queue'] ?? entity.name,
    members: entity.spec?.get('members')?.texts() ?? [],
  };
  const title = entity.metadata.get('title')?.text();
  if (title !== undefined) team.title = title;
  if (annotations['slack.com/workspace'] !== undefined) team.slack.workspace = annotations['slack.com/workspace'];
  if (annotations['slack.com/channel'] !== undefined) team.slack.channel = annotations['slack.com/channel'];
  return team;
}

/** `team`, `group:team` or `group:namespace/team` -> `team`. */
function ownerTeam(owner: Field): string | undefined {
  const text = owner.text();
  if (text === undefined) return undefined;
  const match = /^(?:([^:/]+):)?(?:[^:/]+\/)?([^:/]+)$/.exec(text);
  if (!match || (match[1] !== undefined && match[1].toLowerCase() !== 'group')) {
    owner.problem(`expected the owning team as "team", "group:team" or "group:namespace/team", got ${owner.shown}`);
    return undefined;
  }
  return match[2];
}

/** `teams`: the known team names, or undefined when they cannot be known (a catalog file did not parse). */
function readService(entity: Entity, teams: Map<string, Field> | undefined): Service | undefined {
  const { values, fields } = annotationsOf(entity);
  const isGovText = values['dcp/is-gov'];
  if (isGovText !== undefined && isGovText !== 'true' && isGovText !== 'false') {
    fields.get('dcp/is-gov')?.problem(`expected "true" or "false", got ${JSON.stringify(isGovText)}`);
  }
  const ownerField = entity.spec?.get('owner');
  if (!ownerField) entity.root.child('spec', null, entity.root.line).missingKey('owner', ': the team (a Group) that owns the service');
  const team = ownerField && ownerTeam(ownerField);
  if (ownerField && team !== undefined && teams && !teams.has(team)) {
    ownerField.problem(`unknown team "${team}": no Group of that name in catalog/ (known: ${[...teams.keys()].join(', ') || 'none'})`);
  }
  const lifecycle = entity.spec?.get('lifecycle')?.text();
  if (team === undefined) return undefined;
  const service: Service = { name: entity.name, team, isGov: isGovText === 'true', annotations: values };
  if (lifecycle !== undefined) service.lifecycle = lifecycle;
  return service;
}

/** A name seen twice is reported at its second occurrence. */
function firstOccurrence(seen: Map<string, Field>, entity: Entity, what: string): boolean {
  const first = seen.get(entity.name);
  if (first) entity.nameField.problem(`duplicate ${what} "${entity.name}": already defined at ${first.where}`);
  else seen.set(entity.name, entity.nameField);
  return !first;
}

function readCatalog(files: YamlFile[]): { teams: Team[]; services: Service[] } {
  const entities = files.flatMap((file) => file.roots.flatMap((root) => readEntity(root) ?? []));
  const teamNames = new Map<string, Field>();
  const serviceNames = new Map<string, Field>();
  const teams = entities.filter((e) => e.kind === 'Group' && firstOccurrence(teamNames, e, 'team')).map(readTeam);
  // Owners are only checked when every catalog file parsed (a broken file may hold the team).
  const knownTeams = files.every((file) => file.ok) ? teamNames : undefined;
  const services = entities
    .filter((e) => e.kind === 'Component' && firstOccurrence(serviceNames, e, 'service'))
    .flatMap((e) => readService(e, knownTeams) ?? []);
  return { teams, services };
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
  const [channelsFile, environmentsFile, catalogFiles] = await Promise.all([
    readMainFile(dir, 'channels.yaml', 'channels', issues),
    readMainFile(dir, 'environments.yaml', 'environments', issues),
    readCatalogFiles(dir, issues),
  ]);
  const environmentsRoot = environmentsFile.roots[0];
  const { environments, strategies } = environmentsRoot ? readEnvironmentsFile(environmentsRoot) : { environments: [], strategies: {} };
  const environmentNames = environmentsFile.ok ? new Set(environments.map((e) => e.name)) : undefined;
  const channels = channelsFile.roots[0] ? readChannels(channelsFile.roots[0], environmentNames) : {};
  const { teams, services } = readCatalog(catalogFiles);
  if (issues.length > 0) throw configError(issues);
  return { channels, environments, strategies, teams, services };
}
