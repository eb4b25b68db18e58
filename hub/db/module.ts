/** db: the database (PGlite in-process or in a worker thread, or a PostgreSQL server), migrations, and planner statistics kept fresh on PGlite. */
import { logErrors, type HubLogger, type HubModule } from '../api/module';
import type { Db } from './db';
import { startStatsRefresher } from './maintenance';

export function dbModule(db: Db, logger: HubLogger): HubModule {
  let stop: (() => Promise<void>) | null = null;
  return {
    name: 'db',
    start() { stop = startStatsRefresher(db, { onError: logErrors(logger, 'ANALYZE failed') }); },
    stop: () => stop?.(),
  };
}
