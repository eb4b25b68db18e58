/**
 * Test and benchmark harness: a real hub (hub/hub.ts startHub) and tenants in it — each a
 * workspace with two teams, an agent ("me") and a supervisor ("other") — driven the way the
 * world drives a hub: inbound posts through its ingestor, other agents' actions through its
 * mutations path. Only tests and bench/ import this file.
 */
import { startHub, type Hub } from '../../hub/hub';
import { createTeam, createWorkspace, setAgentTeams } from '../../hub/accounts/admin';
import { hashPassword } from '../../hub/accounts/auth';
import { applyMutations } from '../../hub/conversations/mutations';
import { decide } from '../../hub/approvals/decide';
import { setApprovalRules } from '../../hub/approvals/store';
import { DEFAULT_APPROVAL_RULES } from '../../shared/contract/approvals';
import { loadAgentContext, scopeSnapshot } from '../../hub/sync/scope';
import { randomUUID } from 'node:crypto';
import type { Entities, Mutation } from '../../shared/contract/hub-api';

export const PASSWORD = 'correct horse battery';

export interface Tenant {
  workspaceId: string;
  teams: { a: string; b: string };
  agents: { me: string; other: string };
  emails: { me: string; other: string };
  password: string;
  post(p: { handle: string; text: string; inReplyTo?: string | null }): Promise<{ conversation_id: string; message_id: string; platform_id: string }>;
  /** a mutation made by an agent through the hub's own mutation path (as another desktop would) */
  act(agentId: string, m: Omit<Mutation, 'id'>): Promise<unknown>;
  snapshot(agentId: string): Promise<Entities>;
  /** replaces an agent's teams (their desktop must bootstrap again) */
  setTeams(agentId: string, teamIds: string[]): Promise<void>;
  /** every public reply waits for a supervisor's approval (hub/approvals), or none does */
  holdPublicReplies(on: boolean): Promise<void>;
  /** the supervisor ("other") rejects a held reply with a note */
  rejectReply(messageId: string, note: string): Promise<void>;
  /** sandbox_posts rows per message id of this workspace */
  sandboxCounts(): Promise<Map<string, number>>;
  /** resolves when the hub has no reply of this workspace left to deliver */
  deliveriesSettled(): Promise<void>;
}

export interface World {
  hub: Hub;
  tenant(): Promise<Tenant>;
  /** drops the change log but its last entry: every client behind it gets reset:true and bootstraps again */
  pruneChangeLog(): Promise<void>;
  close(): Promise<void>;
}

let counter = 0;

export async function startWorld(): Promise<World> {
  const hub = await startHub();
  // one scrypt hash for every agent of every tenant: tests create hundreds of agents
  const passwordHash = await hashPassword(PASSWORD);

  async function addAgent(workspaceId: string, email: string, name: string, role: 'agent' | 'supervisor', teamIds: string[]): Promise<string> {
    const id = randomUUID();
    await hub.log.write(async (w) => {
      await w.query(`INSERT INTO agents (id, workspace_id, email, name, role, skills, capacity, password_hash)
        VALUES ($1, $2, $3, $4, $5, '{}', '{}', $6)`, [id, workspaceId, email, name, role, passwordHash]);
      for (const t of teamIds) await w.query('INSERT INTO agent_teams (agent_id, team_id) VALUES ($1, $2)', [id, t]);
      await w.record('agent', id);
    });
    return id;
  }

  async function tenant(): Promise<Tenant> {
    const n = ++counter;
    const workspaceId = await createWorkspace(hub.db, `ws-${n}`);
    const a = await createTeam(hub.db, workspaceId, `Alpha ${n}`);
    const b = await createTeam(hub.db, workspaceId, `Beta ${n}`);
    const emails = { me: `me${n}@example.com`, other: `other${n}@example.com` };
    const me = await addAgent(workspaceId, emails.me, 'Me', 'agent', [a]);
    const other = await addAgent(workspaceId, emails.other, 'Other', 'supervisor', [a, b]);
    let seq = 0;
    return {
      workspaceId, teams: { a, b }, agents: { me, other }, emails, password: PASSWORD,
      async post(p) {
        const platform_id = `p-${n}-${++seq}`;
        const r = await hub.ingestor(workspaceId).ingest({
          channel: 'x', account: 'brand', platform_id, text: p.text, visibility: 'public', in_reply_to: p.inReplyTo ?? null,
          created_at: new Date(Date.UTC(2026, 2, 1, 9, 0, seq)).toISOString(), permalink: null, from_brand: false,
          author: { platform_user_id: null, handle: p.handle, name: p.handle, followers: null, verified: false },
        });
        return { conversation_id: r.conversation_id, message_id: r.message_id, platform_id };
      },
      async act(agentId, m) {
        const ctx = await loadAgentContext(hub.db, agentId);
        if (!ctx) throw new Error(`agent ${agentId} unknown`);
        const [res] = await applyMutations(hub.log, ctx, [{ id: randomUUID(), ...m }], { onError: (err) => { throw err; } });
        return res;
      },
      snapshot: (agentId) => scopeSnapshot(hub.db, agentId),
      holdPublicReplies: (on) => setApprovalRules(hub.db, workspaceId, { ...DEFAULT_APPROVAL_RULES, all_public: on }, other),
      async rejectReply(messageId, note) {
        const ctx = await loadAgentContext(hub.db, other);
        if (!ctx) throw new Error('the supervisor is unknown');
        await decide(hub.log, ctx, messageId, { kind: 'reject', note });
      },
      setTeams: (agentId, teamIds) => setAgentTeams(hub.log, agentId, teamIds),
      async sandboxCounts() {
        const rows = await hub.db.query<{ message_id: string; n: number }>(
          `SELECT s.message_id, count(*)::int AS n FROM sandbox_posts s JOIN messages m ON m.id = s.message_id
           WHERE m.workspace_id = $1 GROUP BY s.message_id`, [workspaceId]);
        return new Map(rows.map((r) => [r.message_id, r.n]));
      },
      async deliveriesSettled() {
        for (let i = 0; i < 400; i++) {
          const [r] = await hub.db.query<{ n: number }>(
            "SELECT count(*)::int AS n FROM messages WHERE workspace_id = $1 AND direction = 'outbound' AND delivery IN ('queued', 'sending')", [workspaceId]);
          if (r.n === 0) return;
          await new Promise((res) => setTimeout(res, 25));
        }
        throw new Error('replies still undelivered after 10 s');
      },
    };
  }

  return {
    hub, tenant, close: () => hub.close(),
    // Keeps the last entry: with an empty log the hub's bootstrap watermark reads 0 (reported to the hub's author).
    async pruneChangeLog() { await hub.log.prune((await hub.log.maxSyncId()) - 1); },
  };
}
