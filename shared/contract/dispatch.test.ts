import { describe, expect, it } from 'vitest';
import { dispatchRequest, isRequestName } from './dispatch';

describe('dispatchRequest', () => {
  const calls: Array<[string, unknown]> = [];
  const handle = async (name: string, req: unknown) => { calls.push([name, req]); return { seen: req }; };

  it('refuses unknown names without calling the service', async () => {
    calls.length = 0;
    expect(await dispatchRequest(handle, 'fs.readFile', {})).toMatchObject({ ok: false, error: { code: 'unknown_request' } });
    expect(await dispatchRequest(handle, '__proto__', {})).toMatchObject({ ok: false });
    expect(calls).toEqual([]);
  });
  it('refuses a request its schema rejects, naming the field', async () => {
    const r = await dispatchRequest(handle, 'reply.send', { conversation_id: 'c1', text: '', visibility: 'public' });
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid' } });
    expect(!r.ok && r.error.message).toContain('text');
    expect(calls).toEqual([]);
  });
  it('passes the parsed request (with defaults) to the service', async () => {
    const r = await dispatchRequest(handle, 'inbox.list', { tab: 'mine' });
    expect(r).toEqual({ ok: true, value: { seen: { tab: 'mine', sort: 'sla', offset: 0, limit: 100 } } });
  });
  it('turns a thrown error into {ok:false} with its code', async () => {
    const failing = async () => { throw Object.assign(new Error('hub unreachable'), { code: 'offline' }); };
    expect(await dispatchRequest(failing, 'session.status', {})).toEqual({ ok: false, error: { code: 'offline', message: 'hub unreachable' } });
  });
  it('knows the contract names', () => {
    expect(isRequestName('search')).toBe(true);
    expect(isRequestName('toString')).toBe(false);
  });
});
