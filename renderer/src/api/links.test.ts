import { describe, expect, it } from 'vitest';
import { openLink, type LinkDeps } from './links';

function deps(kind: 'electron' | 'web', answer: boolean) {
  const asked: string[] = [];
  const opened: string[] = [];
  const invoked: Array<[string, unknown]> = [];
  const d: LinkDeps = {
    openExternal: kind === 'electron' ? async (url) => { invoked.push(['openExternal', url]); return answer; } : undefined,
    confirm: (q) => { asked.push(q); return answer; },
    open: (href) => { opened.push(href); },
  };
  return { d, asked, opened, invoked };
}

describe('openLink', () => {
  it('web host: opens only after the confirmation that shows the full URL', async () => {
    const url = 'https://shop.example.com/orders/1234?ref=care#review';
    const no = deps('web', false);
    expect(await openLink(url, no.d)).toBe(false);
    expect(no.asked).toEqual([`Open this link in your browser?\n\n${url}`]);
    expect(no.opened).toEqual([]);
    const yes = deps('web', true);
    expect(await openLink(url, yes.d)).toBe(true);
    expect(yes.opened).toEqual([url]);
  });

  it('Electron: leaves the confirmation to main, which shows it natively', async () => {
    const t = deps('electron', false);
    expect(await openLink('https://x.com/maria_k/status/1', t.d)).toBe(false);
    expect(t.invoked).toEqual([['openExternal', 'https://x.com/maria_k/status/1']]);
    expect(t.asked).toEqual([]);
  });

  it('never asks about, nor opens, anything but http(s) without credentials', async () => {
    for (const kind of ['web', 'electron'] as const) {
      const t = deps(kind, true);
      for (const url of ['javascript:alert(1)', 'file:///etc/passwd', 'https://u:p@example.com/', 'data:text/html,x']) expect(await openLink(url, t.d), url).toBe(false);
      expect([...t.asked, ...t.opened, ...t.invoked]).toEqual([]);
    }
  });
});
