import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMetaStandin, type MetaStandin } from '../standins/meta';
import type { OutboundReply } from '../types';
import { createMetaConnector, createMetaConnectors } from './outbound';

const noSleep = { sleep: async () => {} };
const reply = (over: Partial<OutboundReply>): OutboundReply => ({
  message_id: 'm1', conversation_id: 'c1', channel: 'facebook', account: '1234567890123', visibility: 'public',
  text: 'We are sorry, a refund is on its way', in_reply_to: '99_1001', recipient: null, ...over,
});

describe('Meta outbound against the stand-in', () => {
  let g: MetaStandin;
  beforeAll(async () => { g = await startMetaStandin({ appSecret: 's', accessTokens: ['page-token', 'ig-token'] }); });
  afterAll(() => g.close());
  beforeEach(() => { g.calls.length = 0; });
  const connector = (over: object = {}) => createMetaConnector({ channel: 'facebook', graphBase: g.url, graphVersion: 'v21.0', accessToken: 'page-token', accountTokens: { '17841400000000001': 'ig-token' }, ...over }, noSleep);

  it('answers a Facebook comment with POST /v21.0/{comment-id}/comments {message}', async () => {
    const out = await connector().send(reply({}));
    expect(out.ok).toBe(true);
    expect(g.calls[0]).toMatchObject({ method: 'POST', path: '/v21.0/99_1001/comments', body: { message: 'We are sorry, a refund is on its way' } });
    expect(g.calls[0].headers.authorization).toBe('Bearer page-token');
  });

  it('answers an Instagram comment with POST /v21.0/{comment-id}/replies using the account\'s own token', async () => {
    const out = await connector({ channel: 'instagram' }).send(reply({ channel: 'instagram', account: '17841400000000001', in_reply_to: '17865799348089039' }));
    expect(out.ok).toBe(true);
    expect(g.calls[0]).toMatchObject({ path: '/v21.0/17865799348089039/replies', body: { message: 'We are sorry, a refund is on its way' } });
    expect(g.calls[0].headers.authorization).toBe('Bearer ig-token');
  });

  it('sends a private message with POST /v21.0/me/messages', async () => {
    const out = await connector().send(reply({ visibility: 'private', in_reply_to: null, recipient: '6789012345', text: 'Hi Ana' }));
    expect(out).toMatchObject({ ok: true, platform_id: expect.stringMatching(/^m_/) });
    expect(g.calls[0]).toMatchObject({ path: '/v21.0/me/messages', body: { recipient: { id: '6789012345' }, messaging_type: 'RESPONSE', message: { text: 'Hi Ana' } } });
  });

  it('answers a commenter privately with Meta\'s private reply: POST /v21.0/me/messages {recipient:{comment_id}}, once per comment, within 7 days', async () => {
    const now = Date.now();
    g.knownComments.set('99_2001', { id: '99_2001', from_id: '6789012399', created_at: now - 3_600_000, private_reply: null });
    g.knownComments.set('17865799348089111', { id: '17865799348089111', from_id: '5566778899', created_at: now - 60_000, private_reply: null });
    g.knownComments.set('99_2002', { id: '99_2002', from_id: '6789012398', created_at: now - 8 * 24 * 3_600_000, private_reply: null });
    const fb = await connector().send(reply({ visibility: 'private', in_reply_to: '99_2001', comment_id: '99_2001', recipient: '6789012399', text: 'How satisfied were you? 1-5' }));
    expect(fb).toMatchObject({ ok: true, platform_id: expect.stringMatching(/^m_/) });
    expect(g.calls[0]).toMatchObject({ method: 'POST', path: '/v21.0/me/messages', body: { recipient: { comment_id: '99_2001' }, message: { text: 'How satisfied were you? 1-5' } } });
    expect(g.messages.at(-1)).toMatchObject({ user_id: '6789012399', comment_id: '99_2001' });
    const ig = await connector({ channel: 'instagram' }).send(reply({ channel: 'instagram', account: '17841400000000001', visibility: 'private', in_reply_to: '17865799348089111', comment_id: '17865799348089111', recipient: '5566778899' }));
    expect(ig.ok).toBe(true);
    expect(g.calls[1]).toMatchObject({ path: '/v21.0/me/messages', body: { recipient: { comment_id: '17865799348089111' } } });
    expect(g.calls[1].headers.authorization).toBe('Bearer ig-token');

    // the platform's rules, in their words and the rule's: permanent, never retried
    const again = await connector().send(reply({ visibility: 'private', comment_id: '99_2001', recipient: '6789012399' }));
    expect(again).toEqual({ ok: false, retryable: false, error: 'Facebook allows one private reply per comment, and this comment already has one (HTTP 400: (#10900) Activity already replied to)' });
    const late = await connector().send(reply({ visibility: 'private', comment_id: '99_2002', recipient: '6789012398' }));
    expect(late).toMatchObject({ ok: false, retryable: false, error: expect.stringMatching(/^Facebook allows a private reply to a comment only within 7 days of it \(HTTP 400: \(#10\) This message is sent outside of allowed window/) });
    expect(g.calls).toHaveLength(4);
  });

  it('surfaces a Graph API error message as a permanent failure', async () => {
    const out = await connector({ accessToken: 'expired' }).send(reply({}));
    expect(out).toEqual({ ok: false, error: 'HTTP 401: Invalid OAuth access token.', retryable: false });
  });

  it('retries 429 (honouring Retry-After) and 408, then succeeds', async () => {
    g.failNext(429, 1, { error: { message: 'Application request limit reached', code: 4 } }, { 'retry-after': '2' });
    g.failNext(408, 1);
    const delays: number[] = [];
    const out = await createMetaConnector({ graphBase: g.url, accessToken: 'page-token', retry: { baseDelayMs: 10 } }, { sleep: async (ms) => { delays.push(ms); }, random: () => 0 }).send(reply({}));
    expect(out.ok).toBe(true);
    expect(g.calls.map((c) => c.status)).toEqual([429, 408, 200]);
    expect(delays).toEqual([2000, 10]);
  });

  it('gives up after the last attempt with a retryable failure', async () => {
    g.failNext(429, 3);
    const out = await connector({ retry: { attempts: 3 } }).send(reply({}));
    expect(out).toMatchObject({ ok: false, retryable: true, error: expect.stringMatching(/gave up after 3 attempts: HTTP 429/) });
    expect(g.calls).toHaveLength(3);
  });

  it('a 500 is an unknown outcome, sent once: the hub reads back before anything else', async () => {
    g.failNext(500, 3);
    const out = await connector({ retry: { attempts: 3 } }).send(reply({}));
    expect(out).toMatchObject({ ok: false, unknown: true, error: expect.stringMatching(/HTTP 500/) });
    expect(g.calls).toHaveLength(1);
  });

  it('refuses channels it does not serve; createMetaConnectors gives one per channel', async () => {
    expect(await connector().send(reply({ channel: 'x' }))).toMatchObject({ ok: false, retryable: false });
    expect(await connector().send(reply({ channel: 'instagram' }))).toMatchObject({ ok: false, retryable: false });
    expect(createMetaConnectors({ accessToken: 't' }).map((c) => c.channel)).toEqual(['facebook', 'instagram']);
    expect(g.calls).toHaveLength(0);
  });
});
