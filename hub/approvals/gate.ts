/**
 * The hook on the write path (api/module.ts MutationHooks.replyApproval): called inside the reply's
 * transaction for every public reply, it reads the workspace's rules and holds and the facts they
 * look at, and answers why the reply must wait for approval (empty: it goes out as before). The hub
 * decides this when the reply reaches it, so a reply queued offline is judged by the rules of the
 * moment it arrives.
 */
import type { Writer } from '../sync/changelog';
import { approvalReasons, type ReplyFacts } from './rules';
import { getApprovalHolds, getApprovalRules } from './store';

export interface ReplyForApproval {
  workspace_id: string;
  conversation_id: string;
  customer_id: string;
  agent_id: string;
  text: string;
  analysis: ReplyFacts['analysis'];
}

export async function replyApprovalReasons(w: Writer, r: ReplyForApproval): Promise<string[]> {
  const [rules, holds] = await Promise.all([getApprovalRules(w, r.workspace_id), getApprovalHolds(w, r.workspace_id)]);
  const anyRule = rules.all_public || holds.length > 0 || rules.agents_in_training.length > 0 || rules.followers_over !== null
    || rules.verified || rules.topics.length > 0 || rules.keywords.length > 0 || rules.confidence_below !== null;
  if (!anyRule) return [];
  const [customer] = await w.query<{ followers: number | null; verified: boolean }>('SELECT followers, verified FROM customers WHERE id = $1', [r.customer_id]);
  const texts = rules.keywords.length === 0 ? [] : await w.query<{ text: string }>(
    `SELECT text FROM messages WHERE conversation_id = $1 AND direction = 'inbound' ORDER BY created_at DESC, id DESC LIMIT 20`, [r.conversation_id]);
  return approvalReasons(rules, holds, {
    agent_id: r.agent_id, text: r.text, customer_texts: texts.map((t) => t.text),
    followers: customer?.followers ?? null, verified: customer?.verified ?? false, analysis: r.analysis,
  });
}
