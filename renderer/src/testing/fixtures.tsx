/** Data as the core serves it, for component tests: plausible defaults, each field overridable. */
import { QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import type { DesktopResponse, SessionStatus, ThreadMessage } from '../../../shared/contract/desktop';
import type { Conversation, Customer } from '../../../shared/domain';
import { queryClient } from '../api/query-client';
import { keys } from '../api/queries';

export type InboxItem = DesktopResponse<'inbox.list'>['items'][number];
export type ConversationData = DesktopResponse<'conversation.get'>;

const NOW = Date.parse('2026-12-07T10:00:00Z');
export const iso = (msFromNow: number) => new Date(NOW + msFromNow).toISOString();
export const MIN = 60_000;
export const fixedNow = NOW;

export function conversation(o: Partial<Conversation> = {}): Conversation {
  return {
    id: 'c1', channel: 'x', channel_account_id: null, customer_id: 'cu1', subject: '', status: 'open', snoozed_until: null,
    priority: 'normal', assignee_id: 'agent-ana', team_id: 'team-care', tags: [],
    analysis: { sentiment: { label: 'negative', score: -0.6 }, intent: 'complaint', topic: 'refund', reason: 'negative (−0.60), complaint ("still")' },
    first_response_due_at: iso(30 * MIN), next_response_due_at: null, resolution_due_at: iso(24 * 60 * MIN),
    first_response_at: null, resolved_at: null, last_message_at: iso(-5 * MIN), last_inbound_at: iso(-5 * MIN),
    snippet: 'still no refund after two weeks', message_count: 1, created_at: iso(-5 * MIN), updated_at: iso(-5 * MIN), sync_id: 1, ...o,
  };
}

export const inboxItem = (o: Partial<InboxItem> = {}): InboxItem => ({
  ...conversation(o), customer_name: 'Maria Kowal', customer_handle: '@maria_k', unread: false, ...o,
});

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

export function conversationData(o: Partial<ConversationData> = {}): ConversationData {
  return { conversation: conversation(), customer: customer(), messages: [message()], notes: [], draft: null, ...o };
}

export function session(o: Partial<SessionStatus> = {}): SessionStatus {
  return {
    logged_in: true, online: true, outbox_count: 0, last_sync_id: 10, syncing: false, hub_url: 'http://127.0.0.1:4100',
    agent: { id: 'agent-ana', workspace_id: 'demo', email: 'ana@demo.tend', name: 'Ana Kowalski', role: 'agent', skills: {}, capacity: { x: 8 }, team_ids: ['team-care'] },
    teams: [{ id: 'team-care', name: 'Care', kind: 'support' }],
    agents: [{ id: 'agent-ana', name: 'Ana Kowalski' }, { id: 'agent-ben', name: 'Ben Osei' }],
    ...o,
  };
}

/** Renders with the app's query client, the session already known (as after sign-in). */
export function renderApp(ui: ReactElement, s: SessionStatus = session()) {
  queryClient.setQueryData(keys.session, s);
  return render(ui, { wrapper: ({ children }) => <QueryClientProvider client={queryClient}>{children}</QueryClientProvider> });
}
