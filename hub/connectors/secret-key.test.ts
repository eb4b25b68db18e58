/**
 * Where the key for channel secrets comes from, and the hub refusing to start where it would lose
 * them: on a PostgreSQL server (DATABASE_URL) without TEND_SECRETS_KEY or TEND_SECRETS_KEY_FILE the
 * secrets entered in the app would be sealed with a key that dies with the process, unreadable after
 * the next restart. `npm run hub` says so and does not start.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { SecretBox, secretsKeyProblem } from './secret-box';

const dir = mkdtempSync(join(tmpdir(), 'tend-secret-key-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the key for channel secrets', () => {
  it('TEND_SECRETS_KEY_FILE: a key file at a path of the operator\'s choosing, made 0600 when missing, read by every hub', () => {
    const file = join(dir, 'tend-secrets.key');
    const sealed = SecretBox.open({ env: { TEND_SECRETS_KEY_FILE: file } }).seal({ token: 'tok-1234' });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // another hub (another process, same file) opens it; the data dir's own key is not used
    expect(SecretBox.open({ env: { TEND_SECRETS_KEY_FILE: file }, dataDir: dir }).open(sealed)).toEqual({ token: 'tok-1234' });
    const bad = join(dir, 'bad.key');
    writeFileSync(bad, 'not a key\n');
    expect(() => SecretBox.open({ env: { TEND_SECRETS_KEY_FILE: bad } })).toThrow(/32 bytes/);
  });

  it('a PostgreSQL server needs TEND_SECRETS_KEY or TEND_SECRETS_KEY_FILE; PGlite keeps its key in its data dir', () => {
    expect(secretsKeyProblem({}, { databaseUrl: 'postgres://h/db' })).toMatch(/^DATABASE_URL is set but no key for channel secrets is: set TEND_SECRETS_KEY/);
    expect(secretsKeyProblem({ TEND_SECRETS_KEY: Buffer.alloc(32, 1).toString('base64') }, { databaseUrl: 'postgres://h/db' })).toBeNull();
    expect(secretsKeyProblem({ TEND_SECRETS_KEY_FILE: '/run/secrets/tend' }, { databaseUrl: 'postgres://h/db' })).toBeNull();
    expect(secretsKeyProblem({}, {})).toBeNull();
  });

  it('`npm run hub` on a PostgreSQL server without a key refuses to start, saying what to set', async () => {
    const ROOT = fileURLToPath(new URL('../..', import.meta.url));
    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' };
    delete env.TEND_SECRETS_KEY;
    delete env.TEND_SECRETS_KEY_FILE;
    const child = spawn(process.execPath, ['--import', 'tsx', 'hub/cli.ts', '--port', '0'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(err).toMatch(/^tend hub: DATABASE_URL is set but no key for channel secrets is: set TEND_SECRETS_KEY .* or TEND_SECRETS_KEY_FILE=<path>/m);
  });
});
