/** Rule matching: the first enabled rule whose filters all hold decides the targets. */
import { PRIORITY_RANK } from '../../shared/domain';
import type { Filter, Rule, RoutableConversation } from './schemas';

export type Predicate = (c: RoutableConversation, lowerText: string) => boolean;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A keyword matches as a whole word or phrase, case-insensitively: "refund" matches "Refund please", not "refunded". */
function keywordTest(word: string): (lowerText: string) => boolean {
  const re = new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRegExp(word.toLowerCase())}($|[^\\p{L}\\p{N}])`, 'u');
  return (t) => re.test(t);
}

export function compileFilter(f: Filter): Predicate {
  switch (f.field) {
    case 'channel':
    case 'language':
    case 'intent':
    case 'topic':
    case 'customer_tier':
    case 'sentiment_label': {
      const field = f.field;
      if (f.op === 'in' || f.op === 'not_in') {
        const set = new Set<string>(f.values.map((v) => v.toLowerCase()));
        const want = f.op === 'in';
        return (c) => {
          const v = c[field];
          return (v !== null && set.has(String(v).toLowerCase())) === want;
        };
      }
      throw new Error('unreachable');
    }
    case 'priority': {
      if (f.op === 'in' || f.op === 'not_in') {
        const set = new Set<string>(f.values);
        const want = f.op === 'in';
        return (c) => set.has(c.priority) === want;
      }
      const rank = PRIORITY_RANK[f.values[0]];
      return f.op === 'gte' ? (c) => PRIORITY_RANK[c.priority] >= rank : (c) => PRIORITY_RANK[c.priority] <= rank;
    }
    case 'sentiment':
    case 'followers': {
      const field = f.field, v = f.value;
      // An unknown value never satisfies a numeric bound.
      return f.op === 'gte' ? (c) => c[field] !== null && c[field]! >= v : (c) => c[field] !== null && c[field]! <= v;
    }
    case 'keywords': {
      const tests = f.values.map(keywordTest);
      if (f.op === 'any') return (_c, t) => tests.some((k) => k(t));
      if (f.op === 'all') return (_c, t) => tests.every((k) => k(t));
      return (_c, t) => !tests.some((k) => k(t));
    }
  }
}

export interface CompiledRule { rule: Rule; test: (c: RoutableConversation, lowerText: string) => boolean }

export function compileRules(rules: Rule[]): CompiledRule[] {
  return rules.filter((r) => r.enabled).map((rule) => {
    const preds = rule.filters.map(compileFilter);
    return { rule, test: (c, t) => preds.every((p) => p(c, t)) };
  });
}

export function firstMatchingRule(rules: CompiledRule[], c: RoutableConversation): Rule | null {
  const lower = c.text.toLowerCase();
  for (const r of rules) if (r.test(c, lower)) return r.rule;
  return null;
}

const shown = (v: unknown) => (v === null || v === undefined || v === '' ? 'unknown' : String(v));

/** Why a condition did not hold for this post, in words (the try-it box). */
export function explainFilter(f: Filter, c: RoutableConversation): string {
  switch (f.field) {
    case 'keywords':
      return f.op === 'none' ? `mentions one of ${f.values.join(', ')}` : `${f.op === 'all' ? 'lacks some of' : 'mentions none of'} ${f.values.join(', ')}`;
    case 'sentiment': case 'followers':
      return `${f.field} ${shown(c[f.field])}, not ${f.op === 'gte' ? '≥' : '≤'} ${f.value}`;
    case 'priority':
      return `priority ${c.priority}, not ${f.op === 'in' ? 'one of' : f.op === 'not_in' ? 'outside' : f.op === 'gte' ? '≥' : '≤'} ${f.values.join(', ')}`;
    default:
      return `${f.field.replace('_', ' ')} ${shown(c[f.field])}, not ${f.op === 'in' ? 'one of' : 'outside'} ${f.values.join(', ')}`;
  }
}
