/**
 * Opaque cursors of the lists that page by a key rather than a sequence number (teams, services,
 * targets, change cases, freezes): the key of a page's last item as base64url JSON. Clients only
 * hand back what `nextCursor` gave them; anything else is a 400 naming `query.cursor` — checked
 * part by part against the key's shape, so nothing malformed reaches SQL.
 */
import { InputError } from '../core/errors.ts';
import { isInstant } from './input-safety.ts';

type Part = 'name' | 'position' | 'instant';
type PartType<P extends Part> = P extends 'position' ? number : string;
type KeyOf<Shape extends readonly Part[]> = { -readonly [I in keyof Shape]: PartType<Shape[I]> };

export function encodeCursor(key: readonly (string | number)[] | null): string | null {
  return key === null ? null : Buffer.from(JSON.stringify(key)).toString('base64url');
}

const BAD = () => new InputError('bad cursor', [{ field: 'query.cursor', message: 'is not a cursor this API returned (send a nextCursor back as it came)' }]);

function fits(part: Part, value: unknown): boolean {
  if (part === 'position') return Number.isSafeInteger(value) && (value as number) >= 0;
  if (typeof value !== 'string' || value.length === 0 || value.length > 200 || /[\u0000\ud800-\udfff]/.test(value)) return false;
  return part === 'instant' ? isInstant(value) : true;
}

/** The key in `cursor`, checked against `shape`; undefined without a cursor. */
export function decodeCursor<const Shape extends readonly Part[]>(cursor: string | undefined, shape: Shape): KeyOf<Shape> | undefined {
  if (cursor === undefined) return undefined;
  if (cursor.length > 1000 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw BAD();
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw BAD();
  }
  if (!Array.isArray(key) || key.length !== shape.length || !shape.every((part, i) => fits(part, key[i]))) throw BAD();
  return key as KeyOf<Shape>;
}
