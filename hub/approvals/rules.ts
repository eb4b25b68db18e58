/**
 * Which rules hold a public reply for approval: pure, so the unit tests and the settings screen's
 * wording share it. Every rule that applies gives one reason a person can read; no reason = send.
 */
import type { ApprovalHold, ApprovalRules } from '../../shared/contract/approvals';

export interface ReplyFacts {
  agent_id: string;
  /** the reply's text */
  text: string;
  /** the customer's messages in the conversation (newest last; a few are enough) */
  customer_texts: string[];
  followers: number | null;
  verified: boolean;
  /** the conversation's analysis (topic, intent, their confidences) */
  analysis: { topic?: unknown; intent?: unknown; intent_confidence?: unknown; topic_confidence?: unknown; sentiment?: { confidence?: unknown } | null } | null;
}

const same = (a: unknown, b: string) => typeof a === 'string' && a.trim().toLowerCase() === b.trim().toLowerCase();
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A word or phrase on its own in the text (not inside a longer word), whatever the case. */
export function mentions(text: string, phrase: string): boolean {
  const p = phrase.trim();
  if (!p) return false;
  return new RegExp(`(?<![\\p{L}\\p{N}])${escape(p).replace(/\s+/g, '\\s+')}(?![\\p{L}\\p{N}])`, 'iu').test(text);
}

/** The lowest confidence the analysis gave for its labels, or null when it gave none. */
export function lowestConfidence(analysis: ReplyFacts['analysis']): number | null {
  const values = [analysis?.intent_confidence, analysis?.topic_confidence, analysis?.sentiment?.confidence]
    .filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  return values.length ? Math.min(...values) : null;
}

/** Why this public reply needs approval: one reason per rule that applies (empty: it does not). */
export function approvalReasons(rules: ApprovalRules, holds: readonly ApprovalHold[], r: ReplyFacts): string[] {
  const reasons: string[] = [];
  const topic = r.analysis?.topic, intent = r.analysis?.intent;
  for (const h of holds) {
    if (h.topic === null) reasons.push(h.reason);
    else if (same(topic, h.topic) || same(intent, h.topic)) reasons.push(`${h.reason} (topic ${h.topic})`);
  }
  if (rules.all_public) reasons.push('every public reply needs approval (workspace switch)');
  if (rules.agents_in_training.includes(r.agent_id)) reasons.push('agent in training');
  if (rules.followers_over !== null && r.followers !== null && r.followers > rules.followers_over) {
    reasons.push(`customer has ${r.followers.toLocaleString('en-US')} followers (over ${rules.followers_over.toLocaleString('en-US')})`);
  }
  if (rules.verified && r.verified) reasons.push('verified customer');
  const t = rules.topics.find((x) => same(topic, x) || same(intent, x));
  if (t) reasons.push(`topic ${t}`);
  const kwReply = rules.keywords.filter((k) => mentions(r.text, k));
  const kwCustomer = rules.keywords.filter((k) => !kwReply.includes(k) && r.customer_texts.some((x) => mentions(x, k)));
  if (kwReply.length) reasons.push(`the reply mentions ${kwReply.map((k) => `"${k}"`).join(', ')}`);
  if (kwCustomer.length) reasons.push(`the customer mentions ${kwCustomer.map((k) => `"${k}"`).join(', ')}`);
  if (rules.confidence_below !== null) {
    const low = lowestConfidence(r.analysis);
    if (low !== null && low < rules.confidence_below) reasons.push(`the analysis is unsure (confidence ${low.toFixed(2)} < ${rules.confidence_below})`);
  }
  return [...new Set(reasons)];
}
