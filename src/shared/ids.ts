/**
 * Identifiers: UUID version 7 (RFC 9562) — time-ordered, so ids sort roughly by creation, and
 * unguessable enough for URLs. The time part comes from the injected clock.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../core/clock.ts';

export type IdGenerator = () => string;

/** Random bytes are drawn from the system's CSPRNG this many at a time (a call each was ~3% of the engine's CPU). */
const POOL_BYTES = 4096;

export function createIdGenerator(clock: Clock): IdGenerator {
  let pool = Buffer.alloc(0);
  let offset = 0;
  return () => {
    if (offset + 10 > pool.length) {
      pool = randomBytes(POOL_BYTES);
      offset = 0;
    }
    const bytes = Buffer.allocUnsafe(16);
    pool.copy(bytes, 6, offset, offset + 10); // 48 bits of time, then 80 random (the version and variant take 6)
    offset += 10;
    const ms = clock.now().getTime();
    const high = Math.floor(ms / 2 ** 32);
    bytes.writeUInt16BE(high & 0xffff, 0);
    bytes.writeUInt32BE(ms >>> 0, 2);
    return uuidOf(bytes, 0x70);
  };
}

/** DCP's namespace for name-based ids (a fixed random UUID). */
const DCP_NAMESPACE = Buffer.from('5f0c6a3e9b2d4c81a7e4d0b3c2f19a66', 'hex');

/**
 * A name-based UUID (version 5, RFC 9562 §5.5): the same name always gives the same id. For a
 * record whose cause can arrive twice (a redelivered message), so the second writes nothing.
 */
export function nameBasedId(name: string): string {
  return uuidOf(createHash('sha1').update(DCP_NAMESPACE).update(name).digest().subarray(0, 16), 0x50);
}

/** 16 bytes as a UUID of `version` (0x50, 0x70), with the RFC 9562 variant. */
function uuidOf(bytes: Buffer, version: number): string {
  bytes[6] = (bytes[6] & 0x0f) | version;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
