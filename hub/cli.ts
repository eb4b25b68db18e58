/**
 * `npm run hub -- [--port 4100] [--host 127.0.0.1] [--data-dir .tend/hub] [--demo]`
 * Starts the care hub: PGlite in --data-dir, or the PostgreSQL server named by DATABASE_URL.
 * Other commands (`npm run hub -- <command> ...`) are listed in COMMANDS.
 */
import { parseArgs } from 'node:util';
import { startHub } from './hub';
import { secretsKeyProblem } from './connectors/secret-box';

/** Subcommands: name → module exporting `run(argv: string[]): Promise<number>` (exit code). */
export const COMMANDS: Record<string, () => Promise<{ run(argv: string[]): Promise<number> }>> = {
  init: () => import('./commands/init'),
  import: () => import('./commands/import'),
  // with the sections other modules add, as the Reports screen exports them
  report: async () => {
    const [{ runReport }, { allReportSections }] = await Promise.all([import('./metrics/cli'), import('./report-sections')]);
    return { run: (argv) => runReport(argv, { sections: allReportSections }) };
  },
  backup: () => import('./commands/backup'),
  restore: async () => ({ run: (await import('./commands/backup')).restore }),
};

async function serve(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: process.env.PORT ?? '4100' },
      host: { type: 'string', default: '127.0.0.1' },
      'data-dir': { type: 'string', default: '.tend/hub' },
      demo: { type: 'boolean', default: false },
      'replay-interval': { type: 'string', default: '20' },
      'no-routing': { type: 'boolean', default: false },
      'no-analysis': { type: 'boolean', default: false },
      'no-surveys': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log('usage: npm run hub -- [--port 4100] [--host 127.0.0.1] [--data-dir .tend/hub] [--demo] [--replay-interval 20]\n' +
      '         [--no-routing] [--no-analysis] [--no-surveys]\n' +
      '       npm run hub -- init --workspace <name> --email <admin> --name <admin name> [--time-zone <zone>]   (first run)\n' +
      '       npm run hub -- import <file> …   |   npm run hub -- report --from <date> --to <date> …\n' +
      '       npm run hub -- backup <file> [--data-dir .tend/hub]   |   npm run hub -- restore <file> [--data-dir .tend/hub] [--force]\n' +
      'DATABASE_URL=postgres://… uses a PostgreSQL server instead of the embedded PGlite data dir; it needs TEND_SECRETS_KEY or TEND_SECRETS_KEY_FILE (the key channel secrets are sealed with).\n' +
      'DATABASE_REPLICA_URL=postgres://… (with DATABASE_URL): reports and exports read from that read replica, and say its lag.\n' +
      'Channels: TEND_X_CONSUMER_SECRET, TEND_META_APP_SECRET, TEND_FEEDS… (hub/connectors/README.md); TEND_WORKSPACE names the workspace they feed.\n' +
      'Load balancers: GET /healthz, GET /readyz. Prometheus: GET /metrics with an admin\'s token or TEND_METRICS_TOKEN, or TEND_METRICS_PORT (docs/deploy.md).');
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0..65535, got ${values.port}`);
  const databaseUrl = process.env.DATABASE_URL || undefined;
  const keyProblem = secretsKeyProblem(process.env, { databaseUrl });
  if (keyProblem) throw new Error(keyProblem);
  const replicaUrl = process.env.DATABASE_REPLICA_URL || undefined;
  const hub = await startHub({
    server: { port, host: values.host }, database: databaseUrl ? { url: databaseUrl } : { dataDir: values['data-dir'] },
    replica: replicaUrl ? { url: replicaUrl } : undefined,
    demo: values.demo ? { replayIntervalMs: Number(values['replay-interval']) * 1000, log: (l) => console.log(l) } : false,
    routing: !values['no-routing'], analysis: !values['no-analysis'], surveys: !values['no-surveys'],
  });
  const on = [hub.analysis && 'analysis', hub.routing && 'routing', !values['no-surveys'] && 'surveys'].filter(Boolean).join(', ');
  console.log(`modules: ${on || 'none'}; webhooks under ${process.env.TEND_WEBHOOK_PREFIX ?? '/webhooks'} for the channels configured in TEND_*`);
  console.log(`tend hub listening on ${hub.url} (${databaseUrl ? 'PostgreSQL server' : `PGlite in ${values['data-dir']}`}${replicaUrl ? '; reports from the read replica' : ''})`);
  if (hub.metricsUrl) console.log(`metrics (Prometheus, no credentials) on ${hub.metricsUrl}`);
  const [{ n }] = await hub.db.query<{ n: number }>('SELECT count(*)::int AS n FROM agents');
  if (n === 0) console.log(`first run: nobody is on this hub yet: open the app on ${hub.url} and create the first admin there, or run \`npm run hub -- init\``);
  const stop = async () => {
    console.log('tend hub: stopping');
    await hub.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const cmd = argv[0] && !argv[0].startsWith('-') ? argv[0] : null;
  if (cmd) {
    const load = COMMANDS[cmd];
    if (!load) throw new Error(`unknown command "${cmd}" (known: ${Object.keys(COMMANDS).join(', ') || 'none'}; no command = serve)`);
    process.exitCode = await (await load()).run(argv.slice(1));
    return;
  }
  await serve(argv);
}

main().catch((err) => {
  console.error(`tend hub: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
