/**
 * A small renderer for Argo's template tags, enough for the shipped templates (deploy/argo/):
 *   simple      `{{workflow.parameters.x}}`, `{{inputs.parameters.x}}`, `{{item.x}}`, `{{workflow.name}}`
 *               — the tag names a variable; an unknown one is an error (as Argo refuses it).
 *   expression  `{{=…}}` — an expr-lang expression over the same variables, nested
 *               (`steps.wait.outputs.result`), with Argo's functions `jsonpath`, `toJson`,
 *               `asInt`, `sprig.replace`, and expr's `fromJSON`, `string`; operators `? :`, `||`,
 *               `&&`, `!`, `==`, `!=`, `<`, `<=`, `>`, `>=`, `in`, `contains`, `+`.
 * Like Argo, a tag ends at the first `}}`, and an expression whose result is not a string is
 * printed with Go's `%v` (a map prints as `map[k:v]`, not JSON) — so a missing `toJson` shows.
 * Unknown syntax or functions throw: the player must not guess what Argo would do.
 */

export type Vars = Record<string, unknown>;

export function render(text: string, vars: Vars): string {
  return text.replace(/\{\{(.*?)\}\}/gs, (_, tag: string) => {
    if (tag.startsWith('=')) return goString(evaluate(tag.slice(1), nest(vars)));
    const key = tag.trim();
    if (!(key in vars)) throw new Error(`unresolved template tag {{${key}}} (known here: ${Object.keys(vars).sort().join(', ')})`);
    return goString(vars[key]);
  });
}

/** Flat `a.b.c` keys → nested objects, as Argo's expression environment has them. */
export function nest(vars: Vars): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(vars)) {
    const parts = key.split('.');
    let node = root;
    for (const part of parts.slice(0, -1)) {
      if (typeof node[part] !== 'object' || node[part] === null) node[part] = {};
      node = node[part] as Record<string, unknown>;
    }
    node[parts.at(-1) as string] = value;
  }
  return root;
}

/** Go's fmt `%v` for what JSON can hold. */
export function goString(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '<nil>';
  if (Array.isArray(value)) return `[${value.map(goString).join(' ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `map[${entries.map(([k, v]) => `${k}:${goString(v)}`).join(' ')}]`;
  }
  return String(value);
}

/** `$`, `.key` and `[n]` steps over a JSON string, as Argo's jsonpath() for the paths the templates use. */
function jsonpath(json: unknown, path: unknown): unknown {
  if (typeof json !== 'string') throw new Error(`jsonpath: the first argument must be a JSON string, got ${goString(json)}`);
  if (typeof path !== 'string' || !path.startsWith('$')) throw new Error(`jsonpath: unsupported path ${String(path)}`);
  let value: unknown = JSON.parse(json);
  for (const [, key, index] of path.slice(1).matchAll(/\.([A-Za-z0-9_-]+)|\[(\d+)\]/g)) {
    if (key !== undefined) {
      if (typeof value !== 'object' || value === null || Array.isArray(value) || !(key in value)) throw new Error(`jsonpath: key error: ${key} not found in object`);
      value = (value as Record<string, unknown>)[key];
    } else {
      if (!Array.isArray(value) || Number(index) >= value.length) throw new Error(`jsonpath: index out of range: ${index}`);
      value = value[Number(index)];
    }
  }
  return value;
}

const FUNCTIONS: Record<string, (...args: unknown[]) => unknown> = {
  jsonpath,
  toJson: (v) => JSON.stringify(v),
  fromJSON: (s) => JSON.parse(String(s)),
  string: (v) => goString(v),
  asInt: (v) => {
    const n = Number(v);
    if (!Number.isInteger(n)) throw new Error(`asInt: "${String(v)}" is not an integer`);
    return n;
  },
};
const SPRIG: Record<string, (...args: unknown[]) => unknown> = {
  replace: (old, replacement, text) => String(text).split(String(old)).join(String(replacement)),
};

type Token = { type: 'str' | 'num' | 'id' | 'op'; value: string };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (/\s/.test(c)) {
      i += 1;
    } else if (c === "'" || c === '"') {
      let j = i + 1;
      let text = '';
      while (j < source.length && source[j] !== c) {
        if (source[j] === '\\') {
          j += 1;
          text += ({ n: '\n', t: '\t' } as Record<string, string>)[source[j]] ?? source[j];
        } else text += source[j];
        j += 1;
      }
      if (j >= source.length) throw new Error(`expression: unterminated string in ${source}`);
      tokens.push({ type: 'str', value: text });
      i = j + 1;
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?/.exec(source.slice(i)) as RegExpExecArray;
      tokens.push({ type: 'num', value: m[0] });
      i += m[0].length;
    } else if (/[A-Za-z_#]/.test(c)) {
      const m = /^[A-Za-z_#][A-Za-z0-9_]*/.exec(source.slice(i)) as RegExpExecArray;
      tokens.push({ type: 'id', value: m[0] });
      i += m[0].length;
    } else {
      const two = source.slice(i, i + 2);
      if (['==', '!=', '&&', '||', '<=', '>=', '??'].includes(two)) {
        tokens.push({ type: 'op', value: two });
        i += 2;
      } else if ('()[],.?:!+<>'.includes(c)) {
        tokens.push({ type: 'op', value: c });
        i += 1;
      } else throw new Error(`expression: unexpected "${c}" in ${source}`);
    }
  }
  return tokens;
}

/** Evaluates an expr-lang expression (the subset above) against `env`. */
export function evaluate(source: string, env: Record<string, unknown>): unknown {
  const tokens = tokenize(source);
  let at = 0;
  const peek = (value?: string) => (value === undefined ? tokens[at] : tokens[at] && tokens[at].value === value && tokens[at].type !== 'str' ? tokens[at] : undefined);
  const take = (value: string) => {
    if (!peek(value)) throw new Error(`expression: expected "${value}" at token ${at} of ${source}`);
    at += 1;
  };

  // Each level returns a thunk so `? :`, `&&` and `||` evaluate only the side they need, as expr does.
  type Thunk = () => unknown;
  function ternary(): Thunk {
    const condition = or();
    if (!peek('?')) return condition;
    at += 1;
    const yes = ternary();
    take(':');
    const no = ternary();
    return () => (truthy(condition()) ? yes() : no());
  }
  function or(): Thunk {
    let left = and();
    while (peek('||') || peek('or')) {
      at += 1;
      const l = left;
      const r = and();
      left = () => truthy(l()) || truthy(r());
    }
    return left;
  }
  function and(): Thunk {
    let left = comparison();
    while (peek('&&') || peek('and')) {
      at += 1;
      const l = left;
      const r = comparison();
      left = () => truthy(l()) && truthy(r());
    }
    return left;
  }
  function comparison(): Thunk {
    let left = additive();
    for (;;) {
      const op = ['==', '!=', '<', '<=', '>', '>=', 'in', 'contains'].find((o) => peek(o));
      if (!op) return left;
      at += 1;
      const l = left;
      const r = additive();
      left = () => compare(op, l(), r());
    }
  }
  function additive(): Thunk {
    let left = unary();
    while (peek('+')) {
      at += 1;
      const l = left;
      const r = unary();
      left = () => {
        const a = l();
        const b = r();
        if (typeof a === 'string' && typeof b === 'string') return a + b;
        if (typeof a === 'number' && typeof b === 'number') return a + b;
        throw new Error(`expression: invalid operation: ${goString(a)} + ${goString(b)} in ${source}`);
      };
    }
    return left;
  }
  function unary(): Thunk {
    if (peek('!') || peek('not')) {
      at += 1;
      const operand = unary();
      return () => !truthy(operand());
    }
    return postfix();
  }
  function postfix(): Thunk {
    let value = primary();
    for (;;) {
      if (peek('.')) {
        at += 1;
        const name = tokens[at];
        if (!name || name.type !== 'id') throw new Error(`expression: expected a name after "." in ${source}`);
        at += 1;
        const object = value;
        value = () => member(object(), name.value);
      } else if (peek('[')) {
        at += 1;
        const index = ternary();
        take(']');
        const object = value;
        value = () => member(object(), index());
      } else if (peek('(')) {
        at += 1;
        const args: Thunk[] = [];
        while (!peek(')')) {
          args.push(ternary());
          if (!peek(')')) take(',');
        }
        take(')');
        const callee = value;
        value = () => {
          const fn = callee();
          if (typeof fn !== 'function') throw new Error(`expression: calling something that is not a function in ${source}`);
          return (fn as (...a: unknown[]) => unknown)(...args.map((a) => a()));
        };
      } else return value;
    }
  }
  function primary(): Thunk {
    const token = tokens[at];
    if (!token) throw new Error(`expression: unexpected end of ${source}`);
    at += 1;
    if (token.type === 'str') return () => token.value;
    if (token.type === 'num') return () => Number(token.value);
    if (token.type === 'op' && token.value === '(') {
      const inner = ternary();
      take(')');
      return inner;
    }
    if (token.type === 'op' && token.value === '[') {
      const items: Thunk[] = [];
      while (!peek(']')) {
        items.push(ternary());
        if (!peek(']')) take(',');
      }
      take(']');
      return () => items.map((item) => item());
    }
    if (token.type === 'id') {
      const name = token.value;
      if (name === 'true') return () => true;
      if (name === 'false') return () => false;
      if (name === 'nil') return () => null;
      if (name === 'sprig') return () => SPRIG;
      if (name in FUNCTIONS && peek('(')) return () => FUNCTIONS[name];
      return () => env[name];
    }
    throw new Error(`expression: unexpected "${token.value}" in ${source}`);
  }

  const program = ternary();
  if (at !== tokens.length) throw new Error(`expression: unexpected "${tokens[at].value}" in ${source}`);
  return program();
}

function member(object: unknown, key: unknown): unknown {
  if (object === null || object === undefined) throw new Error(`expression: cannot fetch ${String(key)} from <nil>`);
  if (object === SPRIG) {
    const fn = SPRIG[String(key)];
    if (!fn) throw new Error(`expression: sprig.${String(key)} is not one the player knows`);
    return fn;
  }
  if (Array.isArray(object) && typeof key === 'number') return object[key];
  if (typeof object === 'object') return (object as Record<string, unknown>)[String(key)];
  throw new Error(`expression: cannot fetch ${String(key)} from ${goString(object)}`);
}

function compare(op: string, a: unknown, b: unknown): boolean {
  switch (op) {
    case '==':
      return a === b || (a == null && b == null);
    case '!=':
      return !(a === b || (a == null && b == null));
    case 'in':
      if (Array.isArray(b)) return b.includes(a);
      if (typeof b === 'object' && b !== null) return String(a) in b;
      throw new Error(`expression: "in" needs a list or a map, got ${goString(b)}`);
    case 'contains':
      if (typeof a !== 'string' || typeof b !== 'string') throw new Error(`expression: "contains" needs strings, got ${goString(a)} and ${goString(b)}`);
      return a.includes(b);
    default: {
      if (typeof a !== 'number' || typeof b !== 'number') throw new Error(`expression: ${op} needs numbers, got ${goString(a)} and ${goString(b)}`);
      return op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b;
    }
  }
}

function truthy(value: unknown): boolean {
  if (typeof value !== 'boolean') throw new Error(`expression: expected a bool, got ${goString(value)}`);
  return value;
}
