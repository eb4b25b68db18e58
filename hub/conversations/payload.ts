/**
 * What binds a mutation id to its payload (hub/db/migrations/0850).
 *
 * The canonical payload is `{type, args}` as the hub acts on it: the args after the contract's
 * schema (trimmed texts, defaults filled in, so `{add:['x']}` and `{add:['x'], remove:[]}` are one
 * tag change), in canonical JSON (object keys sorted, no whitespace, `undefined` left out, `null`
 * kept: an absent `team_id` keeps the team, a null one clears it).
 *
 * Left out: how an attempt is checked, not what it does. A reply's `seen_up_to` and
 * `confirm_collision` change between the first attempt and the re-send after a collision warning
 * ("send anyway"), which keeps the id by design (hub/README.md, reply collision).
 *
 * The hash is versioned ("v1:"): a hub that changes this definition must compare only hashes of
 * its own version, or a stored reply re-sent after an upgrade would look like a new payload.
 */
import { createHash } from 'node:crypto';

export const PAYLOAD_HASH_VERSION = 'v1';

/** Fields of a type's args that are not part of its canonical payload. */
const ATTEMPT_FIELDS: Partial<Record<string, readonly string[]>> = {
  reply: ['seen_up_to', 'confirm_collision'],
};

/** JSON with object keys sorted at every level; `undefined` members dropped, as JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const s = JSON.stringify(value);
    return s === undefined ? 'null' : s;
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

/** The canonical payload of a mutation (type + parsed args, attempt fields left out). */
export function canonicalPayload(type: string, args: Record<string, unknown>): string {
  const drop = ATTEMPT_FIELDS[type] ?? [];
  const kept = Object.fromEntries(Object.entries(args).filter(([k]) => !drop.includes(k)));
  return canonicalJson({ type, args: kept });
}

/** "v1:<sha256 hex>" of the canonical payload. */
export function payloadHash(type: string, args: Record<string, unknown>): string {
  return `${PAYLOAD_HASH_VERSION}:${createHash('sha256').update(canonicalPayload(type, args)).digest('hex')}`;
}

/** Whether a stored hash says "another payload": only a hash of this version can say so. */
export function isOtherPayload(stored: string | null, hash: string): boolean {
  return stored !== null && stored.startsWith(`${PAYLOAD_HASH_VERSION}:`) && stored !== hash;
}
