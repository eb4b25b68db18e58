/**
 * A small, fixed care desk for the component tests and the visual gallery: agents, customers on
 * every channel, a morning's queue with every SLA state, one rich thread, the floor and insights.
 * Every time is relative to NOW, so a page whose clock is frozen at NOW always looks the same.
 */
import type { DesktopResponse, InsightItem, SessionStatus, ThreadMessage } from '../../../shared/contract/desktop';
import type { Floor } from '../../../shared/contract/supervisor';
import type { Channel, Conversation, Customer, Note, Priority, Visibility } from '../../../shared/domain';

export const NOW = Date.parse('2026-12-07T10:00:00Z');
export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const iso = (msFromNow: number) => new Date(NOW + msFromNow).toISOString();

export type InboxItem = DesktopResponse<'inbox.list'>['items'][number];
export type ConversationData = DesktopResponse<'conversation.get'>;

export function conversation(o: Partial<Conversation> = {}): Conversation {
  return {
    id: 'c1', channel: 'x', channel_account_id: null, customer_id: 'cu1', subject: '', status: 'open', snoozed_until: null,
    priority: 'normal', assignee_id: 'agent-ana', team_id: 'team-care', tags: [],
    analysis: { sentiment: { label: 'negative', score: -0.6 }, intent: 'complaint', topic: 'refund', priority: 'normal', reason: 'negative (−0.60), complaint ("still"), mentions refund → refund' },
    first_response_due_at: iso(30 * MIN), next_response_due_at: null, resolution_due_at: iso(24 * HOUR),
    first_response_at: null, resolved_at: null, last_message_at: iso(-5 * MIN), last_inbound_at: iso(-5 * MIN),
    snippet: 'still no refund after two weeks', message_count: 1, created_at: iso(-5 * MIN), updated_at: iso(-5 * MIN), sync_id: 1, ...o,
  };
}

export function customer(o: Partial<Customer> = {}): Customer {
  return {
    id: 'cu1', name: 'Maria Kowal', identities: [{ channel: 'x', handle: '@maria_k', platform_user_id: '42' }], location: 'Lisbon',
    followers: 12400, verified: false, tier: 'VIP', tags: ['refund'], notes: 'Prefers DMs', created_at: '2021-03-02T00:00:00Z', sync_id: 1, ...o,
  };
}

export function message(o: Partial<ThreadMessage> = {}): ThreadMessage {
  return {
    id: 'm1', conversation_id: 'c1', direction: 'inbound', visibility: 'public', author_id: '@maria_k', author_name: 'Maria Kowal',
    text: 'still no refund after two weeks', platform_id: 'p1', permalink: null, delivery: 'received', delivery_error: null,
    created_at: iso(-5 * MIN), sync_id: 1, local_state: 'synced', ...o,
  };
}

export const inboxItem = (o: Partial<InboxItem> = {}): InboxItem => ({
  ...conversation(o), customer_name: 'Maria Kowal', customer_handle: '@maria_k', unread: false, ...o,
});

export function conversationData(o: Partial<ConversationData> = {}): ConversationData {
  return { conversation: conversation(), customer: customer(), messages: [message()], notes: [], draft: null, ...o };
}

export function session(o: Partial<SessionStatus> = {}): SessionStatus {
  return {
    logged_in: true, online: true, outbox_count: 0, last_sync_id: 1058, syncing: false, hub_url: 'http://127.0.0.1:4100',
    agent: { id: 'agent-ana', workspace_id: 'demo', email: 'ana@demo.tend', name: 'Ana Kowalski', role: 'agent', skills: {}, capacity: { x: 8, facebook: 8, instagram: 8 }, team_ids: ['team-care'] },
    teams: [{ id: 'team-care', name: 'Care', kind: 'support' }, { id: 'team-quality', name: 'Product quality', kind: 'department' }],
    agents: [{ id: 'agent-ana', name: 'Ana Kowalski' }, { id: 'agent-ben', name: 'Ben Osei' }, { id: 'agent-sam', name: 'Sam Rivera' }, { id: 'agent-chloe', name: 'Chloé Martin' }],
    ...o,
  };
}

// ---- the desk ---------------------------------------------------------------------------------

interface Person { id: string; name: string; channel: Channel; handle: string; followers: number | null; tier?: string }
const PEOPLE: Person[] = [
  { id: 'cu1', name: 'Maria Kowal', channel: 'x', handle: '@maria_k', followers: 12400, tier: 'VIP' },
  { id: 'cu2', name: 'Joe Bramley', channel: 'facebook', handle: 'Joe Bramley', followers: null },
  { id: 'cu3', name: 'Aiko Tanaka', channel: 'instagram', handle: '@aiko.t', followers: 3100 },
  { id: 'cu4', name: 'Priya Nair', channel: 'facebook', handle: 'Priya Nair', followers: null, tier: 'Gold' },
  { id: 'cu5', name: 'u/packetloss', channel: 'reddit', handle: 'u/packetloss', followers: null },
  { id: 'cu6', name: 'Tom Whitaker', channel: 'x', handle: '@tomw', followers: 120_300 },
  { id: 'cu7', name: 'Lena Fischer', channel: 'youtube', handle: '@lenafischer', followers: 880 },
  { id: 'cu8', name: 'Store review', channel: 'review', handle: 'Trustpilot', followers: null },
  { id: 'cu9', name: 'Carlos Mendes', channel: 'x', handle: '@cmendes', followers: 430 },
  { id: 'cu10', name: 'Grace Liu', channel: 'instagram', handle: '@grace.liu', followers: 15_800 },
];

interface Row { person: number; vis?: Visibility; priority: Priority; text: string; intent: string; topic?: string; senti: [string, number];
  dues: Partial<Pick<Conversation, 'first_response_due_at' | 'next_response_due_at' | 'resolution_due_at' | 'first_response_at'>>; unread?: boolean; tags?: string[]; ago: number }
const MINE: Row[] = [
  { person: 0, priority: 'high', text: 'Still no refund after two weeks. Order #8812, this is getting ridiculous', intent: 'complaint', topic: 'refund', senti: ['negative', -0.8], dues: { first_response_at: iso(-2 * HOUR), next_response_due_at: iso(-16 * MIN), resolution_due_at: iso(20 * HOUR) }, unread: true, tags: ['refund'], ago: 18 * MIN },
  { person: 3, vis: 'private', priority: 'urgent', text: 'My card was charged twice for the same order, please help', intent: 'request_for_help', topic: 'billing', senti: ['negative', -0.6], dues: { first_response_due_at: iso(-4 * MIN), resolution_due_at: iso(22 * HOUR) }, unread: true, ago: 34 * MIN },
  { person: 5, priority: 'high', text: 'Your app logs me out every time I open it since the update', intent: 'complaint', topic: 'account', senti: ['negative', -0.5], dues: { first_response_due_at: iso(2 * MIN), resolution_due_at: iso(23 * HOUR) }, ago: 58 * MIN },
  { person: 1, priority: 'normal', text: 'Love the new app, the tracking map is great', intent: 'praise', senti: ['positive', 0.9], dues: { first_response_due_at: iso(9 * MIN), resolution_due_at: iso(20 * HOUR) }, unread: true, ago: 51 * MIN },
  { person: 2, priority: 'normal', text: 'Where is my parcel? It says delivered but nothing here', intent: 'question', topic: 'delivery', senti: ['negative', -0.3], dues: { first_response_due_at: iso(26 * MIN), resolution_due_at: iso(21 * HOUR) }, tags: ['delivery'], ago: 34 * MIN },
  { person: 4, priority: 'normal', text: 'Anyone else seeing the checkout hang on the last step?', intent: 'question', topic: 'order', senti: ['neutral', -0.1], dues: { first_response_at: iso(-3 * HOUR), next_response_due_at: iso(41 * MIN), resolution_due_at: iso(3 * HOUR) }, ago: 3 * HOUR },
  { person: 6, priority: 'low', text: 'Great review of the kettle, but which model is the 1.7 l one?', intent: 'question', topic: 'product_defect', senti: ['positive', 0.4], dues: { first_response_due_at: iso(2 * HOUR), resolution_due_at: iso(30 * HOUR) }, ago: 20 * MIN },
  { person: 7, priority: 'normal', text: 'Two stars. Delivery was late and the box was damaged.', intent: 'complaint', topic: 'delivery', senti: ['negative', -0.7], dues: { first_response_due_at: iso(5 * HOUR), resolution_due_at: iso(40 * HOUR) }, ago: 2 * HOUR },
  { person: 8, priority: 'normal', text: 'How do I change the delivery address on an order I placed today?', intent: 'request_for_help', topic: 'order', senti: ['neutral', 0], dues: { first_response_due_at: iso(55 * MIN), resolution_due_at: iso(24 * HOUR) }, ago: 5 * MIN },
  { person: 9, vis: 'private', priority: 'normal', text: 'Hi! Is the winter collection coming back in size S?', intent: 'purchase_intent', senti: ['positive', 0.3], dues: { first_response_due_at: iso(70 * MIN), resolution_due_at: iso(26 * HOUR) }, ago: 2 * MIN },
];

function rowConversation(r: Row, i: number, assignee: string | null): InboxItem {
  const p = PEOPLE[r.person]!;
  const channel = p.channel;
  const c = conversation({
    id: `c${i + 1}`, channel, customer_id: p.id, priority: r.priority, assignee_id: assignee, tags: r.tags ?? [],
    analysis: { sentiment: { label: r.senti[0], score: r.senti[1] }, intent: r.intent, topic: r.topic, priority: r.priority === 'urgent' ? 'high' : r.priority,
      reason: `${r.senti[0]} (${r.senti[1] < 0 ? '−' : '+'}${Math.abs(r.senti[1]).toFixed(2)}), ${r.intent.replace(/_/g, ' ')}${r.topic ? ` → ${r.topic}` : ''}${p.followers && p.followers > 10_000 ? `, ${Math.round(p.followers / 1000)}k followers` : ''} → ${r.priority} priority` },
    first_response_due_at: null, next_response_due_at: null, resolution_due_at: null, first_response_at: null, ...r.dues,
    last_message_at: iso(-r.ago), last_inbound_at: iso(-r.ago), created_at: iso(-r.ago - HOUR), snippet: r.text, subject: r.text.slice(0, 48),
  });
  return { ...c, customer_name: p.name, customer_handle: p.handle, unread: !!r.unread };
}

const TEAM: Row[] = [
  { person: 9, priority: 'normal', text: 'Do you ship to the Azores?', intent: 'question', senti: ['neutral', 0], dues: { first_response_due_at: iso(40 * MIN) }, ago: 9 * MIN },
  { person: 2, priority: 'high', text: 'The lid of my kettle cracked after one week', intent: 'complaint', topic: 'product_defect', senti: ['negative', -0.6], dues: { first_response_due_at: iso(12 * MIN) }, ago: 14 * MIN },
  { person: 8, priority: 'low', text: 'Thanks for the quick help yesterday!', intent: 'praise', senti: ['positive', 0.8], dues: { first_response_due_at: iso(3 * HOUR) }, ago: 40 * MIN },
];

export const world = {
  session: session(),
  mine: MINE.map((r, i) => rowConversation(r, i, 'agent-ana')),
  team: TEAM.map((r, i) => rowConversation(r, i + 100, null)),
  customers: PEOPLE.map((p) => customer({
    id: p.id, name: p.name, identities: [{ channel: p.channel, handle: p.handle, platform_user_id: null }, ...(p.id === 'cu1' ? [{ channel: 'facebook' as const, handle: 'Maria Kowal', platform_user_id: null }] : [])],
    followers: p.followers, tier: p.tier ?? null, verified: p.followers !== null && p.followers > 100_000, tags: p.id === 'cu1' ? ['refund', 'vip'] : [],
    notes: p.id === 'cu1' ? 'Prefers DMs. Order #8812 refund approved on 2 Dec.' : '', location: p.id === 'cu1' ? 'Lisbon' : null,
    created_at: '2021-03-02T00:00:00Z',
  })),
};

/** The open thread of c1: two days, a note, our reply sent, one waiting offline. */
export function thread(id: string): ConversationData {
  const row = [...world.mine, ...world.team].find((c) => c.id === id) ?? world.mine[0]!;
  const { customer_name: _n, customer_handle: _h, unread: _u, ...c } = row;
  const cu = world.customers.find((x) => x.id === c.customer_id)!;
  const vis = world.mine.indexOf(row) === 1 || world.mine.indexOf(row) === 9 ? 'private' : 'public';
  const base: ThreadMessage[] = id === 'c1' ? [
    message({ id: 'm1', text: 'Hi, I returned order #8812 on 20 Nov and still have no refund.', created_at: iso(-26 * HOUR), author_name: cu.name }),
    message({ id: 'm2', direction: 'outbound', author_id: 'agent-ben', author_name: 'Ben Osei', delivery: 'sent', text: 'Sorry Maria, could you DM us the order number so we can check?', created_at: iso(-25 * HOUR) }),
    message({ id: 'm3', text: 'Sent it. Nothing since.', created_at: iso(-3 * HOUR), author_name: cu.name }),
    message({ id: 'm4', direction: 'outbound', author_id: 'agent-ana', author_name: 'Ana Kowalski', delivery: 'sent', text: 'Thanks Maria, I have asked billing to push it through today.', created_at: iso(-2 * HOUR) }),
    message({ id: 'm5', text: 'Still no refund after two weeks. Order #8812, this is getting ridiculous', created_at: iso(-18 * MIN), author_name: cu.name }),
  ] : [message({ id: `${id}-m1`, conversation_id: id, visibility: vis, text: c.snippet, created_at: c.last_message_at, author_name: cu.name })];
  const notes: Note[] = id === 'c1' ? [{ id: 'n1', conversation_id: 'c1', author_id: 'agent-ana', author_name: 'Ana Kowalski', text: 'Billing confirmed the refund left on 5 Dec: ref RF-2291.', created_at: iso(-90 * MIN), sync_id: 1 }] : [];
  return { conversation: c, customer: cu, messages: base.map((m) => ({ ...m, conversation_id: id })), notes, draft: null };
}

export function customerHistory(customerId: string): DesktopResponse<'customer.get'> {
  const cu = world.customers.find((x) => x.id === customerId)!;
  const current = [...world.mine, ...world.team].filter((c) => c.customer_id === customerId).map(({ customer_name: _n, customer_handle: _h, unread: _u, ...c }) => c);
  const past = customerId === 'cu1' ? [
    conversation({ id: 'p1', customer_id: 'cu1', status: 'resolved', subject: 'Delivery late', snippet: 'My order is three days late', last_message_at: iso(-66 * 24 * HOUR), analysis: { sentiment: { label: 'positive', score: 0.4 }, csat: 5 } }),
    conversation({ id: 'p2', customer_id: 'cu1', channel: 'facebook', status: 'resolved', subject: 'Login issue', snippet: 'Cannot log in', last_message_at: iso(-126 * 24 * HOUR), analysis: { sentiment: { label: 'neutral', score: 0 }, csat: 4 } }),
  ] : [];
  return { customer: cu, conversations: [...current, ...past] };
}

export const floor: Floor = {
  generated_at: iso(0),
  alerts: [],
  queues: [
    { team_id: 'team-care', team_name: 'Care', channel: 'x', depth: 23, longest_waiting_since: iso(-47 * MIN) },
    { team_id: 'team-care', team_name: 'Care', channel: 'facebook', depth: 14, longest_waiting_since: iso(-31 * MIN) },
    { team_id: 'team-care', team_name: 'Care', channel: 'instagram', depth: 9, longest_waiting_since: iso(-12 * MIN) },
    { team_id: 'team-billing', team_name: 'Billing & accounts', channel: 'x', depth: 12, longest_waiting_since: iso(-65 * MIN) },
    { team_id: 'team-billing', team_name: 'Billing & accounts', channel: 'facebook', depth: 7, longest_waiting_since: iso(-22 * MIN) },
  ],
  sla: {
    breached: [
      { conversation_id: 'c1', subject: 'Still no refund after two weeks', due_at: iso(-16 * MIN), assignee_id: 'agent-ana', team_id: 'team-care', priority: 'high' },
      { conversation_id: 'c2', subject: 'Charged twice for the same order', due_at: iso(-4 * MIN), assignee_id: 'agent-ana', team_id: 'team-billing', priority: 'urgent' },
    ],
    at_risk: [
      { conversation_id: 'c3', subject: 'App logs me out after the update', due_at: iso(2 * MIN), assignee_id: 'agent-ben', team_id: 'team-care', priority: 'high' },
      { conversation_id: 'c101', subject: 'The lid of my kettle cracked', due_at: iso(12 * MIN), assignee_id: null, team_id: 'team-care', priority: 'high' },
    ],
  },
  agents: [
    { id: 'agent-ana', name: 'Ana Kowalski', role: 'agent', presence: 'Available', routable: true, open_conversations: 7, capacity: 8, handle_time_s: 412, replies_per_hour: 9 },
    { id: 'agent-ben', name: 'Ben Osei', role: 'agent', presence: 'Break', routable: false, open_conversations: 8, capacity: 8, handle_time_s: 530, replies_per_hour: 4 },
    { id: 'agent-chloe', name: 'Chloé Martin', role: 'agent', presence: 'Available', routable: true, open_conversations: 3, capacity: 8, handle_time_s: 298, replies_per_hour: 12 },
    { id: 'agent-sam', name: 'Sam Rivera', role: 'supervisor', presence: 'Offline', routable: false, open_conversations: 0, capacity: 4, handle_time_s: null, replies_per_hour: 0 },
  ],
  throughput: Array.from({ length: 12 }, (_, h) => ({ hour: iso((h - 11) * HOUR), inbound: [4, 6, 9, 14, 22, 31, 28, 25, 30, 27, 19, 12][h]!, replies: [3, 5, 8, 12, 18, 26, 27, 24, 26, 25, 20, 11][h]!, resolved: [1, 2, 5, 8, 12, 17, 19, 18, 21, 20, 16, 9][h]! })),
  sentiment_trend: Array.from({ length: 12 }, (_, h) => ({ hour: iso((h - 11) * HOUR), average: [0.1, 0.05, -0.1, -0.25, -0.3, -0.2, -0.1, 0, 0.05, 0.1, 0.15, 0.2][h]!, count: 10 })),
};

/** who can take a conversation (the roster the assign pickers read): the floor's agents without their figures */
export const roster: DesktopResponse<'roster.get'> = {
  agents: floor.agents.map(({ handle_time_s: _h, replies_per_hour: _r, ...a }) => a),
};

export const insights: InsightItem[] = [
  { id: 'i1', conversation_id: 'c101', department_id: 'team-quality', department_name: 'Product quality', rule_id: 'r1', rule_name: 'Cracked products to product quality', opened_at: iso(-14 * MIN), status: 'open', closed_at: null, closed_by: null, resolution: null, channel: 'instagram', subject: 'The lid of my kettle cracked after one week', snippet: 'The lid of my kettle cracked after one week' },
  { id: 'i2', conversation_id: 'c-x9', department_id: 'team-stores', department_name: 'Store operations', rule_id: 'r2', rule_name: 'Store visits', opened_at: iso(-3 * HOUR), status: 'open', closed_at: null, closed_by: null, resolution: null, channel: 'review', subject: null, snippet: null },
];
