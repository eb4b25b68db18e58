import { describe, expect, it, vi } from 'vitest';
import { DESKTOP_REQUEST_NAMES } from '../../shared/contract/desktop';
import { PLATFORM_REQUEST_NAMES } from '../../shared/contract/platform';
import type { PlatformShell } from './platform';
import type { DesktopService } from '../core/service';

const handlers = new Map<string, (event: unknown, req: unknown) => Promise<unknown>>();
vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, fn: (event: unknown, req: unknown) => Promise<unknown>) => { handlers.set(channel, fn); },
    removeHandler: (channel: string) => { handlers.delete(channel); },
  },
}));

const { registerIpc } = await import('./ipc');

function fakeEvent(url: string, mainFrame: boolean) {
  const frame = { url };
  return { senderFrame: frame, sender: { mainFrame: mainFrame ? frame : { url } } };
}

describe('Electron IPC adapter', () => {
  const calls: Array<[string, unknown]> = [];
  const service: DesktopService = {
    async handle(name, req) { calls.push([name, req]); return { ok: true } as never; },
    on: () => () => {},
    async close() {},
  };
  const shellCalls: unknown[][] = [];
  const platform: PlatformShell = {
    notify: (n) => { shellCalls.push(['notify', n]); return true; },
    setBadge: (count) => { shellCalls.push(['badge', count]); return true; },
    openExternal: async (url) => { shellCalls.push(['open', url]); return false; },
  };
  const unregister = registerIpc(service, () => null, platform);

  it('registers one handler per contract request: the core\'s and the shell\'s platform requests', () => {
    expect([...handlers.keys()].sort()).toEqual([...DESKTOP_REQUEST_NAMES, ...PLATFORM_REQUEST_NAMES].map((n) => `tend:${n}`).sort());
  });

  it('platform requests: the sender is checked and the request parsed before the shell does anything', async () => {
    const badge = handlers.get('tend:platform.badge')!;
    expect(await badge(fakeEvent('https://evil.example/', true), { count: 1 })).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } });
    expect(await handlers.get('tend:platform.openExternal')!(fakeEvent('app://tend/index.html', false), { url: 'https://x.com' }))
      .toMatchObject({ ok: false, error: { code: 'forbidden_sender' } });
    expect(await badge(fakeEvent('app://tend/index.html', true), { count: 'many' })).toMatchObject({ ok: false, error: { code: 'invalid' } });
    expect(shellCalls).toEqual([]);
    expect(await badge(fakeEvent('app://tend/index.html', true), { count: 2 })).toEqual({ ok: true, value: { shown: true } });
    expect(await handlers.get('tend:platform.openExternal')!(fakeEvent('app://tend/index.html', true), { url: 'https://x.com/a' }))
      .toEqual({ ok: true, value: { opened: false } });
    expect(shellCalls).toEqual([['badge', 2], ['open', 'https://x.com/a']]);
  });

  it('refuses senders outside the app origin or in a sub-frame, before the service sees anything', async () => {
    const h = handlers.get('tend:inbox.counts')!;
    expect(await h(fakeEvent('https://evil.example/', true), {})).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } });
    expect(await h(fakeEvent('app://tend/index.html', false), {})).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } });
    expect(calls).toEqual([]);
  });

  it('parses with the contract, then answers a Result', async () => {
    const h = handlers.get('tend:reply.send')!;
    expect(await h(fakeEvent('app://tend/index.html', true), { conversation_id: 'c1' })).toMatchObject({ ok: false, error: { code: 'invalid' } });
    expect(calls).toEqual([]);
    expect(await h(fakeEvent('app://tend/index.html', true), { conversation_id: 'c1', text: 'hi', visibility: 'public' }))
      .toEqual({ ok: true, value: { ok: true } });
    expect(calls).toEqual([['reply.send', { conversation_id: 'c1', text: 'hi', visibility: 'public', resolve: false }]]);
  });

  it('removes its handlers', () => {
    unregister();
    expect(handlers.size).toBe(0);
  });
});
