/**
 * Opening a customer link: never without the user confirming the full URL, and only http(s).
 * - Electron: `window.tend.openExternal(url)`: main asks in a native dialog that shows the URL, then
 *   hands it to the system browser; the page cannot skip that dialog.
 * - Web host: the browser's own confirmation, then a new tab with no opener and no referrer.
 * Call `openLink(url)` from a click or a key; it resolves whether the link was opened.
 */
import { linkQuestion, openableHref } from '../../../shared/links';

export interface LinkDeps {
  /** Electron's bridge (it asks in main); absent in a browser tab */
  openExternal?: (url: string) => Promise<boolean>;
  confirm(question: string): boolean;
  open(href: string): void;
}

const browser = (): LinkDeps => ({
  openExternal: (window.tend as { openExternal?: (url: string) => Promise<boolean> } | undefined)?.openExternal,
  confirm: (question) => window.confirm(question),
  open: (href) => { window.open(href, '_blank', 'noopener,noreferrer'); },
});

export async function openLink(url: string, deps: LinkDeps = browser()): Promise<boolean> {
  const href = openableHref(url);
  if (!href) return false;
  if (deps.openExternal) return deps.openExternal(href);
  if (!deps.confirm(linkQuestion(href))) return false;
  deps.open(href);
  return true;
}
