/**
 * Who an internal note mentions: "@Ana", "@AnaKowalski" or "@ana.kowalski" (the local part of
 * the e-mail), case-insensitive, never the note's own author. The routing module tells them at once.
 */
import type { Queryable } from '../db/db';

const MENTION = /(?:^|[^\p{L}\p{N}._%+-])@([\p{L}\p{N}][\p{L}\p{N}._-]*)/gu;

export function mentionTokens(text: string): Set<string> {
  return new Set([...text.matchAll(MENTION)].map((m) => m[1]!.replace(/[._-]+$/, '').toLowerCase()));
}

export async function mentionedAgents(q: Queryable, workspaceId: string, text: string, authorId: string): Promise<string[]> {
  const tokens = mentionTokens(text);
  if (tokens.size === 0) return [];
  const agents = await q.query<{ id: string; name: string; email: string }>('SELECT id, name, email FROM agents WHERE workspace_id = $1', [workspaceId]);
  return agents.filter((a) => a.id !== authorId && [
    a.name.trim().split(/\s+/)[0]!.toLowerCase(), a.name.replace(/\s+/g, '').toLowerCase(), a.email.split('@')[0]!.toLowerCase(),
  ].some((t) => tokens.has(t))).map((a) => a.id);
}
