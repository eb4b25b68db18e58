/**
 * Which customer links may leave the app for a browser, in Electron (main/electron/links.ts) and in
 * the web host (renderer/src/api/links.ts) alike: http(s) only, never file:, javascript:, custom
 * schemes or URLs carrying a user name or password. The answer is the URL as the parser normalises
 * it (a look-alike host in punycode), which is what the confirmation shows and what is opened.
 */
export function openableHref(url: string): string | null {
  let u: URL;
  try { u = new URL(url); } catch { return null; }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return null;
  if (u.username !== '' || u.password !== '') return null;
  return u.href;
}

/** The confirmation's words, the same in both shells. */
export function linkQuestion(href: string): string {
  return `Open this link in your browser?\n\n${href}`;
}
