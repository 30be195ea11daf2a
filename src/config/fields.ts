/**
 * Reading YAML with every problem located: `parseYaml` turns a file's text into one `Field` per
 * document, and a `Field` is a YAML node plus its path (`environments[3].checks[0].type`), file
 * and 1-based line, with small readers (`mapping` with allowed keys, `text`, `bool`, `duration`,
 * …) that record a problem and return undefined when the value is wrong, so that validation goes
 * on and reports everything at once.
 *
 * The file readers (channels.ts, environments.ts, catalog.ts) are built on it; folder.ts reads the
 * folder. This module knows no file kind.
 */
import { isAlias, isCollection, isMap, isNode, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, visit, type Alias, type Document, type EmptyStream } from 'yaml';
import { parseDuration } from '../core/duration.ts';
import type { FieldIssue } from '../core/errors.ts';
import { clip, nameProblem } from './limits.ts';

/** Characters of a value shown in a message (`got "…"`). */
const SHOWN_CHARS = 80;

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

  /** The file this value was read from (relative to the config folder). */
  get file(): string {
    return this.#src.file;
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
    return isScalar(this.node) ? clip(JSON.stringify(this.node.value) ?? String(this.node.value), SHOWN_CHARS) : 'an unsupported value';
  }

  /** The key, clipped for messages. */
  get shownKey(): string {
    return clip(JSON.stringify(this.key), SHOWN_CHARS);
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

  /**
   * A name (`what`: environment, cluster, team, …): a text that passes `nameProblem` (limits.ts).
   * A bad name is reported and read as undefined, so nothing refers to it.
   */
  name(what: string): string | undefined {
    const value = this.text();
    if (value === undefined) return undefined;
    const problem = nameProblem(value);
    if (problem) {
      this.problem(`invalid ${what} name ${this.shown}: it ${problem}`);
      return undefined;
    }
    return value;
  }

  /** This entry's key as a name (channel, strategy): reported at the key's line when bad. */
  keyName(what: string): boolean {
    const problem = nameProblem(this.key);
    if (problem) this.problem(`invalid ${what} name ${this.shownKey}: it ${problem}`, this.keyLine);
    return !problem;
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
// Parsing a file.

export interface YamlFile {
  file: string;
  /** The documents that parsed without errors. */
  roots: Field[];
  /** False when the file had syntax errors (cross-file references into it are not checked). */
  ok: boolean;
}

/**
 * The first alias that makes a document expand too much, by the `yaml` package's `maxAliasCount`
 * rule (its Alias.toJS): an anchor's references × the aliases inside the anchored node (counted
 * the same way, so nested aliases multiply) may not exceed `max`. The readers walk the node tree
 * and resolve aliases themselves, so the package's own check (in toJS) would not run; this is it,
 * with the line of the alias that crosses the limit.
 */
function excessiveAlias(doc: Document, max: number): Alias | undefined {
  const anchors = new Map<unknown, { count: number; aliasCount: number }>();
  const aliasCount = (node: unknown): number => {
    if (isAlias(node)) {
      const data = anchors.get(node.resolve(doc));
      return data ? data.count * data.aliasCount : 0;
    }
    if (isCollection(node)) return (node.items as unknown[]).reduce<number>((most, item) => Math.max(most, aliasCount(item)), 0);
    if (isPair(node)) return Math.max(aliasCount(node.key), aliasCount(node.value));
    return 1;
  };
  let found: Alias | undefined;
  visit(doc, {
    Alias(_key, alias) {
      const source = alias.resolve(doc);
      if (!source) return;
      let data = anchors.get(source);
      if (!data) {
        data = { count: 0, aliasCount: aliasCount(source) };
        anchors.set(source, data);
      }
      data.count += 1;
      if (data.count * data.aliasCount > max) {
        found = alias;
        return visit.BREAK;
      }
    },
  });
  return found;
}

export function parseYaml(file: string, text: string, issues: FieldIssue[], maxAliasCount = 100): YamlFile {
  const lines = new LineCounter();
  const result: YamlFile = { file, roots: [], ok: true };
  let docs: Document.Parsed[] | EmptyStream;
  try {
    docs = parseAllDocuments(text, { lineCounter: lines });
  } catch (error) {
    // The parser recurses per nesting level: thousands of `[` overflow the stack.
    const reason = error instanceof RangeError ? 'the YAML is nested too deeply' : `the YAML cannot be parsed (${error instanceof Error ? error.message : String(error)})`;
    issues.push({ file, line: 1, field: '(syntax)', message: `YAML syntax error: ${reason}` });
    return { file, roots: [], ok: false };
  }
  for (const doc of docs) {
    for (const error of doc.errors) {
      const message = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      issues.push({ file, line: error.linePos?.[0].line ?? 1, field: '(syntax)', message: `YAML syntax error: ${message}` });
      result.ok = false;
    }
    if (doc.errors.length > 0) continue;
    let alias: Alias | undefined;
    try {
      alias = excessiveAlias(doc, maxAliasCount);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      issues.push({ file, line: 1, field: '(syntax)', message: 'YAML syntax error: the YAML is nested too deeply' });
      result.ok = false;
      continue;
    }
    if (alias) {
      const line = alias.range ? lines.linePos(alias.range[0]).line : 1;
      const message = `too many YAML alias references (the alias *${clip(alias.source, SHOWN_CHARS)} here crosses the limit of ${maxAliasCount}): aliases that multiply content are refused; write the values out or anchor fewer of them`;
      issues.push({ file, line, field: '(syntax)', message });
      result.ok = false;
      continue;
    }
    const startLine = lines.linePos(doc.range[0]).line;
    const root = new Field({ file, lines, doc, issues }, doc.contents, '', '', startLine);
    if (!root.isEmpty) result.roots.push(root);
  }
  return result;
}
