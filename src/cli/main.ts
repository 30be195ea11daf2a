/**
 * `dcp`: a thin command line over the running server's API.
 *
 *   npm run dcp -- import [DIR]     re-import the server's config folder, or upload DIR's files
 *
 * Where: DCP_URL (default http://127.0.0.1:8080). Who: DCP_TOKEN, else the admin token in
 * DCP_DATA_DIR/admin-token (default ./.dcp/admin-token).
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

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

/** The config files of a folder: channels.yaml, environments.yaml and every YAML file under catalog/. */
export function readConfigFiles(dir: string): Record<string, string> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`${dir} is not a folder`);
  const files: Record<string, string> = {};
  for (const name of ['channels.yaml', 'environments.yaml']) {
    if (existsSync(join(dir, name))) files[name] = readFileSync(join(dir, name), 'utf8');
  }
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.ya?ml$/.test(entry.name)) files[relative(dir, path)] = readFileSync(path, 'utf8');
    }
  };
  if (existsSync(join(dir, 'catalog'))) walk(join(dir, 'catalog'));
  return files;
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
