/**
 * Feeds as they come (fixtures in hub/connectors/fixtures/feeds): a BOM or whitespace before the XML
 * declaration, the charset from the HTTP header or the declaration, dates in other languages (with
 * the fallbacks and a logged, counted note when none can be read), Atom bodies of type html and
 * xhtml, block elements that must not glue words, and forum topics threaded into one conversation.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryIngestor, type MemoryIngestor } from '../memory-ingestor';
import { parseFeedDate } from './dates';
import { htmlToText, parseFeed } from './parse';
import { startFeedPoller, type FeedPoller } from './poller';

const bytes = (name: string) => readFileSync(new URL(`../fixtures/feeds/${name}`, import.meta.url));

describe('bytes before the declaration, and charsets', () => {
  it('a UTF-8 BOM and whitespace before <?xml are dropped, not a reason to refuse the feed', () => {
    const f = parseFeed(bytes('utf8-bom-space.rss'));
    expect(f.items.map((i) => [i.title, i.body])).toEqual([['Café froid', 'Très déçu.']]);
  });
  it('ISO-8859-1 named only by the HTTP Content-Type is read as such (no mojibake)', () => {
    const f = parseFeed(bytes('latin1-space.rss'), 'text/xml; charset=ISO-8859-1');
    expect(f.title).toBe('Réclamations');
    expect(f.items[0].title).toBe('Café froid');
  });
  it('Windows-1252 named by the XML declaration, with € and curly quotes', () => {
    const f = parseFeed(bytes('windows-1252.rss'));
    expect(f.items[0].title).toBe('Trop cher – 80 €');
    expect(f.items[0].body).toBe('Le “service” client n’a jamais répondu.');
  });
  it('a header that says UTF-8 over Windows-1252 bytes yields to the declaration, with a note', () => {
    const f = parseFeed(bytes('windows-1252.rss'), 'application/rss+xml; charset=UTF-8');
    expect(f.items[0].title).toBe('Trop cher – 80 €');
    expect(f.encodingNote).toMatch(/not UTF-8: read as windows-1252/);
  });
});

describe('dates', () => {
  it('reads localized day and month names, strictly', () => {
    expect(parseFeedDate('Di, 11 Jun 2024 08:00:00 +0200')).toBe('2024-06-11T06:00:00.000Z');
    expect(parseFeedDate('mar., 11 juin 2024 09:30:00 +0200')).toBe('2024-06-11T07:30:00.000Z');
    expect(parseFeedDate('Mo, 04 Mär 2024 10:00:00 MEZ')).toBe('2024-03-04T09:00:00.000Z');
    expect(parseFeedDate('śr., 12 cze 2024 10:00:00 +0200')).toBe('2024-06-12T08:00:00.000Z');
    expect(parseFeedDate('Ср, 12 июня 2024 10:00:00 +0300')).toBe('2024-06-12T07:00:00.000Z');
    expect(parseFeedDate('2024-06-11T12:00:00+02:00')).toBe('2024-06-11T10:00:00.000Z');
    // what Date.parse would have guessed at
    for (const bad of ['Foo 2024', 'Sun, 31 Feb 2024 10:00:00 GMT', 'gestern', 'irgendwann im Juni', '11 Jun 2024 08:00 XYZ']) expect(parseFeedDate(bad), bad).toBeNull();
  });
  it('falls back to dc:date when pubDate cannot be read, and says so', () => {
    const items = parseFeed(bytes('german-dates.rss')).items;
    expect(items.map((i) => i.published)).toEqual(['2024-06-11T06:00:00.000Z', '2024-06-11T07:30:00.000Z', '2024-03-04T09:00:00.000Z', '2024-06-11T10:00:00.000Z', null]);
    expect(items[3].dateNote).toBe('pubDate "irgendwann im Juni" could not be read; used dc:date');
    expect(items[4].dateNote).toMatch(/no readable date \(pubDate "gestern"\)/);
  });
});

describe('Atom bodies and block elements', () => {
  it('keeps type="xhtml" and type="html" content and html summaries, block by block, never glued', () => {
    const items = parseFeed(bytes('atom-xhtml.atom')).items;
    expect(items.map((i) => i.body)).toEqual([
      'The blender is loud.\nThe lid cracked\nafter one week\nin the dishwasher\nRating 2/5',
      'Day 1\nAsked for a refund.\nDay 30\nStill nothing.',
      'Works\nbut smells',
    ]);
  });
  it('turns blocks into line breaks and cells into spaces', () => {
    expect(htmlToText('<div>one</div><div>two</div><p>three<p>four<h2>five</h2>six<table><tr><td>a</td><td>b</td></tr></table><ul><li>x<li>y</ul>'))
      .toBe('one\ntwo\nthree\nfour\nfive\nsix\na b\nx\ny');
    expect(htmlToText('Warranty still valid.<p>Statistics')).toBe('Warranty still valid.\nStatistics');
  });
  it('phpBB: CDATA html content, its "Statistics: Posted by" line dropped', () => {
    const items = parseFeed(bytes('phpbb-topic.atom')).items;
    expect(items[0].body).toBe('Fully charged, runs 5 minutes, then stops.\nWarranty still valid.');
    expect(items[1].body).toBe('Mine too. Acme replaced the battery once, same again.');
  });
});

describe('the poller: topics, charsets over HTTP, logs and counts', () => {
  let server: Server;
  let base = '';
  let ing: MemoryIngestor;
  let poller: FeedPoller;
  const logged: string[] = [];
  const routes: Record<string, { type: string; body: Buffer }> = {
    '/t/kettle-x200-stops-heating-after-a-week/4821.rss': { type: 'application/rss+xml; charset=utf-8', body: bytes('discourse-topic.rss') },
    '/app.php/feed/topic/733': { type: 'application/atom+xml', body: bytes('phpbb-topic.atom') },
    '/r/acme/comments/1dcx0ab/router_keeps_dropping/.rss': { type: 'application/atom+xml; charset=UTF-8', body: bytes('reddit-comments.atom') },
    '/latin1.rss': { type: 'text/xml; charset=ISO-8859-1', body: bytes('latin1-space.rss') },
    '/german.rss': { type: 'application/rss+xml', body: bytes('german-dates.rss') },
    '/broken.rss': { type: 'application/rss+xml', body: Buffer.from('<rss><channel><item></channel></rss>') },
  };
  beforeAll(async () => {
    server = createServer((req, res) => {
      const r = routes[req.url ?? ''];
      if (!r) { res.writeHead(404).end(); return; }
      res.writeHead(200, { 'content-type': r.type }).end(r.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => { await poller?.stop(); server.close(); });
  beforeEach(async () => {
    await poller?.stop();
    ing = createMemoryIngestor();
    logged.length = 0;
    const feed = (id: string, path: string, channel: 'forum' | 'reddit' | 'review') => ({ id, url: base + path, channel, account: 'acme', intervalMs: 60_000 });
    poller = startFeedPoller({
      autoStart: false, ingestor: ing, log: (l) => logged.push(l), now: () => new Date('2024-06-12T00:00:00Z'),
      feeds: [
        feed('discourse', '/t/kettle-x200-stops-heating-after-a-week/4821.rss', 'forum'),
        feed('phpbb', '/app.php/feed/topic/733', 'forum'),
        feed('reddit', '/r/acme/comments/1dcx0ab/router_keeps_dropping/.rss', 'reddit'),
        feed('latin1', '/latin1.rss', 'review'),
        feed('german', '/german.rss', 'review'),
        feed('broken', '/broken.rss', 'review'),
      ],
    });
  });

  it('Discourse, phpBB and Reddit topic feeds: each topic is one conversation, replies without the repeated title', async () => {
    for (const id of ['discourse', 'phpbb', 'reddit']) expect(await poller.pollNow(id)).toMatchObject({ status: 'fetched', skipped: [] });
    expect(ing.posts).toHaveLength(3 + 2 + 3);
    expect(ing.conversations.size).toBe(3);
    const keys = new Set(ing.posts.map((p) => p.thread_key));
    expect(keys).toEqual(new Set(['discourse:forum.acme.example:4821', 'phpbb:community.acme.example:733', 'reddit:1dcx0ab']));
    const reddit = ing.posts.filter((p) => p.channel === 'reddit');
    expect(reddit.map((p) => p.text)).toEqual([
      'Router keeps dropping\n\nMy Acme R5 drops Wi-Fi every hour.\nFirmware 2.1.4.',
      'Same, downgrading to 2.0.9 fixed it for me.',
      'Thanks, but Acme support told me not to downgrade.',
    ]);
    const discourse = ing.posts.filter((p) => p.thread_key?.startsWith('discourse'));
    expect(discourse[0].text).toBe('Kettle X200 stops heating after a week\n\nMine stopped heating on day 8.\nLight is on, water stays cold.');
    expect(discourse[1].text).toBe('Same here.\nbought in May\nserial 4411\nAny fix?');
  });

  it('a topic\'s later posts join its conversation from another poll', async () => {
    const path = '/t/kettle-x200-stops-heating-after-a-week/4821.rss';
    const first = routes[path].body;
    const full = first.toString('utf8');
    // the feed when only the first post existed
    routes[path].body = Buffer.from(full.slice(0, full.indexOf('</item>') + '</item>'.length) + '\n</channel>\n</rss>\n');
    expect(await poller.pollNow('discourse')).toMatchObject({ stored: 1 });
    routes[path].body = first;
    await poller.pollNow('discourse');
    expect(ing.posts).toHaveLength(3);
    expect(ing.conversations.size).toBe(1);
  });

  it('the charset from the HTTP header, and a feed with whitespace before the declaration, over HTTP', async () => {
    expect(await poller.pollNow('latin1')).toMatchObject({ status: 'fetched', stored: 1 });
    expect(ing.posts[0].text).toBe('Café froid\n\nTrès déçu.');
  });

  it('an item without a readable date is stored with the fetch time, logged and counted; a refused feed is logged and counted', async () => {
    const r = await poller.pollNow('german');
    expect(r.stored).toBe(5);
    expect(ing.posts.find((p) => p.platform_id === 'de-5')?.created_at).toBe('2024-06-12T00:00:00.000Z');
    expect(r.warnings.map((w) => w.id)).toEqual(['de-4', 'de-5']);
    expect(logged.some((l) => /german item de-5: no readable date .*stored with the time it was fetched/.test(l))).toBe(true);
    const b = await poller.pollNow('broken');
    expect(b.status).toBe('error');
    expect(logged.some((l) => /broken .* poll failed: not well-formed XML/.test(l))).toBe(true);
    expect(poller.stats()).toMatchObject({ polls: 2, errors: 1, stored: 5, undated: 1 });
  });
});
