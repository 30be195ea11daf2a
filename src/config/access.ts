/**
 * access.yaml (optional): who administers DCP.
 *
 *   admins: [alice, user:bob, group:platform]
 *
 * A bare name or `user:NAME` is a person of the catalog; `group:NAME` is everyone in that group
 * (a team, or a Backstage `memberOf` group). Without the file, only service tokens with the
 * `admin` scope (the bootstrap token among them) administer DCP.
 */
import type { Field } from './fields.ts';

export function readAccess(root: Field): string[] {
  const entries = root.mapping(['admins'], []);
  const list = entries?.get('admins');
  const names = list?.texts() ?? [];
  for (const item of list?.list() ?? []) {
    const text = item.text();
    if (text !== undefined && !/^(?:(?:user|group):)?[^\s:]+$/.test(text)) item.problem(`expected a user ("alice" or "user:alice") or a group ("group:platform"), got ${item.shown}`);
  }
  return [...new Set(names.map((n) => (n.startsWith('group:') || n.startsWith('user:') ? n : `user:${n}`)))];
}
