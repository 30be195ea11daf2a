/**
 * The small JSONPath subset the `http` check reads: `$`, `.key`, `['key']` (or `["key"]`) and
 * `[0]`. Anything else (`..`, `*`, filters, slices, negative indexes) is rejected with a message
 * naming the position, rather than silently matching nothing.
 */

/** A path's steps: a string is an object key, a number an array index. */
export type JsonPath = (string | number)[];

const NAME = /[A-Za-z0-9_$-]/;

/** Parses `path`; throws an Error saying what is unsupported and where. */
export function parseJsonPath(path: string): JsonPath {
  const fail = (at: number, what: string): never => {
    throw new Error(`unsupported JSONPath "${path}" at position ${at}: ${what}; only $, .key, ['key'] and [0] are supported`);
  };
  if (path[0] !== '$') fail(0, 'it must start with $');
  const steps: JsonPath = [];
  let i = 1;
  while (i < path.length) {
    if (path[i] === '.') {
      let end = i + 1;
      while (end < path.length && NAME.test(path[end])) end++;
      if (end === i + 1) fail(i + 1, 'expected a key after "."');
      steps.push(path.slice(i + 1, end));
      i = end;
    } else if (path[i] === '[') {
      const index = /^\[(0|[1-9][0-9]*)\]/.exec(path.slice(i));
      const quoted = /^\[(['"])((?:\\.|(?!\1)[^\\])*)\1\]/.exec(path.slice(i));
      if (index) {
        steps.push(Number(index[1]));
        i += index[0].length;
      } else if (quoted) {
        steps.push(quoted[2].replace(/\\(.)/g, '$1'));
        i += quoted[0].length;
      } else {
        fail(i, 'expected [<index>] or [\'<key>\']');
      }
    } else {
      fail(i, `unexpected "${path[i]}"`);
    }
  }
  return steps;
}

/** The value at `steps` in `root`, or `found: false` when a step is missing. */
export function readJsonPath(root: unknown, steps: JsonPath): { found: true; value: unknown } | { found: false } {
  let value = root;
  for (const step of steps) {
    if (typeof step === 'number') {
      if (!Array.isArray(value) || step >= value.length) return { found: false };
      value = value[step];
    } else {
      // Only own keys of plain objects: `$.length` of an array or a string is not a JSON member.
      if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, step)) return { found: false };
      value = (value as Record<string, unknown>)[step];
    }
  }
  return { found: true, value };
}
