/**
 * The box channel secrets are kept in (issue 12): AES-256-GCM (node:crypto), one random 96-bit IV
 * per sealing, the tag checked on opening. The key never goes into the database, so a copy of the
 * database alone reads no secret:
 *   - TEND_SECRETS_KEY: 32 bytes as 64 hex digits or base64 (e.g. `openssl rand -base64 32`), else
 *   - TEND_SECRETS_KEY_FILE: a file holding such a key (created 0600 with a random key when missing),
 *     e.g. a secret mounted into a container, else
 *   - `<data dir>/secrets.key`, created 0600 with a random key on first use, else (no data dir: an
 *     in-memory hub, or a library hub on PostgreSQL) a key that lives as long as the process, with
 *     a warning: secrets sealed with it cannot be read after a restart. The hub command refuses to
 *     start on a PostgreSQL server without one of the first two (secretsKeyProblem): its database
 *     outlives the process, and several hubs sharing it must share the key.
 * A sealed value names the key's fingerprint (not the key), so a value sealed with another key is
 * reported as such instead of as a broken tag.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const KEY_FILE = 'secrets.key';
const VERSION = 'v1';

export class SecretKeyError extends Error {}

/**
 * Why a hub must not start as configured, or null: on a PostgreSQL server (`databaseUrl`) the database
 * outlives the process, so channel secrets sealed with a key held in memory would be unreadable after
 * the next restart, and several hubs sharing the database must share one key: TEND_SECRETS_KEY or
 * TEND_SECRETS_KEY_FILE is required there (PGlite keeps its key file in its own data dir).
 */
export function secretsKeyProblem(env: Record<string, string | undefined>, o: { databaseUrl?: string }): string | null {
  if (!o.databaseUrl || env.TEND_SECRETS_KEY?.trim() || env.TEND_SECRETS_KEY_FILE?.trim()) return null;
  return 'DATABASE_URL is set but no key for channel secrets is: set TEND_SECRETS_KEY (32 bytes, e.g. `openssl rand -base64 32`) '
    + 'or TEND_SECRETS_KEY_FILE=<path> (a file holding one, created 0600 if missing), the same on every hub that shares this database; '
    + 'without it, channel secrets entered in the app could not be read after a restart';
}

export class SecretBox {
  readonly fingerprint: string;
  private constructor(private readonly key: Buffer, readonly source: string) {
    this.fingerprint = createHash('sha256').update(key).digest('hex').slice(0, 12);
  }

  /** The key from TEND_SECRETS_KEY, else TEND_SECRETS_KEY_FILE, else the data dir's key file (both created on first use), else one for this process only. */
  static open(opts: { env?: Record<string, string | undefined>; dataDir?: string; warn?(line: string): void }): SecretBox {
    const env = opts.env ?? process.env;
    const given = env.TEND_SECRETS_KEY?.trim();
    if (given) return new SecretBox(parseKey(given, 'TEND_SECRETS_KEY'), 'TEND_SECRETS_KEY');
    const named = env.TEND_SECRETS_KEY_FILE?.trim();
    if (named) return SecretBox.fromFile(named);
    if (opts.dataDir) return SecretBox.fromFile(join(opts.dataDir, KEY_FILE));
    opts.warn?.('channel secrets: neither TEND_SECRETS_KEY nor a data dir: secrets entered in the app are sealed with a key that lives as long as this process');
    return new SecretBox(randomBytes(32), 'a key held in memory by this process (set TEND_SECRETS_KEY to keep secrets across restarts)');
  }

  /** The key in `file`, made (random, 0600) when the file does not exist yet. */
  private static fromFile(file: string): SecretBox {
    let text: string | null = null;
    try { text = readFileSync(file, 'utf8'); } catch (e) { if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e; }
    if (text === null) {
      // 'wx': two hubs starting at once cannot both write a key; the loser reads the winner's
      try { writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' }); } catch (e) { if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e; }
      text = readFileSync(file, 'utf8');
    }
    // the key is for this user alone, whatever the umask or a copy did to it
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    return new SecretBox(parseKey(text.trim(), file), `key file ${file}`);
  }

  static withKey(key: Buffer): SecretBox { return new SecretBox(parseKey(key.toString('base64'), 'key'), 'given'); }

  seal(value: Record<string, string>): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return [VERSION, this.fingerprint, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
  }

  /** The secrets, or a SecretKeyError saying why they cannot be read. */
  open(sealed: string): Record<string, string> {
    const [version, fingerprint, iv, tag, body] = sealed.split('.');
    if (version !== VERSION || !iv || !tag || body === undefined) throw new SecretKeyError('the stored secrets are not in a form this hub reads');
    if (fingerprint !== this.fingerprint) throw new SecretKeyError(`the secrets were sealed with another key (${fingerprint}; this hub's is ${this.fingerprint}): enter them again, or start the hub with the key they were sealed with`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      const text = Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
      return JSON.parse(text) as Record<string, string>;
    } catch {
      throw new SecretKeyError('the stored secrets fail their integrity check (changed in the database?): enter them again');
    }
  }
}

function parseKey(text: string, where: string): Buffer {
  const key = /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== 32) throw new SecretKeyError(`${where}: the key must be 32 bytes, as 64 hex digits or base64 (openssl rand -base64 32)`);
  return key;
}
