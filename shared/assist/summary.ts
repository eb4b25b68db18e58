/**
 * The handover summary: three extractive lines for whoever takes a conversation over (reassign,
 * take-over, shift end, or on demand). No model and no download: sentences are picked from the
 * thread by cues, and every line says which message it came from.
 *   1. the customer's problem,
 *   2. what was done,
 *   3. what is open: the promised next step and its due time, or what the customer is waiting for.
 * Pure TypeScript, shared by the desktop core and the hub.
 */

export interface SummaryMessage {
  id: string;
  /** in: the customer; out: the brand's reply; note: an internal note */
  direction: 'in' | 'out' | 'note';
  author?: string | null;
  text: string;
  /** ISO time */
  at: string;
}

export interface SummaryLine {
  kind: 'problem' | 'done' | 'open';
  text: string;
  /** the message the sentence was taken from (null when the line says there is nothing) */
  source: { messageId: string; author: string | null; at: string } | null;
  /** for the open line: when the promised step is due (ISO), where a time was promised or set */
  due?: string | null;
}

export interface Summary { lines: [SummaryLine, SummaryLine, SummaryLine]; generatedAt: string }

export interface SummaryContext {
  now: string;
  /** a time the conversation waits for (snooze until, or the SLA's next due time) */
  dueAt?: string | null;
  /** what the due time is, e.g. "snoozed until" or "next response due" */
  dueLabel?: string;
}

const PROBLEM_CUES = /\b(?:not|never|no longer|can't|cannot|won't|didn't|doesn't|isn't|wasn't|unable|broken|broke|error|fail\w*|issue|problem|wrong|missing|lost|late|delay\w*|cancel\w*|refund\w*|charg\w*|billed|overcharg\w*|stuck|locked|hacked|crash\w*|down|outage|help|twice|double|where is|why|how do|how can|suspend\w*|blocked|banned|damaged|crack\w*|leak\w*|smash\w*|torn|faulty|defective|dead|disappoint\w*|terrible|worst|awful)\b/gi;
const DONE_CUES = /\b(?:i've|i have|we've|we have|i|we)\s+(?:just\s+|now\s+|already\s+)?(?:sent|refunded|issued|credited|reset|escalated|forwarded|passed|raised|opened|created|logged|checked|updated|fixed|resolved|cancel+ed|rebooked|replaced|arranged|applied|added|removed|restored|reinstated|reactivated|unlocked|submitted|reported|confirmed|shared|filed)\b|\b(?:has|have) been (?:sent|refunded|issued|credited|reset|escalated|fixed|resolved|rebooked|replaced|restored|reinstated|processed|reported)\b|\b(?:i've|i have|we've|we have|i|we)\s+(?:just\s+)?(?:asked|told|notified|contacted|called|emailed)\b|\b(?:ticket|case|claim|request|report|refund|replacement)\b[^.!?]*\b(?:opened|raised|created|logged|filed|submitted|issued|approved|processed)\b|\bhere(?:'s| is) how\b|\bplease (?:try|follow|check|send|dm|see)\b/i;
const PROMISE_CUES = /\b(?:i'll|i will|we'll|we will|i'm going to|we're going to|will (?:get back|follow up|update|reach out|contact|call|email|look into|check)|follow(?:ing)? up|get back to you|keep you (?:posted|updated)|expect (?:a|an|the|to)|should (?:arrive|receive|see|hear)|within \d+|by (?:tomorrow|today|monday|tuesday|wednesday|thursday|friday|saturday|sunday|end of (?:day|week)|eod|\d))\b/i;

/** Sentences of a message, without the leading @handles. */
export function sentences(text: string): string[] {
  const clean = text.replace(/^(?:\s*@\w+)+\s*/, '').replace(/\s+/g, ' ').trim();
  if (!clean) return [];
  return (clean.match(/[^.!?\n]+(?:[.!?]+|$)/g) ?? [clean]).map((s) => s.trim()).filter((s) => s.length > 1);
}

function clip(s: string, n = 160): string {
  return s.length > n ? s.slice(0, n - 1).trimEnd() + '…' : s;
}

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

/**
 * The due time a sentence promises, read against the time it was written: "tomorrow", "today",
 * "by Friday", "within 48 hours", "in 2 days", "end of week". Null when it names none.
 */
export function promisedDue(sentence: string, writtenAt: string): string | null {
  const t = Date.parse(writtenAt);
  if (Number.isNaN(t)) return null;
  const s = sentence.toLowerCase();
  const at = (d: Date, h = 17) => { d.setUTCHours(h, 0, 0, 0); return d.toISOString(); };
  let m = /\b(?:within|in)\s+(\d{1,3})\s*(hour|hr|day|business day|working day|week)s?\b/.exec(s);
  if (m) {
    const n = Number(m[1]);
    const unit = m[2].startsWith('h') ? 3_600_000 : m[2] === 'week' ? 7 * 86_400_000 : 86_400_000;
    return new Date(t + n * unit).toISOString();
  }
  if (/\btomorrow\b/.test(s)) return at(new Date(t + 86_400_000));
  if (/\b(?:today|tonight|end of (?:the )?day|eod)\b/.test(s)) return at(new Date(t));
  if (/\bend of (?:the )?week\b/.test(s)) { const d = new Date(t); d.setUTCDate(d.getUTCDate() + ((5 - d.getUTCDay() + 7) % 7)); return at(d); }
  m = /\b(?:by|on|until|next)\s+(sunday|monday|tuesday|wednesday|thursday|friday|saturday)\b/.exec(s);
  if (m) { const d = new Date(t); const diff = (WEEKDAYS.indexOf(m[1]) - d.getUTCDay() + 7) % 7 || 7; d.setUTCDate(d.getUTCDate() + diff); return at(d); }
  return null;
}

function source(m: SummaryMessage): SummaryLine['source'] {
  return { messageId: m.id, author: m.author ?? null, at: m.at };
}

/** The three lines for a thread (messages in any order). */
export function summarize(messages: SummaryMessage[], ctx: SummaryContext): Summary {
  const thread = [...messages].filter((m) => m.text.trim()).sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.id.localeCompare(b.id));
  const customer = thread.filter((m) => m.direction === 'in');
  const brand = thread.filter((m) => m.direction !== 'in');

  // 1. the problem: the customer sentence with the most problem cues; chasers ("still waiting")
  //    carry none, and an earlier message wins a tie
  let problem: SummaryLine = { kind: 'problem', text: 'Problem: the customer has not written yet.', source: null };
  let best = -1;
  customer.forEach((m, i) => {
    for (const s of sentences(m.text)) {
      const cues = (s.match(PROBLEM_CUES) ?? []).length;
      const score = cues * 2 + (s.includes('?') ? 1 : 0) + Math.min(s.length, 140) / 140 - i * 0.3;
      if (score > best) { best = score; problem = { kind: 'problem', text: `Problem: ${clip(s)}`, source: source(m) }; }
    }
  });

  // 2. what was done: the latest sentence of ours that reports an action; else our latest reply
  let done: SummaryLine = { kind: 'done', text: 'Done: nothing yet — no reply or note so far.', source: null };
  outer: for (let i = brand.length - 1; i >= 0; i--) {
    for (const s of sentences(brand[i].text)) {
      if (DONE_CUES.test(s)) { done = { kind: 'done', text: `Done: ${brand[i].direction === 'note' ? '(note) ' : ''}${clip(s)}`, source: source(brand[i]) }; break outer; }
    }
  }
  if (!done.source) {
    const lastOut = [...brand].reverse().find((m) => m.direction === 'out');
    const s = lastOut ? sentences(lastOut.text)[0] : null;
    if (lastOut && s) done = { kind: 'done', text: `Done: replied "${clip(s, 120)}"`, source: source(lastOut) };
  }

  // 3. what is open: a promise of ours (with its due time), or what the customer still waits for
  let open: SummaryLine | null = null;
  const last = thread[thread.length - 1];
  for (let i = brand.length - 1; i >= 0 && !open; i--) {
    const m = brand[i];
    // a promise made before the customer's latest message may already be kept; only look past it when they wrote nothing since
    for (const s of sentences(m.text)) {
      if (!PROMISE_CUES.test(s)) continue;
      const due = promisedDue(s, m.at) ?? ctx.dueAt ?? null;
      open = { kind: 'open', text: `Open: ${clip(s)}${due ? ` — due ${fmt(due)}` : ''}`, source: source(m), due };
      break;
    }
  }
  if (last && last.direction === 'in') {
    const s = sentences(last.text).slice(-1)[0] ?? last.text;
    const waiting: SummaryLine = {
      kind: 'open', text: `Open: the customer is waiting for an answer to "${clip(s, 120)}"${ctx.dueAt ? ` — ${ctx.dueLabel ?? 'due'} ${fmt(ctx.dueAt)}` : ''}`,
      source: source(last), due: ctx.dueAt ?? null,
    };
    // the customer's unanswered message outranks an older promise, but keeps its due time
    open = open && Date.parse(open.source!.at) > Date.parse(last.at) ? open : { ...waiting, due: waiting.due ?? open?.due ?? null };
  }
  open ??= { kind: 'open', text: ctx.dueAt ? `Open: nothing promised — ${ctx.dueLabel ?? 'due'} ${fmt(ctx.dueAt)}` : 'Open: nothing promised and nothing waiting.', source: null, due: ctx.dueAt ?? null };

  return { lines: [problem, done, open], generatedAt: ctx.now };
}

function fmt(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 16)} UTC`;
}

/** The summary as the internal note kept on the conversation: one line each, with where it came from. */
export function summaryNote(s: Summary): string {
  const from = (l: SummaryLine) => (l.source ? ` [from ${l.source.author ? `${l.source.author}, ` : ''}${fmt(l.source.at)}]` : '');
  return ['Handover summary', ...s.lines.map((l) => `• ${l.text}${from(l)}`)].join('\n');
}
