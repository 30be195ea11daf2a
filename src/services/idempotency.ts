/**
 * Telling a repeat from a reuse of a buildId or an Idempotency-Key (docs/decisions.md,
 * "Idempotency"). The first request's fields are kept as digests (SHA-256 of each top-level
 * field's canonical JSON: keys sorted, so key order never matters); a later request with the same
 * key is a repeat when every digest matches, and a conflict naming the fields that differ when
 * not. Digests rather than the request itself: the deployment already stores what it deploys, and
 * a digest per field names the mismatch without keeping a second copy of the manifest.
 */
import { createHash } from 'node:crypto';
import { ConflictError } from '../core/errors.ts';
import type { Queryable } from '../store/db.ts';
import { findKeyedDeployment } from '../store/deployment-reads.ts';

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Field → SHA-256 (hex) of its canonical JSON; absent fields are left out. */
export function requestDigest(request: object): Record<string, string> {
  const digest: Record<string, string> = {};
  for (const [field, value] of Object.entries(request)) {
    if (value !== undefined) digest[field] = createHash('sha256').update(canonical(value)).digest('hex');
  }
  return digest;
}

/**
 * Throws a 409 when `digest` is not the one the keyed deployment was made with. A deployment made
 * before digests were kept (null) is answered as a repeat, as it always was.
 */
export function assertSameRequest(existing: { id: string; requestDigest: Record<string, string> | null }, digest: Record<string, string>, key: { field: string; what: string }): void {
  if (!existing.requestDigest) return;
  const fields = [...new Set([...Object.keys(existing.requestDigest), ...Object.keys(digest)])].sort()
    .filter((f) => existing.requestDigest![f] !== digest[f]);
  if (fields.length === 0) return;
  throw new ConflictError(
    `${key.what} was already used by deployment ${existing.id} with a different request (${fields.join(', ')} differ); send the same request to repeat it, or use a new ${key.what}`,
    [{ field: key.field, message: `was used by deployment ${existing.id} with different ${fields.join(', ')}` }, ...fields.map((f) => ({ field: f, message: `differs from the request that made deployment ${existing.id}` }))],
  );
}

/**
 * The deployment a buildId or Idempotency-Key already made, when `digest` says this request is a
 * repeat of the one that made it; null when the key is new; a 409 when it was made by another request.
 */
export async function findRepeat(
  q: Queryable,
  by: { buildId: string } | { idempotencyKey: string },
  digest: Record<string, string>,
  find: typeof findKeyedDeployment = findKeyedDeployment,
): Promise<string | null> {
  const existing = await find(q, by);
  if (!existing) return null;
  assertSameRequest(existing, digest, 'buildId' in by ? { field: 'buildId', what: 'this buildId' } : { field: 'headers.idempotency-key', what: 'this Idempotency-Key' });
  return existing.id;
}
