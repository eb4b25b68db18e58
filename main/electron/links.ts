/**
 * Customer links leave the app only after the agent confirms them in a dialog that shows the full
 * URL: every way out (a clicked link's navigation, window.open, the renderer's
 * `platform.openExternal`) goes through one LinkOpener. Only http(s) URLs without credentials are
 * ever handed to the system browser, and exactly the URL shown (normalised by the URL parser:
 * punycode host, so a look-alike domain shows as what it is). One dialog at a time, so a page cannot
 * stack prompts. Electron-free: main.ts passes the dialog and shell.openExternal in.
 */
import { linkQuestion, openableHref } from '../../shared/links';

export interface LinkPrompt {
  /** exactly what will be opened */
  href: string;
  title: string;
  message: string;
  detail: string;
  buttons: [cancel: string, open: string];
}

/** The confirmation for `url`, or null when it may not be opened at all (not http(s), credentials, not a URL). */
export function linkPrompt(url: string): LinkPrompt | null {
  const href = openableHref(url);
  if (!href) return null;
  const u = new URL(href);
  return {
    href,
    title: 'Open link',
    message: linkQuestion(href),
    detail: u.protocol === 'http:' ? 'This link is not encrypted (http).' : `It leads to ${u.hostname}.`,
    buttons: ['Cancel', 'Open link'],
  };
}

export type LinkOutcome = 'opened' | 'cancelled' | 'refused' | 'busy';

export class LinkOpener {
  private asking = false;
  constructor(private readonly deps: { confirm(prompt: LinkPrompt): Promise<boolean>; open(href: string): Promise<void> }) {}

  async request(url: string): Promise<LinkOutcome> {
    const prompt = linkPrompt(url);
    if (!prompt) return 'refused';
    if (this.asking) return 'busy';
    this.asking = true;
    try {
      if (!(await this.deps.confirm(prompt))) return 'cancelled';
      await this.deps.open(prompt.href);
      return 'opened';
    } finally {
      this.asking = false;
    }
  }
}
