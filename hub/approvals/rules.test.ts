import { describe, expect, it } from 'vitest';
import { ApprovalRulesSchema, DEFAULT_APPROVAL_RULES, type ApprovalRules } from '../../shared/contract/approvals';
import { approvalReasons, lowestConfidence, mentions, type ReplyFacts } from './rules';

const facts = (over: Partial<ReplyFacts> = {}): ReplyFacts => ({
  agent_id: 'ag1', text: 'Sorry about that, we are on it', customer_texts: ['my parcel is late'], followers: 10, verified: false,
  analysis: { topic: 'delivery', intent: 'complaint', intent_confidence: 0.9, sentiment: { confidence: 0.8 } }, ...over,
});
const rules = (over: Partial<ApprovalRules> = {}): ApprovalRules => ({ ...DEFAULT_APPROVAL_RULES, ...over });

describe('approval rules', () => {
  it('no rules: no public reply waits', () => {
    expect(approvalReasons(rules(), [], facts({ followers: 5_000_000, verified: true }))).toEqual([]);
  });

  it('each rule gives its own reason when it applies, and only then', () => {
    expect(approvalReasons(rules({ all_public: true }), [], facts())).toEqual(['every public reply needs approval (workspace switch)']);
    expect(approvalReasons(rules({ agents_in_training: ['ag1'] }), [], facts())).toEqual(['agent in training']);
    expect(approvalReasons(rules({ agents_in_training: ['ag2'] }), [], facts())).toEqual([]);
    expect(approvalReasons(rules({ followers_over: 10_000 }), [], facts({ followers: 120_000 }))).toEqual(['customer has 120,000 followers (over 10,000)']);
    expect(approvalReasons(rules({ followers_over: 10_000 }), [], facts({ followers: 10_000 }))).toEqual([]);
    expect(approvalReasons(rules({ followers_over: 0 }), [], facts({ followers: null }))).toEqual([]);
    expect(approvalReasons(rules({ verified: true }), [], facts({ verified: true }))).toEqual(['verified customer']);
    expect(approvalReasons(rules({ verified: true }), [], facts())).toEqual([]);
    expect(approvalReasons(rules({ topics: ['Delivery'] }), [], facts())).toEqual(['topic Delivery']);
    expect(approvalReasons(rules({ topics: ['complaint'] }), [], facts())).toEqual(['topic complaint']); // an intent counts as a topic
    expect(approvalReasons(rules({ topics: ['legal'] }), [], facts())).toEqual([]);
    expect(approvalReasons(rules({ confidence_below: 0.85 }), [], facts())).toEqual(['the analysis is unsure (confidence 0.80 < 0.85)']);
    expect(approvalReasons(rules({ confidence_below: 0.5 }), [], facts())).toEqual([]);
  });

  it('keywords match whole words, in the reply or in what the customer wrote', () => {
    const r = rules({ keywords: ['lawyer', 'refund policy', 'sue'] });
    expect(approvalReasons(r, [], facts({ text: 'Please talk to our Lawyer.' }))).toEqual(['the reply mentions "lawyer"']);
    expect(approvalReasons(r, [], facts({ customer_texts: ['I will SUE you', 'what is your refund\npolicy?'] })))
      .toEqual(['the customer mentions "refund policy", "sue"']);
    expect(approvalReasons(r, [], facts({ text: 'pursue lawyers issue' }))).toEqual([]);
    expect(mentions('déjà vu', 'vu')).toBe(true);
    expect(mentions('névu', 'vu')).toBe(false);
    expect(mentions('cost (£) a+b', 'a+b')).toBe(true); // regex characters are literal
  });

  it('holds from other features (crisis mode) apply by topic, or to every public reply', () => {
    const holds = [
      { key: 'crisis:1', topic: 'outage', reason: 'crisis mode: outage', created_at: '2026-12-07T10:00:00.000Z' },
    ];
    expect(approvalReasons(rules(), holds, facts({ analysis: { topic: 'Outage' } }))).toEqual(['crisis mode: outage (topic outage)']);
    expect(approvalReasons(rules(), holds, facts())).toEqual([]);
    expect(approvalReasons(rules(), [{ ...holds[0], topic: null, reason: 'crisis mode: every public reply' }], facts())).toEqual(['crisis mode: every public reply']);
  });

  it('several rules: every reason, once', () => {
    const r = rules({ all_public: true, verified: true, agents_in_training: ['ag1'] });
    expect(approvalReasons(r, [], facts({ verified: true }))).toHaveLength(3);
  });

  it('lowest confidence reads intent, topic and sentiment confidences, ignoring what is missing', () => {
    expect(lowestConfidence({ intent_confidence: 0.7, sentiment: { confidence: 0.9 } })).toBe(0.7);
    expect(lowestConfidence({ topic: 'x' })).toBeNull();
    expect(lowestConfidence(null)).toBeNull();
  });

  it('the rules schema refuses what cannot be right', () => {
    expect(ApprovalRulesSchema.safeParse({ ...DEFAULT_APPROVAL_RULES, followers_over: -1 }).success).toBe(false);
    expect(ApprovalRulesSchema.safeParse({ ...DEFAULT_APPROVAL_RULES, confidence_below: 2 }).success).toBe(false);
    expect(ApprovalRulesSchema.safeParse({ ...DEFAULT_APPROVAL_RULES, keywords: ['  '] }).success).toBe(false);
    expect(ApprovalRulesSchema.safeParse({ ...DEFAULT_APPROVAL_RULES, extra: 1 }).success).toBe(false);
  });
});
