/**
 * `npm run hub -- import <file> [--workspace <id>] [--data-dir .tend/hub] [--format twcs|ibm] [--dry-run] …`
 * Opens the hub's database (DATABASE_URL wins over --data-dir) and imports through the hub's
 * Ingestor into a workspace: --workspace, else the only/first workspace, else a new "Default"
 * workspace with a "Support" team and the four departments of the care cycle. Everything after the hub options goes to the importer.
 */
import { openDb } from '../db/db';
import { migrate } from '../db/migrate';
import { ChangeLog } from '../sync/changelog';
import { HubIngestor } from '../conversations/ingest';
import { createWorkspaceWithDefaults } from '../accounts/admin';
import { runImport } from '../connectors/import/cli';
import { AnalysisService } from '../analysis/service';
import { PgModelStore } from '../analysis/pg-store';
import { surveyAnswers } from '../metrics/module';

export async function run(argv: string[]): Promise<number> {
  const rest: string[] = [];
  let dataDir = '.tend/hub';
  let workspace: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--data-dir') dataDir = argv[++i] ?? dataDir;
    else if (argv[i] === '--workspace') workspace = argv[++i] ?? null;
    else rest.push(argv[i]);
  }
  if (rest.includes('--dry-run')) return runImport(rest);
  const url = process.env.DATABASE_URL || undefined;
  const db = await openDb({ url, dataDir: url ? undefined : dataDir });
  try {
    await migrate(db);
    const log = new ChangeLog(db);
    if (!workspace) {
      const [first] = await db.query<{ id: string }>('SELECT id FROM workspaces ORDER BY created_at LIMIT 1');
      workspace = first?.id ?? null;
    }
    if (!workspace) {
      workspace = await createWorkspaceWithDefaults(db, 'Default');
      console.log(`created workspace "Default" (${workspace}) with a "Support" team and the departments of the care cycle`);
    } else if (!(await db.query('SELECT 1 FROM workspaces WHERE id = $1', [workspace])).length) {
      console.error(`no workspace ${workspace}`);
      return 2;
    }
    // imported customer posts are analyzed as live ones are (the workspace's learned models included)
    const analysis = new AnalysisService({ store: new PgModelStore(db) });
    const code = await runImport(rest, { ingestor: new HubIngestor(log, { workspaceId: workspace, analyzePost: analysis.hookFor(workspace), answers: surveyAnswers }) });
    // fresh planner statistics after a bulk load (PGlite has no autovacuum; cheap on a server)
    await db.exec('ANALYZE');
    return code;
  } finally {
    await db.close();
  }
}
