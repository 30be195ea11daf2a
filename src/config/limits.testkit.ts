/** Config texts that test the limits (limits.test.ts, test/config-limits.test.ts). */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const EXAMPLE_CONFIG = fileURLToPath(new URL('../../config/', import.meta.url));

/** The shipped example config as upload files (path → text). */
export function exampleFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else files[relative(EXAMPLE_CONFIG, file).split(sep).join('/')] = readFileSync(file, 'utf8');
    }
  };
  walk(EXAMPLE_CONFIG);
  return files;
}

/**
 * The alias bomb as an environments.yaml (~18 KB): a list of 1,000 references to one bad
 * check, referenced as the `checks` of 1,000 environments — a million checks once expanded. Before
 * the alias limit, reading it blocked for minutes and reported a million problems.
 */
export function aliasBomb(): string {
  const refs = Array.from({ length: 1000 }, () => '*c').join(', ');
  const environments = Array.from({ length: 1000 }, () => '{checks: *l}').join(', ');
  return `x: &c {name: c, type: bogus}\ny: &l [${refs}]\nenvironments: [${environments}]\n`;
}

/**
 * Valid catalog files of ~`fileBytes` each, `files` of them: services of team `payments` (the
 * example's), each with a long description (read past, as unknown metadata is) so the bytes are
 * large while the rows stay few.
 */
export function bigCatalog(files: number, fileBytes: number, servicesPerFile = 40): Record<string, string> {
  const description = 'x'.repeat(Math.floor(fileBytes / servicesPerFile) - 200);
  const out: Record<string, string> = {};
  for (let f = 0; f < files; f++) {
    const docs = Array.from({ length: servicesPerFile }, (_, s) => `kind: Component
metadata:
  name: bulk-${f}-${s}
  description: ${description}
spec: { type: service, owner: payments, lifecycle: production }
`);
    out[`catalog/bulk/part-${String(f).padStart(3, '0')}.yaml`] = docs.join('---\n');
  }
  return out;
}
