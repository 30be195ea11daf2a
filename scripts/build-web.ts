/**
 * Builds the DCP app (web/ → web/dist) when it is missing or older than its sources, so that
 * `npm start` serves it with no extra step. `--force` always builds.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const web = fileURLToPath(new URL('../web/', import.meta.url));
const built = join(web, 'dist', 'index.html');

function newest(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

const sources = Math.max(newest(join(web, 'src')), newest(join(web, 'index.html')), newest(join(web, 'vite.config.ts')));
if (process.argv.includes('--force') || !existsSync(built) || statSync(built).mtimeMs < sources) {
  console.log('building the DCP app (web/ → web/dist)');
  await build({ configFile: join(web, 'vite.config.ts'), logLevel: 'warn' });
} else {
  console.log('the DCP app is up to date (web/dist)');
}
