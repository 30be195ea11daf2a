/**
 * A Backstage entity (as the catalog API answers it, or as a `catalog-info.yaml` document) read
 * into a catalog-source entity, or a problem naming the entity ref, the field and the reason.
 * Used by the Backstage and GitHub sources alike: both speak Backstage's entity format.
 *
 * Read: Group with `spec.type: team` (a team; other groups are skipped), User (a person, with
 * `spec.memberOf`), Component (a service, when the source's `component` rule accepts it). Other
 * kinds (System, API, Location, Resource …) are skipped without a word. Unknown keys are fine.
 * Limits: names by Backstage's rule (63 characters), at most 200 annotations of 2,000 characters,
 * 500 members / memberOf entries, texts of 1,000 characters.
 */
import { isEntityName, parseEntityRef, personName, type EntityProblem, type Origin, type SourceEntity } from '../../core/catalog.ts';
import { isObject } from '../vendor-text.ts';

export interface EntityContext {
  source: string;
  /** Where the entity came from: the file (GitHub) and the link to correct it. */
  origin(ref: { kind: string; namespace: string; name: string }): Pick<Origin, 'file' | 'editUrl'>;
  /** The file, for a problem in an entity that cannot be named. */
  file?: string;
  /** Whether a Component is a service (GitHub: `spec.type: service`; Backstage: the server's filter decided). */
  component?: (spec: Record<string, unknown>) => boolean;
}

export type EntityReading = { entity: SourceEntity } | { problem: EntityProblem } | { skipped: true };

const MAX_TEXT = 1000;
const MAX_ANNOTATIONS = 200;
const MAX_ANNOTATION = 2000;
const MAX_LIST = 500;

class Bad extends Error {
  readonly field: string;
  constructor(field: string, reason: string) {
    super(reason);
    // An annotation's key is the source's text: a field is shown at most 200 characters.
    this.field = field.length > 200 ? `${field.slice(0, 200)}…` : field;
  }
}

function text(value: unknown, field: string, required = false): string | undefined {
  if (value === undefined || value === null) {
    if (required) throw new Bad(field, `missing: ${field} is required`);
    return undefined;
  }
  if (typeof value !== 'string') throw new Bad(field, `expected a string, got ${Array.isArray(value) ? 'a list' : typeof value}`);
  if (value.length > MAX_TEXT) throw new Bad(field, `at most ${MAX_TEXT} characters, got ${value.length}`);
  if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(value)) throw new Bad(field, 'control characters are not allowed');
  return value;
}

function texts(value: unknown, field: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new Bad(field, 'expected a list of strings');
  if (value.length > MAX_LIST) throw new Bad(field, `at most ${MAX_LIST} entries, got ${value.length}`);
  return value.map((item, i) => text(item, `${field}[${i}]`, true)!);
}

function annotationsOf(metadata: Record<string, unknown>): Record<string, string> {
  const raw = metadata.annotations;
  if (raw === undefined || raw === null) return {};
  if (!isObject(raw)) throw new Bad('metadata.annotations', 'expected a mapping of strings');
  const entries = Object.entries(raw);
  if (entries.length > MAX_ANNOTATIONS) throw new Bad('metadata.annotations', `at most ${MAX_ANNOTATIONS} annotations, got ${entries.length}`);
  const out: Record<string, string> = {};
  for (const [key, value] of entries) {
    if (typeof value !== 'string') throw new Bad(`metadata.annotations.${key}`, `expected a string, got ${typeof value}`);
    if (value.length > MAX_ANNOTATION) throw new Bad(`metadata.annotations.${key}`, `at most ${MAX_ANNOTATION} characters`);
    out[key] = value;
  }
  return out;
}

/** Group names from refs (`team-a`, `group:team-a`, `group:default/team-a`); another kind is an error. */
function groupNames(refs: string[], field: string, namespace: string): string[] {
  return refs.map((r, i) => {
    const ref = parseEntityRef(r, { kind: 'group', namespace });
    if ('error' in ref) throw new Bad(`${field}[${i}]`, ref.error);
    if (ref.kind !== 'group') throw new Bad(`${field}[${i}]`, `expected a group, got a ${ref.kind} ("${r}")`);
    return ref.name;
  });
}

function personNames(refs: string[], field: string, namespace: string): string[] {
  return refs.map((r, i) => {
    const ref = parseEntityRef(r, { kind: 'user', namespace });
    if ('error' in ref) throw new Bad(`${field}[${i}]`, ref.error);
    return personName(ref.namespace, ref.name);
  });
}

export function readBackstageEntity(raw: unknown, ctx: EntityContext): EntityReading {
  const unnamed = (field: string, reason: string): EntityReading => ({ problem: { source: ctx.source, ref: ctx.file ?? '(entity)', field, reason } });
  if (!isObject(raw)) return unnamed('(entity)', `expected an entity (a mapping), got ${Array.isArray(raw) ? 'a list' : raw === null ? 'null' : typeof raw}`);
  if (typeof raw.kind !== 'string') return unnamed('kind', 'missing: every entity has a kind');
  const kind = raw.kind.toLowerCase();
  if (kind !== 'group' && kind !== 'user' && kind !== 'component') return { skipped: true };
  const metadata = raw.metadata;
  if (!isObject(metadata)) return unnamed('metadata', 'missing: every entity has metadata with a name');
  if (typeof metadata.name !== 'string' || !isEntityName(metadata.name)) {
    return unnamed('metadata.name', `expected a name of 1-63 letters, digits, "-", "_", "." (starting and ending with a letter or digit), got ${JSON.stringify(String(metadata.name ?? '')).slice(0, 100)}`);
  }
  const name = metadata.name;
  const namespace = metadata.namespace === undefined ? 'default' : String(metadata.namespace);
  if (!isEntityName(namespace)) return unnamed('metadata.namespace', `"${namespace.slice(0, 100)}" is not a valid namespace`);
  const ref = `${kind}:${namespace}/${name}`;
  const where = ctx.origin({ kind, namespace, name });
  const origin: Origin = { source: ctx.source, ref, editUrl: where.editUrl, ...(where.file ? { file: where.file } : {}) };
  const key = kind === 'group' ? `team:${name}` : kind === 'user' ? `user:${personName(namespace, name)}` : `service:${name}`;
  try {
    const spec = raw.spec === undefined || raw.spec === null ? {} : raw.spec;
    if (!isObject(spec)) throw new Bad('spec', 'expected a mapping');
    const annotations = annotationsOf(metadata);
    if (kind === 'group') {
      if (spec.type !== 'team') return { skipped: true };
      const profile = isObject(spec.profile) ? spec.profile : {};
      const title = text(metadata.title, 'metadata.title') ?? text(profile.displayName, 'spec.profile.displayName');
      const slack: { workspace?: string; channel?: string } = {};
      if (annotations['slack.com/workspace'] !== undefined) slack.workspace = annotations['slack.com/workspace'];
      if (annotations['slack.com/channel'] !== undefined) slack.channel = annotations['slack.com/channel'];
      const members = personNames(texts(spec.members, 'spec.members'), 'spec.members', namespace);
      const entity: SourceEntity = { kind: 'team', name, slack, members, origin, ...(title !== undefined ? { title } : {}) };
      if (annotations['dcp/change-case-queue'] !== undefined) entity.changeCaseQueue = annotations['dcp/change-case-queue'];
      return { entity };
    }
    if (kind === 'user') {
      const profile = spec.profile === undefined ? {} : spec.profile;
      if (!isObject(profile)) throw new Bad('spec.profile', 'expected a mapping');
      const email = text(profile.email, 'spec.profile.email');
      const displayName = text(profile.displayName, 'spec.profile.displayName');
      const memberOf = groupNames(texts(spec.memberOf, 'spec.memberOf'), 'spec.memberOf', namespace);
      const entity: SourceEntity = { kind: 'user', name: personName(namespace, name), namespace, entityName: name, memberOf, origin };
      if (email !== undefined) entity.email = email;
      if (displayName !== undefined) entity.displayName = displayName;
      return { entity };
    }
    if (ctx.component && !ctx.component(spec)) return { skipped: true };
    const owner = text(spec.owner, 'spec.owner', true)!;
    const parsed = parseEntityRef(owner, { kind: 'group', namespace });
    if ('error' in parsed) throw new Bad('spec.owner', parsed.error);
    const isGovText = annotations['dcp/is-gov'];
    if (isGovText !== undefined && isGovText !== 'true' && isGovText !== 'false') {
      throw new Bad('metadata.annotations.dcp/is-gov', `expected "true" or "false", got ${JSON.stringify(isGovText.slice(0, 50))}`);
    }
    const lifecycle = text(spec.lifecycle, 'spec.lifecycle');
    const entity: SourceEntity = { kind: 'service', name, namespace, owner, annotations, origin };
    if (isGovText !== undefined) entity.isGov = isGovText === 'true';
    if (lifecycle !== undefined) entity.lifecycle = lifecycle;
    return { entity };
  } catch (error) {
    if (!(error instanceof Bad)) throw error;
    return { problem: { source: ctx.source, ref, field: error.field, reason: error.message, key, editUrl: origin.editUrl } };
  }
}
