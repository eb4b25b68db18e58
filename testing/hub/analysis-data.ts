/**
 * Where the tests and the bench find the team's data sets: ../shared/data beside the repo first,
 * then /work/shared/data. The files are read at run time and never copied into the repo.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export function findDataDir(file: string): string | null {
  const candidates = [resolve(import.meta.dirname, '../../../shared/data'), '/work/shared/data'];
  return candidates.find((d) => existsSync(join(d, file))) ?? null;
}
