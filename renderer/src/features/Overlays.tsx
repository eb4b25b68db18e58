/** Palette, search, snooze/assign/tag/priority/filter pickers and the shortcut sheet. */
import { useDeferredValue, useState } from 'react';
import { ChannelSchema, PrioritySchema } from '../../../shared/domain';
import { act } from '../api/mutations';
import { keys, queryClient, useRoster, useSearch, useSession, useSetting } from '../api/queries';
import { leaveList, openAdmin, recordUse, run } from '../app/actions';
import { CHANNEL_LABEL, clockTime, isMac } from '../app/format';
import { COMMANDS, effectiveKeys, formatCombo, type CommandId } from '../app/keymap';
import { focusInbox } from '../app/nav';
import { useUi } from '../app/store';
import { useKeymap } from '../app/useHotkeys';
import { Dialog } from '../components/Dialog';
import { ListPicker, type PickItem } from '../components/ListPicker';
import { AgentPicker, type AgentChoice } from './AgentPicker';
import { CustomerEditor, MergePicker } from './CustomerEdit';
import { LabelPicker, ReasonDialog } from './Labels';
import { MyFigures, PresencePicker } from './Presence';
import { MyShift } from './MyShift';
import { SignOutDialog } from './SignOut';
import { useCanned } from './Settings';
import { EndCrisisPicker, StartCrisisDialog, useCannedWithCrisis } from './Crisis';
import { screensFor } from './admin/screens';
import { ActionPreview, ActionSummaryDialog, BulkMenu, MacroPicker } from './Actions';
import { useMacros } from '../api/macros';
import { previewMacro } from '../app/bulk';

const close = () => useUi.getState().open(null);
const conversationId = () => useUi.getState().selectedId!;

function Palette() {
  const overrides = useKeymap();
  const { value: usage } = useSetting<Record<string, number>>('palette.usage', {});
  const selectedId = useUi((s) => s.selectedId);
  const hasConversation = !!selectedId;
  const topic = queryClient.getQueryData<{ conversation: { analysis?: { topic?: string } } }>(keys.conversation(selectedId ?? ''))?.conversation.analysis?.topic;
  // the open conversation's topic in crisis: its holding statement first
  const { canned } = useCannedWithCrisis(useCanned(), topic);
  const macros = useMacros().data?.macros ?? [];
  const role = useSession().data?.agent?.role;
  const keyOf = (id: CommandId) => effectiveKeys(id, overrides).map((k) => formatCombo(k, isMac)).join(' / ');
  const items: PickItem[] = [
    ...COMMANDS.filter((c) => c.id !== 'palette.open').map((c) => ({ id: c.id, label: c.label, hint: <kbd>{keyOf(c.id)}</kbd> })),
    ...screensFor(role).map((sc) => ({ id: `admin:${sc.id}`, label: `Administration: ${sc.label}` })),
    ...(role && role !== 'agent' ? [{ id: 'crisis:on', label: 'Crisis mode: turn on for a topic…' }, { id: 'crisis:off', label: 'Crisis mode: turn off…' }] : []),
    ...(hasConversation ? canned.map((c) => ({ id: `canned:${c.shortcode}`, label: `Insert canned: ${c.title}`, hint: <kbd>;{c.shortcode}</kbd> })) : []),
    ...(hasConversation ? macros.map((m) => ({ id: `macro:${m.id}`, label: `Run macro: ${m.name}`, hint: m.key ? <kbd>{formatCombo(m.key, isMac)}</kbd> : undefined })) : []),
  ];
  // Most used first (learned), then the usual order.
  const order = new Map(items.map((it, i) => [it.id, i]));
  items.sort((a, b) => (usage?.[b.id] ?? 0) - (usage?.[a.id] ?? 0) || order.get(a.id)! - order.get(b.id)!);
  return (
    <ListPicker label="Command palette" placeholder="Type a command…" items={items} onClose={close} onPick={(it) => {
      close();
      recordUse(it.id);
      if (it.id.startsWith('admin:')) { openAdmin(it.id.slice(6) as never); return; }
      if (it.id.startsWith('macro:')) { const m = macros.find((x) => `macro:${x.id}` === it.id)!; previewMacro(m); return; }
      if (it.id === 'crisis:on' || it.id === 'crisis:off') { requestAnimationFrame(() => useUi.getState().open(it.id === 'crisis:on' ? 'crisis-on' : 'crisis-off')); return; }
      if (it.id.startsWith('canned:')) {
        const c = canned.find((x) => `canned:${x.shortcode}` === it.id)!;
        useUi.getState().focusComposer('reply');
        // The composer may mount on this frame: insert on the next one.
        requestAnimationFrame(() => window.dispatchEvent(new CustomEvent('tend:insert-canned', { detail: c })));
        return;
      }
      requestAnimationFrame(() => run(it.id as CommandId));
    }} />
  );
}

function Search() {
  const [query, setQuery] = useState('');
  const deferred = useDeferredValue(query);
  const q = useSearch(deferred.trim());
  const hits = q.data?.hits ?? [];
  const items: PickItem[] = hits.map((h) => ({
    id: h.message_id, label: plainSnippet(h.snippet), content: <Highlighted snippet={h.snippet} />,
    detail: <>{h.customer_name} · <time className="num">{clockTime(h.created_at)}</time></>,
  }));
  return (
    <ListPicker label="Search messages" placeholder="Search every message in the local cache…" items={items} filter={false}
      query={query} onQuery={setQuery} onClose={close} pending={deferred !== query || q.isPlaceholderData || (q.isFetching && !q.data)} empty={query.trim() ? (q.isFetching ? 'Searching…' : 'No message found') : 'Type a word'}
      onPick={(it) => {
        const hit = hits.find((h) => h.message_id === it.id)!;
        close();
        useUi.getState().select(hit.conversation_id, useUi.getState().selectedIndex);
        // Into the opened thread once it is on screen (a hit outside the list loads first).
        useUi.getState().focusThread();
      }} />
  );
}

/** The core marks the matched words of a snippet with [brackets] (FTS5 snippet()): show them highlighted. */
export function Highlighted({ snippet }: { snippet: string }) {
  const parts = snippet.split(/\[([^[\]]+)\]/);
  return <>{parts.map((p, i) => (i % 2 === 1 ? <mark key={i}>{p}</mark> : p))}</>;
}
export const plainSnippet = (snippet: string) => snippet.replace(/\[([^[\]]+)\]/g, '$1');

function at(hours: number): Date { return new Date(Date.now() + hours * 3_600_000); }
function nextMorning(daysAhead: number, weekday?: number): Date {
  const d = new Date();
  d.setDate(d.getDate() + daysAhead);
  if (weekday !== undefined) while (d.getDay() !== weekday) d.setDate(d.getDate() + 1);
  d.setHours(9, 0, 0, 0);
  return d;
}

function Snooze() {
  const options = [
    { key: '1', label: 'In 1 hour', when: () => at(1) },
    { key: '2', label: 'In 3 hours', when: () => at(3) },
    { key: '3', label: 'Tomorrow 9:00', when: () => nextMorning(1) },
    { key: '4', label: 'Monday 9:00', when: () => nextMorning(1, 1) },
    { key: '5', label: 'In a week', when: () => nextMorning(7) },
  ];
  return (
    <ListPicker label="Snooze until" placeholder="Press 1–5, or arrows and Enter" filter={false} onClose={close}
      items={options.map((o) => ({ id: o.key, key: o.key, label: o.label, detail: clockTime(o.when().toISOString()) }))}
      onPick={(it) => {
        const until = options.find((o) => o.key === it.id)!.when();
        close();
        void leaveList((id) => act('conversation.setStatus', { conversation_id: id, status: 'snoozed', snoozed_until: until.toISOString() }), `Snoozed until ${clockTime(until.toISOString())}`);
      }} />
  );
}

/**
 * Everyone who can take a conversation, with presence and load as the hub knows them (the
 * roster, for agents and supervisors alike); offline from the hub, names only.
 */
function useAgentChoices(): AgentChoice[] {
  const session = useSession().data;
  const me = session?.agent;
  const roster = useRoster(!!session?.online).data;
  const agents = session?.agents ?? [];
  const choices = agents.map((a): AgentChoice => {
    const f = roster?.agents.find((x) => x.id === a.id);
    if (f) return { id: a.id, name: a.name, presence: f.presence, routable: f.routable, open: f.open_conversations, capacity: f.capacity };
    return { id: a.id, name: a.name };
  });
  // me first, as "Me (name)"
  return [...choices.filter((c) => c.id === me?.id).map((c) => ({ ...c, name: `Me (${c.name})` })), ...choices.filter((c) => c.id !== me?.id)];
}

function Assign() {
  const me = useSession().data?.agent;
  const agents = useAgentChoices();
  return (
    <AgentPicker label="Assign to" agents={agents} none="Unassign (back to the team queue)" onClose={close} onPick={(assignee, name) => {
      close();
      const tab = useUi.getState().tab;
      const leaves = (tab === 'mine' && assignee !== me?.id) || (tab === 'team' && assignee !== null);
      const done = assignee ? `Assigned to ${name}` : 'Back in the team queue';
      const change = (id: string) => act('conversation.assign', { conversation_id: id, assignee_id: assignee });
      if (leaves) void leaveList(change, done);
      else void change(conversationId()).then(() => { useUi.getState().announce(done); focusInbox(); }, (e: Error) => useUi.getState().announce(e.message));
    }} />
  );
}

function Tag() {
  const id = useUi((s) => s.selectedId)!;
  const data = queryClient.getQueryData<{ conversation: { tags: string[] } }>(keys.conversation(id));
  const tags = data?.conversation.tags ?? [];
  const [query, setQuery] = useState('');
  const typed = query.trim().replace(/^#/, '');
  const items: PickItem[] = [
    ...(typed && !tags.includes(typed) ? [{ id: `+${typed}`, label: `Add #${typed}` }] : []),
    ...tags.map((t) => ({ id: `-${t}`, label: `Remove #${t}` })),
  ];
  return (
    <ListPicker label="Tag conversation" placeholder="Type a tag and press Enter" items={items} filter={false} query={query} onQuery={setQuery}
      onClose={close} empty="Type a new tag" onPick={(it) => {
        close();
        const tag = it.id.slice(1);
        const req = it.id.startsWith('+') ? { add: [tag] } : { remove: [tag] };
        const done = it.id.startsWith('+') ? `Tagged #${tag}` : `Removed #${tag}`;
        void act('conversation.tag', { conversation_id: id, ...req }).then(() => useUi.getState().announce(done), (e) => useUi.getState().announce(e.message));
      }} />
  );
}

function Priority() {
  const items = PrioritySchema.options.map((p, i) => ({ id: p, key: String(i + 1), label: p[0]!.toUpperCase() + p.slice(1) }));
  return (
    <ListPicker label="Set priority" placeholder="Press 1–4" items={items} filter={false} onClose={close} onPick={(it) => {
      close();
      void act('conversation.setPriority', { conversation_id: conversationId(), priority: it.id as never })
        .then(() => useUi.getState().announce(`Priority ${it.id}`), (e) => useUi.getState().announce(e.message));
    }} />
  );
}

function Filter() {
  const [query, setQuery] = useState('');
  const typed = query.trim().replace(/^#/, '');
  const items: PickItem[] = [
    { id: 'clear', label: 'All channels, all tags' },
    ...ChannelSchema.options.map((c) => ({ id: `channel:${c}`, label: `Channel: ${CHANNEL_LABEL[c]}` })),
    ...(typed ? [{ id: `tag:${typed}`, label: `Tag: #${typed}` }] : []),
  ];
  const filtered = typed ? items.filter((i) => i.label.toLowerCase().includes(typed.toLowerCase()) || i.id.startsWith('tag:')) : items;
  return (
    <ListPicker label="Filter the queue" placeholder="Channel name, or a tag" items={filtered} filter={false} query={query} onQuery={setQuery} onClose={close}
      onPick={(it) => {
        close();
        const ui = useUi.getState();
        if (it.id === 'clear') ui.set({ channel: undefined, tag: undefined, selectedId: null, selectedIndex: 0 });
        else if (it.id.startsWith('channel:')) ui.set({ channel: it.id.slice(8) as never, selectedId: null, selectedIndex: 0 });
        else ui.set({ tag: it.id.slice(4), selectedId: null, selectedIndex: 0 });
        focusInbox();
      }} />
  );
}

function Shortcuts() {
  const overrides = useKeymap();
  return (
    <Dialog label="Keyboard shortcuts" onClose={close} wide>
      <h2 tabIndex={-1} data-autofocus>Keyboard shortcuts</h2>
      <table className="keymap">
        <tbody>
          {COMMANDS.map((c) => (
            <tr key={c.id}><th scope="row">{c.label}</th><td><kbd>{effectiveKeys(c.id, overrides).map((k) => formatCombo(k, isMac)).join(' or ')}</kbd></td></tr>
          ))}
          <tr><th scope="row">Canned response in the composer</th><td><kbd>;</kbd> + shortcode, then Tab</td></tr>
          <tr><th scope="row">Close the selected insight with a resolution (Insights, Floor)</th><td><kbd>x</kbd></td></tr>
        </tbody>
      </table>
      <p className="muted">Single-key shortcuts never fire while you type in a field. Remap them in Settings ({formatCombo('$mod+,', isMac)}).</p>
      <div className="dialog-actions"><button onClick={close}>Close</button></div>
    </Dialog>
  );
}

export function Overlays() {
  const overlay = useUi((s) => s.overlay);
  switch (overlay) {
    case 'palette': return <Palette />;
    case 'search': return <Search />;
    case 'snooze': return <Snooze />;
    case 'assign': return <Assign />;
    case 'tag': return <Tag />;
    case 'priority': return <Priority />;
    case 'filter': return <Filter />;
    case 'shortcuts': return <Shortcuts />;
    case 'label': return <LabelPicker />;
    case 'reason': return <ReasonDialog />;
    case 'presence': return <PresencePicker />;
    case 'presence-start': return <PresencePicker atSignIn />;
    case 'figures': return <MyFigures />;
    case 'shift': return <MyShift />;
    case 'sign-out': return <SignOutDialog />;
    case 'customer-edit': return <CustomerEditor />;
    case 'customer-merge': return <MergePicker />;
    case 'macro': return <MacroPicker />;
    case 'bulk': return <BulkMenu />;
    case 'action-preview': return <ActionPreview />;
    case 'action-summary': return <ActionSummaryDialog />;
    case 'crisis-on': return <StartCrisisDialog topic="" alertId={null} onDone={close} />;
    case 'crisis-off': return <EndCrisisPicker onDone={close} />;
    case 'settings': return null; // rendered by App (lazy settings)
    default: return null;
  }
}
