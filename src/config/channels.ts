/**
 * channels.yaml (contract §2.1): the target table, channel → environment → targets. Every
 * environment named must be defined in environments.yaml; a cluster appears once per channel.
 */
import type { ConfigSnapshot, TargetSpec } from '../core/types.ts';
import type { Field } from './fields.ts';

const TARGET_KEYS = ['cluster', 'region', 'kubeContext', 'namespace', 'cpcEndpoint', 'labels'] as const;
const TARGET_SETTINGS = ['kubeContext', 'namespace', 'cpcEndpoint'] as const;

/** `environments`: the names defined in environments.yaml, or undefined when it could not be read. */
export function readChannels(root: Field, environments: Set<string> | undefined): ConfigSnapshot['channels'] {
  const channels: ConfigSnapshot['channels'] = {};
  const top = root.mapping(['channels'], ['channels']);
  for (const channel of top?.get('channels')?.entries() ?? []) {
    if (!channel.keyName('channel')) continue;
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
  const cluster = clusterField?.name('cluster');
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
