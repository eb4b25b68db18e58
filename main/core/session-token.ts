/**
 * The hub session token at rest, outside the cache database: one 0600 file, `session-token`, next to
 * the cache. Under Electron with a real secret store the file holds the token encrypted (AES-256-GCM)
 * with a key that Electron's safeStorage keeps (main/electron/token-key.ts hands the key to the core);
 * in the web host, or where Linux's safeStorage would fall back to its hard-coded `basic_text` key,
 * the file holds the token as it is, and the About box says so (`SessionStatus.token_storage`).
 *
 * Why a key instead of safeStorage on the token itself: the core runs in a worker thread, where
 * safeStorage does not exist; the main process unwraps the key once at start.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { writePrivateFile } from './db/private-files';

export const TOKEN_FILE = 'session-token';

export interface TokenStore {
  load(): string | null;
  save(token: string): void;
  clear(): void;
  /** what the About box says about where the token is kept */
  readonly description: TokenStorage;
}

export interface TokenStorage { encrypted: boolean; detail: string }

/** How the shell wants the token kept: with a key from the system's secret store, or why there is none. */
export type TokenProtection =
  | { key: string; keyStore: string }
  | { key?: undefined; why: string };

const WEB_HOST_WHY = 'the web host has no access to a system secret store';

interface TokenFile { v: 1; token?: string; alg?: 'aes-256-gcm'; iv?: string; tag?: string; data?: string }

export class FileTokenStore implements TokenStore {
  readonly file: string;
  readonly description: TokenStorage;
  private readonly key: Buffer | null;
  private cached: string | null | undefined; // undefined: not read yet

  constructor(dataDir: string, protection: TokenProtection = { why: WEB_HOST_WHY }) {
    this.file = path.join(dataDir, TOKEN_FILE);
    this.key = protection.key ? Buffer.from(protection.key, 'base64') : null;
    if (this.key && this.key.length !== 32) throw new Error('the session token key must be 32 bytes (base64)');
    this.description = protection.key !== undefined
      ? { encrypted: true, detail: `Your session token is encrypted with a key kept by ${protection.keyStore}, in a file only your user can read (${this.file}).` }
      : { encrypted: false, detail: `Your session token is kept unencrypted in a file only your user can read (mode 0600, ${this.file}): ${protection.why}.` };
  }

  load(): string | null {
    if (this.cached !== undefined) return this.cached;
    this.cached = this.read();
    return this.cached;
  }

  save(token: string): void {
    const body: TokenFile = this.key ? { v: 1, ...seal(this.key, token) } : { v: 1, token };
    writePrivateFile(this.file, JSON.stringify(body));
    this.cached = token;
  }

  clear(): void {
    rmSync(this.file, { force: true });
    this.cached = null;
  }

  private read(): string | null {
    if (!existsSync(this.file)) return null;
    let body: TokenFile;
    try { body = JSON.parse(readFileSync(this.file, 'utf8')) as TokenFile; } catch { return null; }
    if (typeof body.token === 'string') {
      // Written without a key (web host, or before a secret store was available): encrypt it now if we can.
      if (this.key) this.save(body.token);
      return body.token;
    }
    if (!this.key || body.alg !== 'aes-256-gcm') return null; // sealed by a key we do not have: sign in again
    try { return openSealed(this.key, body); } catch { return null; }
  }
}

/** For a cache without a folder (in-memory tests). */
export class MemoryTokenStore implements TokenStore {
  private token: string | null = null;
  readonly description: TokenStorage = { encrypted: false, detail: 'Your session token is kept in memory only.' };
  load() { return this.token; }
  save(token: string) { this.token = token; }
  clear() { this.token = null; }
}

/** Text sealed with AES-256-GCM under the shell's key (the token here; kept work in kept-work.ts). */
export type Sealed = Required<Pick<TokenFile, 'alg' | 'iv' | 'tag' | 'data'>>;

export function seal(key: Buffer, text: string): Sealed {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  return { alg: 'aes-256-gcm', iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
}

/** Throws when the key is not the one that sealed it (or the bytes were changed). */
export function openSealed(key: Buffer, body: Pick<TokenFile, 'iv' | 'tag' | 'data'>): string {
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(body.iv ?? '', 'base64'));
  decipher.setAuthTag(Buffer.from(body.tag ?? '', 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(body.data ?? '', 'base64')), decipher.final()]).toString('utf8');
}
