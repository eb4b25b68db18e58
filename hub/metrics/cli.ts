/**
 * `npm run hub -- report --from <date> --to <date> [--by agent|team|channel|account] [--format json|csv]`
 *   [--agent <id>] [--team <id>] [--channel <channel>] [--workspace <id>] [--data-dir <dir>, default .tend/hub; DATABASE_URL wins]
 *   [--twcs <file.csv>]   report over a TWCS history file instead of the hub database
 * Prints the same figures as GET /v1/metrics/report. Returns the exit code.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { openDb, type Db } from '../db/db';
import { migrate, MIGRATIONS, type Migration } from '../db/migrate';
import * as m0600 from '../db/migrations/0600-metrics';
import { reportToCsv, type CsvSections } from './csv';
import type { ReportSections } from './routes';
import { MetricsInputError, parseReportParams } from './params';
import { computeReport, type Report } from './report';
import { reportFromDb } from './store';
import { parseTwcs, twcsConversations } from './twcs';

export const METRICS_MIGRATION: Migration = { version: 600, name: 'metrics', up: m0600.up };

/** The hub's migrations plus the metrics one, unless the hub already lists it. */
export function withMetricsMigration(list: Migration[] = MIGRATIONS): Migration[] {
  return list.some((m) => m.version === METRICS_MIGRATION.version) ? list : [...list, METRICS_MIGRATION].sort((a, b) => a.version - b.version);
}

export interface ReportIo {
  /** An open, migrated hub database (the hub CLI passes its own); else opened from --data-dir / DATABASE_URL. */
  db?: Db;
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
  now?: () => number;
  /** the sections other modules add to the report (hub/report-sections.ts), over the database the command reads */
  sections?: (db: Db) => ReportSections;
}

/** For hub/cli.ts's COMMANDS registry: `COMMANDS.report = () => import('./metrics/cli')`. */
export function run(argv: string[]): Promise<number> {
  return runReport(argv);
}

const USAGE = 'usage: npm run hub -- report --from <YYYY-MM-DD> --to <YYYY-MM-DD> [--by agent|team|channel|account] [--format json|csv] '
  + '[--agent <id>] [--team <id>] [--channel <channel>] [--workspace <id>] [--data-dir <dir>] [--twcs <file.csv>]';

export async function runReport(argv: string[], io: ReportIo = {}): Promise<number> {
  const out = io.stdout ?? ((s: string) => process.stdout.write(s));
  const err = io.stderr ?? ((s: string) => process.stderr.write(s));
  const args = argv[0] === 'report' ? argv.slice(1) : argv;
  let opened: Db | null = null;
  try {
    let values: Record<string, string | boolean | undefined>;
    try {
      ({ values } = parseArgs({
        args,
        strict: true,
        allowPositionals: false,
        options: {
          from: { type: 'string' }, to: { type: 'string' }, by: { type: 'string' }, format: { type: 'string' },
          agent: { type: 'string' }, team: { type: 'string' }, channel: { type: 'string' },
          workspace: { type: 'string' }, 'data-dir': { type: 'string' }, twcs: { type: 'string' }, help: { type: 'boolean' },
        },
      }));
    } catch (e) {
      throw new MetricsInputError((e as Error).message);
    }
    if (values.help) { out(`${USAGE}\n`); return 0; }
    const str = (k: string) => values[k] as string | undefined;
    const p = parseReportParams({ from: str('from'), to: str('to'), by: str('by'), format: str('format'), agent: str('agent'), team: str('team'), channel: str('channel') });
    const now = (io.now ?? Date.now)();
    let report: Report;
    let more: Record<string, unknown> = {};
    if (str('twcs')) {
      let text: string;
      try { text = readFileSync(str('twcs') as string, 'utf8'); } catch (e) { throw new MetricsInputError(`cannot read ${str('twcs')}: ${(e as Error).message}`); }
      const { tweets, skipped } = parseTwcs(text);
      for (const s of skipped.slice(0, 20)) err(`skipped line ${s.line}: ${s.reason}\n`);
      if (skipped.length > 20) err(`… and ${skipped.length - 20} more skipped lines\n`);
      report = computeReport({ conversations: twcsConversations(tweets) }, { from: p.from, to: p.to, by: p.by, filter: p.filter, asOf: now });
    } else {
      let db = io.db;
      if (!db) {
        const url = process.env.DATABASE_URL || undefined;
        opened = await openDb({ url, dataDir: url ? undefined : str('data-dir') ?? '.tend/hub' });
        // The hub's own migration list, as the hub applies it at start: never one the hub does not know.
        await migrate(opened);
        db = opened;
      }
      const [{ ok }] = await db.query<{ ok: boolean }>("SELECT to_regclass('conversation_events') IS NOT NULL AS ok");
      if (!ok) throw new Error('metrics tables missing: the hub must list migration 0600-metrics in hub/db/migrate.ts');
      const workspace = await pickWorkspace(db, str('workspace'));
      report = await reportFromDb(db, workspace, { from: p.from, to: p.to, by: p.by, filter: p.filter, asOf: now });
      if (io.sections) more = await io.sections(db)(workspace, { from: p.from, to: p.to, asOf: now });
    }
    out(p.format === 'csv' ? reportToCsv(report, more as CsvSections) : `${JSON.stringify({ ...report, ...more }, null, 2)}\n`);
    return 0;
  } catch (e) {
    if (e instanceof MetricsInputError || (e instanceof Error && /^(not a TWCS file|empty TWCS file|unknown workspace|several workspaces|no workspace|metrics tables missing)/.test(e.message))) {
      err(`report: ${e.message}\n${USAGE}\n`);
      return 2;
    }
    throw e;
  } finally {
    if (opened) await opened.close();
  }
}

async function pickWorkspace(db: Db, wanted: string | undefined): Promise<string> {
  if (wanted) {
    const [w] = await db.query<{ id: string }>('SELECT id FROM workspaces WHERE id = $1', [wanted]);
    if (!w) throw new Error(`unknown workspace "${wanted}"`);
    return w.id;
  }
  const all = await db.query<{ id: string }>('SELECT id FROM workspaces ORDER BY id LIMIT 2');
  if (all.length === 0) throw new Error('no workspace in this hub database yet (run the hub or its demo first)');
  if (all.length > 1) throw new Error('several workspaces: choose one with --workspace <id>');
  return all[0].id;
}
