/**
 * db: the database (PGlite in-process or in a worker thread, or a PostgreSQL server), migrations, on PGlite
 * the upkeep a server's autovacuum does (planner statistics, VACUUM: maintenance.ts), and, for a PGlite data
 * dir, backups while the hub runs (backup.ts).
 */
import { logErrors, type HubLogger, type HubModule } from '../api/module';
import { serveBackups } from './backup';
import type { Db } from './db';
import { startStatsRefresher, startVacuumer } from './maintenance';

export function dbModule(db: Db, logger: HubLogger, dataDir?: string): HubModule {
  let stop: (() => Promise<void>) | null = null;
  let stopBackups: (() => Promise<void>) | null = null;
  return {
    name: 'db',
    async start() {
      const stopStats = startStatsRefresher(db, { onError: logErrors(logger, 'ANALYZE failed') });
      const stopVacuum = startVacuumer(db, { onError: logErrors(logger, 'VACUUM failed') });
      stop = async () => { await stopVacuum(); await stopStats(); };
      // `npm run hub -- backup` asks this hub, which holds the data dir
      if (db.kind === 'pglite' && dataDir && db.backup) stopBackups = await serveBackups(dataDir, db.backup, (m) => logger.warn(m));
    },
    async stop() {
      await stopBackups?.();
      await stop?.();
    },
  };
}
