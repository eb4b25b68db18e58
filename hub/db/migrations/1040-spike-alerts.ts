/**
 * 1040: spike alerts (hub/spikes), kept so an alert and its state (raised, ongoing, ended,
 * acknowledged) survive a restart. One row per key and start: the detector rebuilt after a restart
 * finds the same alert again by (workspace, key, started_at) and goes on updating that row.
 * `merged_into`: a broader alert raised over the same posts took this one in (not listed).
 */
import type { Queryable } from '../db';

export async function up(db: Queryable): Promise<void> {
  await db.exec(`
CREATE TABLE spike_alerts (
  id text PRIMARY KEY,
  workspace_id text NOT NULL REFERENCES workspaces(id),
  key text NOT NULL,
  state text NOT NULL CHECK (state IN ('raised', 'ongoing', 'ended')),
  severity text NOT NULL CHECK (severity IN ('watch', 'high', 'critical')),
  started_at timestamptz NOT NULL,
  raised_at timestamptz NOT NULL,
  ended_at timestamptz,
  lasted_min integer NOT NULL,
  observed integer NOT NULL,
  expected double precision NOT NULL,
  ratio double precision NOT NULL,
  z double precision NOT NULL,
  sentiment_shift double precision,
  examples jsonb NOT NULL DEFAULT '[]',
  terms jsonb NOT NULL DEFAULT '[]',
  covers jsonb NOT NULL DEFAULT '[]',
  merged_into text,
  acknowledged_at timestamptz,
  acknowledged_by text,
  acknowledged_by_name text,
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (workspace_id, key, started_at)
);
CREATE INDEX spike_alerts_recent ON spike_alerts (workspace_id, raised_at DESC);
`);
}
