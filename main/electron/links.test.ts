import { describe, expect, it } from 'vitest';
import { LinkOpener, linkPrompt, type LinkPrompt } from './links';

function opener(answer: boolean | (() => Promise<boolean>)) {
  const asked: LinkPrompt[] = [];
  const opened: string[] = [];
  const o = new LinkOpener({
    confirm: async (p) => { asked.push(p); return typeof answer === 'function' ? answer() : answer; },
    open: async (href) => { opened.push(href); },
  });
  return { o, asked, opened };
}

describe('customer links', () => {
  it('the confirmation shows the full URL, exactly as it will be opened (a look-alike host in punycode)', () => {
    const long = 'https://shop.example.com/orders/1234?utm_source=x&ref=%2Fhome#reviews';
    expect(linkPrompt(long)).toMatchObject({ href: long, message: expect.stringContaining(long), buttons: ['Cancel', 'Open link'] });
    expect(linkPrompt('https://аpple.com/login')).toMatchObject({ href: 'https://xn--pple-43d.com/login', message: expect.stringContaining('https://xn--pple-43d.com/login') });
    expect(linkPrompt('http://example.com/')?.detail).toContain('not encrypted');
  });

  it('opens nothing before the user confirms, and nothing when they cancel', async () => {
    const cancel = opener(false);
    expect(await cancel.o.request('https://x.com/maria_k/status/1')).toBe('cancelled');
    expect(cancel.asked).toHaveLength(1);
    expect(cancel.opened).toEqual([]);
    const ok = opener(true);
    expect(await ok.o.request('https://x.com/maria_k/status/1')).toBe('opened');
    expect(ok.opened).toEqual(['https://x.com/maria_k/status/1']);
  });

  it('never hands the system anything but http(s) without credentials, and does not even ask', async () => {
    const t = opener(true);
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'smb://share/x', 'ms-settings:', 'https://user:pw@example.com/', 'not a url']) {
      expect(await t.o.request(url), url).toBe('refused');
    }
    expect(t.asked).toEqual([]);
    expect(t.opened).toEqual([]);
  });

  it('one dialog at a time: a page cannot stack prompts', async () => {
    let release!: (v: boolean) => void;
    const t = opener(() => new Promise<boolean>((r) => { release = r; }));
    const first = t.o.request('https://a.example/');
    expect(await t.o.request('https://b.example/')).toBe('busy');
    release(true);
    expect(await first).toBe('opened');
    expect(t.opened).toEqual(['https://a.example/']);
  });
});
