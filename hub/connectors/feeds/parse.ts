/**
 * RSS 2.0, RSS 1.0 (RDF) and Atom → feed items, with the quirks of the feeds customers write in:
 * Reddit (Atom, author "/u/name", HTML content), YouTube (Atom with yt: and media: fields),
 * review sites and forums (RSS with HTML descriptions, guid objects, dc:creator; Discourse, phpBB).
 * Text comes as bytes in the feed's own charset (decode.ts); dates are read strictly, in any of the
 * usual languages (dates.ts); Atom bodies of type text, html and xhtml are all kept.
 */
import { createHash } from 'node:crypto';
import { XMLParser } from 'fast-xml-parser';
import { decodeFeedBytes } from './decode';
import { parseFeedDate } from './dates';

export interface FeedItem {
  /** guid / id / link: what dedupes the item */
  id: string | null;
  link: string | null;
  title: string;
  /** plain text: HTML stripped, entities decoded, blocks on their own lines */
  body: string;
  author: { name: string | null; uri: string | null };
  published: string | null;
  /** why `published` is not the item's first date field, or why there is none (for the log) */
  dateNote: string | null;
}

export interface ParsedFeed {
  format: 'rss' | 'atom' | 'rdf';
  title: string;
  /** the feed's own address (atom:link rel=self, Atom id) when it gives one */
  self: string | null;
  items: FeedItem[];
  /** the charset the bytes were read as, and a note when they did not agree with what they claimed */
  encoding?: string;
  encodingNote?: string | null;
}

export class FeedParseError extends Error {}

// Atom content and summary are kept raw: a type="xhtml" body is markup the parser would otherwise
// turn into objects (and lose), and a type="html" one must be unescaped exactly once.
const RAW = ['feed.entry.content', 'feed.entry.summary'];

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: true,
  stopNodes: RAW,
  isArray: (_name, jpath) => ['rss.channel.item', 'feed.entry', 'feed.entry.link', 'rdf:RDF.item', 'feed.entry.author', 'feed.link', 'rss.channel.atom:link'].includes(String(jpath)),
});

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', hellip: '…', mdash: '—', ndash: '–', rsquo: '’', lsquo: '‘', rdquo: '”', ldquo: '“', euro: '€', eacute: 'é', egrave: 'è', agrave: 'à', uuml: 'ü', ouml: 'ö', auml: 'ä', szlig: 'ß', ccedil: 'ç', bull: '•', middot: '·', laquo: '«', raquo: '»', copy: '©', reg: '®', trade: '™', deg: '°' };

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,8});/gi, (m, e: string) => {
    if (e[0] === '#') {
      const cp = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
    }
    return NAMED[e] ?? NAMED[e.toLowerCase()] ?? m;
  });
}

// Elements that start a new line (HTML's block and list elements); table cells are separated by a space.
const BLOCK = 'address|article|aside|blockquote|dd|details|div|dl|dt|figcaption|figure|footer|h[1-6]|header|hr|li|main|nav|ol|p|pre|section|summary|table|tbody|thead|tfoot|tr|ul';

/** HTML → readable plain text: blocks and <br> become line breaks, cells spaces, never glued words. */
export function htmlToText(html: string): string {
  // block boundaries are marked first and then folded, so "</p><p>" or "</li></ul><p>" is one line break
  const MARK = '\uE000';
  return decodeEntities(
    html
      .replace(/<!--[\s\S]*?-->/g, '')
      .replace(/<(script|style)[\s\S]*?<\/\1>/gi, '')
      .replace(/<br\s*\/?>/gi, '\n')
      .replace(new RegExp(`</?(?:${BLOCK})(?:\\s[^>]*)?/?>`, 'gi'), MARK)
      .replace(/<\/?(?:td|th)(?:\s[^>]*)?>/gi, ' ')
      .replace(/<[^>]*>/g, ''),
  )
    .replace(/[ \t\f\v\u00a0]*\uE000[\s\uE000]*/g, (m) => (m.includes('\n\n') ? '\n\n' : '\n'))
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

/** A raw (stop node) Atom text construct → plain text, by its type (text, html, xhtml). */
function atomText(v: unknown): string {
  const raw = text(v);
  const type = v && typeof v === 'object' ? String((v as Record<string, unknown>)['@_type'] ?? 'text').toLowerCase() : 'text';
  // XML-level unescaping, CDATA sections kept as they are
  const unescaped = raw.split(/(<!\[CDATA\[[\s\S]*?\]\]>)/).map((part) => (part.startsWith('<![CDATA[') ? part.slice(9, -3) : decodeEntities(part))).join('');
  if (type === 'xhtml' || type === 'application/xhtml+xml') return htmlToText(raw.replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1'));
  if (type === 'html' || type === 'text/html') return htmlToText(unescaped);
  return unescaped.replace(/[ \t]+/g, ' ').trim();
}

function atomLink(links: unknown): string | null {
  const list = (Array.isArray(links) ? links : links ? [links] : []).filter((l): l is Record<string, unknown> => !!l && typeof l === 'object');
  const alt = list.find((l) => !l['@_rel'] || l['@_rel'] === 'alternate') ?? list[0];
  const href = alt?.['@_href'];
  return typeof href === 'string' && href ? href : null;
}

function selfLink(links: unknown): string | null {
  const list = (Array.isArray(links) ? links : links ? [links] : []).filter((l): l is Record<string, unknown> => !!l && typeof l === 'object');
  const href = list.find((l) => l['@_rel'] === 'self')?.['@_href'];
  return typeof href === 'string' && href ? href : null;
}

/** Ids longer than the hub keeps are hashed rather than cut, so two long ids never collide. */
function boundedId(id: string | null): string | null {
  if (!id) return null;
  return id.length <= 200 ? id : 'sha256:' + createHash('sha256').update(id).digest('hex');
}

/** The first readable date among the item's date fields, saying so when an earlier one could not be read. */
function firstDate(fields: Array<[string, string]>): { published: string | null; dateNote: string | null } {
  const present = fields.filter(([, v]) => v.trim());
  for (const [i, [name, v]] of present.entries()) {
    const d = parseFeedDate(v);
    if (d) return { published: d, dateNote: i === 0 ? null : `${present[0][0]} "${present[0][1]}" could not be read; used ${name}` };
  }
  if (!present.length) return { published: null, dateNote: 'the item has no date' };
  return { published: null, dateNote: `no readable date (${present.map(([n, v]) => `${n} "${v.slice(0, 60)}"`).join(', ')})` };
}

/** Forum boilerplate that is not the customer's words: phpBB's "Statistics: Posted by …", Reddit's "submitted by /u/…". */
function stripBoilerplate(body: string): string {
  return body
    .replace(/\n?Statistics: Posted by [^\n]*$/i, '')
    .replace(/\s*submitted by\s+\/u\/\S+\s*(\[link\]\s*)?(\[comments\]\s*)?$/i, '')
    .trim();
}

function rssItem(it: Record<string, unknown>): FeedItem {
  const link = text(it.link) || null;
  const html = text(it['content:encoded']) || text(it.description);
  return {
    id: boundedId(text(it.guid) || link),
    link,
    title: htmlToText(text(it.title)),
    body: stripBoilerplate(htmlToText(html)),
    author: { name: text(it['dc:creator']) || text(it.author) || null, uri: null },
    ...firstDate([['pubDate', text(it.pubDate)], ['dc:date', text(it['dc:date'])], ['published', text(it.published)], ['updated', text(it.updated)]]),
  };
}

function atomEntry(e: Record<string, unknown>): FeedItem {
  const link = atomLink(e.link);
  const a = Array.isArray(e.author) ? e.author[0] : e.author;
  const author = a && typeof a === 'object' ? (a as Record<string, unknown>) : undefined;
  const m = e['media:group'];
  const media = m && typeof m === 'object' ? (m as Record<string, unknown>) : undefined;
  const body = (e.content !== undefined ? atomText(e.content) : '') || (e.summary !== undefined ? atomText(e.summary) : '') || text(media?.['media:description']).trim();
  const title = e.title && typeof e.title === 'object' && String((e.title as Record<string, unknown>)['@_type'] ?? '') === 'text' ? text(e.title).trim() : htmlToText(text(e.title));
  return {
    id: boundedId(text(e.id) || link),
    link,
    title,
    body: stripBoilerplate(body),
    author: { name: text(author?.name) || null, uri: text(author?.uri) || null },
    ...firstDate([['published', text(e.published)], ['updated', text(e.updated)], ['dc:date', text(e['dc:date'])]]),
  };
}

/** Parses feed text, or the feed's bytes (with the HTTP Content-Type, for its charset). */
export function parseFeed(input: string | Uint8Array, contentType?: string | null): ParsedFeed {
  let xml: string;
  let encoding: string | undefined;
  let encodingNote: string | null = null;
  if (typeof input === 'string') {
    // text already decoded: only what precedes the first tag (a BOM, whitespace) goes
    const start = input.indexOf('<');
    xml = start > 0 && /^[\s\ufeff]*$/.test(input.slice(0, start)) ? input.slice(start) : input;
  } else {
    const d = decodeFeedBytes(input, contentType);
    xml = d.text;
    encoding = d.encoding;
    encodingNote = d.note;
  }
  // Entity declarations can expand without bound ("billion laughs"); feeds never need them.
  if (/<!ENTITY/i.test(xml)) throw new FeedParseError('feed declares XML entities; refused');
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(xml, true);
  } catch (e) {
    throw new FeedParseError(`not well-formed XML: ${(e as Error).message.split('\n')[0]}`);
  }
  const obj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
  // a broken document can put a string where an element list belongs: keep the elements only
  const records = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v : v == null ? [] : [v]).filter(obj);
  const extra = encoding ? { encoding, encodingNote } : {};
  const rss = obj(doc.rss) ? doc.rss : null;
  if (rss && obj(rss.channel)) {
    return { format: 'rss', title: htmlToText(text(rss.channel.title)), self: selfLink(rss.channel['atom:link']), items: records(rss.channel.item).map(rssItem), ...extra };
  }
  if (obj(doc.feed)) {
    return { format: 'atom', title: htmlToText(text(doc.feed.title)), self: selfLink(doc.feed.link) ?? (text(doc.feed.id) || null), items: records(doc.feed.entry).map(atomEntry), ...extra };
  }
  if (obj(doc['rdf:RDF'])) {
    const rdf = doc['rdf:RDF'];
    return { format: 'rdf', title: htmlToText(text(obj(rdf.channel) ? rdf.channel.title : '')), self: null, items: records(rdf.item).map(rssItem), ...extra };
  }
  throw new FeedParseError('neither RSS nor Atom: no <rss>, <feed> or <rdf:RDF> root');
}
