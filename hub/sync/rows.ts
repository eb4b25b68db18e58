/**
 * SQL expressions that turn a table row into the JSON shape of shared/domain.ts
 * (ConversationSchema, MessageSchema, ...). Built in SQL so a bootstrap page or a change
 * snapshot is one set-based query, never a loop over rows in Node.
 */

/** ISO-8601 UTC with milliseconds, like Date.prototype.toISOString() */
export const iso = (expr: string) => `to_char((${expr}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

export type Entity = 'conversation' | 'message' | 'note' | 'customer' | 'agent';

export const TABLE: Record<Entity, string> = {
  conversation: 'conversations',
  message: 'messages',
  note: 'notes',
  customer: 'customers',
  agent: 'agents',
};

export function conversationJson(a: string): string {
  return `json_build_object(
    'id', ${a}.id, 'channel', ${a}.channel, 'channel_account_id', ${a}.channel_account_id,
    'customer_id', ${a}.customer_id, 'subject', ${a}.subject, 'status', ${a}.status,
    'snoozed_until', ${iso(`${a}.snoozed_until`)}, 'priority', ${a}.priority,
    'assignee_id', ${a}.assignee_id, 'team_id', ${a}.team_id, 'tags', to_json(${a}.tags), 'analysis', ${a}.analysis,
    'first_response_due_at', ${iso(`${a}.first_response_due_at`)}, 'next_response_due_at', ${iso(`${a}.next_response_due_at`)},
    'resolution_due_at', ${iso(`${a}.resolution_due_at`)}, 'first_response_at', ${iso(`${a}.first_response_at`)},
    'resolved_at', ${iso(`${a}.resolved_at`)}, 'last_message_at', ${iso(`${a}.last_message_at`)},
    'last_inbound_at', ${iso(`${a}.last_inbound_at`)}, 'snippet', ${a}.snippet, 'message_count', ${a}.message_count,
    'created_at', ${iso(`${a}.created_at`)}, 'updated_at', ${iso(`${a}.updated_at`)}, 'sync_id', ${a}.sync_id)`;
}

export function messageJson(a: string): string {
  return `json_build_object(
    'id', ${a}.id, 'conversation_id', ${a}.conversation_id, 'direction', ${a}.direction, 'visibility', ${a}.visibility,
    'author_id', ${a}.author_id, 'author_name', ${a}.author_name, 'text', ${a}.text, 'platform_id', ${a}.platform_id,
    'permalink', ${a}.permalink, 'delivery', ${a}.delivery, 'delivery_error', ${a}.delivery_error,
    'created_at', ${iso(`${a}.created_at`)}, 'sync_id', ${a}.sync_id)`;
}

export function noteJson(a: string): string {
  return `json_build_object(
    'id', ${a}.id, 'conversation_id', ${a}.conversation_id, 'author_id', ${a}.author_id, 'author_name', ${a}.author_name,
    'text', ${a}.text, 'created_at', ${iso(`${a}.created_at`)}, 'sync_id', ${a}.sync_id)`;
}

/** `identities`: where the identity rows are read (a CTE that inserts them sees them; the table does not yet) */
export function customerJson(a: string, identities = 'customer_identities'): string {
  return `json_build_object(
    'id', ${a}.id, 'name', ${a}.name,
    'identities', coalesce((SELECT json_agg(json_build_object('channel', ci.channel, 'handle', ci.handle, 'platform_user_id', ci.platform_user_id) ORDER BY ci.id)
                   FROM ${identities} ci WHERE ci.customer_id = ${a}.id), '[]'::json),
    'location', ${a}.location, 'followers', ${a}.followers, 'verified', ${a}.verified, 'tier', ${a}.tier,
    'tags', to_json(${a}.tags), 'notes', ${a}.notes, 'merged_into', ${a}.merged_into, 'created_at', ${iso(`${a}.created_at`)}, 'sync_id', ${a}.sync_id)`;
}

export function agentJson(a: string): string {
  return `json_build_object(
    'id', ${a}.id, 'workspace_id', ${a}.workspace_id, 'email', ${a}.email, 'name', ${a}.name, 'role', ${a}.role,
    'skills', ${a}.skills, 'capacity', ${a}.capacity,
    'team_ids', coalesce((SELECT json_agg(at.team_id ORDER BY at.team_id) FROM agent_teams at WHERE at.agent_id = ${a}.id), '[]'::json))`;
}

export const JSON_OF: Record<Entity, (alias: string) => string> = {
  conversation: conversationJson,
  message: messageJson,
  note: noteJson,
  customer: customerJson,
  agent: agentJson,
};
