import { describe, expect, it } from 'vitest';
import { dispatchPlatform, type PlatformShell } from './platform';

function shell() {
  const calls: unknown[][] = [];
  const s: PlatformShell = {
    notify: (n) => { calls.push(['notify', n]); return true; },
    setBadge: (count) => { calls.push(['badge', count]); return count > 0; },
    openExternal: async (url) => { calls.push(['open', url]); return url.startsWith('https:'); },
  };
  return { s, calls };
}

describe('platform requests in main', () => {
  it('notify, badge and open a link, each parsed by the contract', async () => {
    const { s, calls } = shell();
    expect(await dispatchPlatform(s, 'platform.notify', { title: 'New offer', body: 'Maria K. on X', tag: 'offer:c1' })).toEqual({ ok: true, value: { shown: true } });
    expect(await dispatchPlatform(s, 'platform.badge', { count: 3 })).toEqual({ ok: true, value: { shown: true } });
    expect(await dispatchPlatform(s, 'platform.openExternal', { url: 'https://x.com/a/status/1' })).toEqual({ ok: true, value: { opened: true } });
    expect(calls).toEqual([
      ['notify', { title: 'New offer', body: 'Maria K. on X', tag: 'offer:c1', silent: false }],
      ['badge', 3],
      ['open', 'https://x.com/a/status/1'],
    ]);
  });

  it('refuses bad input before the shell sees it', async () => {
    const { s, calls } = shell();
    expect(await dispatchPlatform(s, 'platform.notify', { title: '   ' })).toMatchObject({ ok: false, error: { code: 'invalid', message: expect.stringContaining('title') } });
    expect(await dispatchPlatform(s, 'platform.notify', { title: 'x'.repeat(121) })).toMatchObject({ ok: false, error: { code: 'invalid' } });
    expect(await dispatchPlatform(s, 'platform.badge', { count: -1 })).toMatchObject({ ok: false, error: { code: 'invalid' } });
    expect(await dispatchPlatform(s, 'platform.badge', { count: 1.5 })).toMatchObject({ ok: false, error: { code: 'invalid' } });
    expect(await dispatchPlatform(s, 'platform.openExternal', {})).toMatchObject({ ok: false, error: { code: 'invalid' } });
    expect(await dispatchPlatform(s, 'shell.openPath', { path: '/' })).toMatchObject({ ok: false, error: { code: 'unknown_request' } });
    expect(calls).toEqual([]);
  });
});
