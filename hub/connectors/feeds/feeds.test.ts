import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryIngestor } from '../memory-ingestor';
import { htmlToText, parseFeed } from './parse';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileFeedStateStore, memoryFeedStateStore, startFeedPoller, type PollResult } from './poller';

const rss = (items: Array<{ guid: string; title: string; desc: string; date: string }>) => `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Acme reviews</title><link>https://reviews.example/acme</link><description>Latest reviews</description>
${items.map((i) => `<item><title>${i.title}</title><link>https://reviews.example/r/${i.guid}</link>
<guid isPermaLink="false">${i.guid}</guid><dc:creator>Piotr N.</dc:creator><pubDate>${i.date}</pubDate>
<description><![CDATA[<p>${i.desc}</p><p>Rated 1 of 5 &amp; never again</p>]]></description></item>`).join('\n')}
</channel></rss>`;

const REDDIT = `<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/">
<category term="acme" label="r/acme"/><updated>2024-05-01T10:00:00+00:00</updated><id>/r/acme/.rss</id>
<link rel="self" href="https://www.reddit.com/r/acme/.rss" type="application/atom+xml" /><title>Acme</title>
<entry><author><name>/u/throwaway_42</name><uri>https://www.reddit.com/user/throwaway_42</uri></author>
<category term="acme" label="r/acme"/><content type="html">&lt;!-- SC_OFF --&gt;&lt;div class=&quot;md&quot;&gt;&lt;p&gt;My Acme kettle stopped working after 2 days &amp;amp; support won&amp;#39;t answer.&lt;/p&gt;&lt;/div&gt;&lt;!-- SC_ON --&gt;</content>
<id>t3_1cheq9x</id><link href="https://www.reddit.com/r/acme/comments/1cheq9x/kettle_broken/" /><updated>2024-05-01T09:58:12+00:00</updated><published>2024-05-01T09:58:12+00:00</published><title>Kettle broken after two days</title></entry>
</feed>`;

const YOUTUBE = `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns:yt="http://www.youtube.com/xml/schemas/2015" xmlns:media="http://search.yahoo.com/mrss/" xmlns="http://www.w3.org/2005/Atom">
<link rel="self" href="http://www.youtube.com/feeds/videos.xml?channel_id=UC123"/><id>yt:channel:UC123</id><yt:channelId>UC123</yt:channelId><title>Gadget Reviews</title>
<entry><id>yt:video:dQw4w9WgXcQ</id><yt:videoId>dQw4w9WgXcQ</yt:videoId><yt:channelId>UC123</yt:channelId><title>Acme X200 review: do not buy</title>
<link rel="alternate" href="https://www.youtube.com/watch?v=dQw4w9WgXcQ"/><author><name>Gadget Reviews</name><uri>https://www.youtube.com/channel/UC123</uri></author>
<published>2024-04-30T15:00:06+00:00</published><updated>2024-05-01T01:00:00+00:00</updated>
<media:group><media:title>Acme X200 review: do not buy</media:title><media:content url="https://www.youtube.com/v/dQw4w9WgXcQ?version=3" type="application/x-shockwave-flash" width="640" height="390"/>
<media:thumbnail url="https://i2.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg" width="480" height="360"/><media:description>The battery died in a week. Acme refused the refund.</media:description>
<media:community><media:starRating count="12" average="4.00" min="1" max="5"/><media:statistics views="1534"/></media:community></media:group></entry></feed>`;

describe('feed parsing', () => {
  it('reads RSS 2.0 with CDATA HTML, guid objects and dc:creator', () => {
    const f = parseFeed(rss([{ guid: '123', title: 'Awful delivery', desc: 'Parcel came <b>late</b>', date: 'Tue, 30 Apr 2024 08:00:00 GMT' }]));
    expect(f.format).toBe('rss');
    expect(f.items[0]).toEqual({
      id: '123', link: 'https://reviews.example/r/123', title: 'Awful delivery',
      body: 'Parcel came late\nRated 1 of 5 & never again', author: { name: 'Piotr N.', uri: null }, published: '2024-04-30T08:00:00.000Z', dateNote: null,
    });
  });
  it('reads Reddit Atom: HTML content, /u/ authors', () => {
    const [e] = parseFeed(REDDIT).items;
    expect(e).toMatchObject({ id: 't3_1cheq9x', title: 'Kettle broken after two days', body: "My Acme kettle stopped working after 2 days & support won't answer.", author: { name: '/u/throwaway_42' }, published: '2024-05-01T09:58:12.000Z' });
  });
  it('reads YouTube Atom with the media:description', () => {
    const [e] = parseFeed(YOUTUBE).items;
    expect(e).toMatchObject({ id: 'yt:video:dQw4w9WgXcQ', link: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ', body: 'The battery died in a week. Acme refused the refund.', author: { name: 'Gadget Reviews' } });
  });
  it('refuses what is not a feed, broken XML, and entity declarations', () => {
    expect(() => parseFeed('<html><body>hi</body></html>')).toThrow(/neither RSS nor Atom/);
    expect(() => parseFeed('<rss><channel><item></channel></rss>')).toThrow(/not well-formed/);
    expect(() => parseFeed('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><rss><channel><title>&lol2;</title></channel></rss>')).toThrow(/entities/);
  });
  it('turns HTML into text', () => {
    expect(htmlToText('<p>a&nbsp;b<br>c</p><script>x()</script><p>&#x1F600; &eacute; &zzz;</p>')).toBe('a b\nc\n😀 é &zzz;');
  });
});

describe('feed poller', () => {
  let server: Server;
  let base = '';
  const requests: Array<{ path: string; headers: IncomingHttpHeaders; status: number }> = [];
  let items = [{ guid: 'r1', title: 'Late parcel', desc: 'Two weeks late', date: 'Mon, 29 Apr 2024 10:00:00 GMT' }];
  const etagOf = () => `"v${items.length}"`;
  const LAST_MODIFIED = 'Wed, 01 May 2024 10:00:00 GMT';

  beforeAll(async () => {
    server = createServer((req, res) => {
      const record = (status: number) => requests.push({ path: req.url ?? '', headers: req.headers, status });
      if (req.url === '/reviews.rss') {
        if (req.headers['if-none-match'] === etagOf()) { record(304); res.writeHead(304).end(); return; }
        record(200);
        res.writeHead(200, { 'content-type': 'application/rss+xml', etag: etagOf() }).end(rss(items));
      } else if (req.url === '/reddit.atom') {
        if (req.headers['if-modified-since'] === LAST_MODIFIED) { record(304); res.writeHead(304).end(); return; }
        record(200);
        res.writeHead(200, { 'content-type': 'application/atom+xml', 'last-modified': LAST_MODIFIED }).end(REDDIT);
      } else if (req.url === '/broken') {
        record(500); res.writeHead(500).end('oops');
      } else {
        record(404); res.writeHead(404).end();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => { requests.length = 0; items = [{ guid: 'r1', title: 'Late parcel', desc: 'Two weeks late', date: 'Mon, 29 Apr 2024 10:00:00 GMT' }]; });

  it('ingests new items once, sends If-None-Match, and treats 304 as nothing new', async () => {
    const ing = createMemoryIngestor();
    const poller = startFeedPoller({ log: () => {}, feeds: [{ id: 'reviews', url: `${base}/reviews.rss`, channel: 'review', account: 'acme' }], ingestor: ing, autoStart: false });
    try {
      expect(await poller.pollNow('reviews')).toMatchObject({ status: 'fetched', items: 1, stored: 1 });
      expect(ing.posts[0]).toMatchObject({ channel: 'review', account: 'acme', platform_id: 'r1', permalink: 'https://reviews.example/r/r1', author: { handle: 'Piotr N.' }, text: 'Late parcel\n\nTwo weeks late\nRated 1 of 5 & never again', created_at: '2024-04-29T10:00:00.000Z' });

      expect(await poller.pollNow('reviews')).toMatchObject({ status: 'not_modified', stored: 0 });
      expect(requests[1]).toMatchObject({ status: 304, headers: { 'if-none-match': '"v1"' } });

      items = [...items, { guid: 'r2', title: 'Broken on arrival', desc: 'Cracked screen', date: 'Tue, 30 Apr 2024 10:00:00 GMT' }];
      expect(await poller.pollNow('reviews')).toMatchObject({ status: 'fetched', items: 2, stored: 1, duplicates: 1 });
      expect(ing.posts.map((p) => p.platform_id)).toEqual(['r1', 'r2']);
      expect(ing.calls).toBe(2); // the already-seen r1 never reached the Ingestor again
    } finally { await poller.stop(); }
  });

  it('uses If-Modified-Since, and dedupes through the Ingestor when its state is lost', async () => {
    const ing = createMemoryIngestor();
    const feeds = [{ id: 'reddit', url: `${base}/reddit.atom`, channel: 'reddit' as const, account: 'acme' }];
    const p1 = startFeedPoller({ log: () => {}, feeds, ingestor: ing, autoStart: false });
    expect(await p1.pollNow('reddit')).toMatchObject({ stored: 1 });
    expect(await p1.pollNow('reddit')).toMatchObject({ status: 'not_modified' });
    expect(requests[1].headers['if-modified-since']).toBe(LAST_MODIFIED);
    await p1.stop();
    expect(ing.posts[0]).toMatchObject({ channel: 'reddit', platform_id: 't3_1cheq9x', author: { handle: 'throwaway_42', platform_user_id: 'https://www.reddit.com/user/throwaway_42' } });
    // a fresh poller with empty state fetches again; the Ingestor's dedupe keeps one copy
    const p2 = startFeedPoller({ log: () => {}, feeds, ingestor: ing, stateStore: memoryFeedStateStore(), autoStart: false });
    expect(await p2.pollNow('reddit')).toMatchObject({ status: 'fetched', stored: 0, duplicates: 1 });
    await p2.stop();
    expect(ing.posts).toHaveLength(1);
  });

  it('keeps its state in files across restarts, and shrugs off a corrupt one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tend-feeds-'));
    const ing = createMemoryIngestor();
    const feeds = [{ id: 'reviews/acme', url: `${base}/reviews.rss`, channel: 'review' as const, account: 'acme' }];
    const p1 = startFeedPoller({ log: () => {}, feeds, ingestor: ing, stateStore: fileFeedStateStore(dir), autoStart: false });
    expect(await p1.pollNow('reviews/acme')).toMatchObject({ stored: 1 });
    await p1.stop();
    const p2 = startFeedPoller({ log: () => {}, feeds, ingestor: ing, stateStore: fileFeedStateStore(dir), autoStart: false });
    expect(await p2.pollNow('reviews/acme')).toMatchObject({ status: 'not_modified' });
    await p2.stop();
    writeFileSync(join(dir, 'reviews%2Facme.json'), '{ broken');
    const p3 = startFeedPoller({ log: () => {}, feeds, ingestor: ing, stateStore: fileFeedStateStore(dir), autoStart: false });
    expect(await p3.pollNow('reviews/acme')).toMatchObject({ status: 'fetched', stored: 0, duplicates: 1 });
    await p3.stop();
    expect(ing.posts).toHaveLength(1);
  });

  it('reports a failing feed and keeps polling the others on their own timers', async () => {
    const ing = createMemoryIngestor();
    const seen: PollResult[] = [];
    let done!: () => void;
    const bothPolled = new Promise<void>((r) => { done = r; });
    const poller = startFeedPoller({
      log: () => {},
      feeds: [
        { id: 'broken', url: `${base}/broken`, channel: 'forum', account: 'acme', intervalMs: 1000 },
        { id: 'reviews', url: `${base}/reviews.rss`, channel: 'review', account: 'acme', intervalMs: 1000 },
      ],
      ingestor: ing,
      onPoll: (r) => { seen.push(r); if (new Set(seen.map((s) => s.feed)).size === 2) done(); },
    });
    await bothPolled;
    await poller.stop();
    expect(seen.find((s) => s.feed === 'broken')).toMatchObject({ status: 'error', error: 'HTTP 500 Internal Server Error' });
    expect(seen.find((s) => s.feed === 'reviews')).toMatchObject({ status: 'fetched', stored: 1 });
  });

  it('refuses bad feed configuration with the reason', () => {
    const ing = createMemoryIngestor();
    expect(() => startFeedPoller({ log: () => {}, feeds: [{ id: 'a', url: 'ftp://x', channel: 'rss', account: 'a' }], ingestor: ing, autoStart: false })).toThrow(/url/);
    expect(() => startFeedPoller({ log: () => {}, feeds: [{ id: 'a', url: 'https://x', channel: 'x' as never, account: 'a' }], ingestor: ing, autoStart: false })).toThrow(/channel/);
    const dup = { id: 'a', url: 'https://x', channel: 'rss' as const, account: 'a' };
    expect(() => startFeedPoller({ log: () => {}, feeds: [dup, dup], ingestor: ing, autoStart: false })).toThrow(/used twice/);
  });
});
