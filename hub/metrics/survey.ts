/**
 * Surveys asked through the channel after a resolve, answered by the customer in their own words.
 *
 * CSAT: "How satisfied…?" 1 (very unsatisfied) – 5 (very satisfied); satisfied = 4 or 5.
 * Customer effort ("Net Easy"): "How easy…?" 1 (very difficult) – 5 (very easy);
 * Net Easy = % easy (4–5) − % difficult (1–2), from −100 to +100.
 */
import { surveyText } from '../../shared/contract/admin';
import type { SurveyKind } from './types';

/** A survey question fits a single post on every channel (X counts 280); `wording`: the workspace's own (surveys settings). */
export function surveyQuestion(kind: SurveyKind, opts: { firstName?: string | null; brand?: string | null; wording?: string | null } = {}): string {
  return surveyText(kind, opts.wording ?? null, opts);
}

const NUMBER_WORDS: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5 };

// Longest phrases first so "very easy" wins over "easy" and "not easy" over "easy".
const WORDS: Record<SurveyKind, Array<[RegExp, number]>> = {
  csat: [
    [/\b(very|extremely|totally) (unsatisfied|dissatisfied|unhappy)\b/, 1],
    [/\b(very|extremely|totally|really) (satisfied|happy|pleased)\b/, 5],
    [/\bnot (satisfied|happy|pleased)\b/, 2],
    [/\bnot bad\b/, 4],
    [/\b(terrible|awful|horrible|useless|worst)\b/, 1],
    [/\b(unsatisfied|dissatisfied|unhappy|poor|bad)\b/, 2],
    [/\b(neutral|average|meh|so-so)\b/, 3],
    [/\b(excellent|amazing|perfect|fantastic|outstanding|brilliant)\b/, 5],
    [/\b(satisfied|happy|pleased|good|great)\b/, 4],
  ],
  effort: [
    [/\b(very|extremely|really) (difficult|hard)\b/, 1],
    [/\b(very|super|really) easy\b/, 5],
    [/\bnot (easy|simple)\b/, 2],
    [/\bnot (difficult|hard)\b/, 4],
    [/\b(impossible|nightmare)\b/, 1],
    [/\b(difficult|hard|painful)\b/, 2],
    [/\b(neither|neutral|so-so|average)\b/, 3],
    [/\b(effortless|piece of cake)\b/, 5],
    [/\b(easy|simple|smooth)\b/, 4],
  ],
};

/**
 * The score in a customer's reply to a survey, or null when the reply does not answer it clearly
 * (no rating, or two different ratings). Understands "4", "4/5", "4 out of 5", "8/10", "4 stars",
 * "⭐⭐⭐⭐", number words and a few plain words per question.
 */
export function parseSurveyAnswer(kind: SurveyKind, text: string): number | null {
  const t = text
    .toLowerCase()
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/[@#][\p{L}\p{N}_]+/gu, ' ')
    .replace(/[’']/g, "'");

  // "n/m" and "n out of m" on a 5- or 10-point scale.
  const scaled = [...t.matchAll(/(?<![\d.])(\d{1,2})\s*(?:\/|out of|of)\s*(5|10)(?![.,]?\d)/g)]
    .map((m) => [Number(m[1]), Number(m[2])] as const)
    .filter(([n, d]) => n >= 0 && n <= d)
    .map(([n, d]) => Math.min(5, Math.max(1, Math.round((n / d) * 5))));
  if (scaled.length > 0) return unique(scaled);

  const stars = (t.match(/[⭐★]/gu) ?? []).length;
  if (stars >= 1 && stars <= 5) return stars;

  const digits = [...t.matchAll(/(?<!\d[.,:]?)([1-5])(?![.,:]?\d|%)/g)].map((m) => Number(m[1]));
  const words = [...t.matchAll(/\b(one|two|three|four|five)\b/g)].map((m) => NUMBER_WORDS[m[1]]);
  const numbers = [...digits, ...words];
  if (numbers.length > 0) return unique(numbers);
  if (/\d/.test(t)) return null; // a number outside the scale is not an answer

  for (const [re, score] of WORDS[kind]) if (re.test(t)) return score;
  return null;
}

function unique(values: number[]): number | null {
  return values.every((v) => v === values[0]) ? values[0] : null;
}

export interface PendingSurvey {
  conversation_id: string;
  kind: SurveyKind;
  asked_at: number;
}

/** How long after asking a customer's message may still be an answer. */
export const SURVEY_ANSWER_WINDOW_MS = 7 * 86_400_000;

/**
 * Which pending survey (if any) an inbound message answers, and with what score. The oldest open
 * survey of the conversation is answered first (CSAT is asked before effort).
 */
export function matchSurveyAnswer(
  pending: PendingSurvey[],
  message: { conversation_id: string; at: number; text: string },
  windowMs = SURVEY_ANSWER_WINDOW_MS,
): { survey: PendingSurvey; score: number } | null {
  const candidates = pending
    .filter((p) => p.conversation_id === message.conversation_id && message.at >= p.asked_at && message.at - p.asked_at <= windowMs)
    .sort((a, b) => a.asked_at - b.asked_at);
  for (const survey of candidates) {
    const score = parseSurveyAnswer(survey.kind, message.text);
    if (score !== null) return { survey, score };
  }
  return null;
}
