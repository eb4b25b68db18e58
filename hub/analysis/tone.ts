/**
 * Tone cues a word lexicon misses, found by patterns an agent would recognise: profanity and
 * disgust, sarcasm ("oh great, another delay"), rhetorical or resigned questions ("so do we just
 * upload and hope…?"). Each cue names the words behind it, so the analysis can say why.
 *
 * They feed two places: the rule prior (a cue turns a positive lexicon reading around, or keeps
 * a post from counting as praise) and the learned models as features (so a workspace's own
 * corrections decide how much each cue weighs).
 */

export type ToneCueKind = 'profanity' | 'sarcasm' | 'rhetorical';

export interface ToneCue { kind: ToneCueKind; words: string }

const PROFANITY = /\b(?:f+u+c+k+\w*|fck\w*|fuk\w*|wtf|shit\w*|bullshit|crap(?:py)?|damn(?:ed|it)?|goddamn\w*|piss(?:ed|ing)?|bloody hell|screw (?:you|this|it)|ffs|puke|puking|vomit\w*|disgust\w*|sick of|fed up)\b/i;
// "the shit" / "the bomb" are praise in VADER's idioms; leave those to the lexicon
const PROFANE_PRAISE = /\bthe shit\b|\bfucking (?:love|great|amazing|awesome|brilliant)\b/i;

// a happy word next to a bad event: the classic shape of sarcasm in care posts
const HAPPY = String.raw`(?:great|love|loving|lovely|awesome|fantastic|wonderful|amazing|perfect|brilliant|thanks|thank you|nice|fun|super|excellent|best)`;
const BAD_EVENT = String.raw`(?:delay\w*|cancel\w*|late|wait\w*|hold|stuck|stranded|lost|broke\w*|again|another|hours?|overbook\w*|missed|no (?:one|response|reply|answer)|nobody|never|sitting|charged|fee|error|crash\w*|outage|down)`;
const SARCASM: RegExp[] = [
  new RegExp(String.raw`\b(?:oh|yay|wow|gee),?\s+(?:great|wonderful|fantastic|perfect|awesome|lovely|thanks|nice)\b`, 'i'),
  new RegExp(String.raw`\b${HAPPY}\b[^.!?]{0,40}\b${BAD_EVENT}\b`, 'i'),
  new RegExp(String.raw`\b(?:love|loving|enjoy(?:ing)?) (?:how|that|when|it when|being|spending|sitting|waiting)\b[^.!?]{0,60}\b${BAD_EVENT}\b`, 'i'),
  /\b(?:yeah right|just what i needed|thanks for nothing|thanks a lot for|what a joke|way to go|good job (?:losing|cancel\w*|ruin\w*)|real(?:ly)? helpful(?:,| not)|not!)\b/i,
  /(?:^|\s)\/s\b/,
];

// questions asked to make a point, or in resignation, not to learn an answer
const RHETORICAL: RegExp[] = [
  /\b(?:so |then )?(?:do|should|can|are|am) (?:we|i|you) (?:just|supposed to|meant to)\b/i,
  /\b(?:and )?hope for the best\b/i,
  /\bwhy (?:is|does|do|are|can't|cant|won't|wont) (?:it|this|you|your|nobody|no one|everything)\b[^?]*\?/i,
  /\b(?:how hard (?:is|can) it be|what(?:'s| is) the point|is (?:anyone|anybody) (?:there|listening|home)|are you (?:kidding|serious|joking)|seriously\?|how (?:many|much longer) (?:more )?(?:times|hours|days|weeks))\b/i,
  /\bwhat (?:am i|are we) (?:supposed|meant) to\b/i,
];

/** The tone cues of a text, each once, in a fixed order. */
export function toneCues(text: string): ToneCue[] {
  const out: ToneCue[] = [];
  const p = PROFANITY.exec(text);
  if (p && !PROFANE_PRAISE.test(text)) out.push({ kind: 'profanity', words: p[0].toLowerCase() });
  for (const re of SARCASM) {
    const m = re.exec(text);
    if (m) { out.push({ kind: 'sarcasm', words: clip(m[0]) }); break; }
  }
  for (const re of RHETORICAL) {
    const m = re.exec(text);
    if (m) { out.push({ kind: 'rhetorical', words: clip(m[0]) }); break; }
  }
  return out;
}

function clip(s: string): string {
  const t = s.trim().replace(/\s+/g, ' ').toLowerCase();
  return t.length > 40 ? t.slice(0, 37) + '…' : t;
}

/** Feature names for the learned models (one per cue kind). */
export function toneFeatures(cues: ToneCue[]): string[] {
  return cues.map((c) => `tone:${c.kind}`);
}
