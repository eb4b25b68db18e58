import { beforeAll, describe, expect, it, vi } from 'vitest';

// The preload runs against Electron's renderer APIs; here they are recorded so the test can
// check exactly what the page gets.
const exposed: Record<string, any> = {};
const invoked: Array<[string, unknown]> = [];
const listeners = new Map<string, (...a: unknown[]) => void>();
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => { exposed[key] = api; } },
  ipcRenderer: {
    invoke: async (channel: string, req: unknown) => { invoked.push([channel, req]); return { ok: true, value: null }; },
    on: (channel: string, cb: (...a: unknown[]) => void) => { listeners.set(channel, cb); },
    removeListener: (channel: string) => { listeners.delete(channel); },
  },
}));

describe('preload bridge', () => {
  beforeAll(async () => { await import('./preload'); });

  it('exposes only window.tend with invoke and on', () => {
    expect(Object.keys(exposed)).toEqual(['tend']);
    expect(Object.keys(exposed.tend).sort()).toEqual(['invoke', 'on']);
  });

  it('forwards contract requests on their own channel and refuses anything else', async () => {
    await exposed.tend.invoke('inbox.counts', {});
    expect(invoked).toEqual([['tend:inbox.counts', {}]]);
    expect(await exposed.tend.invoke('fs.readFile', {})).toMatchObject({ ok: false, error: { code: 'unknown_request' } });
    expect(invoked).toHaveLength(1);
  });

  it('lets the shell\'s platform requests and events through (notification, badge, confirmed links)', async () => {
    await exposed.tend.invoke('platform.notify', { title: 'New offer' });
    await exposed.tend.invoke('platform.openExternal', { url: 'https://x.com' });
    expect(invoked.slice(-2)).toEqual([['tend:platform.notify', { title: 'New offer' }], ['tend:platform.openExternal', { url: 'https://x.com' }]]);
    expect(await exposed.tend.invoke('platform.openPath', { path: '/' })).toMatchObject({ ok: false, error: { code: 'unknown_request' } });
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
