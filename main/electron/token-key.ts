/**
 * The key that seals the session token at rest (main/core/session-token.ts), kept by Electron's
 * safeStorage: the OS keychain on macOS, DPAPI on Windows, GNOME Keyring / KWallet on Linux.
 * The key itself is stored encrypted by safeStorage in `token-key` (0600); the worker gets it once at start.
 *
 * Where Linux has no secret store, safeStorage falls back to `basic_text`, a key hard-coded in
 * Electron: encrypting with it would only pretend. Then no key is made and the token stays in its
 * 0600 file unencrypted, and the About box says so. Takes a safeStorage-shaped object so the choice is
 * unit-tested without Electron.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writePrivateFile } from '../core/db/private-files';
import type { TokenProtection } from '../core/session-token';

export const TOKEN_KEY_FILE = 'token-key';

/** The part of Electron's safeStorage this uses. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  /** Linux only: 'basic_text' | 'gnome_libsecret' | 'kwallet' | 'kwallet5' | 'kwallet6' | 'unknown' */
  getSelectedStorageBackend?(): string;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

const LINUX_BACKENDS: Record<string, string> = {
  gnome_libsecret: 'the GNOME Keyring (libsecret)', kwallet: 'KWallet', kwallet5: 'KWallet 5', kwallet6: 'KWallet 6',
};

function keyStoreName(platform: string, backend: string | undefined): string {
  if (platform === 'darwin') return 'the macOS Keychain (Electron safeStorage)';
  if (platform === 'win32') return 'Windows (DPAPI, through Electron safeStorage)';
  return `${LINUX_BACKENDS[backend ?? ''] ?? backend} (Electron safeStorage)`;
}

/** Call after app 'ready' (safeStorage on Linux answers only then). */
export function tokenProtection(safe: SafeStorageLike, dataDir: string, platform: string = process.platform): TokenProtection {
  const backend = platform === 'linux' ? safe.getSelectedStorageBackend?.() : undefined;
  if (platform === 'linux' && (backend === undefined || backend === 'basic_text' || backend === 'unknown')) {
    return { why: 'no system secret store (GNOME Keyring or KWallet) is available, and Electron\'s fallback would only encrypt with a key hard-coded in Electron (basic_text)' };
  }
  if (!safe.isEncryptionAvailable()) return { why: 'the system secret store is not available to Tend' };

  const file = join(dataDir, TOKEN_KEY_FILE);
  if (existsSync(file)) {
    try {
      const key = safe.decryptString(readFileSync(file));
      if (Buffer.from(key, 'base64').length === 32) return { key, keyStore: keyStoreName(platform, backend) };
    } catch {
      // The secret store was reset or the file is damaged: a new key; the old token no longer opens (sign in again).
    }
  }
  const key = randomBytes(32).toString('base64');
  writePrivateFile(file, safe.encryptString(key));
  return { key, keyStore: keyStoreName(platform, backend) };
}
