/** Random and mutated feed documents: parseFeed either returns well-formed items or throws FeedParseError. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FeedParseError, parseFeed } from './parse';

const SEEDS = [
  '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item><title>A &amp; B</title><link>https://e.x/1</link><guid isPermaLink="false">1</guid><pubDate>Tue, 30 Apr 2024 08:00:00 GMT</pubDate><description><![CDATA[<p>late</p>]]></description></item></channel></rss>',
  '<feed xmlns="http://www.w3.org/2005/Atom"><title>R</title><entry><id>t3_x</id><title>K</title><link href="https://r.example/x"/><author><name>/u/a</name></author><content type="html">&lt;p&gt;hi&lt;/p&gt;</content><updated>2024-05-01T09:58:12+00:00</updated></entry></feed>',
];

describe('feed parser fuzz', () => {
  it('never fails with anything but FeedParseError, and items are well-formed', () => {
    const mutated = fc.tuple(fc.constantFrom(...SEEDS), fc.nat(), fc.nat(), fc.string({ maxLength: 20 })).map(([s, a, b, ins]) => {
      const i = a % s.length, j = Math.min(s.length, i + (b % 30));
      return s.slice(0, i) + ins + s.slice(j);
    });
    fc.assert(fc.property(fc.oneof(mutated, fc.string({ maxLength: 300 })), (xml) => {
      try {
        const f = parseFeed(xml);
        for (const it of f.items) {
          expect(typeof it.title).toBe('string');
          expect(typeof it.body).toBe('string');
          expect(it.id === null || (typeof it.id === 'string' && it.id.length <= 200 + 7 + 64)).toBe(true);
          expect(it.published === null || !Number.isNaN(Date.parse(it.published))).toBe(true);
        }
      } catch (e) {
        expect(e).toBeInstanceOf(FeedParseError);
      }
    }), { numRuns: 10_000, seed: 7 });
  });
});
