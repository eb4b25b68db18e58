/**
 * The desktop's data stays its user's: the data folder is 0700 and every file the core writes in it
 * (the cache, its -wal and -shm, the session token) is 0600, whatever the umask. A folder that other
 * users can write to is refused at startup: they could have planted a WAL, swapped the cache for a
 * link, or could read the token later. Windows has no such modes (its per-user profile folder is
 * private by ACL), so there these functions only create what is missing.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, renameSync, statSync, writeFileSync, constants } from 'node:fs';
import { CoreError } from '../errors';

const POSIX = process.platform !== 'win32';
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

const octal = (mode: number) => `0${(mode & 0o777).toString(8)}`;

/**
 * Creates `dir` (0700) or checks the one that exists: refused when it is not a folder, belongs to
 * another user, or others can write to it; tightened to 0700 when others could only read it.
 */
export function ensurePrivateDir(dir: string): void {
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    if (POSIX) chmodSync(dir, PRIVATE_DIR_MODE); // mkdir's mode is masked by the umask
    return;
  }
  const st = statSync(dir);
  if (!st.isDirectory()) throw new CoreError('data_dir_unsafe', `Tend cannot use ${dir} as its data folder: it is not a folder.`);
  if (!POSIX) return;
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) {
    throw new CoreError('data_dir_unsafe', `Tend refuses its data folder ${dir}: it belongs to another user (uid ${st.uid}). Use a folder of your own.`);
  }
  if (st.mode & 0o022) {
    throw new CoreError('data_dir_unsafe',
      `Tend refuses its data folder ${dir}: other users can write to it (mode ${octal(st.mode)}), so they could change the cache or read your session. ` +
      `Make it private with \`chmod 700 '${dir}'\` (and check nothing in it is someone else's), then start again.`);
  }
  if (st.mode & 0o077) chmodSync(dir, PRIVATE_DIR_MODE);
}

/** Creates `file` empty with mode 0600 when it is missing, and sets 0600 on one that exists. */
export function ensurePrivateFile(file: string): void {
  if (!existsSync(file)) closeSync(openSync(file, constants.O_CREAT | constants.O_WRONLY, PRIVATE_FILE_MODE));
  if (POSIX) chmodSync(file, PRIVATE_FILE_MODE);
}

/** Sets 0600 on `file` if it exists (an older version may have left it 0644). */
export function tightenFile(file: string): void {
  if (POSIX && existsSync(file) && (statSync(file).mode & 0o777) !== PRIVATE_FILE_MODE) chmodSync(file, PRIVATE_FILE_MODE);
}

/** Replaces `file` with `data` atomically (temporary file + rename); the file is 0600 from its first byte. */
export function writePrivateFile(file: string, data: string | Buffer): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, data, { mode: PRIVATE_FILE_MODE, flag: 'w' });
  if (POSIX) chmodSync(tmp, PRIVATE_FILE_MODE);
  renameSync(tmp, file);
}
