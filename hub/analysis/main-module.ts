/** True when the module at `url` is the script node was started with (symlinks and URL escapes resolved). */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function isMainModule(url: string): boolean {
  const started = process.argv[1];
  if (!started) return false;
  try {
    return realpathSync(fileURLToPath(url)) === realpathSync(started);
  } catch {
    return false;
  }
}
