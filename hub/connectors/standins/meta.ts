/**
 * A local stand-in for the Graph API (posting, the reads that reconcile an unknown send, and the
 * Messenger / Instagram user profile) and for Meta's webhook sender, for tests, the demo and the
 * soak suite. It checks the access token and the request shapes, answers in Graph API shapes, keeps
 * what was posted, and signs deliveries with the app secret (X-Hub-Signature-256).
 *   POST /{v}/{comment-id}/comments (Facebook), POST /{v}/{comment-id}/replies (Instagram), POST /{v}/me/messages
 *   (also /{v}/{page-id|ig-id}/messages), with {recipient:{id}} or, Meta's private reply to a comment,
 *   {recipient:{comment_id}}: only to a comment this stand-in delivered (it learns them from its webhook
 *   deliveries), one per comment ((#10900) Activity already replied to) and within 7 days of the comment
 *   ((#10) … outside of allowed window), as the Graph API refuses them
 *   GET  /{v}/me, GET /{v}/{comment-id}/comments|replies, GET /{v}/me/conversations?platform&user_id,
 *        GET /{v}/{conversation-id}/messages, GET /{v}/{user-id}?fields=… (profiles set with setProfile)
 * Faults and the control routes (/_standin/…): server.ts.
 */
import { metaSignature } from '../signatures';
import { postDelivery, startStandinServer, type Answer, type StandinServer } from './server';

export interface MetaStandinOptions {
  appSecret: string;
  /** accepted access tokens (Authorization: Bearer or ?access_token=) */
  accessTokens: string[];
  /** default v21.0 */
  graphVersion?: string;
  /** the Page the tokens belong to (default 1000000000000002 / Tend Demo Page) */
  page?: { id: string; name: string };
  /** the Instagram professional account linked to the Page: Instagram replies come from it (default 17841400000000001 / tenddemo) */
  instagram?: { id: string; username: string };
  port?: number;
}

export interface GraphComment { id: string; parent_id: string; edge: 'comments' | 'replies'; message: string; from: { id: string; name: string }; created_time: string }
export interface GraphMessage {
  id: string; conversation_id: string; user_id: string; message: string; from: { id: string; name: string }; created_time: string;
  /** a private reply: the comment it answers */
  comment_id?: string;
}
/** A customer's comment as the platform holds it (learned from the webhooks this stand-in delivered). */
export interface KnownComment { id: string; from_id: string; created_at: number; private_reply: string | null }
const PRIVATE_REPLY_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;

export interface MetaStandin extends StandinServer {
  /** what the Graph API holds: replies and messages posted through it, oldest first */
  comments: GraphComment[];
  messages: GraphMessage[];
  /** what GET /{user-id} answers (Messenger: first_name, last_name; Instagram: name, username) */
  setProfile(userId: string, profile: Record<string, string>): void;
  /** customers' comments delivered through this stand-in, by id: what a private reply may answer */
  knownComments: Map<string, KnownComment>;
  deliver(hubWebhookUrl: string, payload: unknown, opts?: { secret?: string; unsigned?: boolean }): Promise<{ status: number; body: unknown }>;
  /** subscribes as Meta does: true if the hub echoes the challenge */
  verifySubscription(hubWebhookUrl: string, verifyToken: string): Promise<boolean>;
}

const graphError = (status: number, message: string, code: number, type = 'OAuthException'): Answer => ({
  status, body: { error: { message, type, code, fbtrace_id: 'standin' } },
});
/** Graph API times: 2024-04-30T08:00:00+0000 */
const graphTime = (d = new Date()) => d.toISOString().replace(/\.\d{3}Z$/, '+0000');

let seq = 1000;

export async function startMetaStandin(opts: MetaStandinOptions): Promise<MetaStandin> {
  const version = opts.graphVersion ?? 'v21.0';
  const page = opts.page ?? { id: '1000000000000002', name: 'Tend Demo Page' };
  const igAccount = opts.instagram ?? { id: '17841400000000001', username: 'tenddemo' };
  const comments: GraphComment[] = [];
  const messages: GraphMessage[] = [];
  const profiles = new Map<string, Record<string, string>>();
  const knownComments = new Map<string, KnownComment>();
  /** the platform holds the comments it sends webhooks about */
  const learn = (raw: string) => {
    let p: { object?: unknown; entry?: Array<{ time?: number; changes?: Array<{ field?: string; value?: Record<string, unknown> }> }> };
    try { p = JSON.parse(raw); } catch { return; }
    for (const e of p?.entry ?? []) {
      for (const ch of e.changes ?? []) {
        const v = ch.value ?? {};
        const from = (v.from as { id?: unknown } | undefined)?.id;
        if (typeof from !== 'string') continue;
        if (p.object === 'page' && ch.field === 'feed' && v.item === 'comment' && v.verb === 'add' && typeof v.comment_id === 'string') {
          knownComments.set(v.comment_id, { id: v.comment_id, from_id: from, created_at: Number(v.created_time) * 1000, private_reply: null });
        } else if (p.object === 'instagram' && ch.field === 'comments' && typeof v.id === 'string') {
          knownComments.set(v.id, { id: v.id, from_id: from, created_at: Number(e.time) * 1000, private_reply: null });
        }
      }
    }
  };
  const server = await startStandinServer({
    deliver: (url, payload) => {
      const raw = typeof payload === 'string' ? payload : JSON.stringify(payload);
      learn(raw);
      return postDelivery(url, raw, { 'x-hub-signature-256': metaSignature(raw, opts.appSecret) });
    },
    posts: () => ({ comments, messages }),
    clear: () => { comments.length = 0; messages.length = 0; knownComments.clear(); },
    route(call) {
      const auth = typeof call.headers.authorization === 'string' ? call.headers.authorization.replace(/^Bearer /, '') : call.query.access_token;
      if (!auth || !opts.accessTokens.includes(auth)) return graphError(401, 'Invalid OAuth access token.', 190);
      const parts = call.path.split('/').filter(Boolean);
      if (parts[0] !== version) return graphError(400, `Unknown version ${parts[0]}`, 2635);
      if (call.method === 'GET') return read(parts.slice(1), call.query);
      if (call.method !== 'POST') return graphError(400, `Unsupported ${call.method} request.`, 100, 'GraphMethodException');
      // the fields the Graph API reads, not checked yet
      const body = call.body as { message?: unknown; recipient?: { id?: unknown; comment_id?: unknown }; messaging_type?: unknown } | null;

      if (parts.length === 3 && (parts[2] === 'comments' || parts[2] === 'replies') && parts[1] !== 'me') {
        if (!body || typeof body.message !== 'string' || !body.message) return graphError(400, '(#100) The parameter message is required', 100);
        const id = parts[2] === 'comments' ? `${parts[1].split('_')[0]}_${seq++}` : String(17_800_000_000_000_000 + seq++);
        comments.push({ id, parent_id: parts[1], edge: parts[2], message: body.message, from: page, created_time: graphTime() });
        return { status: 200, body: { id } };
      }
      if (parts.length === 3 && (parts[1] === 'me' || parts[1] === page.id || parts[1] === igAccount.id) && parts[2] === 'messages' && typeof body?.recipient?.comment_id === 'string') {
        // Meta's private reply to a comment
        const text = (body.message as { text?: unknown } | undefined)?.text;
        if (typeof text !== 'string' || !text) return graphError(400, '(#100) param message must be non-empty.', 100);
        const comment = knownComments.get(body.recipient.comment_id);
        if (!comment) return graphError(400, `(#100) No matching comment was found for recipient comment_id ${body.recipient.comment_id}`, 100);
        if (comment.private_reply) return graphError(400, '(#10900) Activity already replied to', 10900);
        if (Date.now() - comment.created_at > PRIVATE_REPLY_WINDOW_MS) {
          return { status: 400, body: { error: { message: '(#10) This message is sent outside of allowed window.', type: 'OAuthException', code: 10, error_subcode: 2018278, fbtrace_id: 'standin' } } };
        }
        const id = `m_standin_${seq++}`;
        comment.private_reply = id;
        messages.push({ id, conversation_id: `t_${comment.from_id}`, user_id: comment.from_id, message: text, from: page, created_time: graphTime(), comment_id: comment.id });
        return { status: 200, body: { recipient_id: comment.from_id, message_id: id } };
      }
      if (parts.length === 3 && parts[1] === 'me' && parts[2] === 'messages') {
        if (!body || typeof body.recipient?.id !== 'string') return graphError(400, '(#100) param recipient must be non-empty.', 100);
        if (body.messaging_type !== 'RESPONSE' && body.messaging_type !== 'UPDATE' && body.messaging_type !== 'MESSAGE_TAG') return graphError(400, '(#100) param messaging_type is invalid', 100);
        const text = (body.message as { text?: unknown } | undefined)?.text;
        if (typeof text !== 'string' || !text) return graphError(400, '(#100) param message must be non-empty.', 100);
        const id = `m_standin_${seq++}`;
        const to = body.recipient.id;
        messages.push({ id, conversation_id: `t_${to}`, user_id: to, message: text, from: page, created_time: graphTime() });
        return { status: 200, body: { recipient_id: to, message_id: id } };
      }
      return graphError(400, `Unknown path components: /${parts.slice(1).join('/')}`, 2500);
    },
  }, { port: opts.port });

  function read(path: string[], q: Record<string, string>): Answer {
    const list = <T>(data: T[]) => ({ status: 200, body: { data, paging: { cursors: { before: 'QVFIUjBl', after: 'QVFIUjBm' } } } });
    if (path.length === 1 && path[0] === 'me') return { status: 200, body: { id: page.id, name: page.name } };
    if (path.length === 2 && path[0] === 'me' && path[1] === 'conversations') {
      // one conversation per person (Messenger PSIDs and Instagram IGSIDs never collide)
      const conv = messages.find((m) => m.user_id === q.user_id);
      return list(conv ? [{ id: conv.conversation_id, updated_time: conv.created_time }] : []);
    }
    if (path.length === 2 && path[1] === 'messages') {
      return list(messages.filter((m) => m.conversation_id === path[0]).reverse().map((m) => ({ id: m.id, message: m.message, from: { id: m.from.id, name: m.from.name }, created_time: m.created_time })));
    }
    if (path.length === 2 && (path[1] === 'comments' || path[1] === 'replies')) {
      const mine = comments.filter((c) => c.parent_id === path[0] && c.edge === path[1]);
      const ordered = q.order === 'reverse_chronological' ? [...mine].reverse() : mine;
      return list(ordered.map((c) => c.edge === 'comments'
        ? { id: c.id, message: c.message, from: c.from, created_time: c.created_time }
        : { id: c.id, text: c.message, from: { id: igAccount.id, username: igAccount.username }, timestamp: c.created_time }));
    }
    if (path.length === 1) {
      const p = profiles.get(path[0]);
      if (!p) return graphError(400, `Unsupported get request. Object with ID '${path[0]}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, 100, 'GraphMethodException');
      const fields = (q.fields ?? 'id').split(',');
      return { status: 200, body: { ...Object.fromEntries(fields.filter((f) => p[f] !== undefined).map((f) => [f, p[f]])), id: path[0] } };
    }
    return graphError(400, `Unknown path components: /${path.join('/')}`, 2500);
  }

  return {
    ...server,
    comments,
    messages,
    knownComments,
    setProfile(userId, profile) { profiles.set(userId, profile); },
    deliver(hubWebhookUrl, payload, o = {}) {
      const raw = typeof payload === 'string' ? payload : JSON.stringify(payload);
      learn(raw);
      const headers: Record<string, string> = o.unsigned ? {} : { 'x-hub-signature-256': metaSignature(raw, o.secret ?? opts.appSecret) };
      return postDelivery(hubWebhookUrl, raw, headers);
    },
    async verifySubscription(hubWebhookUrl, verifyToken) {
      const challenge = String(Math.floor(Math.random() * 1e9));
      const q = new URLSearchParams({ 'hub.mode': 'subscribe', 'hub.verify_token': verifyToken, 'hub.challenge': challenge });
      const res = await fetch(`${hubWebhookUrl}?${q}`);
      return res.ok && (await res.text()) === challenge;
    },
  };
}

// ---- payload builders in the Graph API webhook format ---------------------------------------

export function fbCommentPayload(pageId: string, c: { postId: string; commentId: string; parentId?: string; from: { id: string; name: string }; message: string; at?: Date }) {
  const t = Math.floor((c.at ?? new Date()).getTime() / 1000);
  return {
    object: 'page',
    entry: [{
      id: pageId, time: t,
      changes: [{ field: 'feed', value: {
        from: c.from, post: { status_type: 'added_photos', is_published: true, updated_time: new Date(t * 1000).toISOString(), permalink_url: `https://www.facebook.com/${c.postId}`, promotion_status: 'inactive', id: c.postId },
        message: c.message, post_id: c.postId, comment_id: c.commentId, created_time: t, item: 'comment', parent_id: c.parentId ?? c.postId, verb: 'add',
      } }],
    }],
  };
}

export function igCommentPayload(igAccountId: string, c: { id: string; mediaId: string; parentId?: string; from: { id: string; username: string }; text: string; at?: Date }) {
  return {
    object: 'instagram',
    entry: [{
      id: igAccountId, time: Math.floor((c.at ?? new Date()).getTime() / 1000),
      changes: [{ field: 'comments', value: { from: c.from, media: { id: c.mediaId, media_product_type: 'FEED' }, id: c.id, ...(c.parentId ? { parent_id: c.parentId } : {}), text: c.text } }],
    }],
  };
}

export function messagingPayload(object: 'page' | 'instagram', accountId: string, m: { mid: string; senderId: string; text: string; echo?: boolean; at?: Date }) {
  const ts = (m.at ?? new Date()).getTime();
  return {
    object,
    entry: [{
      id: accountId, time: ts,
      messaging: [{
        sender: { id: m.echo ? accountId : m.senderId },
        recipient: { id: m.echo ? m.senderId : accountId },
        timestamp: ts,
        message: { mid: m.mid, text: m.text, ...(m.echo ? { is_echo: true } : {}) },
      }],
    }],
  };
}
