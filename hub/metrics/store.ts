/**
 * The metrics over the hub database: loads the report's cohort as plain records (compactly: the
 * per-conversation facts of migrations 0600 and 0720, in a few large text values) and runs
 * the same pure report as everywhere else.
 * Also the writes the metrics own: settings, surveys and insights.
 */
import { approvalTimes } from './approval-times';
import { randomUUID } from 'node:crypto';
import type { Db, Queryable } from '../db/db';
import type { Channel, ConversationStatus, Priority } from '../../shared/domain';
import { CalendarSchema, type Calendar } from '../routing/calendar';
import { computeReport, type GroupBy, type Report, type ReportFilter } from './report';
import { DEFAULT_ROI_SETTINGS, mergeRoiSettings, RoiSettingsSchema, type RoiSettings } from './roi';
import { matchSurveyAnswer, surveyQuestion } from './survey';
import { clockFor, type SlaPolicy } from './timeline';
import type { ConversationEvent, InsightRecord, MetricConversation, MetricMessage, SurveyKind, SurveyRecord } from './types';
import { dirtyConversationsJoin, factsColumns, flushMetricFacts } from './facts';
import { z } from 'zod';
import { SurveySettingsSchema, type SurveySettings } from '../../shared/contract/admin';

/**
 * By default both questions in the default words, at once, and only as a private message where the
 * platform allows one: a public thread is not filled with two survey replies unless an admin chooses so.
 */
export const DEFAULT_SURVEY_SETTINGS: SurveySettings = {
  csat: { ask: true, wording: null }, effort: { ask: true, wording: null }, delivery: 'private', delay_minutes: 0,
};

const ms = (col: string): string => `(extract(epoch from ${col}) * 1000)::float8`;
/** Epoch milliseconds as text: compact to aggregate, exact to read back. */
const msText = (col: string): string => `((extract(epoch from ${col}) * 1000)::bigint)::text`;

export interface MetricsSettings {
  roi: RoiSettings;
  /** how surveys are asked: wording, when, where (issue 12) */
  surveys: SurveySettings;
  /** business hours (hub/routing/calendar.ts, the calendar SLA due times use); null: 24/7 */
  calendar: Calendar | null;
  sla: SlaPolicy;
}

const TargetsSchema = z.object({
  first_response_s: z.number().positive().optional(),
  next_response_s: z.number().positive().optional(),
  resolution_s: z.number().positive().optional(),
}).strict();
export const SlaPolicySchema = z.object({
  low: TargetsSchema.optional(), normal: TargetsSchema.optional(), high: TargetsSchema.optional(), urgent: TargetsSchema.optional(),
}).strict();

export async function getMetricsSettings(db: Queryable, workspaceId: string): Promise<MetricsSettings> {
  const [row] = await db.query<{ roi: unknown; calendar: unknown; sla: unknown; surveys: unknown }>(
    'SELECT roi, calendar, sla, surveys FROM metrics_settings WHERE workspace_id = $1', [workspaceId]);
  return {
    roi: row?.roi ? RoiSettingsSchema.parse(row.roi) : DEFAULT_ROI_SETTINGS,
    surveys: row?.surveys ? SurveySettingsSchema.parse(row.surveys) : DEFAULT_SURVEY_SETTINGS,
    calendar: row?.calendar ? (row.calendar as Calendar) : null,
    sla: row?.sla ? SlaPolicySchema.parse(row.sla) : {},
  };
}

/**
 * Updates a workspace's settings. Every part is validated first; a bad part throws with the
 * reason and nothing is written.
 */
export async function updateMetricsSettings(
  db: Queryable, workspaceId: string, patch: { roi?: unknown; calendar?: unknown; sla?: unknown; surveys?: unknown },
): Promise<MetricsSettings> {
  const current = await getMetricsSettings(db, workspaceId);
  const roi = patch.roi === undefined ? current.roi : mergeRoiSettings(current.roi, patch.roi);
  let surveys = current.surveys;
  if (patch.surveys !== undefined) {
    const parsed = SurveySettingsSchema.safeParse(patch.surveys);
    if (!parsed.success) throw new Error(`invalid survey settings: ${z.prettifyError(parsed.error)}`);
    surveys = parsed.data;
  }
  let calendar = current.calendar;
  if (patch.calendar !== undefined) {
    if (patch.calendar === null) calendar = null;
    else {
      // routing's calendar (the one schema); its id is optional here, where it names nothing
      const given = typeof patch.calendar === 'object' && !Array.isArray(patch.calendar) ? { id: 'business-hours', ...patch.calendar } : patch.calendar;
      const parsed = CalendarSchema.safeParse(given);
      if (!parsed.success) throw new Error(`invalid business calendar: ${z.prettifyError(parsed.error)}`);
      calendar = parsed.data;
    }
  }
  let sla = current.sla;
  if (patch.sla !== undefined) {
    const parsed = SlaPolicySchema.safeParse(patch.sla);
    if (!parsed.success) throw new Error(`invalid SLA targets: ${z.prettifyError(parsed.error)}`);
    sla = parsed.data;
  }
  await db.query(
    `INSERT INTO metrics_settings (workspace_id, roi, calendar, sla, surveys, updated_at) VALUES ($1, $2, $3, $4, $5, now())
     ON CONFLICT (workspace_id) DO UPDATE SET roi = EXCLUDED.roi, calendar = EXCLUDED.calendar, sla = EXCLUDED.sla, surveys = EXCLUDED.surveys, updated_at = now()`,
    [workspaceId, JSON.stringify(roi), calendar === null ? null : JSON.stringify(calendar), JSON.stringify(sla), JSON.stringify(surveys)]);
  return { roi, surveys, calendar, sla };
}

export interface LoadOptions {
  from: number; to: number; filter?: ReportFilter;
  /** The workspace's call tag (return on care); the only tag the report reads. */
  callTag?: string;
  /** refresh the marked facts first (default true; the read is exact either way, only slower without) */
  flush?: boolean;
}

/** The report's input from the database: conversations created in [from, to) with their history. */
export async function loadMetricInput(db: Queryable, workspaceId: string, o: LoadOptions): Promise<{
  conversations: MetricConversation[]; surveys: SurveyRecord[]; insights: InsightRecord[];
}> {
  const input = await readMetricInput(db, workspaceId, o);
  return { ...input, conversations: [...input.conversations] };
}

/**
 * As loadMetricInput, with the conversations read from the fetched text as they are iterated: the
 * report computes each one's facts and drops it, so its million message objects die young instead of
 * all living until the end (measured: garbage collection was a third of the report's CPU).
 */
async function readMetricInput(db: Queryable, workspaceId: string, o: LoadOptions): Promise<{
  conversations: Iterable<MetricConversation>; surveys: SurveyRecord[]; insights: InsightRecord[];
}> {
  const params: unknown[] = [workspaceId, new Date(o.from).toISOString(), new Date(o.to).toISOString()];
  let where = 'c.workspace_id = $1 AND c.created_at >= $2 AND c.created_at < $3';
  if (o.filter?.agent_id !== undefined) { params.push(o.filter.agent_id); where += ` AND c.assignee_id = $${params.length}`; }
  if (o.filter?.team_id !== undefined) { params.push(o.filter.team_id); where += ` AND c.team_id = $${params.length}`; }
  if (o.filter?.channel !== undefined) { params.push(o.filter.channel); where += ` AND c.channel = $${params.length}`; }

  // Each conversation's messages and history are folded into two strings (metric_conversation_facts,
  // migrations 0600 and 0720: refreshed in batches off the write path, so flushed first here; a
  // conversation written since is still marked and computed on the spot), and conversations travel as lines of a few large
  // text values: PGlite decodes rows one by one in JavaScript, so 20 rows beat 100,000.
  // A line: fields joined by \x1d; lines joined by \x1c. Absent values are empty fields.
  // msgs: "i<ms>,o<ms>,f<ms>" (inbound, outbound, failed outbound) in any order, survey questions/answers left out.
  // active: "<span start ms>:<active ms>,…" from handle_time (desktops' recorded handle time, migrations 0870, 1100).
  // evs:  "<s|a|m><ms>\x1f<status|agent|score>" joined by \x1e (status, assignment, sentiment), in order,
  //       without the reopen a survey answer caused.
  // The workspace's call tag is checked here, so tags need not travel.
  params.push(o.callTag ?? DEFAULT_ROI_SETTINGS.call_tag);
  const callTag = `$${params.length}`;
  if (o.flush !== false) await flushMetricFacts(db);
  const facts = factsColumns('c', 'f', 'd');
  const chunks = await db.query<{ blob: string }>(`
    SELECT string_agg(line, chr(28)) AS blob FROM (
      SELECT (row_number() OVER ()) / 5000 AS chunk, concat_ws(chr(29),
               c.id, c.channel, coalesce(c.channel_account_id, ''), coalesce(c.assignee_id, ''), coalesce(c.team_id, ''), c.priority,
               coalesce(c.analysis->>'intent', ''), coalesce(c.analysis->>'topic', ''), CASE WHEN ${callTag} = ANY(c.tags) THEN 't' ELSE '' END,
               ${msText('c.created_at')}, c.status, coalesce(${msText('c.resolved_at')}, ''),
               coalesce(${msText('c.first_response_due_at')}, ''), coalesce(${msText('c.resolution_due_at')}, ''),
               ${facts.msgs}, ${facts.evs},
               ${facts.active}) AS line
      FROM conversations c LEFT JOIN metric_conversation_facts f ON f.conversation_id = c.id ${dirtyConversationsJoin('c', 'd')}
      WHERE ${where}) lines
    GROUP BY chunk`, params);

  const callTagValue = o.callTag ?? DEFAULT_ROI_SETTINGS.call_tag;
  const conversations: Iterable<MetricConversation> = { [Symbol.iterator]: () => conversationsOf(chunks, callTagValue) };
  const surveyParams = params.slice(0, params.length - 1);

  const surveys = await db.query<SurveyRecord>(`
    SELECT s.conversation_id, s.kind, ${ms('s.asked_at')} AS asked_at, ${ms('s.answered_at')} AS answered_at, s.score
    FROM surveys s JOIN conversations c ON c.id = s.conversation_id WHERE ${where} AND s.cancelled_at IS NULL`, surveyParams);

  const insights = await db.query<InsightRecord>(`
    SELECT id, department_id, conversation_id, ${ms('opened_at')} AS created_at, ${ms('closed_at')} AS closed_at
    FROM insights WHERE workspace_id = $1 AND opened_at >= $2 AND opened_at < $3`, params.slice(0, 3));
  return { conversations, surveys, insights };
}

const orNull = (v: string): string | null => (v === '' ? null : v);
const numOrNull = (v: string): number | null => (v === '' ? null : Number(v));

/** The conversations of the fetched lines (see readMetricInput's query), one at a time. */
function* conversationsOf(chunks: Array<{ blob: string }>, callTag: string): Generator<MetricConversation> {
  for (const { blob } of chunks) {
    if (!blob) continue;
    for (const line of blob.split('\x1c')) {
      const f = line.split('\x1d');
      if (f.length !== 17) throw new Error(`metrics: unreadable conversation facts (${f.length} fields): ${line.slice(0, 80)}`);
      const messages = f[14] ? messagesOf(f[14]) : [];
      if (messages.length) {
        // Stored unordered: order here, customer first on a tie.
        let sorted = true;
        for (let i = 1; i < messages.length && sorted; i++) sorted = byTime(messages[i - 1], messages[i]) <= 0;
        if (!sorted) messages.sort(byTime);
      }
      const events: ConversationEvent[] = [];
      const sentiments: number[] = [];
      if (f[15]) {
        for (const item of f[15].split('\x1e')) {
          const sep = item.indexOf('\x1f');
          const at = Number(item.slice(1, sep));
          const value = item.slice(sep + 1);
          if (item[0] === 's') events.push({ at, type: 'status', status: value as ConversationStatus });
          else if (item[0] === 'a') events.push({ at, type: 'assign', agent_id: value === '' ? null : value });
          else sentiments.push(Number(value));
        }
      }
      yield {
        id: f[0], channel: f[1] as Channel, account_id: orNull(f[2]), assignee_id: orNull(f[3]), team_id: orNull(f[4]),
        priority: f[5] as Priority, intent: orNull(f[6]), topic: orNull(f[7]), tags: f[8] === 't' ? [callTag] : [],
        created_at: Number(f[9]), status: f[10] as ConversationStatus, resolved_at: numOrNull(f[11]),
        first_response_due_at: numOrNull(f[12]), resolution_due_at: numOrNull(f[13]),
        messages, events, sentiments: sentiments.length ? sentiments : undefined,
        active: f[16] ? f[16].split(',').map((x) => { const i = x.indexOf(':'); return { at: Number(x.slice(0, i)), ms: Number(x.slice(i + 1)) }; }) : undefined,
      };
    }
  }
}

/**
 * Reads a conversation's "i<ms>,o<ms>,f<ms>" (inbound, outbound, failed outbound) by character
 * codes: over a million messages, splitting and slicing each item cost more CPU (and garbage
 * collection) than the database's whole read.
 */
function messagesOf(s: string): MetricMessage[] {
  const out: MetricMessage[] = [];
  const n = s.length;
  let i = 0;
  while (i < n) {
    const kind = s.charCodeAt(i++);
    const negative = s.charCodeAt(i) === 45; /* - */
    if (negative) i++;
    let at = 0;
    for (let c = s.charCodeAt(i); c >= 48 && c <= 57; c = s.charCodeAt(++i)) at = at * 10 + (c - 48);
    if (i < n && s.charCodeAt(i) !== 44 /* , */) throw new Error(`metrics: unreadable message facts: ${s.slice(0, 80)}`);
    i++;
    if (negative) at = -at;
    out.push(kind === 105 /* i */ ? { at, direction: 'inbound' } : { at, direction: 'outbound', failed: kind === 102 /* f */ });
  }
  return out;
}

const byTime = (a: MetricMessage, b: MetricMessage): number =>
  a.at - b.at || (a.direction === b.direction ? 0 : a.direction === 'inbound' ? -1 : 1);

const isDb = (q: Queryable): q is Db => typeof (q as Partial<Db>).transaction === 'function';

export interface SqlReportOptions {
  from: number; to: number; by?: GroupBy | null; filter?: ReportFilter; asOf?: number;
  /** refresh the marked facts first (default true); false on a read replica, where the read computes them */
  flush?: boolean;
}

/** The report for a workspace, with its own calendar, SLA targets and ROI settings. */
export async function reportFromDb(db: Queryable, workspaceId: string, o: SqlReportOptions): Promise<Report> {
  const settings = await getMetricsSettings(db, workspaceId);
  // One snapshot for the three reads.
  const lo = { ...o, callTag: settings.roi.call_tag };
  const input = isDb(db)
    ? await db.transaction(async (tx) => {
      // the read joins and groups every conversation of the range: with the default 4 MB its hashes spill to disk
      await tx.query("SET LOCAL work_mem = '32MB'");
      return readMetricInput(tx, workspaceId, lo);
    })
    : await readMetricInput(db, workspaceId, lo);
  const report = computeReport(input, {
    from: o.from, to: o.to, by: o.by ?? null, filter: o.filter, asOf: o.asOf,
    clock: clockFor(settings.calendar), sla: settings.sla, roi: settings.roi,
  });
  // approval time (hub/approvals): per approver and per team, over the replies decided in the range
  return { ...report, approvals: await approvalTimes(db, workspaceId, o) };
}

// ---- surveys ---------------------------------------------------------------------------------

export interface SurveyToSend { survey_id: string; kind: SurveyKind; text: string }

/**
 * Records the surveys to ask after a resolve and returns the texts to post through the channel.
 * A conversation is asked each kind once per resolve; a kind already open (unanswered) is not
 * asked again. Call `attachSurveyMessage` once the question's outbound message exists.
 */
export async function createSurveyRequests(
  db: Queryable, workspaceId: string, conversationId: string,
  opts: { kinds?: SurveyKind[]; at?: number; firstName?: string | null; brand?: string | null; wording?: Partial<Record<SurveyKind, string | null>> } = {},
): Promise<SurveyToSend[]> {
  const kinds = opts.kinds ?? ['csat', 'effort'];
  const at = new Date(opts.at ?? Date.now()).toISOString();
  const [conv] = await db.query<{ status: string }>('SELECT status FROM conversations WHERE id = $1 AND workspace_id = $2', [conversationId, workspaceId]);
  if (!conv) throw new Error(`unknown conversation "${conversationId}"`);
  if (conv.status !== 'resolved') throw new Error(`conversation ${conversationId} is ${conv.status}: surveys are asked after a resolve`);
  const open = new Set((await db.query<{ kind: SurveyKind }>(
    'SELECT kind FROM surveys WHERE conversation_id = $1 AND answered_at IS NULL AND cancelled_at IS NULL', [conversationId])).map((r) => r.kind));
  const out: SurveyToSend[] = [];
  for (const kind of kinds) {
    if (open.has(kind)) continue;
    const id = randomUUID();
    const text = surveyQuestion(kind, { firstName: opts.firstName, brand: opts.brand, wording: opts.wording?.[kind] ?? null });
    await db.query('INSERT INTO surveys (id, workspace_id, conversation_id, kind, question, asked_at) VALUES ($1, $2, $3, $4, $5, $6)',
      [id, workspaceId, conversationId, kind, text, at]);
    out.push({ survey_id: id, kind, text });
  }
  return out;
}

export async function attachSurveyMessage(db: Queryable, surveyId: string, messageId: string): Promise<void> {
  await db.query('UPDATE surveys SET question_message_id = $2 WHERE id = $1', [surveyId, messageId]);
}

/**
 * Reads an inbound message as a survey answer when it is one (an open survey of the conversation,
 * asked within the answer window, and a readable rating). Returns the answered survey or null.
 */
export async function recordSurveyAnswer(
  db: Queryable, message: { conversation_id: string; message_id: string; at: number; text: string },
): Promise<{ survey_id: string; kind: SurveyKind; score: number } | null> {
  const pending = await db.query<{ id: string; conversation_id: string; kind: SurveyKind; asked_at: number }>(
    `SELECT id, conversation_id, kind, ${ms('asked_at')} AS asked_at FROM surveys WHERE conversation_id = $1 AND answered_at IS NULL AND cancelled_at IS NULL`,
    [message.conversation_id]);
  const match = matchSurveyAnswer(pending, { conversation_id: message.conversation_id, at: message.at, text: message.text });
  if (!match) return null;
  const id = (match.survey as (typeof pending)[number]).id;
  await db.query(
    'UPDATE surveys SET answered_at = $2, answer_message_id = $3, answer_text = $4, score = $5 WHERE id = $1 AND answered_at IS NULL',
    [id, new Date(message.at).toISOString(), message.message_id, message.text.slice(0, 2000), match.score]);
  return { survey_id: id, kind: match.survey.kind, score: match.score };
}

// ---- insights (hub/routing emits insight.created / insight.closed) -----------------------------

export interface InsightRow {
  id: string; conversation_id: string | null; department_id: string; rule_id?: string | null;
  opened_at: number; status: 'open' | 'closed'; closed_at: number | null; closed_by?: string | null; resolution?: string | null;
}

/** Stores or updates an insight as routing reports it (idempotent by id; a closed insight is never reopened). */
export async function saveInsight(db: Queryable, workspaceId: string, ins: InsightRow): Promise<void> {
  await db.query(
    `INSERT INTO insights (id, workspace_id, conversation_id, department_id, rule_id, opened_at, status, closed_at, closed_by, resolution)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, closed_at = EXCLUDED.closed_at, closed_by = EXCLUDED.closed_by, resolution = EXCLUDED.resolution
     WHERE insights.status = 'open'`,
    [ins.id, workspaceId, ins.conversation_id, ins.department_id, ins.rule_id ?? null, new Date(ins.opened_at).toISOString(), ins.status,
      ins.closed_at === null ? null : new Date(ins.closed_at).toISOString(), ins.closed_by ?? null, ins.resolution ?? null]);
}
