/**
 * 0530: which hub runs routing when several hubs share one database schema (hub/routing/leader.ts).
 *
 * Exactly one hub holds a session-level advisory lock on a dedicated connection and runs the
 * routing engines; it writes one row here so the other hubs (followers) know where to forward
 * routing requests and the routing WebSocket:
 * - url: where the other hubs reach the leader (its listen URL, or TEND_HUB_URL);
 * - pid: the backend pid of the leader's lock connection: a row whose pid no longer holds the
 *   lock (pg_locks) is stale, the leader died;
 * - secret: proves a follower's internal request (the reply-collision check) comes from a hub of
 *   this database; rotated by every new leader.
 * PGlite is one process: its hub always leads and writes no row.
 */
import type { Queryable } from '../db';

export async function up(db: Queryable): Promise<void> {
  await db.exec(`
CREATE TABLE routing_leader (
  id integer PRIMARY KEY CHECK (id = 1),
  url text NOT NULL,
  hub_id text NOT NULL,
  pid integer,
  secret text NOT NULL,
  since timestamptz NOT NULL DEFAULT now()
);
`);
}
