/**
 * The intent and topic taxonomy of a workspace. Each category carries keyword rules that act as
 * priors: they give a sensible answer before any agent has corrected anything, and fade as the
 * learned model gathers corrections. Workspaces edit it; an invalid taxonomy is refused whole.
 */
import { z } from 'zod';

const CategorySchema = z.object({
  id: z.string().trim().min(1).max(64).regex(/^[\p{L}\p{N}_ /&-]+$/u, 'letters, digits, space, _ / & - only'),
  name: z.string().trim().min(1).max(100),
  /** words or phrases, matched case-insensitively on word boundaries; a trailing * matches any ending */
  keywords: z.array(z.string().trim().min(1).max(100)).max(500).default([]),
});
export type Category = z.infer<typeof CategorySchema>;

function uniqueIds(list: Category[], ctx: z.RefinementCtx, what: string) {
  const seen = new Set<string>();
  for (const c of list) {
    if (seen.has(c.id)) ctx.addIssue({ code: 'custom', message: `duplicate ${what} id "${c.id}"` });
    seen.add(c.id);
  }
}

export const TaxonomySchema = z.object({
  intents: z.array(CategorySchema).max(200).superRefine((l, ctx) => uniqueIds(l, ctx, 'intent')),
  topics: z.array(CategorySchema).max(200).superRefine((l, ctx) => uniqueIds(l, ctx, 'topic')),
});
export type Taxonomy = z.infer<typeof TaxonomySchema>;
export type TaxonomyInput = z.input<typeof TaxonomySchema>;

const kw = (s: string) => s.split('|');

export const DEFAULT_TAXONOMY: Taxonomy = {
  intents: [
    { id: 'complaint', name: 'Complaint', keywords: kw('complain*|terrible|worst|awful|unacceptable|disappointed|disappointing|ridiculous|horrible|never again|still waiting|poor service|rude|fed up|frustrat*|disgust*|angry|useless|pathetic|shame on|joke|nightmare') },
    { id: 'question', name: 'Question', keywords: kw('how do i|how can i|how to|what is|what are|when will|when is|where is|where can|can i|is it possible|do you|does it|is there|any idea|anyone know|wondering') },
    { id: 'request_for_help', name: 'Request for help', keywords: kw('help|need help|please assist|assist|can you help|support|not working|doesn\'t work|does not work|issue with|problem with|fix|can\'t log in|cannot|unable to|stuck') },
    { id: 'praise', name: 'Praise', keywords: kw('thank*|thx|great|awesome|love|loved|amazing|excellent|kudos|shout out|appreciate*|fantastic|wonderful|well done|best') },
    { id: 'feedback', name: 'Feedback / suggestion', keywords: kw('suggest*|feature request|would be nice|should add|wish you|please add|idea|feedback|improve*|it would be great|consider adding') },
    { id: 'purchase_intent', name: 'Purchase intent', keywords: kw('buy|purchase|how much|price of|in stock|available in|want to order|where can i get|discount|coupon|pre-order|preorder|upgrade to|interested in') },
    { id: 'urgent_safety', name: 'Urgent / safety', keywords: kw('fire|smoke|injur*|hurt|bleeding|emergency|danger*|unsafe|allergic|allergy|poison*|explod*|caught fire|stranded|police|fraud|hacked|stolen|lawsuit|lawyer|hospital|choking|electric shock') },
    { id: 'spam', name: 'Spam / noise', keywords: kw('follow me|follow back|giveaway|click here|free followers|make money|earn money|bitcoin|crypto|promo code|check out my|onlyfans|work from home|dm for promo|win a free') },
  ],
  topics: [
    { id: 'delivery', name: 'Delivery', keywords: kw('deliver*|shipping|shipped|shipment|package|parcel|courier|tracking|track my|arriv*|out for delivery|dispatch*') },
    { id: 'refund', name: 'Refund', keywords: kw('refund*|money back|reimburs*|chargeback|return my|compensat*|voucher') },
    { id: 'billing', name: 'Billing', keywords: kw('bill|billed|billing|charg*|invoice*|payment*|paid|pay|overcharg*|fee|fees|subscription|credit card|debit') },
    { id: 'account', name: 'Account', keywords: kw('account|login|log in|logged out|password|sign in|signin|locked out|username|profile|verification code|2fa|reset my') },
    { id: 'product_defect', name: 'Product defect', keywords: kw('broken|broke|defect*|faulty|damaged|stopped working|not working|doesn\'t work|cracked|leak*|malfunction*|bug|crash*|recall|battery') },
    { id: 'order', name: 'Order', keywords: kw('order|orders|ordered|cancel my order|checkout|cart|purchase') },
    { id: 'travel', name: 'Travel disruption', keywords: kw('flight*|delay*|delayed|cancelled flight|gate|boarding|baggage|luggage|bag|bags|seat|seats|rebook*|layover|connection|missed my') },
    { id: 'service', name: 'Customer service', keywords: kw('on hold|hold time|call back|customer service|representative|rude|staff|no response|no reply|nobody|hung up') },
  ],
};

export function parseTaxonomy(input: unknown): Taxonomy {
  const r = TaxonomySchema.safeParse(input);
  if (!r.success) {
    const first = r.error.issues[0];
    throw new Error(`invalid taxonomy at ${first.path.join('.') || '(root)'}: ${first.message}`);
  }
  return r.data;
}

export interface KeywordHit { id: string; keyword: string }

interface CompiledCategory { id: string; re: RegExp; keywords: string[] }

function escapeRe(s: string) { return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); }

/** Compiles keyword rules into one regex per category (matched on the lower-cased text). */
export class KeywordRules {
  private readonly compiled: CompiledCategory[];
  constructor(categories: Category[]) {
    this.compiled = categories.filter((c) => c.keywords.length).map((c) => {
      const alts = c.keywords.map((k) => {
        const lower = k.toLowerCase();
        const wild = lower.endsWith('*');
        const body = escapeRe(wild ? lower.slice(0, -1) : lower).replace(/\s+/g, '\\s+');
        return wild ? `${body}[\\p{L}\\p{N}']*` : body;
      });
      return { id: c.id, re: new RegExp(`(?<![\\p{L}\\p{N}])(?:${alts.join('|')})(?![\\p{L}\\p{N}])`, 'giu'), keywords: c.keywords };
    });
  }

  /** Hits per category id, each with the words that matched (first few), in category order. */
  match(lowerText: string): Array<{ id: string; count: number; words: string[] }> {
    const out: Array<{ id: string; count: number; words: string[] }> = [];
    for (const c of this.compiled) {
      c.re.lastIndex = 0;
      const words: string[] = [];
      let count = 0;
      for (const m of lowerText.matchAll(c.re)) {
        count++;
        if (words.length < 3 && !words.includes(m[0])) words.push(m[0]);
      }
      if (count) out.push({ id: c.id, count, words });
    }
    return out;
  }
}
