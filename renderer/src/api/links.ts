/**
 * Opening a customer link: never without the user confirming the full URL, and only http(s).
 * - Electron: main asks in a native dialog that shows the URL (`platform.openExternal`), then hands it
 *   to the system browser; the page cannot skip that dialog.
 * - Web host: the browser's own confirmation, then a new tab with no opener and no referrer.
 * Call `openLink(url)` from a click or a key; it resolves whether the link was opened.
 */
import type { Result } from '../../../shared/contract/desktop';
import { linkQuestion, openableHref } from '../../../shared/links';
import { transport } from './client';

export interface LinkDeps {
  kind: 'electron' | 'web';
  invoke(name: string, req: unknown): Promise<Result<unknown>>;
  confirm(question: string): boolean;
  open(href: string): void;
}

const browser = (): LinkDeps => ({
  kind: transport.kind,
  invoke: (name, req) => transport.invoke(name, req),
  confirm: (question) => window.confirm(question),
  open: (href) => { window.open(href, '_blank', 'noopener,noreferrer'); },
});

export async function openLink(url: string, deps: LinkDeps = browser()): Promise<boolean> {
  const href = openableHref(url);
  if (!href) return false;
  if (deps.kind === 'electron') {
    const r = await deps.invoke('platform.openExternal', { url: href });
    return r.ok && (r.value as { opened: boolean }).opened;
  }
  if (!deps.confirm(linkQuestion(href))) return false;
  deps.open(href);
  return true;
}
