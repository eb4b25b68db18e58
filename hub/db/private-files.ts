/**
 * The hub's data dir stays its user's: the dir and every folder in it 0700, every file 0600, whatever
 * the umask. It holds the password hashes, sessions and every customer's messages.
 *
 * PGlite (Postgres compiled to WebAssembly) creates its files through Emscripten's file system,
 * which sets mode 0666 on them whatever the process's umask. So the data dir is made 0700 before
 * PGlite opens it (from then on no other user can reach anything in it), and the whole tree is
 * tightened after it opens, every minute while it runs (new relation and WAL files), and at close.
 *
 * A data dir other users can write is refused at start: they could have planted or swapped files
 * (a WAL segment, a relation file) before we got here. Windows has no such modes (a user's profile
 * folder is private by ACL); there these functions only create what is missing.
 */
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { chmod, lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

const POSIX = process.platform !== 'win32';
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** A data dir the hub will not use (the message says why and how to fix it). */
export class UnsafeDataDirError extends Error {
  readonly code = 'data_dir_unsafe';
}

const octal = (mode: number) => `0${(mode & 0o777).toString(8)}`;

/**
 * Creates `dir` (0700) or checks the one that exists: refused when it is not a folder, belongs to
 * another user, or others can write to it; tightened to 0700 when others could only read it.
 */
export function ensurePrivateDataDir(dir: string): void {
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    if (POSIX) chmodSync(dir, PRIVATE_DIR_MODE); // mkdir's mode is masked by the umask
    return;
  }
  const st = statSync(dir);
  if (!st.isDirectory()) throw new UnsafeDataDirError(`the hub cannot use ${dir} as its data dir: it is not a folder`);
  if (!POSIX) return;
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) {
    throw new UnsafeDataDirError(`the hub refuses its data dir ${dir}: it belongs to another user (uid ${st.uid}). Use a folder of your own (--data-dir).`);
  }
  if (st.mode & 0o022) {
    throw new UnsafeDataDirError(
      `the hub refuses its data dir ${dir}: other users can write to it (mode ${octal(st.mode)}), so they could have changed ` +
      `the database (password hashes, sessions, messages). Make it private with \`chmod 700 '${dir}'\` ` +
      `(and check that nothing in it belongs to someone else), then start the hub again.`);
  }
  if (st.mode & 0o077) chmodSync(dir, PRIVATE_DIR_MODE);
}

const wanted = (isDir: boolean) => (isDir ? PRIVATE_DIR_MODE : PRIVATE_FILE_MODE);

/** Sets 0700 on every folder and 0600 on every file under `dir` (symbolic links are left alone). Synchronous: at open and close. */
export function tightenTreeSync(dir: string): void {
  if (!POSIX) return;
  const walk = (path: string) => {
    let st;
    try { st = lstatSync(path); } catch { return; } // removed meanwhile (a WAL segment recycled)
    if (st.isSymbolicLink()) return;
    const isDir = st.isDirectory();
    if ((st.mode & 0o777) !== wanted(isDir)) {
      try { chmodSync(path, wanted(isDir)); } catch { /* removed meanwhile */ }
    }
    if (isDir) for (const name of safeReaddirSync(path)) walk(join(path, name));
  };
  walk(dir);
}

function safeReaddirSync(dir: string): string[] {
  try { return readdirSync(dir); } catch { return []; }
}

/** The same, without blocking the event loop (the periodic sweep while the hub runs). */
export async function tightenTree(dir: string): Promise<void> {
  if (!POSIX) return;
  const walk = async (path: string): Promise<void> => {
    let st;
    try { st = await lstat(path); } catch { return; }
    if (st.isSymbolicLink()) return;
    const isDir = st.isDirectory();
    if ((st.mode & 0o777) !== wanted(isDir)) await chmod(path, wanted(isDir)).catch(() => {});
    if (isDir) {
      const names = await readdir(path).catch(() => [] as string[]);
      for (const name of names) await walk(join(path, name));
    }
  };
  await walk(dir);
}

/** Tightens `dir` every `everyMs` (default a minute) until the returned stop is called; the timer never keeps the process up. */
export function keepTreePrivate(dir: string, everyMs = 60_000): () => void {
  if (!POSIX) return () => {};
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    void tightenTree(dir).finally(() => { running = false; });
  }, everyMs);
  timer.unref?.();
  return () => clearInterval(timer);
}
