/**
 * A hub in its own process, for fault tests that kill it (SIGKILL) mid-send and start it again on
 * the same data directory. Channels come from the TEND_* environment (point TEND_X_API_BASE /
 * TEND_META_GRAPH_BASE at the stand-ins). On first start it seeds workspace 'ws' with team 'care'
 * and agent agent@crash.tend (password in CRASH_PASSWORD). Prints one JSON line {url} when ready.
 * With --routing, routing runs (as in the CLI), and the first start also seeds a department team
 * 'quality' (queue q-quality) and a supervisor boss@crash.tend (CRASH_SUPERVISOR). With --approve-all, every public
 * reply of 'ws' waits for approval (hub/approvals' workspace switch), and the supervisor is seeded too.
 *
 *   node --import tsx testing/hub/hub-process.ts <data-dir> [--lease-ms 2000] [--routing] [--approve-all]
 */
import { parseArgs } from 'node:util';
import { createAgent, createTeam, createWorkspace } from '../../hub/accounts/admin';
import { loadConnectorConfig } from '../../hub/connectors/config';
import { startHub } from '../../hub/hub';
import { setApprovalRules } from '../../hub/approvals/store';
import { DEFAULT_APPROVAL_RULES } from '../../shared/contract/approvals';

export const CRASH_AGENT = { email: 'agent@crash.tend', password: 'crash-test-password' };
export const CRASH_SUPERVISOR = { email: 'boss@crash.tend', password: 'crash-test-password' };

const { positionals, values } = parseArgs({ allowPositionals: true, options: { 'lease-ms': { type: 'string', default: '2000' }, routing: { type: 'boolean', default: false }, 'approve-all': { type: 'boolean', default: false } } });
const dataDir = positionals[0];
if (!dataDir) throw new Error('usage: hub-process.ts <data-dir>');

const hub = await startHub({
  database: { dataDir }, channels: { ...loadConnectorConfig(process.env), workspace: 'ws' }, analysis: false, snoozeCheckMs: 0,
  outbound: { dispatcher: { pollMs: 50, leaseMs: Number(values['lease-ms']), settleMs: 50, baseBackoffMs: 50 } },
  routing: values.routing ? { tickMs: 50 } : false,
});
const [ws] = await hub.db.query<{ id: string }>(`SELECT id FROM workspaces WHERE id = 'ws'`);
if (!ws) {
  await createWorkspace(hub.db, 'Crash test', 'ws');
  const team = await createTeam(hub.db, 'ws', 'Care');
  if (values.routing) await createTeam(hub.db, 'ws', 'Product quality', 'department', 'quality');
  await createAgent(hub.log, { workspaceId: 'ws', email: CRASH_AGENT.email, name: 'Agent', password: CRASH_AGENT.password, teamIds: [team] });
  if (values.routing || values['approve-all']) {
    await createAgent(hub.log, { workspaceId: 'ws', email: CRASH_SUPERVISOR.email, name: 'Boss', password: CRASH_SUPERVISOR.password, role: 'supervisor', teamIds: [team] });
  }
}
if (values['approve-all']) await setApprovalRules(hub.db, 'ws', { ...DEFAULT_APPROVAL_RULES, all_public: true }, 'hub-process');
process.stdout.write(JSON.stringify({ url: hub.url }) + '\n');
const stop = () => { void hub.close().then(() => process.exit(0)); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
