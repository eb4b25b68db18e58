import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startXStandin, type XStandin } from '../standins/x';
import type { OutboundReply } from '../types';
import { oauth1Header, oauth1Signature } from './oauth1';
import { createXConnector } from './outbound';

const noSleep = { sleep: async () => {} };
const reply = (over: Partial<OutboundReply>): OutboundReply => ({
  message_id: 'm1', conversation_id: 'c1', channel: 'x', account: '3001969357', visibility: 'public',
  text: '@janedoe Sorry about that, we are on it', in_reply_to: '1050118621198921728', recipient: null, ...over,
});

describe('OAuth 1.0a signing', () => {
  it('reproduces the signature from X\'s "Creating a signature" documentation', () => {
    const sig = oauth1Signature('POST', 'https://api.twitter.com/1.1/statuses/update.json', {
      status: 'Hello Ladies + Gentlemen, a signed OAuth request!',
      include_entities: 'true',
      oauth_consumer_key: 'xvz1evFS4wEEPTGEFPHBog',
      oauth_nonce: 'kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg',
      oauth_signature_method: 'HMAC-SHA1',
      oauth_timestamp: '1318622958',
      oauth_token: '370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb',
      oauth_version: '1.0',
    }, 'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw', 'LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE');
    expect(sig).toBe('hCtSmYh+iHYCEqBWrE7C7hYmtUk=');
  });
  it('builds a header with every oauth_* field', () => {
    const h = oauth1Header('POST', 'https://api.x.com/2/tweets', { consumerKey: 'ck', consumerSecret: 'cs', token: 't', tokenSecret: 'ts' }, { nonce: 'n', timestamp: '1' });
    expect(h).toMatch(/^OAuth oauth_consumer_key="ck", oauth_nonce="n", oauth_signature_method="HMAC-SHA1", oauth_timestamp="1", oauth_token="t", oauth_version="1.0", oauth_signature="[^"]+"$/);
  });
});

describe('X outbound against the stand-in', () => {
  let x: XStandin;
  beforeAll(async () => { x = await startXStandin({ consumerSecret: 'cs', bearerToken: 'user-token' }); });
  afterAll(() => x.close());
  beforeEach(() => { x.calls.length = 0; });

  it('posts a public reply as POST /2/tweets {text, reply:{in_reply_to_tweet_id}}', async () => {
    const out = await createXConnector({ apiBase: x.url, auth: { kind: 'bearer', token: 'user-token' } }, noSleep).send(reply({}));
    expect(out).toMatchObject({ ok: true });
    expect(x.calls).toHaveLength(1);
    expect(x.calls[0]).toMatchObject({ method: 'POST', path: '/2/tweets', body: { text: '@janedoe Sorry about that, we are on it', reply: { in_reply_to_tweet_id: '1050118621198921728' } } });
    expect(x.calls[0].headers.authorization).toBe('Bearer user-token');
    expect(x.calls[0].headers['content-type']).toBe('application/json');
    if (out.ok) expect(out.platform_id).toMatch(/^\d+$/);
  });

  it('sends a direct message as POST /2/dm_conversations/with/:participant_id/messages {text}', async () => {
    const out = await createXConnector({ apiBase: x.url + '/', auth: { kind: 'bearer', token: 'user-token' } }, noSleep)
      .send(reply({ visibility: 'private', in_reply_to: null, recipient: '4337869213', text: 'Please send your order number' }));
    expect(out.ok).toBe(true);
    expect(x.calls[0]).toMatchObject({ path: '/2/dm_conversations/with/4337869213/messages', body: { text: 'Please send your order number' } });
  });

  it('signs with OAuth 1.0a, and the stand-in verifies the signature', async () => {
    const creds = { consumerKey: 'ck', consumerSecret: 'cs', token: 'tok', tokenSecret: 'tsec' };
    const x1 = await startXStandin({ consumerSecret: 'cs', oauth1: creds });
    try {
      expect((await createXConnector({ apiBase: x1.url, auth: { kind: 'oauth1', ...creds } }, noSleep).send(reply({}))).ok).toBe(true);
      const bad = await createXConnector({ apiBase: x1.url, auth: { kind: 'oauth1', ...creds, tokenSecret: 'wrong' } }, noSleep).send(reply({}));
      expect(bad).toMatchObject({ ok: false, retryable: false, error: 'HTTP 401: Unauthorized' });
    } finally { await x1.close(); }
  });

  it('a wrong token is a permanent failure, not retried', async () => {
    const out = await createXConnector({ apiBase: x.url, auth: { kind: 'bearer', token: 'nope' } }, noSleep).send(reply({}));
    expect(out).toEqual({ ok: false, error: 'HTTP 401: Unauthorized', retryable: false });
    expect(x.calls).toHaveLength(1);
  });

  it('retries on 429 with backoff, then succeeds', async () => {
    x.failNext(429, 2);
    const delays: number[] = [];
    const out = await createXConnector({ apiBase: x.url, auth: { kind: 'bearer', token: 'user-token' }, retry: { baseDelayMs: 100 } }, {
      sleep: async (ms) => { delays.push(ms); }, random: () => 1,
    }).send(reply({}));
    expect(out.ok).toBe(true);
    expect(x.calls.map((c) => c.status)).toEqual([429, 429, 201]);
    expect(delays).toEqual([100, 200]);
  });

  it('a DM without a recipient fails without calling the platform', async () => {
    const out = await createXConnector({ apiBase: x.url, auth: { kind: 'bearer', token: 'user-token' } }, noSleep).send(reply({ visibility: 'private', recipient: null }));
    expect(out).toMatchObject({ ok: false, retryable: false });
    expect(x.calls).toHaveLength(0);
  });
});
