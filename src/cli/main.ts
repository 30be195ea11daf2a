/**
 * `dcp`: a thin command line over the running server's API.
 *
 *   npm run dcp -- import [DIR]     re-import the server's config folder, or upload DIR's files
 *
 * Where: DCP_URL (default http://127.0.0.1:8080). Who: DCP_TOKEN, else the admin token in
 * DCP_DATA_DIR/admin-token (default ./.dcp/admin-token).
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { CONFIG_LIMITS, formatBytes, type ConfigLimits } from '../config/limits.ts';
import { TOP_LEVEL_FILES } from '../config/upload.ts';

interface Problem {
  title?: string;
  detail?: string;
  errors?: { field: string; message: string; file?: string; line?: number }[];
}

const USAGE = 'usage: dcp import [DIR]   (env: DCP_URL, DCP_TOKEN or DCP_DATA_DIR)';

function token(env: NodeJS.ProcessEnv): string {
  if (env.DCP_TOKEN) return env.DCP_TOKEN;
  const file = join(env.DCP_DATA_DIR || './.dcp', 'admin-token');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  throw new Error(`no token: set DCP_TOKEN, or DCP_DATA_DIR to the server's data directory (looked for ${file})`);
}

/**
 * The config files of a folder: channels.yaml, environments.yaml, access.yaml and every YAML file
 * under catalog/, held to the server's limits (config/limits.ts) before anything is read or sent:
 * an oversized file is named here rather than refused as a too-large body.
 */
export function readConfigFiles(dir: string, limits: ConfigLimits = CONFIG_LIMITS): Record<string, string> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`${dir} is not a folder`);
  const names: string[] = TOP_LEVEL_FILES.filter((name) => existsSync(join(dir, name)));
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.ya?ml$/.test(entry.name)) names.push(relative(dir, path).split(sep).join('/'));
    }
  };
  if (existsSync(join(dir, 'catalog'))) walk(join(dir, 'catalog'));
  if (names.length > limits.files + TOP_LEVEL_FILES.length) throw new Error(`${dir} holds ${names.length} config files: at most ${limits.files + TOP_LEVEL_FILES.length} are allowed`);
  let total = 0;
  for (const name of names) {
    const size = statSync(join(dir, name)).size;
    if (size > limits.fileBytes) throw new Error(`${name} is ${formatBytes(size)}: a config file may be at most ${formatBytes(limits.fileBytes)}`);
    total += size;
    if (total > limits.folderBytes) throw new Error(`the config files up to ${name} come to ${formatBytes(total)}: a config folder may hold at most ${formatBytes(limits.folderBytes)}`);
  }
  return Object.fromEntries(names.map((name) => [name, readFileSync(join(dir, name), 'utf8')]));
}

export function formatProblem(status: number, problem: Problem): string {
  const lines = [`error ${status}: ${problem.title ?? 'request failed'}${problem.detail ? ` — ${problem.detail}` : ''}`];
  for (const e of problem.errors ?? []) lines.push(`  ${e.file ? `${e.file}${e.line ? `:${e.line}` : ''} ` : ''}${e.field}: ${e.message}`);
  return lines.join('\n');
}

export async function run(args: string[], env: NodeJS.ProcessEnv, out: (line: string) => void): Promise<number> {
  const [command, dir, ...rest] = args;
  if (command !== 'import' || rest.length > 0) {
    out(USAGE);
    return 2;
  }
  const base = (env.DCP_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');
  const body = dir ? { files: readConfigFiles(dir) } : {};
  const response = await fetch(`${base}/api/v1/config/reload`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token(env)}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const result = await response.json();
  if (!response.ok) {
    out(formatProblem(response.status, result as Problem));
    return 1;
  }
  const { changed, counts, source } = result as { changed: boolean; counts: Record<string, number>; source: string };
  out(`${changed ? 'imported' : 'unchanged'} (${source}): ${Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(', ')}`);
  return 0;
}

if (import.meta.main) {
  run(process.argv.slice(2), process.env, (line) => console.log(line)).then(
    (code) => process.exit(code),
    (error: Error) => {
      console.error(`dcp: ${error.message}`);
      process.exit(1);
    },
  );
}
