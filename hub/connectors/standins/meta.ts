/**
 * A local stand-in for the Graph API posting endpoints and for Meta's webhook sender, for tests
 * and the demo. It checks the access token and the request shapes, answers in Graph API shapes,
 * and signs deliveries with the app secret (X-Hub-Signature-256).
 */
import { metaSignature } from '../signatures';
import { postDelivery, startStandinServer, type Answer, type StandinServer } from './server';

export interface MetaStandinOptions {
  appSecret: string;
  /** accepted access tokens (Authorization: Bearer or ?access_token=) */
  accessTokens: string[];
  /** default v21.0 */
  graphVersion?: string;
}

export interface MetaStandin extends StandinServer {
  deliver(hubWebhookUrl: string, payload: unknown, opts?: { secret?: string; unsigned?: boolean }): Promise<{ status: number; body: unknown }>;
  /** subscribes as Meta does: true if the hub echoes the challenge */
  verifySubscription(hubWebhookUrl: string, verifyToken: string): Promise<boolean>;
}

const graphError = (status: number, message: string, code: number, type = 'OAuthException'): Answer => ({
  status, body: { error: { message, type, code, fbtrace_id: 'standin' } },
});

let seq = 1000;

export async function startMetaStandin(opts: MetaStandinOptions): Promise<MetaStandin> {
  const version = opts.graphVersion ?? 'v21.0';
  const server = await startStandinServer((call) => {
    const auth = typeof call.headers.authorization === 'string' ? call.headers.authorization.replace(/^Bearer /, '') : call.query.access_token;
    if (!auth || !opts.accessTokens.includes(auth)) return graphError(401, 'Invalid OAuth access token.', 190);
    if (call.method !== 'POST') return graphError(400, `Unsupported ${call.method} request.`, 100, 'GraphMethodException');
    const parts = call.path.split('/').filter(Boolean);
    if (parts[0] !== version) return graphError(400, `Unknown version ${parts[0]}`, 2635);
    const body = call.body as Record<string, any> | null;

    if (parts.length === 3 && (parts[2] === 'comments' || parts[2] === 'replies') && parts[1] !== 'me') {
      if (!body || typeof body.message !== 'string' || !body.message) return graphError(400, '(#100) The parameter message is required', 100);
      return { status: 200, body: { id: parts[2] === 'comments' ? `${parts[1].split('_')[0]}_${seq++}` : String(17_800_000_000_000_000 + seq++) } };
    }
    if (parts.length === 3 && parts[1] === 'me' && parts[2] === 'messages') {
      if (!body || typeof body.recipient?.id !== 'string') return graphError(400, '(#100) param recipient must be non-empty.', 100);
      if (body.messaging_type !== 'RESPONSE' && body.messaging_type !== 'UPDATE' && body.messaging_type !== 'MESSAGE_TAG') return graphError(400, '(#100) param messaging_type is invalid', 100);
      if (typeof body.message?.text !== 'string' || !body.message.text) return graphError(400, '(#100) param message must be non-empty.', 100);
      return { status: 200, body: { recipient_id: body.recipient.id, message_id: `m_standin_${seq++}` } };
    }
    return graphError(400, `Unknown path components: /${parts.slice(1).join('/')}`, 2500);
  });

  return {
    ...server,
    deliver(hubWebhookUrl, payload, o = {}) {
      const raw = typeof payload === 'string' ? payload : JSON.stringify(payload);
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
