/**
 * RSS 2.0, RSS 1.0 (RDF) and Atom → feed items, with the quirks of the feeds customers write in:
 * Reddit (Atom, author "/u/name", HTML content), YouTube (Atom with yt: and media: fields),
 * review sites and forums (RSS with HTML descriptions, guid objects, dc:creator).
 */
import { createHash } from 'node:crypto';
import { XMLParser } from 'fast-xml-parser';
import { looseDateToIso } from '../dates';

export interface FeedItem {
  /** guid / id / link: what dedupes the item */
  id: string | null;
  link: string | null;
  title: string;
  /** plain text: HTML stripped, entities decoded */
  body: string;
  author: { name: string | null; uri: string | null };
  published: string | null;
}

export interface ParsedFeed {
  format: 'rss' | 'atom' | 'rdf';
  title: string;
  items: FeedItem[];
}

export class FeedParseError extends Error {}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: true,
  isArray: (_name, jpath) => ['rss.channel.item', 'feed.entry', 'feed.entry.link', 'rdf:RDF.item', 'feed.entry.author'].includes(String(jpath)),
});

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', hellip: '…', mdash: '—', ndash: '–', rsquo: '’', lsquo: '‘', rdquo: '”', ldquo: '“' };

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,8});/gi, (m, e: string) => {
    if (e[0] === '#') {
      const cp = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
    }
    return NAMED[e.toLowerCase()] ?? m;
  });
}

/** HTML → readable plain text: block ends become line breaks, tags go, entities are decoded. */
export function htmlToText(html: string): string {
  return decodeEntities(
    html
      .replace(/<(script|style)[\s\S]*?<\/\1>/gi, '')
      .replace(/<br\s*\/?>/gi, '\n')
      .replace(/<\/(p|div|li|h[1-6]|blockquote|tr)>/gi, '\n')
      .replace(/<[^>]*>/g, ''),
  )
    .replace(/[ \t\f\v\u00a0]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** A node's text whether the parser gave a string or {#text, @_attr}. */
function text(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return text(v[0]);
  if (typeof v === 'object' && '#text' in (v as object)) return text((v as Record<string, unknown>)['#text']);
  return '';
}

function atomLink(links: unknown): string | null {
  const list = (Array.isArray(links) ? links : links ? [links] : []).filter((l): l is Record<string, unknown> => !!l && typeof l === 'object');
  const alt = list.find((l) => !l['@_rel'] || l['@_rel'] === 'alternate') ?? list[0];
  const href = alt?.['@_href'];
  return typeof href === 'string' && href ? href : null;
}

/** Ids longer than the hub keeps are hashed rather than cut, so two long ids never collide. */
function boundedId(id: string | null): string | null {
  if (!id) return null;
  return id.length <= 200 ? id : 'sha256:' + createHash('sha256').update(id).digest('hex');
}

function rssItem(it: Record<string, unknown>): FeedItem {
  const link = text(it.link) || null;
  const html = text(it['content:encoded']) || text(it.description);
  return {
    id: boundedId(text(it.guid) || link),
    link,
    title: htmlToText(text(it.title)),
    body: htmlToText(html),
    author: { name: text(it['dc:creator']) || text(it.author) || null, uri: null },
    published: looseDateToIso(text(it.pubDate) || text(it['dc:date'])),
  };
}

function atomEntry(e: Record<string, unknown>): FeedItem {
  const link = atomLink(e.link);
  const a = Array.isArray(e.author) ? e.author[0] : e.author;
  const author = a && typeof a === 'object' ? (a as Record<string, unknown>) : undefined;
  const m = e['media:group'];
  const media = m && typeof m === 'object' ? (m as Record<string, unknown>) : undefined;
  const content = text(e.content) || text(e.summary) || text(media?.['media:description']);
  const contentType = e.content && typeof e.content === 'object' ? (e.content as Record<string, unknown>)['@_type'] : undefined;
  return {
    id: boundedId(text(e.id) || link),
    link,
    title: htmlToText(text(e.title)),
    body: contentType === 'text' ? content.trim() : htmlToText(content),
    author: { name: text(author?.name) || null, uri: text(author?.uri) || null },
    published: looseDateToIso(text(e.published) || text(e.updated)),
  };
}

export function parseFeed(xml: string): ParsedFeed {
  // Entity declarations can expand without bound ("billion laughs"); feeds never need them.
  if (/<!ENTITY/i.test(xml)) throw new FeedParseError('feed declares XML entities; refused');
  let doc: Record<string, any>;
  try {
    doc = parser.parse(xml, true);
  } catch (e) {
    throw new FeedParseError(`not well-formed XML: ${(e as Error).message.split('\n')[0]}`);
  }
  const obj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
  // a broken document can put a string where an element list belongs: keep the elements only
  const records = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v : v == null ? [] : [v]).filter(obj);
  const rss = obj(doc.rss) ? doc.rss : null;
  if (rss && obj(rss.channel)) {
    return { format: 'rss', title: htmlToText(text(rss.channel.title)), items: records(rss.channel.item).map(rssItem) };
  }
  if (obj(doc.feed)) {
    return { format: 'atom', title: htmlToText(text(doc.feed.title)), items: records(doc.feed.entry).map(atomEntry) };
  }
  if (obj(doc['rdf:RDF'])) {
    const rdf = doc['rdf:RDF'];
    return { format: 'rdf', title: htmlToText(text(obj(rdf.channel) ? rdf.channel.title : '')), items: records(rdf.item).map(rssItem) };
  }
  throw new FeedParseError('neither RSS nor Atom: no <rss>, <feed> or <rdf:RDF> root');
}
