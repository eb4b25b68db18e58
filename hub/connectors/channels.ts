/**
 * Channels connected from the app (issue 12): X, Facebook and Instagram accounts and RSS/Atom feeds
 * kept in `channel_connections` (migration 0990), their secrets sealed (secret-box.ts) and answered
 * only as "set" and their last 4 characters. What the connectors use is the environment's
 * configuration (TEND_* variables, config.ts) with the stored channels added where the environment
 * says nothing: environment variables win, per platform. Every change applies at once, without a
 * restart: the webhooks read the current configuration on each delivery, the outbound connectors are
 * registered again, the feed poller restarts with the new list.
 *
 * Health, since the hub started: the last post received, the last failure (a refused delivery, a
 * failed poll, a reply the platform refused), and what was refused or skipped, by reason: the
 * webhooks' and the poller's own counts (webhooks.ts `onRefusal`, poller.ts `onPoll`).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import {
  CHANNEL_SECRETS, ChannelInputSchema, type AdminChannel, type ChannelKind, type ChannelsResponseSchema,
} from '../../shared/contract/admin';
import type { Channel } from '../../shared/domain';
import type { z } from 'zod';
import { HttpError } from '../api/errors';
import type { Queryable } from '../db/db';
import type { ConnectorConfig } from './config';
import type { FeedConfig, PollResult } from './feeds/poller';
import { SecretBox, SecretKeyError } from './secret-box';
import { metaSignature, xSignature } from './signatures';
import { fbCommentPayload, igCommentPayload } from './standins/meta';
import { xTweetCreatePayload } from './standins/x';
import type { BrandAccount } from './types';

type Input = z.output<typeof ChannelInputSchema>;
type Health = AdminChannel['health'];
type ChannelsAnswer = z.output<typeof ChannelsResponseSchema>;

export interface Connection {
  id: string;
  workspace_id: string;
  kind: ChannelKind;
  name: string;
  settings: Record<string, unknown>;
  secrets: string | null;
  secret_hints: Record<string, string>;
  updated_at: string;
}

const X_API = 'https://api.x.com';
const GRAPH = 'https://graph.facebook.com';

/** Health counters of one source (x, meta, or a feed), since the hub started. */
class HealthBook {
  private readonly books = new Map<string, Health>();
  /**
   * Health is counted by the running hub, in memory (a write per webhook delivery would cost the ingest
   * path its speed): after a restart it starts again, and says since when, so "no post" reads as "none
   * since the hub started", never as "never".
   */
  private readonly since = new Date().toISOString();
  of(key: string): Health {
    let h = this.books.get(key);
    if (!h) { h = { last_delivery_at: null, last_error: null, refused: {}, stored: 0, counted_since: this.since }; this.books.set(key, h); }
    return h;
  }
  delivered(key: string, stored: number): void { const h = this.of(key); h.last_delivery_at = new Date().toISOString(); h.stored += stored; }
  failed(key: string, reason: string, message: string): void {
    const h = this.of(key);
    h.refused[reason] = (h.refused[reason] ?? 0) + 1;
    h.last_error = { at: new Date().toISOString(), message: `${reason}: ${message}`.slice(0, 500) };
  }
  poll(r: PollResult): void {
    const h = this.of(`feed:${r.feed}`);
    if (r.status === 'error') { h.last_error = { at: new Date().toISOString(), message: `poll failed: ${r.error ?? 'unknown error'}`.slice(0, 500) }; h.refused['poll failed'] = (h.refused['poll failed'] ?? 0) + 1; return; }
    if (r.stored > 0) h.last_delivery_at = new Date().toISOString();
    h.stored += r.stored;
    for (const s of r.skipped) {
      const reason = `skipped: ${s.reason.replace(/\s+/g, ' ').slice(0, 80)}`;
      h.refused[reason] = (h.refused[reason] ?? 0) + 1;
      h.last_error = { at: new Date().toISOString(), message: `item ${s.id ?? '(no id)'} ${reason}`.slice(0, 500) };
    }
  }
}

export interface ChannelsOptions {
  db: Queryable;
  /** the environment's configuration (TEND_* variables, or what a test handed in): it wins per platform */
  env: ConnectorConfig;
  /** the workspace webhooks and feeds ingest into (resolved on first use) */
  workspace(): Promise<string | null>;
  /** the key's source: TEND_SECRETS_KEY, else the data dir's key file */
  dataDir?: string;
  secretsEnv?: Record<string, string | undefined>;
  /** the demo: test posts through the platform stand-in */
  demo: boolean;
  warn(line: string): void;
  /** the effective configuration changed: apply it (webhooks, outbound connectors, feed poller) */
  apply(config: ConnectorConfig): Promise<void>;
  /** a feed polled now */
  pollNow(feedId: string): Promise<PollResult>;
}

export class ChannelSettings {
  readonly health = new HealthBook();
  private box: SecretBox | null = null;
  private app: FastifyInstance | null = null;
  private effective: ConnectorConfig;
  /** why each stored channel is not in use (absent: in use) */
  private inactive = new Map<string, string>();

  constructor(private readonly o: ChannelsOptions) { this.effective = o.env; }

  current(): ConnectorConfig { return this.effective; }
  /** the server, to deliver test posts to its own webhooks */
  attach(app: FastifyInstance): void { this.app = app; }

  private secretBox(): SecretBox {
    this.box ??= SecretBox.open({ env: this.o.secretsEnv, dataDir: this.o.dataDir, warn: this.o.warn });
    return this.box;
  }

  private async rows(workspaceId: string): Promise<Connection[]> {
    return this.o.db.query<Connection>(
      `SELECT id, workspace_id, kind, name, settings, secrets, secret_hints,
              to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS updated_at
         FROM channel_connections WHERE workspace_id = $1 ORDER BY created_at, id`, [workspaceId]);
  }

  private async row(workspaceId: string, id: string): Promise<Connection> {
    const [r] = (await this.rows(workspaceId)).filter((c) => c.id === id);
    if (!r) throw new HttpError(404, 'not_found', `channel ${id} not found`);
    return r;
  }

  private secretsOf(c: Connection): Record<string, string> {
    return c.secrets ? this.secretBox().open(c.secrets) : {};
  }

  /** Environment first, then the ingest workspace's stored channels where the environment says nothing. */
  async reload(): Promise<void> {
    const env = this.o.env;
    const ws = await this.o.workspace();
    const rows = ws ? await this.rows(ws) : [];
    const inactive = new Map<string, string>();
    const webhooks = { ...env.webhooks, accountNames: { ...(env.webhooks.accountNames ?? {}) }, brandAccounts: [...(env.webhooks.brandAccounts ?? [])] };
    const brands: BrandAccount[] = [...(env.brands ?? [])];
    let x = env.x;
    let meta = env.meta;
    const feeds: FeedConfig[] = [...env.feeds];
    const envX = !!(env.x || env.webhooks.xConsumerSecret);
    const envMeta = !!(env.meta || env.webhooks.metaAppSecret);
    let metaApp: { secret: string; verify: string; name: string } | null = null;
    const metaTokens: Record<string, string> = {};
    let metaBase: string | null = null;
    for (const c of rows) {
      let secrets: Record<string, string>;
      try { secrets = this.secretsOf(c); } catch (e) {
        if (!(e instanceof SecretKeyError)) throw e;
        inactive.set(c.id, e.message);
        continue;
      }
      const s = c.settings as Record<string, string | number | undefined>;
      if (c.kind === 'x') {
        if (envX) { inactive.set(c.id, 'TEND_X_* environment variables are set on the hub and win: unset them to use this account'); continue; }
        if (webhooks.xConsumerSecret) { inactive.set(c.id, 'another X account is connected: the hub listens with one X app'); continue; }
        if (!secrets.consumer_secret) { inactive.set(c.id, 'missing the consumer secret: X deliveries cannot be checked'); continue; }
        webhooks.xConsumerSecret = secrets.consumer_secret;
        x = secrets.bearer_token ? { apiBase: String(s.api_base ?? X_API), auth: { kind: 'bearer', token: secrets.bearer_token } } : null;
        webhooks.accountNames[String(s.account_id)] = c.name;
        const brand = { channel: 'x' as Channel, id: String(s.account_id), handle: String(s.handle) };
        brands.push(brand);
        webhooks.brandAccounts.push(brand);
      } else if (c.kind === 'facebook' || c.kind === 'instagram') {
        if (envMeta) { inactive.set(c.id, 'TEND_META_* environment variables are set on the hub and win: unset them to use this account'); continue; }
        const missing = (['app_secret', 'verify_token', 'access_token'] as const).filter((k) => !secrets[k]);
        if (missing.length) { inactive.set(c.id, `missing ${missing.join(', ').replace(/_/g, ' ')}`); continue; }
        if (metaApp && metaApp.secret !== secrets.app_secret) { inactive.set(c.id, `its app secret differs from ${metaApp.name}'s: the hub listens with one Meta app`); continue; }
        metaApp ??= { secret: secrets.app_secret!, verify: secrets.verify_token!, name: c.name };
        metaBase ??= String(s.api_base ?? GRAPH);
        // replies name the account as the webhooks do: by name, and by id for posts that kept it
        metaTokens[c.name] = secrets.access_token!;
        metaTokens[String(s.account_id)] = secrets.access_token!;
        webhooks.accountNames[String(s.account_id)] = c.name;
        const brand = { channel: c.kind as Channel, id: String(s.account_id) };
        brands.push(brand);
        webhooks.brandAccounts.push(brand);
      } else if (c.kind === 'feed') {
        feeds.push({ id: c.id, url: String(s.url), channel: s.channel as FeedConfig['channel'], account: c.name, intervalMs: Number(s.interval_minutes ?? 15) * 60_000 });
      }
    }
    if (metaApp) {
      webhooks.metaAppSecret = metaApp.secret;
      webhooks.metaVerifyToken = metaApp.verify;
      meta = { graphBase: metaBase ?? GRAPH, graphVersion: 'v21.0', accessToken: Object.values(metaTokens)[0]!, accountTokens: metaTokens };
      webhooks.metaGraph = { graphBase: meta.graphBase, graphVersion: meta.graphVersion, accessToken: meta.accessToken, accountTokens: meta.accountTokens };
    }
    this.inactive = inactive;
    this.effective = { webhooks, x, meta, feeds, brands };
    await this.o.apply(this.effective);
  }

  private view(c: Connection, ingestWs: string | null, prefix: string): AdminChannel {
    const names = CHANNEL_SECRETS[c.kind] as readonly string[];
    const secrets: AdminChannel['secrets'] = {};
    for (const n of names) secrets[n] = { set: c.secret_hints[n] !== undefined, last4: c.secret_hints[n] ?? null };
    const elsewhere = ingestWs !== c.workspace_id ? `this hub's webhooks and feeds serve workspace ${ingestWs ?? '(none yet)'}` : null;
    const reason = elsewhere ?? this.inactive.get(c.id) ?? null;
    const key = c.kind === 'x' ? 'x' : c.kind === 'feed' ? `feed:${c.id}` : 'meta';
    const health = structuredClone(this.health.of(key));
    return {
      id: c.id, kind: c.kind, name: c.name, settings: c.settings, secrets, active: reason === null, inactive_reason: reason,
      webhook_path: c.kind === 'x' ? `${prefix}/x` : c.kind === 'feed' ? null : `${prefix}/meta`,
      health, updated_at: c.updated_at,
    };
  }

  /** A reply the platform refused counts as the channel's last error when it is newer. */
  private async withSendErrors(workspaceId: string, list: AdminChannel[]): Promise<AdminChannel[]> {
    const failed = await this.o.db.query<{ channel: string; delivery_error: string | null; at: string }>(
      `SELECT DISTINCT ON (channel) channel, delivery_error, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at
         FROM messages WHERE workspace_id = $1 AND direction = 'outbound' AND delivery = 'failed' AND channel IN ('x', 'facebook', 'instagram')
        ORDER BY channel, created_at DESC`, [workspaceId]);
    for (const ch of list) {
      const f = failed.find((r) => r.channel === ch.kind);
      if (f && (!ch.health.last_error || ch.health.last_error.at < f.at)) ch.health.last_error = { at: f.at, message: `a reply was not posted: ${f.delivery_error ?? 'refused'}` };
    }
    return list;
  }

  async list(workspaceId: string): Promise<ChannelsAnswer> {
    const ingestWs = await this.o.workspace();
    const prefix = this.o.env.webhooks.prefix ?? '/webhooks';
    const channels = await this.withSendErrors(workspaceId, (await this.rows(workspaceId)).map((c) => this.view(c, ingestWs, prefix)));
    const env = this.o.env;
    const environment: ChannelsAnswer['environment'] = [];
    if (env.x || env.webhooks.xConsumerSecret) {
      environment.push({ kind: 'x', variables: ['TEND_X_CONSUMER_SECRET', env.x?.auth.kind === 'oauth1' ? 'TEND_X_ACCESS_TOKEN' : 'TEND_X_BEARER_TOKEN'].filter((v) => v === 'TEND_X_CONSUMER_SECRET' ? !!env.webhooks.xConsumerSecret : !!env.x),
        detail: `X ${env.webhooks.xConsumerSecret ? 'webhooks' : ''}${env.webhooks.xConsumerSecret && env.x ? ' and ' : ''}${env.x ? 'posting' : ''} from the hub's environment`, health: structuredClone(this.health.of('x')) });
    }
    if (env.meta || env.webhooks.metaAppSecret) {
      environment.push({ kind: 'facebook', variables: [env.webhooks.metaAppSecret ? 'TEND_META_APP_SECRET' : '', env.webhooks.metaVerifyToken ? 'TEND_META_VERIFY_TOKEN' : '', env.meta?.accessToken ? 'TEND_META_ACCESS_TOKEN' : '', env.meta?.accountTokens ? 'TEND_META_ACCOUNT_TOKENS' : ''].filter(Boolean),
        detail: 'Facebook and Instagram from the hub\'s environment', health: structuredClone(this.health.of('meta')) });
    }
    for (const f of env.feeds) environment.push({ kind: 'feed', variables: ['TEND_FEEDS'], detail: `feed ${f.id}: ${f.url}`, health: structuredClone(this.health.of(`feed:${f.id}`)) });
    let keySource = 'not created yet (made when the first secret is saved)';
    if (this.box) keySource = this.box.source;
    else if (channels.some((c) => Object.values(c.secrets).some((s) => s.set))) keySource = this.secretBox().source;
    return { channels, environment, demo: this.o.demo, key_source: keySource };
  }

  /** Checks the input against what is stored, seals the secrets; nothing is written on a refusal. */
  private async prepare(workspaceId: string, input: Input, existing: Connection | null): Promise<{ settings: Record<string, unknown>; sealed: string | null; hints: Record<string, string> }> {
    if (existing && existing.kind !== input.kind) throw new HttpError(400, 'invalid', `this channel is ${existing.kind}: a channel's kind does not change (delete it and add a ${input.kind} one)`);
    const others = (await this.rows(workspaceId)).filter((c) => c.id !== existing?.id);
    if (others.some((c) => c.name.toLowerCase() === input.name.toLowerCase())) throw new HttpError(409, 'name_taken', `a channel is already named ${input.name}`);
    if (input.kind === 'x' && others.some((c) => c.kind === 'x')) throw new HttpError(409, 'one_x_account', 'an X account is connected already: the hub listens with one X app; edit that one');
    if (input.kind === 'feed') {
      if (others.some((c) => c.kind === 'feed' && c.settings.url === input.url)) throw new HttpError(409, 'feed_taken', `the feed ${input.url} is connected already`);
      return { settings: { url: input.url, channel: input.channel, interval_minutes: input.interval_minutes }, sealed: null, hints: {} };
    }
    if (others.some((c) => c.kind === input.kind && c.settings.account_id === input.account_id)) throw new HttpError(409, 'account_taken', `account ${input.account_id} is connected already`);
    let kept: Record<string, string> = {};
    if (existing?.secrets) {
      try { kept = this.secretsOf(existing); } catch (e) {
        if (!(e instanceof SecretKeyError)) throw e;
        // unreadable: the new ones replace them all; the ones not given again are gone
        kept = {};
      }
    }
    const given = Object.fromEntries(Object.entries(input.secrets).filter(([, v]) => typeof v === 'string' && v.length > 0)) as Record<string, string>;
    const secrets = { ...kept, ...given };
    const required = input.kind === 'x' ? ['consumer_secret'] : ['app_secret', 'verify_token', 'access_token'];
    const missing = required.filter((k) => !secrets[k]);
    if (missing.length) throw new HttpError(400, 'invalid', `give the ${missing.join(', ').replace(/_/g, ' ')}`);
    const settings: Record<string, unknown> = { account_id: input.account_id, ...(input.kind === 'x' ? { handle: input.handle } : {}), ...(input.api_base ? { api_base: input.api_base.replace(/\/+$/, '') } : {}) };
    const hints = Object.fromEntries(Object.entries(secrets).map(([k, v]) => [k, v.slice(-4)]));
    return { settings, sealed: this.secretBox().seal(secrets), hints };
  }

  private async one(workspaceId: string, id: string): Promise<AdminChannel> {
    const ingestWs = await this.o.workspace();
    const [view] = await this.withSendErrors(workspaceId, [this.view(await this.row(workspaceId, id), ingestWs, this.o.env.webhooks.prefix ?? '/webhooks')]);
    return view!;
  }

  async create(workspaceId: string, input: Input, by: string | null): Promise<AdminChannel> {
    const p = await this.prepare(workspaceId, input, null);
    const id = `${input.kind}-${randomUUID().slice(0, 8)}`;
    await this.o.db.query(
      `INSERT INTO channel_connections (id, workspace_id, kind, name, settings, secrets, secret_hints, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [id, workspaceId, input.kind, input.name, JSON.stringify(p.settings), p.sealed, JSON.stringify(p.hints), by]);
    await this.reload();
    return this.one(workspaceId, id);
  }

  async update(workspaceId: string, id: string, input: Input): Promise<{ channel: AdminChannel; secrets_changed: string[] }> {
    const existing = await this.row(workspaceId, id);
    const p = await this.prepare(workspaceId, input, existing);
    await this.o.db.query(
      `UPDATE channel_connections SET name = $3, settings = $4, secrets = $5, secret_hints = $6, updated_at = now() WHERE workspace_id = $1 AND id = $2`,
      [workspaceId, id, input.name, JSON.stringify(p.settings), p.sealed, JSON.stringify(p.hints)]);
    await this.reload();
    const changed = 'secrets' in input ? Object.entries(input.secrets).filter(([, v]) => v).map(([k]) => k) : [];
    return { channel: await this.one(workspaceId, id), secrets_changed: changed };
  }

  async remove(workspaceId: string, id: string): Promise<Connection> {
    const c = await this.row(workspaceId, id);
    await this.o.db.query('DELETE FROM channel_connections WHERE workspace_id = $1 AND id = $2', [workspaceId, id]);
    await this.reload();
    return c;
  }

  /**
   * The demo's test post: a customer's post in the platform's own payload, signed with the channel's
   * stored secret as the platform signs it (the stand-ins' builders), delivered to this hub's webhook.
   * A feed is polled now (on any hub).
   */
  async test(workspaceId: string, id: string): Promise<{ ok: boolean; detail: string }> {
    const c = await this.row(workspaceId, id);
    if (c.kind === 'feed') {
      const ingestWs = await this.o.workspace();
      if (ingestWs !== workspaceId || this.inactive.has(c.id)) return { ok: false, detail: this.inactive.get(c.id) ?? 'this feed is not polled by this hub' };
      const r = await this.o.pollNow(c.id);
      return r.status === 'error' ? { ok: false, detail: `poll failed: ${r.error}` }
        : { ok: true, detail: r.status === 'not_modified' ? 'polled: nothing new since the last poll' : `polled: ${r.items} items, ${r.stored} new` };
    }
    if (!this.o.demo) throw new HttpError(409, 'demo_only', 'a test post through the platform stand-in is for the demo hub; on a real hub, post to the account and watch its health');
    if (!this.app) throw new HttpError(503, 'not_ready', 'the hub is starting');
    let secrets: Record<string, string>;
    try { secrets = this.secretsOf(c); } catch (e) { if (e instanceof SecretKeyError) return { ok: false, detail: e.message }; throw e; }
    const s = c.settings as Record<string, string>;
    const prefix = this.o.env.webhooks.prefix ?? '/webhooks';
    const n = () => `9${Date.now()}${randomBytes(2).readUInt16BE()}`.slice(0, 19);
    const text = `Test post through the ${c.kind === 'x' ? 'X' : c.kind === 'facebook' ? 'Facebook' : 'Instagram'} stand-in, ${new Date().toISOString().slice(11, 19)} UTC: is this channel connected?`;
    let url: string; let payload: unknown; let header: Record<string, string>;
    if (c.kind === 'x') {
      payload = xTweetCreatePayload(s.account_id!, [{ id: n(), text, user: { id: '900000000000000777', screen_name: 'tend_test_customer', name: 'Test customer' } }]);
      url = `${prefix}/x`;
      header = { 'x-twitter-webhooks-signature': xSignature(JSON.stringify(payload), secrets.consumer_secret ?? '') };
    } else {
      const from = { id: '900000000000777', name: 'Test customer' };
      payload = c.kind === 'facebook'
        ? fbCommentPayload(s.account_id!, { postId: `${s.account_id}_${n()}`, commentId: `${n()}_${n()}`, from, message: text })
        : igCommentPayload(s.account_id!, { id: n(), mediaId: n(), from: { id: from.id, username: 'test_customer' }, text });
      url = `${prefix}/meta`;
      header = { 'x-hub-signature-256': metaSignature(JSON.stringify(payload), secrets.app_secret ?? '') };
    }
    const res = await this.app.inject({ method: 'POST', url, payload: JSON.stringify(payload), headers: { 'content-type': 'application/json', ...header } });
    const body = res.json() as { stored?: number; duplicates?: number; error?: { message?: string } };
    if (res.statusCode === 200) return { ok: true, detail: `the hub took the test post (${body.stored ?? 0} stored): "${text}"` };
    return { ok: false, detail: `the hub refused the test post: ${res.statusCode} ${body.error?.message ?? res.body.slice(0, 200)}` };
  }
}
