import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Loose } from '../testing/json';

// The preload runs against Electron's renderer APIs; here they are recorded so the test can
// check exactly what the page gets.
const exposed: Record<string, Loose> = {};
const invoked: Array<[string, unknown]> = [];
const listeners = new Map<string, (...a: unknown[]) => void>();
let answer: (channel: string) => unknown = () => ({ ok: true, value: null });
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => { exposed[key] = api; } },
  ipcRenderer: {
    invoke: async (channel: string, req: unknown) => { invoked.push([channel, req]); return answer(channel); },
    on: (channel: string, cb: (...a: unknown[]) => void) => { listeners.set(channel, cb); },
    removeListener: (channel: string) => { listeners.delete(channel); },
  },
}));

describe('preload bridge', () => {
  beforeAll(async () => { await import('./preload'); });

  it('exposes only window.tend: the contract\'s invoke and on, the shell\'s notify, setBadgeCount and openExternal', () => {
    expect(Object.keys(exposed)).toEqual(['tend']);
    expect(Object.keys(exposed.tend).sort()).toEqual(['invoke', 'notify', 'on', 'openExternal', 'setBadgeCount']);
  });

  it('forwards contract requests on their own channel and refuses anything else', async () => {
    await exposed.tend.invoke('inbox.counts', {});
    expect(invoked).toEqual([['tend:inbox.counts', {}]]);
    expect(await exposed.tend.invoke('fs.readFile', {})).toMatchObject({ ok: false, error: { code: 'unknown_request' } });
    expect(invoked).toHaveLength(1);
  });

  it('offers the shell\'s notification, badge and confirmed link, each through its own channel', async () => {
    const answers: Record<string, unknown> = {
      'tend:platform.notify': { ok: true, value: { shown: true } },
      'tend:platform.badge': { ok: true, value: { shown: false } },
      'tend:platform.openExternal': { ok: false, error: { code: 'invalid', message: 'x' } },
    };
    answer = (channel) => answers[channel];
    expect(await exposed.tend.notify({ title: 'New offer', body: 'Maria K. on X', tag: 'offer:c1' })).toBe(true);
    expect(await exposed.tend.setBadgeCount(3)).toBe(false);
    expect(await exposed.tend.openExternal('https://x.com/a')).toBe(false);
    expect(invoked.slice(-3)).toEqual([
      ['tend:platform.notify', { title: 'New offer', body: 'Maria K. on X', tag: 'offer:c1' }],
      ['tend:platform.badge', { count: 3 }],
      ['tend:platform.openExternal', { url: 'https://x.com/a' }],
    ]);
    // not through invoke: that one carries the core's contract only
    expect(await exposed.tend.invoke('platform.notify', { title: 'x' })).toMatchObject({ ok: false, error: { code: 'unknown_request' } });
    const got: unknown[] = [];
    const off = exposed.tend.on('platform.notificationClicked', (p: unknown) => got.push(p));
    listeners.get('tend:event:platform.notificationClicked')!({}, { tag: 'offer:c1' });
    expect(got).toEqual([{ tag: 'offer:c1' }]);
    off();
  });

  it('subscribes only to contract events, without leaking the IPC event object', () => {
    const got: unknown[] = [];
    const off = exposed.tend.on('data.changed', (p: unknown) => got.push(p));
    listeners.get('tend:event:data.changed')!({ sender: 'secret' }, { conversation_ids: [], inbox: true });
    expect(got).toEqual([{ conversation_ids: [], inbox: true }]);
    off();
    expect(listeners.has('tend:event:data.changed')).toBe(false);
    exposed.tend.on('anything:else', () => {});
    expect(listeners.has('tend:event:anything:else')).toBe(false);
  });
});
