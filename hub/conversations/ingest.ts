/**
 * The hub's Ingestor: stores a NormalizedPost exactly once (dedupe by workspace, channel and
 * platform_id), threads it into a conversation and links it to a customer.
 *
 * Threading: a post answering a known post joins that post's conversation (reply chains);
 * a private message joins the open conversation with the same participant (thread_key); a public
 * post of a forum topic (thread_key from the feed: Discourse, phpBB, Reddit comments) joins the
 * topic's conversation; anything else opens a new conversation, queued where the routing hook says
 * (default: the workspace's default support team).
 *
 * The brand's own posts never become a customer. A post is the brand's when the platform says so
 * (from_brand: X for_user_id, Messenger echoes, the Page's own comments, imports), or when its author
 * is a brand account: one of the workspace's channel accounts, configured (TEND_BRAND_ACCOUNTS), or
 * learned from an earlier brand post (brand_identities, migration 0810). A brand post is stored as an
 * outbound message already 'sent'; when it is the platform's echo of an agent's reply the hub sent,
 * it settles that reply (sent, with the platform's id) instead of appearing twice.
 *
 * Hooks (api/module.ts IngestHooks): `analyzePost` (hub/analysis; default {}), `route`
 * (hub/routing; default: the default team's queue), `answers` (hub/metrics: survey answers,
 * which do not reopen the conversation; default none).
 */
import { randomUUID } from 'node:crypto';
import type { Analysis } from '../../shared/domain';
import type { AnalyzePost, InboundAnswers, RoutePost, StoredPost } from '../api/module';
import { PostRejected, type IngestResult, type Ingestor, type NormalizedPost } from '../connectors/types';
import { sameText } from '../connectors/reconcile';
import { ensureChannelAccount } from '../accounts/admin';
import { sql, type ChangeLog, type Writer, type WriteOp } from '../sync/changelog';

export type { AnalyzePost, RouteDecision, RouteInput, RoutePost } from '../api/module';

/** Default analysis: nothing known yet (hub/analysis replaces it). */
export const analyzePostDefault: AnalyzePost = () => ({});

/** Default routing: the default team's queue, first response due in an hour. */
export const routeToDefaultQueue: RoutePost = (input) => ({
  team_id: input.default_team_id,
  first_response_due_at: new Date(Date.parse(input.post.created_at) + 3600_000).toISOString(),
});

type FoundCustomer = { customer_id: string; followers: number | null; verified: boolean; tier: string | null };

/** A post this hub will never store: not readable, or a brand post that answers no known post. */
export class IngestError extends PostRejected {
  constructor(override readonly code: 'invalid' | 'orphan_brand_post', message: string) {
    super(code, message);
  }
}

export interface HubIngestorOptions {
  workspaceId: string;
  analyzePost?: AnalyzePost;
  route?: RoutePost;
  /** see IngestHooks.routeReady */
  routeReady?: (workspaceId: string) => Promise<void> | null;
  /** team for new conversations; default: the workspace's first support team by name */
  defaultTeamId?: string | null;
  /** inbound posts that answer a question the hub asked (hub/metrics: surveys); default none */
  answers?: InboundAnswers;
  /** after the commit: the customers' posts stored, with their analysis (hub/spikes) */
  stored?: (workspaceId: string, posts: StoredPost[]) => void;
}

export class HubIngestor implements Ingestor {
  analyzePost: AnalyzePost;
  route: RoutePost;
  /** channel account ids by channel + account (accounts are never deleted) */
  private readonly accounts = new Map<string, string>();
  /** posts this ingestor stored lately (channel + platform id), for cheap answers to redeliveries */
  private readonly recent = new Map<string, { conversation_id: string; message_id: string }>();
  /** the workspace's default support team, looked up at most every 30 s */
  private defaultTeam: { id: string | null; at: number } | null = null;
  /** the statements that depend on the answers hook, built once (their text stays the same: prepared once) */
  private readonly lookupSql: string;
  private readonly openThreadSql: string;
  /** a resolved conversation of the customer that waits for an answer asked privately (a survey sent by DM after a public thread); null without answers */
  private readonly awaitingAnswerSql: string | null;
  /** results of brand posts (stored as sent outbound): not a customer's post for the `stored` hook */
  private readonly brandResults = new WeakSet<IngestResult>();

  constructor(private readonly log: ChangeLog, private readonly options: HubIngestorOptions) {
    this.analyzePost = options.analyzePost ?? analyzePostDefault;
    this.route = options.route ?? routeToDefaultQueue;
    const waiting = (conv: string) => (options.answers ? `(${options.answers.waitingSql(conv)})` : 'false');
    this.lookupSql = LOOKUP_SQL.replace('$WAITING', waiting('m.conversation_id'));
    this.openThreadSql = OPEN_THREAD_SQL.replace('$WAITING', waiting('c.id'));
    this.awaitingAnswerSql = options.answers ? AWAITING_ANSWER_SQL.replace('$WAITING', waiting('c.id')) : null;
  }

  async ingest(post: NormalizedPost): Promise<IngestResult> {
    checkPost(post);
    // redeliveries of posts stored recently are answered without analysis or a transaction;
    // the check inside the transaction is the authoritative one
    const recent = this.recentOf(post);
    if (recent) return recent;
    const analysis = post.from_brand ? {} : await this.analyzePost(post);
    await this.routingReady();
    const account = await this.accountOf(post);
    const result = await this.log.write((w) => this.writePost(w, post, analysis, account));
    this.remember(post, result);
    this.announce([{ post, analysis, result }]);
    return result;
  }

  /**
   * Many posts (one webhook delivery) in order, in one transaction: one commit for all of them
   * instead of one each. If any post throws (a rule's refusal, a failing statement), the batch is
   * rolled back and each post is ingested alone, so only that one fails: the same answers as one by
   * one. Answers in the order of `posts`.
   */
  async ingestMany(posts: NormalizedPost[]): Promise<Array<IngestResult | Error>> {
    const out: Array<IngestResult | Error | null> = posts.map(() => null);
    const todo: Array<{ i: number; post: NormalizedPost; analysis: Analysis; account: string }> = [];
    for (const [i, post] of posts.entries()) {
      try {
        checkPost(post);
        const recent = this.recentOf(post);
        if (recent) { out[i] = recent; continue; }
        todo.push({ i, post, analysis: post.from_brand ? {} : await this.analyzePost(post), account: await this.accountOf(post) });
      } catch (err) {
        out[i] = err instanceof Error ? err : new Error(String(err));
      }
    }
    if (todo.length) {
      await this.routingReady();
      const results = await this.log.write(async (w) => {
        const rs: IngestResult[] = [];
        for (const t of todo) rs.push(await this.writePost(w, t.post, t.analysis, t.account));
        return rs;
      }).catch(() => null); // rare (an orphan brand post, a failing statement): below, each post alone
      if (results) {
        for (const [k, t] of todo.entries()) {
          out[t.i] = results[k];
          this.remember(t.post, results[k]);
        }
        this.announce(todo.map((t, k) => ({ post: t.post, analysis: t.analysis, result: results[k] })));
      } else {
        for (const t of todo) out[t.i] = await this.ingest(t.post).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
      }
    }
    return out as Array<IngestResult | Error>;
  }

  /** Once per workspace (routing loads it), so the routing decision can be made inside the write. */
  private async routingReady(): Promise<void> {
    const routing = this.options.routeReady?.(this.options.workspaceId);
    if (routing) await routing;
  }

  private recentOf(post: NormalizedPost): IngestResult | null {
    const recent = this.recent.get(`${post.channel}\u0000${post.platform_id}`);
    return recent ? { status: 'duplicate', ...recent } : null;
  }

  private async accountOf(post: NormalizedPost): Promise<string> {
    const accountKey = `${post.channel}\u0000${post.account}`;
    let accountId = this.accounts.get(accountKey);
    if (!accountId) {
      accountId = await ensureChannelAccount(this.log.db, this.options.workspaceId, post.channel, post.account);
      this.accounts.set(accountKey, accountId);
    }
    return accountId;
  }

  /** One post inside a write: stored, threaded, linked to its customer; or found to be a duplicate. */
  private async writePost(w: Writer, post: NormalizedPost, analysis: Analysis, account: string): Promise<IngestResult> {
    const ws = this.options.workspaceId;
    // one round trip (LOOKUP_SQL): round trips are what a serialized writer pays for
    const ids = post.in_reply_to ? [post.platform_id, post.in_reply_to] : [post.platform_id];
    const [look] = await w.query<{ known: Array<{ platform_id: string; id: string; conversation_id: string; answer_open: boolean }>; customer: FoundCustomer | null; is_brand: boolean }>(
      this.lookupSql, [ws, post.channel, ids, post.author.platform_user_id ?? null, post.author.handle]);
    const known = look.known;
    const again = known.find((k) => k.platform_id === post.platform_id);
    if (again) return { status: 'duplicate', conversation_id: again.conversation_id, message_id: again.id };
    const parentRow = post.in_reply_to ? known.find((k) => k.platform_id === post.in_reply_to) ?? null : null;
    const parent = parentRow?.conversation_id ?? null;
    // a brand account's post is the brand's, whoever delivered it; the brand's accounts are learned from it
    if (post.from_brand || look.is_brand) {
      await learnBrand(w, ws, post);
      const brand = await this.storeBrandPost(w, { ...post, from_brand: true }, parent);
      this.brandResults.add(brand);
      return brand;
    }

    // the customer's write (a new customer, or followers that moved) goes with the post's own: one statement
    const { id: customerId, writes: customerWrites } = this.customerFor(post, look.customer);
    const customer = { tier: look.customer?.tier ?? null, followers: post.author.followers ?? look.customer?.followers ?? null };
    let conversationId = parent;
    // a private message joins the open conversation with the participant (or a resolved one awaiting an answer)
    if (!conversationId && post.visibility === 'private' && post.thread_key) {
      const [open] = await w.query<{ id: string }>(this.openThreadSql, [ws, post.channel, post.thread_key]);
      conversationId = open?.id ?? null;
      // no private thread open: it may answer a question the hub asked privately after a public thread (a survey)
      if (!conversationId && this.awaitingAnswerSql) {
        const [asked] = await w.query<{ id: string }>(this.awaitingAnswerSql, [ws, post.channel, customerId]);
        conversationId = asked?.id ?? null;
      }
    }
    // a post of a forum topic joins the topic's conversation, whatever its state (a new post reopens it)
    if (!conversationId && post.visibility === 'public' && post.thread_key) {
      const [topic] = await w.query<{ id: string }>(TOPIC_SQL, [ws, post.channel, post.thread_key]);
      conversationId = topic?.id ?? null;
    }
    const existing = conversationId;
    const messageId = randomUUID();
    if (!conversationId) {
      // a new conversation is inserted in its final state, with its first message and both changes: one statement
      conversationId = await this.openConversation(w, post, analysis, customerId, customer, account, messageId, customerWrites);
      return { status: 'stored', conversation_id: conversationId, message_id: messageId };
    }
    // an answer to a question asked after a resolve (a survey) is recorded and does not reopen the conversation;
    // its score also goes onto the conversation (analysis.csat / analysis.effort), so it syncs to the desktops
    // and shows in the customer's history
    let surveyAnswer = false;
    let surveyScore: { kind: string; score: number } | null = null;
    const answers = this.options.answers;
    if (existing !== null && answers) {
      const open = existing === parent ? parentRow!.answer_open
        : ((await w.query<{ open: boolean }>(`SELECT ${answers.waitingSql('$1')} AS open`, [existing]))[0].open);
      if (open) {
        // the survey's own statements come first: the customer is written before them, as it always was
        if (customerWrites.length) await w.writeAll(customerWrites.splice(0));
        surveyScore = await answers.record(w, { conversation_id: conversationId, message_id: messageId, at: Date.parse(post.created_at), text: post.text });
        surveyAnswer = surveyScore !== null;
      }
    }
    // the message, then the conversation (reopened and woken from snooze by a customer writing again), in one statement
    await w.writeAll([...customerWrites, this.inboundOp(post, conversationId, messageId), { op: 'update', entity: 'conversation', id: conversationId, patch: {
      status: surveyAnswer ? undefined : sql(`CASE WHEN status IN ('resolved', 'snoozed', 'pending') THEN 'open' ELSE status END`),
      snoozed_until: surveyAnswer ? undefined : null,
      resolved_at: surveyAnswer ? undefined : null,
      last_message_at: sql('greatest(last_message_at, $?::timestamptz)', new Date(post.created_at).toISOString()),
      last_inbound_at: sql(`greatest(coalesce(last_inbound_at, '-infinity'), $?::timestamptz)`, new Date(post.created_at).toISOString()),
      snippet: post.text.slice(0, 200),
      message_count: sql('message_count + 1'),
      // a survey answer keeps the conversation's analysis and adds its score; any other post brings its own
      analysis: surveyScore && Number.isFinite(surveyScore.score)
        ? sql(`analysis || jsonb_build_object('${surveyScore.kind === 'csat' ? 'csat' : 'effort'}', ${Number(surveyScore.score)})`)
        : Object.keys(analysis).length ? analysis : undefined,
      updated_at: sql('now()'),
    } }]);
    return { status: 'stored', conversation_id: conversationId, message_id: messageId };
  }

  /** After the commit: the customers' posts just stored go to the `stored` hook (a failing hook never fails the ingest). */
  private announce(done: Array<{ post: NormalizedPost; analysis: Analysis; result: IngestResult }>): void {
    const hook = this.options.stored;
    if (!hook) return;
    const posts: StoredPost[] = [];
    for (const d of done) {
      if (d.result.status !== 'stored' || d.post.from_brand || this.brandResults.has(d.result)) continue;
      posts.push({ message_id: d.result.message_id, conversation_id: d.result.conversation_id, post: d.post, analysis: d.analysis });
    }
    if (!posts.length) return;
    try { hook(this.options.workspaceId, posts); } catch { /* the hook reports its own failures */ }
  }

  /** After the commit only: a post remembered from a write that was rolled back would be answered 'duplicate' and lost. */
  private remember(post: NormalizedPost, r: IngestResult): void {
    if (r.status !== 'stored') return;
    if (this.recent.size >= 10_000) this.recent.clear();
    this.recent.set(`${post.channel}\u0000${post.platform_id}`, { conversation_id: r.conversation_id, message_id: r.message_id });
  }

  private inboundOp(post: NormalizedPost, conversationId: string, messageId: string): WriteOp {
    return { op: 'insert', entity: 'message', values: {
      id: messageId, workspace_id: this.options.workspaceId, conversation_id: conversationId, channel: post.channel, direction: 'inbound',
      visibility: post.visibility, author_id: post.author.handle, author_name: post.author.name || post.author.handle,
      text: post.text, platform_id: post.platform_id, in_reply_to: post.in_reply_to, permalink: post.permalink,
      delivery: 'received', created_at: post.created_at,
    } };
  }

  private async storeBrandPost(w: Writer, post: NormalizedPost, parent: string | null): Promise<IngestResult> {
    let conversationId = parent;
    if (!conversationId && post.thread_key) {
      // the brand writing in a forum topic, or in a private thread (an echo of a DM)
      const [c] = await w.query<{ id: string }>(post.visibility === 'public' ? TOPIC_SQL : this.openThreadSql, [this.options.workspaceId, post.channel, post.thread_key]);
      conversationId = c?.id ?? null;
    }
    if (!conversationId) {
      throw new IngestError('orphan_brand_post', `brand post ${post.platform_id} answers no known post (in_reply_to ${post.in_reply_to ?? 'none'})`);
    }
    // the platform echoing an agent's reply the hub sent (or is sending): that reply is now known to be posted
    const pending = await w.query<{ id: string; text: string }>(
      `SELECT id, text FROM messages WHERE conversation_id = $1 AND direction = 'outbound' AND author_id IS NOT NULL
         AND platform_id IS NULL AND visibility = $2 ORDER BY created_at LIMIT 20`, [conversationId, post.visibility]);
    const mine = pending.find((m) => sameText(m.text, post.text));
    if (mine) {
      await w.update('message', mine.id, { delivery: 'sent', delivery_error: null, platform_id: post.platform_id, permalink: post.permalink, next_attempt_at: null });
      return { status: 'duplicate', conversation_id: conversationId, message_id: mine.id };
    }
    const messageId = randomUUID();
    await w.insert('message', {
      id: messageId, workspace_id: this.options.workspaceId, conversation_id: conversationId, channel: post.channel,
      direction: 'outbound', visibility: post.visibility, author_id: null, author_name: post.author.name || post.author.handle,
      text: post.text, platform_id: post.platform_id, in_reply_to: post.in_reply_to, permalink: post.permalink,
      delivery: 'sent', created_at: post.created_at,
    });
    const at = new Date(post.created_at).toISOString();
    await w.update('conversation', conversationId, {
      first_response_at: sql('coalesce(first_response_at, $?::timestamptz)', at),
      last_message_at: sql('greatest(last_message_at, $?::timestamptz)', at),
      snippet: post.text.slice(0, 200),
      message_count: sql('message_count + 1'),
      updated_at: sql('now()'),
    });
    return { status: 'stored', conversation_id: conversationId, message_id: messageId };
  }

  /** The customer behind an author: by platform user id, else by handle; created when new (`writes`: what to write for it). */
  private customerFor(post: NormalizedPost, found: FoundCustomer | null): { id: string; writes: WriteOp[] } {
    const a = post.author;
    if (found) {
      const c = found;
      // follower counts move all the time: record a change only when it moved by more than 10%
      const moved = a.followers !== null && (c.followers === null || Math.abs(a.followers - c.followers) > 0.1 * Math.max(c.followers, 10));
      const writes: WriteOp[] = moved || c.verified !== a.verified
        ? [{ op: 'update', entity: 'customer', id: found.customer_id, patch: { followers: a.followers, verified: a.verified } }] : [];
      return { id: found.customer_id, writes };
    }
    const id = randomUUID();
    // the customer, their identity and the change
    return { id, writes: [{ op: 'insert', entity: 'customer',
      values: { id, workspace_id: this.options.workspaceId, name: a.name || a.handle, location: a.location ?? null, followers: a.followers, verified: a.verified, created_at: post.created_at },
      identity: { channel: post.channel, handle: a.handle, platform_user_id: a.platform_user_id ?? null } }] };
  }

  private async openConversation(w: Writer, post: NormalizedPost, analysis: Analysis, customerId: string,
    customer: { tier: string | null; followers: number | null }, accountId: string, messageId: string, customerWrites: WriteOp[]): Promise<string> {
    const ws = this.options.workspaceId;
    let defaultTeam = this.options.defaultTeamId ?? null;
    if (defaultTeam === null) {
      if (!this.defaultTeam || this.defaultTeam.id === null || Date.now() - this.defaultTeam.at > 30_000) {
        const [t] = await w.query<{ id: string }>(`SELECT id FROM teams WHERE workspace_id = $1 AND kind = 'support' AND archived_at IS NULL ORDER BY created_at, name LIMIT 1`, [ws]);
        this.defaultTeam = { id: t?.id ?? null, at: Date.now() };
      }
      defaultTeam = this.defaultTeam.id;
    }
    const id = randomUUID();
    const decision = await this.route({ workspace_id: ws, conversation_id: id, post, analysis, customer_id: customerId, customer, default_team_id: defaultTeam });
    await w.writeAll([...customerWrites, { op: 'insert', entity: 'conversation', values: {
      id, workspace_id: ws, channel: post.channel, channel_account_id: accountId, customer_id: customerId,
      thread_key: post.visibility === 'private' ? (post.thread_key ?? post.author.platform_user_id ?? post.author.handle) : (post.thread_key ?? null),
      subject: post.text.replace(/\s+/g, ' ').trim().slice(0, 120), status: 'open', priority: decision.priority ?? analysis.priority ?? 'normal',
      assignee_id: decision.assignee_id ?? null, team_id: decision.team_id, analysis,
      first_response_due_at: decision.first_response_due_at ?? null, resolution_due_at: decision.resolution_due_at ?? null,
      last_message_at: post.created_at, last_inbound_at: post.created_at, snippet: post.text.slice(0, 200), message_count: 1,
      created_at: post.created_at, updated_at: sql('now()'),
    } }, this.inboundOp(post, id, messageId)]);
    return id;
  }
}

/**
 * One round trip: is the post stored already, which conversation it answers, whether that
 * conversation waits for an answer ($WAITING, from the answers hook), and the author's customer.
 */
const LOOKUP_SQL = `SELECT (SELECT coalesce(json_agg(json_build_object('platform_id', m.platform_id, 'id', m.id, 'conversation_id', m.conversation_id,
                   'answer_open', $WAITING)), '[]'::json)
                  FROM messages m WHERE m.workspace_id = $1 AND m.channel = $2 AND m.platform_id = ANY($3::text[])) AS known,
                coalesce(
                  (SELECT json_build_object('customer_id', i.customer_id, 'followers', c.followers, 'verified', c.verified, 'tier', c.tier)
                     FROM customer_identities i JOIN customers c ON c.id = i.customer_id
                    WHERE $4::text IS NOT NULL AND i.workspace_id = $1 AND i.channel = $2 AND i.platform_user_id = $4 LIMIT 1),
                  (SELECT json_build_object('customer_id', i.customer_id, 'followers', c.followers, 'verified', c.verified, 'tier', c.tier)
                     FROM customer_identities i JOIN customers c ON c.id = i.customer_id
                    WHERE $4::text IS NULL AND i.workspace_id = $1 AND i.channel = $2 AND i.platform_user_id IS NULL AND lower(i.handle) = lower($5) LIMIT 1)
                ) AS customer,
                (EXISTS (SELECT 1 FROM brand_identities b WHERE b.workspace_id = $1 AND b.channel = $2
                          AND ((b.kind = 'id' AND b.value = $4) OR (b.kind = 'handle' AND b.value = lower($5))))
                 OR EXISTS (SELECT 1 FROM channel_accounts a WHERE a.workspace_id = $1 AND a.channel = $2
                          AND (lower(a.handle) = lower($5) OR a.handle = $4))) AS is_brand`;

/** The latest conversation of a forum topic (public posts sharing a thread key). */
const TOPIC_SQL = `SELECT id FROM conversations WHERE workspace_id = $1 AND channel = $2 AND thread_key = $3
           ORDER BY last_message_at DESC LIMIT 1`;

/** Remembers a brand post's author (id and handle) as the brand's, on that channel. */
async function learnBrand(w: Writer, ws: string, post: NormalizedPost): Promise<void> {
  const rows: Array<[string, string]> = [];
  if (post.author.platform_user_id) rows.push(['id', post.author.platform_user_id]);
  if (post.author.handle && post.author.handle !== post.author.platform_user_id) rows.push(['handle', post.author.handle.toLowerCase()]);
  for (const [kind, value] of rows) {
    await w.query(`INSERT INTO brand_identities (workspace_id, channel, kind, value, source) VALUES ($1, $2, $3, $4, 'learned') ON CONFLICT DO NOTHING`, [ws, post.channel, kind, value]);
  }
}

/** The open conversation of a private thread, or a resolved one that waits for an answer. */
const OPEN_THREAD_SQL = `SELECT id FROM conversations c WHERE workspace_id = $1 AND channel = $2 AND thread_key = $3
             AND (status <> 'resolved' OR $WAITING)
           ORDER BY last_message_at DESC LIMIT 1`;

/** The customer's resolved conversation on the channel that waits for an answer (a survey asked by private message). */
const AWAITING_ANSWER_SQL = `SELECT id FROM conversations c WHERE workspace_id = $1 AND channel = $2 AND customer_id = $3
             AND status = 'resolved' AND $WAITING
             AND EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND m.direction = 'outbound' AND m.visibility = 'private')
           ORDER BY last_message_at DESC LIMIT 1`;

function checkPost(p: NormalizedPost): void {
  const bad = (why: string) => { throw new IngestError('invalid', `post ${p?.platform_id ?? '?'}: ${why}`); };
  if (!p || typeof p !== 'object') bad('not an object');
  if (typeof p.platform_id !== 'string' || !p.platform_id) bad('platform_id is missing');
  if (typeof p.text !== 'string') bad('text is missing');
  if (!p.author || typeof p.author.handle !== 'string' || !p.author.handle) bad('author handle is missing');
  if (Number.isNaN(Date.parse(p.created_at))) bad(`created_at "${p.created_at}" is not a date`);
  if (p.visibility !== 'public' && p.visibility !== 'private') bad('visibility must be public or private');
}
