/**
 * Config folders for tests that need targets the shipped fixtures do not describe: a copy of a
 * config folder whose targets get more fields — a `cpcEndpoint` (CPC, and the Argo phase template,
 * release through it), a `kubeContext` (Helm). Removed when the process exits.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { UNGATED_CONFIG } from './dcp.ts';

type TargetFields = { cluster: string; cpcEndpoint?: string; kubeContext?: string };
type Channels = Record<string, Record<string, TargetFields[]>>;

export function configWithCpc(endpoint: (cluster: string) => string, base = UNGATED_CONFIG): string {
  return configWithTargets((target) => ({ cpcEndpoint: endpoint(target.cluster) }), base);
}

export function configWithTargets(fields: (target: TargetFields) => Partial<TargetFields>, base = UNGATED_CONFIG): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'dcp-config-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  cpSync(base, dir, { recursive: true });
  const file = path.join(dir, 'channels.yaml');
  const doc = parse(readFileSync(file, 'utf8')) as { channels: Channels };
  for (const environments of Object.values(doc.channels)) {
    for (const targets of Object.values(environments)) for (const target of targets) Object.assign(target, fields(target));
  }
  writeFileSync(file, stringify(doc));
  return dir;
}
