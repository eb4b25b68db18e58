/**
 * Agent passwords (scrypt from node:crypto) and bearer sessions. The token is 32 random
 * bytes given to the client once; the hub keeps only its sha256.
 */
import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import type { Queryable } from '../db/db';
import { agentContextColumns, type AgentContext } from '../sync/scope';

const N = 16384, R = 8, P = 1, KEYLEN = 32;

function scrypt(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(password, salt, KEYLEN, { N: n, r, p, maxmem: 64 * 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key))));
}

/** `scrypt$N$r$p$salt$hash` (base64url parts) */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, N, R, P);
  return ['scrypt', N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [alg, n, r, p, salt, hash] = stored.split('$');
  if (alg !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await scrypt(password, Buffer.from(salt, 'base64url'), Number(n), Number(r), Number(p));
  return key.length === expected.length && timingSafeEqual(key, expected);
}

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

const SESSION_DAYS = 30;

export async function createSession(q: Queryable, agentId: string): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await q.query(`INSERT INTO sessions (token_hash, agent_id, expires_at) VALUES ($1, $2, now() + interval '${SESSION_DAYS} days')`,
    [hashToken(token), agentId]);
  return token;
}

/** The agent (with their teams) a bearer token belongs to, or null (unknown or expired): one statement per request. */
export async function agentContextForToken(q: Queryable, token: string): Promise<AgentContext | null> {
  if (!token || token.length > 200) return null;
  const [a] = await q.query<AgentContext>(
    `SELECT ${agentContextColumns('a')} FROM sessions s JOIN agents a ON a.id = s.agent_id
     WHERE s.token_hash = $1 AND s.expires_at > now()`, [hashToken(token)]);
  return a ?? null;
}

/** A password check that costs the same whether or not the e-mail exists. */
let dummyHash: Promise<string> | null = null;
export async function burnPasswordCheck(password: string): Promise<void> {
  dummyHash ??= hashPassword('not a password');
  await verifyPassword(password, await dummyHash);
}
