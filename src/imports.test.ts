/**
 * No import cycles in src/ (type-only imports count: a cycle of types is still a tangle that
 * makes modules impossible to read or split one at a time). Reads the relative imports of every
 * .ts file and searches the graph depth-first; a cycle is reported as the chain of files.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = path.dirname(fileURLToPath(import.meta.url));

function sourceFiles(): string[] {
  return readdirSync(SRC, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

/** Relative `import … from './x.ts'` and `export … from './x.ts'` targets, resolved. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const targets: string[] = [];
  for (const match of text.matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s+['"](\.[^'"]+)['"]/gms)) targets.push(path.resolve(path.dirname(file), match[1]));
  for (const match of text.matchAll(/^\s*import\s+['"](\.[^'"]+)['"]/gm)) targets.push(path.resolve(path.dirname(file), match[1]));
  return targets;
}

function findCycles(graph: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): void => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return cycles;
}

test('the cycle finder finds a type-only two-file cycle like the one config/ had', () => {
  assert.deepEqual(findCycles(new Map([['folder', ['environments']], ['environments', ['folder']]])), [['environments', 'folder', 'environments']]);
  assert.deepEqual(findCycles(new Map([['a', ['b']], ['b', ['c']], ['c', []]])), []);
});

test('src/ has no import cycle', () => {
  const files = sourceFiles().filter((file) => !file.endsWith('.test.ts'));
  const graph = new Map(files.map((file) => [file, importsOf(file).filter((target) => files.includes(target))]));
  assert.ok([...graph.values()].some((targets) => targets.length > 0), 'no imports found: the reader is broken');
  const cycles = findCycles(graph).map((cycle) => cycle.map((file) => path.relative(SRC, file)).join(' → '));
  assert.deepEqual(cycles, []);
});
