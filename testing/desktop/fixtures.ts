/** Builders for hub rows in tests and benchmarks (valid per shared/domain schemas). */
import type { Agent, Conversation, Customer, Message, Note } from '../../shared/domain';

const T0 = Date.parse('2026-03-01T09:00:00.000Z');
export const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

export function agent(over: Partial<Agent> = {}): Agent {
  return { id: 'ag-me', workspace_id: 'ws1', email: 'me@example.com', name: 'Me', role: 'agent', skills: {}, capacity: {}, team_ids: ['team-a'], ...over };
}

export function conversation(over: Partial<Conversation> & { id: string }): Conversation {
  return {
    channel: 'x', channel_account_id: null, customer_id: 'cu1', subject: '', status: 'open', snoozed_until: null,
    priority: 'normal', assignee_id: 'ag-me', team_id: 'team-a', tags: [], analysis: {}, first_response_due_at: null,
    next_response_due_at: null, resolution_due_at: null, first_response_at: null, resolved_at: null,
    last_message_at: at(0), last_inbound_at: at(0), snippet: '', message_count: 1, created_at: at(0), updated_at: at(0),
    sync_id: 1, ...over,
  };
}

export function message(over: Partial<Message> & { id: string; conversation_id: string }): Message {
  return {
    direction: 'inbound', visibility: 'public', author_id: '@cust', author_name: 'Customer', text: 'hello', platform_id: null,
    permalink: null, delivery: 'received', delivery_error: null, created_at: at(0), sync_id: 1, ...over,
  };
}

export function note(over: Partial<Note> & { id: string; conversation_id: string }): Note {
  return { author_id: 'ag-me', author_name: 'Me', text: 'note', created_at: at(0), sync_id: 1, ...over };
}

export function customer(over: Partial<Customer> & { id: string }): Customer {
  return {
    name: `Customer ${over.id}`, identities: [{ channel: 'x', handle: `@${over.id}`, platform_user_id: null }], location: null,
    followers: null, verified: false, tier: null, tags: [], notes: '', created_at: at(0), sync_id: 1, ...over,
  };
}
