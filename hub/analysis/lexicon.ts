/**
 * The lexicon baseline: VADER (Hutto & Gilbert 2014; lexicon from npm 'vader-sentiment', Apache-2.0), which
 * handles negation, intensifiers, caps, emoticons and "but". It works with no training at all,
 * so a new workspace gets sentiment from its first post; the learned model takes over as agents
 * correct labels, and the VADER bucket stays one of its features.
 */
import { vaderCompound } from './vader';

export type SentimentLabel = 'negative' | 'neutral' | 'positive';

export interface LexiconSentiment {
  /** VADER compound score, −1..1 */
  score: number;
  label: SentimentLabel;
  /** coarse bucket used as a feature of the learned model */
  bucket: string;
}

/** The lexicon's reading of a text (or of a compound score already computed). */
export function lexiconSentiment(text: string, compound?: number): LexiconSentiment {
  const score = compound ?? vaderCompound(text);
  // VADER's own recommended thresholds
  const label: SentimentLabel = score >= 0.05 ? 'positive' : score <= -0.05 ? 'negative' : 'neutral';
  const bucket = score <= -0.5 ? 'neg2' : score < -0.05 ? 'neg1' : score < 0.05 ? 'zero' : score < 0.5 ? 'pos1' : 'pos2';
  return { score, label, bucket };
}

const LEX_COPIES = Array.from({ length: 10 }, (_, i) => `lex${i}:`);

/**
 * Features for the learned model: the bucket under ten names, so it weighs like ten words
 * against a tweet's ~150 word and n-gram features (10 beat 0, 3, 6 and 15 on held-out tweets).
 */
export function lexiconFeatures(lex: LexiconSentiment): string[] {
  return LEX_COPIES.map((p) => p + lex.bucket);
}
