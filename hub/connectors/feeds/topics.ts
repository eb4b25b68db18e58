/**
 * Forum topics in feeds. A topic feed (Discourse `/t/<slug>/<id>.rss`, phpBB `/feed/topic/<id>`,
 * a Reddit post's comments `/r/<sub>/comments/<id>/….rss`) lists one item per post; a forum's
 * "latest" feed lists posts of many topics. Every item of one topic gets the same thread key, so the
 * hub threads a topic into one conversation whichever feed brought its posts, in whatever order.
 */

/** The topic an item belongs to, from its link or id (or the topic feed it came from), or null. */
export function topicKey(item: { link: string | null; id: string | null }, feedUrl?: string | null): string | null {
  for (const candidate of [item.link, item.id]) {
    if (!candidate) continue;
    let u: URL;
    try { u = new URL(candidate); } catch { continue; }
    const host = u.hostname.replace(/^www\./, '').toLowerCase();
    // Reddit: /r/<sub>/comments/<post id>/<slug>/[<comment id>/]
    const reddit = /\/comments\/([a-z0-9]{2,12})(?:\/|$)/i.exec(u.pathname);
    if (/(^|\.)reddit\.com$/.test(host) && reddit) return `reddit:${reddit[1].toLowerCase()}`;
    // Discourse: /t/<slug>/<topic id>[/<post number>] or /t/<topic id>[/<post number>]
    const discourse = /^(?:\/[^?#]*)?\/t\/(?:[^/]+\/)?(\d+)(?:\/\d+)?\/?$/.exec(u.pathname);
    if (discourse) return `discourse:${host}:${discourse[1]}`;
    // phpBB: viewtopic.php?t=<topic id>[&p=…]
    const t = /\/viewtopic\.php$/.test(u.pathname) ? u.searchParams.get('t') : null;
    if (t && /^\d+$/.test(t)) return `phpbb:${host}:${t}`;
  }
  // an item linking only its post (phpBB 3.3: viewtopic.php?p=<post>) in a topic feed: the feed's topic
  if (feedUrl) {
    try {
      const f = new URL(feedUrl);
      const host = f.hostname.replace(/^www\./, '').toLowerCase();
      const topic = /\/feed\/topic\/(\d+)\/?$/.exec(f.pathname)?.[1] ?? (/\/feed\.php$/.test(f.pathname) ? f.searchParams.get('t') : null);
      if (topic && /^\d+$/.test(topic)) return `phpbb:${host}:${topic}`;
    } catch { /* not a URL */ }
  }
  return null;
}
