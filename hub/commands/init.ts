/**
 * `npm run hub -- init --workspace "Acme care" --time-zone Europe/Warsaw --email ana@acme.com --name "Ana K" [--data-dir .tend/hub]`
 * First run from the terminal: the workspace (its support team, the four departments of the care
 * cycle, the starter canned responses) and its first admin, on a hub nobody uses yet. The password
 * is read from TEND_ADMIN_PASSWORD, else asked on the terminal (not echoed where it is a TTY).
 * DATABASE_URL wins over --data-dir, as for the hub itself.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { FirstRunSchema } from '../../shared/contract/admin';
import { firstRun } from '../admin/setup';
import { HttpError } from '../api/errors';
import { openDb } from '../db/db';
import { migrate } from '../db/migrate';
import { ChangeLog } from '../sync/changelog';

async function askPassword(): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY === true });
  const out = rl as unknown as { _writeToOutput?: (s: string) => void };
  const ask = (q: string) => new Promise<string>((ok) => {
    rl.question(q, ok);
    // after the prompt, typed characters are not shown
    if (process.stdin.isTTY) out._writeToOutput = () => {};
  });
  try {
    const first = await ask('Password for the first admin (8 characters or more): ');
    if (process.stdin.isTTY) { out._writeToOutput = undefined; process.stdout.write('\n'); }
    const again = process.stdin.isTTY ? await ask('Again: ') : first;
    if (process.stdin.isTTY) process.stdout.write('\n');
    if (first !== again) throw new Error('the two passwords are not the same');
    return first;
  } finally {
    rl.close();
  }
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv, strict: true,
    options: {
      workspace: { type: 'string' }, 'time-zone': { type: 'string', default: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC' },
      email: { type: 'string' }, name: { type: 'string' }, 'data-dir': { type: 'string', default: '.tend/hub' },
    },
  });
  if (!values.workspace || !values.email || !values.name) {
    console.error('usage: npm run hub -- init --workspace <name> --email <admin e-mail> --name <admin name> [--time-zone <IANA zone>] [--data-dir .tend/hub]\n' +
      '(the password: TEND_ADMIN_PASSWORD, else asked)');
    return 2;
  }
  const password = process.env.TEND_ADMIN_PASSWORD ?? await askPassword();
  const input = FirstRunSchema.safeParse({ workspace_name: values.workspace, time_zone: values['time-zone'], email: values.email, name: values.name, password });
  if (!input.success) {
    console.error(`tend hub init: ${input.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    return 2;
  }
  const url = process.env.DATABASE_URL || undefined;
  const db = await openDb({ url, dataDir: url ? undefined : values['data-dir'] });
  try {
    await migrate(db);
    const done = await firstRun(new ChangeLog(db), input.data);
    console.log(`workspace "${input.data.workspace_name}" (${done.workspace_id}, ${input.data.time_zone}) with a Support team and the departments Product quality, Store operations, Product management and Loyalty`);
    console.log(`first admin: ${input.data.email}. Start the hub (npm run hub) and sign in; the checklist is under Ctrl+K "Administration: Getting started".`);
    return 0;
  } catch (err) {
    if (err instanceof HttpError) { console.error(`tend hub init: ${err.message}`); return 1; }
    throw err;
  } finally {
    await db.close();
  }
}
