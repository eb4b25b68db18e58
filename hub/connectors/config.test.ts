import { describe, expect, it } from 'vitest';
import { createOutboundConnectors, loadConnectorConfig } from './config';

describe('loadConnectorConfig', () => {
  it('turns everything off when nothing is set', () => {
    const c = loadConnectorConfig({});
    expect(c).toMatchObject({ x: null, meta: null, feeds: [], webhooks: { xConsumerSecret: null, metaAppSecret: null, prefix: '/webhooks' } });
    expect(createOutboundConnectors(c)).toEqual([]);
  });
  it('reads X OAuth 1.0a, Meta tokens and feeds', () => {
    const c = loadConnectorConfig({
      TEND_X_CONSUMER_SECRET: 'cs', TEND_X_CONSUMER_KEY: 'ck', TEND_X_ACCESS_TOKEN: 'at', TEND_X_ACCESS_TOKEN_SECRET: 'ats',
      TEND_META_APP_SECRET: 'ms', TEND_META_VERIFY_TOKEN: 'vt', TEND_META_ACCOUNT_TOKENS: '{"123":"tok"}', TEND_META_GRAPH_VERSION: 'v22.0',
      TEND_ACCOUNT_NAMES: '{"3001969357":"AcmeCare"}',
      TEND_FEEDS: '[{"id":"r","url":"https://www.reddit.com/r/acme/.rss","channel":"reddit","account":"acme"}]',
    });
    expect(c.x).toEqual({ apiBase: 'https://api.x.com', auth: { kind: 'oauth1', consumerKey: 'ck', consumerSecret: 'cs', token: 'at', tokenSecret: 'ats' } });
    expect(c.meta).toMatchObject({ graphBase: 'https://graph.facebook.com', graphVersion: 'v22.0', accountTokens: { 123: 'tok' } });
    expect(c.webhooks.accountNames).toEqual({ 3001969357: 'AcmeCare' });
    expect(c.feeds[0]).toMatchObject({ id: 'r', intervalMs: 300_000 });
    expect(createOutboundConnectors(c).map((k) => k.channel)).toEqual(['x', 'facebook', 'instagram']);
  });
  it('names the variable that is wrong', () => {
    expect(() => loadConnectorConfig({ TEND_FEEDS: '[{' })).toThrow(/TEND_FEEDS is not valid JSON/);
    expect(() => loadConnectorConfig({ TEND_FEEDS: '[{"id":"a"}]' })).toThrow(/feed list is invalid: 0\.url/);
    expect(() => loadConnectorConfig({ TEND_X_API_BASE: 'api.x.com' })).toThrow(/TEND_X_API_BASE must be an http\(s\) URL/);
    expect(() => loadConnectorConfig({ TEND_X_CONSUMER_KEY: 'ck' })).toThrow(/needs all of/);
    expect(() => loadConnectorConfig({ TEND_META_APP_SECRET: 's' })).toThrow(/TEND_META_VERIFY_TOKEN/);
    expect(() => loadConnectorConfig({ TEND_FEEDS_FILE: '/nonexistent/feeds.json' })).toThrow(/ENOENT/);
  });
});
