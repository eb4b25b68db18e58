/**
 * The automatic quality score of a resolved conversation (issue 15, quality review): seven items, each
 * pass, fail or not applicable, with a reason a reviewer and the agent can read. Pure TypeScript, no
 * model and no download, so the hub (hub/quality scores every resolve) and the desktop can run the
 * same code on the same thread and get the same answer.
 *
 * Items, read off the brand's replies that reached the customer (failed, rejected or unsent ones never did):
 *  - greeting: the first reply opens with a greeting ("Hi there", "Hello Sam", "Thanks for reaching out");
 *  - empathy: a reply acknowledges the customer's trouble ("sorry", "I understand"); only applies when
 *    the customer was upset (a negative message), or when the analysis has no sentiment to tell;
 *  - solution: a reply offers a solution or a next step (a link, steps to try, a refund, a DM to follow up);
 *  - closing: the last reply closes ("let us know", "hope this helps", a sign-off like "^JK");
 *  - tone: no reply is rude, blames, swears or shouts;
 *  - personal_data: no public reply shows an e-mail address, phone or card number (shared/text/personal-data);
 *  - sla: the replies came within the SLA targets (first response, next response), in the workspace's
 *    business time when the caller gives it.
 * The score is the share of applicable items that pass (0–100), null when none applies.
 */
import { findPersonalData } from '../text/personal-data';

export const QUALITY_ITEMS = ['greeting', 'empathy', 'solution', 'closing', 'tone', 'personal_data', 'sla'] as const;
export type QualityItemId = (typeof QUALITY_ITEMS)[number];
export type QualityResult = 'pass' | 'fail' | 'na';

export const QUALITY_ITEM_LABELS: Record<QualityItemId, string> = {
  greeting: 'Greeting', empathy: 'Empathy', solution: 'Solution offered', closing: 'Closing', tone: 'Tone',
  personal_data: 'No personal data in public', sla: 'Replies within SLA',
};

export interface QualityItem { id: QualityItemId; result: QualityResult; reason: string }

export interface QualityScore {
  items: QualityItem[];
  passed: number;
  applicable: number;
  /** passed / applicable as a percentage, rounded; null when no item applies */
  score: number | null;
}

export interface QualityMessage {
  /** inbound: the customer; outbound: the brand's reply */
  direction: 'inbound' | 'outbound';
  visibility: 'public' | 'private';
  /** epoch ms */
  at: number;
  text: string;
  /** inbound: the analysis' sentiment label, when there is one */
  sentiment?: 'positive' | 'neutral' | 'negative' | null;
}

export interface QualitySla {
  /** the first response's due time (epoch ms; routing's, in business hours): wins over first_response_s */
  first_response_due_at?: number | null;
  first_response_s?: number | null;
  next_response_s?: number | null;
}

export interface QualityInput {
  /** the conversation's messages that reached their reader, in time order */
  messages: QualityMessage[];
  sla?: QualitySla | null;
  /** business time between two instants (ms), the workspace's calendar; default wall time */
  businessMs?: (from: number, to: number) => number;
}

// ---- the cues ------------------------------------------------------------------------------------

const GREETING = /^(?:hi|hello|hey|hiya|howdy|greetings|good (?:morning|afternoon|evening|day)|dear|welcome|hola|bonjour|hallo|ciao|ol[áa]|salut|moin)\b|^(?:thanks?|thank you|many thanks)\b(?: (?:so much|very much|a lot))? (?:for|so)\b/i;
const EMPATHY = /\b(?:sorry|apologi[sz]e|apologies|we understand|i understand|understandabl[ey]|(?:can|could) (?:only )?imagine|frustrat\w*|inconvenien\w*|disappoint\w*|not the experience|never the way we want|that'?s not (?:ok|okay|what we)|we hear you|sounds (?:like it|difficult|frustrating|annoying)|we want to help|concern(?:ed|s)? (?:you|about)|thanks? (?:you )?for (?:your|the) patience)\b/i;
const URL = /\b(?:https?:\/\/|www\.)\S+/i;
const SOLUTION = /\b(?:please (?:try|follow|check|visit|update|restart|reinstall|re-?install|go to|head to|send|dm|submit|review|contact|reach out|clear|make sure|reset|use|open|select|enable|disable|sign|log|refer|see|confirm|share|provide)|you (?:can|could|may|might want to|will need to|need to)|try (?:to |turning|restarting|reinstalling|clearing|updating|signing|logging)|here'?s how|follow (?:these|the|this)|steps?\b|(?:we|i)(?:'ve| have| will|'ll) (?:refunded|credited|sent|fixed|escalated|reset|replaced|issued|processed|passed|forwarded|reported|refund|credit|send|fix|escalate|replace|issue|process|look into|check)|refund(?:ed)?|replacement|(?:dm|message|email|e-mail|contact|call) us|send us (?:a |an )?(?:dm|direct message|private message|message|e-?mail)|via dm|in a dm)\b/i;
const CLOSING = /(?:let (?:us|me) know|anything else|happy to help|glad to help|here to help|hope (?:this|that) helps|have a (?:great|good|nice|lovely|wonderful) (?:day|evening|weekend|night|one)|take care|cheers|best regards|kind regards|warm regards|enjoy|feel free to|reach (?:back )?out|keep us posted|stay safe|thanks? (?:you )?(?:again|for (?:your|the) (?:patience|understanding|message|tweet|feedback))|thanks?(?: you)?[!. ]*$)/i;
// a care account's sign-off: "^JK", "*MS", "-Mary", "~ Tom" at the very end
const SIGN_OFF = /(?:^|\s)[\^*~–—-]\s?[A-Z][A-Za-z]{0,14}\.?\s*$/;
const RUDE = /\b(?:calm down|not (?:our|my) (?:problem|fault|job)|your (?:own )?fault|you should have|as (?:i|we) (?:already |clearly )?(?:said|told you|explained)|obviously|whatever|deal with it|stop (?:yelling|complaining|whining)|read the (?:manual|faq)|rtfm|nothing (?:we|i) can do|learn to|that'?s your problem|shut up|stupid|idiot|dumb|ridiculous)\b/i;
const PROFANITY = /\b(?:fuck\w*|shit\w*|damn|crap|bullshit|wtf|bitch\w*|ass(?:hole)?|bastard)\b/i;

const stripMentions = (t: string) => t.replace(/^(?:\s*@\w+)+[\s,:]*/u, '').trim();
const quote = (t: string, max = 60) => {
  const one = t.replace(/\s+/g, ' ').trim();
  return `"${one.length > max ? `${one.slice(0, max - 1)}…` : one}"`;
};
const matched = (re: RegExp, t: string) => re.exec(t)?.[0].trim() ?? '';

/** "42 min", "2 h 5 min", "3 d 4 h" */
export function formatDuration(ms: number): string {
  const min = Math.round(ms / 60_000);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return min % 60 ? `${h} h ${min % 60} min` : `${h} h`;
  return `${Math.floor(h / 24)} d${h % 24 ? ` ${h % 24} h` : ''}`;
}

/** Shouting: four or more words of three letters or more, most of them in capitals. */
function shouts(text: string): string | null {
  const words = stripMentions(text).replace(URL, ' ').match(/\b[A-Za-z]{3,}\b/g) ?? [];
  const caps = words.filter((w) => w === w.toUpperCase());
  return words.length >= 4 && caps.length / words.length > 0.6 ? caps.slice(0, 4).join(' ') : null;
}

const ordinal = (i: number, n: number) => (n === 1 ? 'the reply' : i === 0 ? 'the first reply' : i === n - 1 ? 'the last reply' : `reply ${i + 1} of ${n}`);

// ---- the scorer ----------------------------------------------------------------------------------

export function scoreConversation(input: QualityInput): QualityScore {
  const messages = [...input.messages].sort((a, b) => a.at - b.at);
  const replies = messages.filter((m) => m.direction === 'outbound');
  const inbound = messages.filter((m) => m.direction === 'inbound');
  const items: QualityItem[] = [];
  const na = (id: QualityItemId, reason: string) => items.push({ id, result: 'na', reason });
  const judge = (id: QualityItemId, ok: boolean, reason: string) => items.push({ id, result: ok ? 'pass' : 'fail', reason });

  if (replies.length === 0) {
    for (const id of QUALITY_ITEMS) na(id, 'no reply reached the customer');
    return tally(items);
  }
  const first = replies[0];
  const last = replies[replies.length - 1];

  // greeting: the first reply's opening, after the @mentions a platform puts first
  const opening = stripMentions(first.text);
  if (GREETING.test(opening)) judge('greeting', true, `the first reply opens with ${quote(matched(GREETING, opening), 30)}`);
  else judge('greeting', false, `no greeting in the first reply (${quote(opening, 40)})`);

  // empathy: only when the customer was upset (or the analysis cannot tell)
  const labelled = inbound.filter((m) => m.sentiment);
  const upset = labelled.some((m) => m.sentiment === 'negative');
  if (labelled.length > 0 && labelled.length === inbound.length && !upset) {
    na('empathy', 'the customer was not upset (no negative message)');
  } else {
    const kind = replies.find((r) => EMPATHY.test(r.text));
    if (kind) judge('empathy', true, `${ordinal(replies.indexOf(kind), replies.length)} acknowledges the customer: ${quote(matched(EMPATHY, kind.text), 30)}`);
    else judge('empathy', false, upset ? 'the customer was upset and no reply acknowledges it (no "sorry", "I understand"…)' : 'no reply acknowledges the customer\'s trouble (no "sorry", "I understand"…)');
  }

  // solution: a link, steps, a refund or a next step in any reply
  const link = replies.find((r) => URL.test(r.text));
  const step = replies.find((r) => SOLUTION.test(stripMentions(r.text)));
  if (step) judge('solution', true, `${ordinal(replies.indexOf(step), replies.length)} offers a next step: ${quote(matched(SOLUTION, stripMentions(step.text)), 30)}`);
  else if (link) judge('solution', true, `${ordinal(replies.indexOf(link), replies.length)} gives a link`);
  else judge('solution', false, 'no reply offers a solution or a next step (a link, steps to try, a refund, a private message to follow up)');

  // closing: the last reply's end
  const ending = stripMentions(last.text).replace(URL, '').trim();
  const tail = ending.slice(-140);
  if (CLOSING.test(tail)) judge('closing', true, `the last reply closes with ${quote(matched(CLOSING, tail), 30)}`);
  else if (SIGN_OFF.test(ending)) judge('closing', true, `the last reply is signed off (${quote(matched(SIGN_OFF, ending), 20)})`);
  else judge('closing', false, `no closing in the last reply (it ends ${quote(ending.slice(-40), 42)})`);

  // tone: every reply
  const rude = replies.map((r, i) => {
    const text = stripMentions(r.text);
    const bad = matched(PROFANITY, text) || matched(RUDE, text) || shouts(text) || (/[!?]{3,}/.test(text) ? matched(/[!?]{3,}/, text) : '');
    return bad ? `${ordinal(i, replies.length)} says ${quote(bad, 30)}` : null;
  }).filter((x): x is string => x !== null);
  if (rude.length) judge('tone', false, rude.join('; '));
  else judge('tone', true, replies.length === 1 ? 'no rude words, blame or shouting in the reply' : `no rude words, blame or shouting in ${replies.length} replies`);

  // personal data: public replies only (a direct message is where it belongs)
  const pub = replies.filter((r) => r.visibility === 'public');
  if (pub.length === 0) {
    na('personal_data', 'every reply was private');
  } else {
    const leaks = pub.flatMap((r) => findPersonalData(r.text).filter((h) => h.kind !== 'order').map((h) => ({ r, h })));
    const names = { email: 'an e-mail address', phone: 'a phone number', card: 'a card number', order: 'an order number' } as const;
    if (leaks.length) {
      const { r, h } = leaks[0];
      judge('personal_data', false, `${ordinal(replies.indexOf(r), replies.length)} shows ${names[h.kind]} in public (${quote(h.text, 24)})`
        + (leaks.length > 1 ? ` and ${leaks.length - 1} more` : ''));
    } else judge('personal_data', true, pub.length === 1 ? 'no e-mail address, phone or card number in the public reply' : `no e-mail address, phone or card number in ${pub.length} public replies`);
  }

  items.push(slaItem(messages, input));
  return tally(items);
}

/** Each customer wait (first customer message not yet answered → the next reply) against its target. */
function slaItem(messages: QualityMessage[], input: QualityInput): QualityItem {
  const sla = input.sla ?? {};
  const measure = input.businessMs ?? ((a: number, b: number) => Math.max(0, b - a));
  const firstDue = sla.first_response_due_at ?? null;
  const firstS = sla.first_response_s ?? null;
  const nextS = sla.next_response_s ?? null;
  if (firstDue === null && firstS === null && nextS === null) return { id: 'sla', result: 'na', reason: 'no SLA applies to this conversation' };
  const waits: Array<{ first: boolean; from: number; to: number }> = [];
  let waiting = -1;
  let answered = false;
  for (const m of messages) {
    if (m.direction === 'inbound') { if (waiting < 0) waiting = m.at; continue; }
    if (waiting < 0) continue;
    waits.push({ first: !answered, from: waiting, to: m.at });
    answered = true;
    waiting = -1;
  }
  if (waits.length === 0) return { id: 'sla', result: 'na', reason: 'no customer message waited for a reply' };
  const late: string[] = [];
  let judged = 0;
  for (const w of waits) {
    const took = measure(w.from, w.to);
    if (w.first) {
      if (firstDue !== null) {
        judged++;
        if (w.to > firstDue) {
          late.push(`first reply ${formatDuration(took)} after the post, ${formatDuration(w.to - firstDue)} after it was due${firstS !== null ? ` (SLA ${formatDuration(firstS * 1000)})` : ''}`);
        }
      } else if (firstS !== null) {
        judged++;
        if (took > firstS * 1000) late.push(`first reply ${formatDuration(took)} after the post, SLA ${formatDuration(firstS * 1000)}`);
      }
    } else if (nextS !== null) {
      judged++;
      if (took > nextS * 1000) late.push(`a next reply ${formatDuration(took)} after the customer wrote, SLA ${formatDuration(nextS * 1000)}`);
    }
  }
  if (judged === 0) return { id: 'sla', result: 'na', reason: 'no SLA target applies to these replies' };
  if (late.length) return { id: 'sla', result: 'fail', reason: late.length > 2 ? `${late.slice(0, 2).join('; ')} and ${late.length - 2} more late` : late.join('; ') };
  const firstWait = waits[0];
  return {
    id: 'sla', result: 'pass',
    reason: judged === 1 ? `the reply came within the SLA (${formatDuration(measure(firstWait.from, firstWait.to))})` : `all ${judged} replies came within the SLA`,
  };
}

function tally(items: QualityItem[]): QualityScore {
  const applicable = items.filter((i) => i.result !== 'na').length;
  const passed = items.filter((i) => i.result === 'pass').length;
  return { items, passed, applicable, score: applicable ? Math.round((passed / applicable) * 100) : null };
}

/**
 * A reviewer's overrides laid over the automatic items: the reviewed score. The automatic score is
 * never changed; an override keeps the reviewer's note as the item's reason.
 */
export function applyOverrides(auto: QualityItem[], overrides: ReadonlyArray<{ id: QualityItemId; result: QualityResult; note: string }>): QualityScore {
  const by = new Map(overrides.map((o) => [o.id, o]));
  return tally(auto.map((i) => {
    const o = by.get(i.id);
    return o ? { id: i.id, result: o.result, reason: o.note } : i;
  }));
}
