/**
 * The app over a fixed world: `?screen=login|inbox|team|floor|insights|offers|empty` and
 * `role=agent|supervisor`. The fake core (the same one the component tests use) answers every
 * request from renderer/src/testing/world.ts; the page's clock is frozen at NOW by the test.
 */
import { DEFAULT_CANNED } from '../../shared/text/canned';
import { core } from '../src/testing/fake-core';
import { customerHistory, floor, insights, NOW, roster, session, thread, world } from '../src/testing/world';

const params = new URLSearchParams(location.search);
const screen = params.get('screen') ?? 'inbox';
const supervisor = params.get('role') === 'supervisor' || screen === 'floor' || screen === 'insights';
const me = supervisor
  ? session({ agent: { ...session().agent!, id: 'agent-sam', name: 'Sam Rivera', email: 'sam@demo.tend', role: 'supervisor' } })
  : session();
const settings = new Map<string, unknown>();

core.handle('session.status', () => (screen === 'login' ? { ...me, logged_in: false, agent: null } : me));
core.handle('inbox.counts', () => ({ mine: screen === 'empty' ? 0 : world.mine.length, team: 65, snoozed: screen === 'empty' ? 0 : 3, resolved: 148, unread: screen === 'empty' ? 0 : world.mine.filter((c) => c.unread).length }));
core.handle('inbox.list', (req) => {
  const items = screen === 'empty' ? [] : req.tab === 'team' ? world.team : req.tab === 'mine' ? world.mine : [];
  const offset = req.offset ?? 0;
  return { total: items.length, items: items.slice(offset, offset + (req.limit ?? 100)) };
});
core.handle('conversation.get', ({ id }) => thread(id));
core.handle('customer.get', ({ id }) => customerHistory(id));
core.handle('search', ({ query }) => ({
  hits: query.length < 2 ? [] : [
    { message_id: 'm5', conversation_id: 'c1', snippet: `Still no [${query}] after two weeks. Order #8812, this is…`, customer_name: 'Maria Kowal', created_at: new Date(NOW - 18 * 60_000).toISOString() },
    { message_id: 'm1', conversation_id: 'c1', snippet: `…I returned order #8812 on 20 Nov and still have no [${query}].`, customer_name: 'Maria Kowal', created_at: new Date(NOW - 26 * 3_600_000).toISOString() },
  ],
}));
core.handle('settings.get', ({ key }) => ({ value: settings.get(key) ?? null }));
core.handle('settings.set', ({ key, value }) => { settings.set(key, value); return { ok: true }; });
// the team's canned responses, as a new workspace's hub holds them
core.handle('canned.list', () => ({ canned: DEFAULT_CANNED.map((c) => ({ ...c, id: `canned-${c.shortcode}`, scope: 'team' as const, uses: 0, updated_at: new Date(NOW).toISOString() })), offline: false }));
core.handle('macros.list', () => ({ macros: [], offline: false }));
core.handle('canned.used', () => ({ ok: true }));
core.handle('draft.save', () => ({ ok: true }));
core.handle('noteDraft.save', () => ({ ok: true }));
core.handle('collision.heartbeat', () => ({ ok: true }));
core.handle('conversation.markRead', () => ({ ok: true }));
core.handle('presence.get', () => ({
  activities: [
    { id: 'available', label: 'Available', routable: true }, { id: 'busy', label: 'Busy', routable: false },
    { id: 'break', label: 'Break', routable: false }, { id: 'offline', label: 'Offline', routable: false },
  ],
  agents: [{ id: me.agent!.id, activity_id: 'available', routable: true, offer: null, assigned: world.mine.map((c) => c.id).slice(0, 7), load: { x: 3, facebook: 2, instagram: 2 }, idle_since: NOW }],
}));
core.handle('floor.get', () => floor);
core.handle('roster.get', () => roster);
core.handle('customer.related', () => ({ suggestions: [], merges: [] }));
core.handle('insights.list', () => ({ insights }));

void import('../src/main').then(async () => {
  const { useUi } = await import('../src/app/store');
  if (screen === 'floor') useUi.setState({ view: 'floor' });
  if (screen === 'insights') useUi.setState({ view: 'insights' });
  if (screen === 'team') useUi.setState({ tab: 'team' });
  // the workspace subscribes to core events once it is on screen
  const shown = (sel: string) => new Promise<void>((ok) => { const t = setInterval(() => { if (document.querySelector(sel)) { clearInterval(t); ok(); } }, 20); });
  if (screen !== 'login') await shown('.statusbar');
  if (screen === 'offers') {
    for (const [i, c] of [world.team[1]!, world.team[0]!].entries()) {
      core.emit('routing.push', {
        type: 'offer', offer: { id: `o${i}`, conversation_id: c.id, agent_id: me.agent!.id, offered_at: NOW - 10_000 * (i + 1), expires_at: NOW + 20_000 + 15_000 * i },
        conversation: { id: c.id, priority: c.priority, team_id: 'team-care', queue_id: 'q-care', dues: { first_response_due: null, next_response_due: null, resolution_due: null } },
      });
    }
  }
  document.documentElement.dataset.galleryReady = screen;
});
