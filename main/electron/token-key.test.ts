import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileTokenStore } from '../core/session-token';
import { TOKEN_KEY_FILE, tokenProtection, type SafeStorageLike } from './token-key';

/** A stand-in for safeStorage: "encrypts" by reversing and tagging, so what is stored can be checked. */
function fakeSafeStorage(backend: string, available = true): SafeStorageLike & { encrypted: number } {
  const safe = {
    encrypted: 0,
    isEncryptionAvailable: () => available,
    getSelectedStorageBackend: () => backend,
    encryptString(plain: string) { safe.encrypted++; return Buffer.from(`sealed:${[...plain].reverse().join('')}`); },
    decryptString(b: Buffer) {
      const s = b.toString();
      if (!s.startsWith('sealed:')) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      return [...s.slice(7)].reverse().join('');
    },
  };
  return safe;
}

const dir = () => mkdtempSync(join(tmpdir(), 'tend-key-'));

describe('the token key kept by safeStorage', () => {
  it('Linux with only basic_text: no key, no pretending; the token stays in its 0600 file and the About box says why', () => {
    const d = dir();
    const safe = fakeSafeStorage('basic_text');
    const p = tokenProtection(safe, d, 'linux');
    expect(p).toEqual({ why: expect.stringContaining('key hard-coded in Electron (basic_text)') });
    expect(safe.encrypted).toBe(0);
    expect(existsSync(join(d, TOKEN_KEY_FILE))).toBe(false);
    expect(new FileTokenStore(d, p).description).toMatchObject({ encrypted: false, detail: expect.stringContaining('basic_text') });
    expect(tokenProtection(fakeSafeStorage('unknown'), d, 'linux')).toHaveProperty('why');
  });

  it('with a secret store: a random 32-byte key, stored sealed by safeStorage in a 0600 file, the same on the next start', () => {
    const d = dir();
    const safe = fakeSafeStorage('gnome_libsecret');
    const first = tokenProtection(safe, d, 'linux');
    expect(first).toMatchObject({ keyStore: 'the GNOME Keyring (libsecret) (Electron safeStorage)' });
    expect(Buffer.from(first.key!, 'base64')).toHaveLength(32);
    const file = join(d, TOKEN_KEY_FILE);
    expect(readFileSync(file, 'utf8').startsWith('sealed:')).toBe(true);
    expect(readFileSync(file, 'utf8')).not.toContain(first.key);
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(tokenProtection(safe, d, 'linux').key).toBe(first.key);
    expect(safe.encrypted).toBe(1);
    expect(tokenProtection(fakeSafeStorage('n/a'), d, 'darwin')).toMatchObject({ key: first.key, keyStore: 'the macOS Keychain (Electron safeStorage)' });
  });

  it('a key the secret store no longer opens is replaced (the old token then reads as signed out)', () => {
    const d = dir();
    const old = tokenProtection(fakeSafeStorage('kwallet6'), d, 'linux');
    new FileTokenStore(d, old).save('tok');
    const other: SafeStorageLike = { ...fakeSafeStorage('kwallet6'), decryptString: () => { throw new Error('cannot decrypt'); } };
    const fresh = tokenProtection(other, d, 'linux');
    expect(fresh.key).not.toBe(old.key);
    expect(new FileTokenStore(d, fresh).load()).toBeNull();
  });

  it('without encryption available at all (macOS/Windows failing): no key, and why', () => {
    expect(tokenProtection(fakeSafeStorage('n/a', false), dir(), 'win32')).toEqual({ why: 'the system secret store is not available to Tend' });
  });
});
