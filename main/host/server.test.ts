import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { DesktopService } from '../core/service';
import { CONTENT_SECURITY_POLICY } from '../../shared/csp';
import { startWebHost, type WebHost } from './server';
import type { Loose } from '../../testing/json';

/** A recording stand-in for the core: this test is about the transport, not the core. */
function recordingService() {
  const calls: Array<[string, unknown]> = [];
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const service: DesktopService = {
    async handle(name, req) { calls.push([name, req]); return { echoed: name } as never; },
    on(event, cb) {
      const set = listeners.get(event) ?? new Set();
      set.add(cb as (p: unknown) => void);
      listeners.set(event, set);
      return () => set.delete(cb as (p: unknown) => void);
    },
    async close() {},
  };
  const emit = (event: string, payload: unknown) => listeners.get(event)?.forEach((cb) => cb(payload));
  return { service, calls, emit };
}

function connect(host: WebHost, opts: { token?: string; origin?: string } = {}): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${host.port}/rpc?token=${opts.token ?? host.token}`, { origin: opts.origin ?? host.origin });
  return new Promise((ok, fail) => { ws.once('open', () => ok(ws)); ws.once('error', fail); ws.once('unexpected-response', (_q, res) => fail(new Error(`HTTP ${res.statusCode}`))); });
}

function nextFrame(ws: WebSocket): Promise<Loose> {
  return new Promise((ok) => ws.once('message', (d) => ok(JSON.parse(String(d)))));
}

describe('web host', () => {
  const rec = recordingService();
  let host: WebHost;
  const dir = mkdtempSync(join(tmpdir(), 'tend-host-'));
  beforeAll(async () => {
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Tend</title>');
    host = await startWebHost({ service: rec.service, staticDir: dir });
  });
  afterAll(() => host.close());

  it('binds to loopback and puts the token in the URL fragment', () => {
    expect(host.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${host.port}/#token=[A-Za-z0-9_-]{32}$`));
  });

  it('serves the app with a CSP and never leaves the static folder', async () => {
    const res = await fetch(`${host.origin}/conversation/123`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    const escape = await fetch(`${host.origin}/..%2f..%2fetc%2fpasswd`);
    expect(escape.status).toBe(403);
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
  });

  it('answers 400, not 500, to a malformed % escape in the path', async () => {
    for (const path of ['/%', '/assets/%E0%A4%A.js', '/%zz']) {
      const res = await fetch(`${host.origin}${path}`);
      expect(res.status, path).toBe(400);
      expect(await res.text()).toContain('malformed % escape');
    }
  });

  it('refuses a WebSocket without the right token or from another origin', async () => {
    await expect(connect(host, { token: 'wrong' })).rejects.toThrow('401');
    await expect(connect(host, { token: '' })).rejects.toThrow('401');
    await expect(connect(host, { origin: 'http://evil.example' })).rejects.toThrow('403');
    expect(rec.calls).toEqual([]);
  });

  it('parses requests with the contract and answers {ok,value} | {ok:false,error}', async () => {
    const ws = await connect(host);
    ws.send(JSON.stringify({ id: 1, name: 'inbox.list', req: { tab: 'mine' } }));
    expect(await nextFrame(ws)).toEqual({ id: 1, ok: true, value: { echoed: 'inbox.list' } });
    expect(rec.calls.at(-1)).toEqual(['inbox.list', { tab: 'mine', sort: 'sla', offset: 0, limit: 100 }]);

    ws.send(JSON.stringify({ id: 2, name: 'inbox.list', req: { tab: 'everything' } }));
    expect(await nextFrame(ws)).toMatchObject({ id: 2, ok: false, error: { code: 'invalid' } });
    ws.send(JSON.stringify({ id: 3, name: 'process.exit', req: {} }));
    expect(await nextFrame(ws)).toMatchObject({ id: 3, ok: false, error: { code: 'unknown_request' } });
    ws.send('{not json');
    expect(await nextFrame(ws)).toMatchObject({ id: null, ok: false, error: { code: 'bad_frame' } });
    expect(rec.calls).toHaveLength(1);
    ws.close();
  });

  it('forwards core events to the page', async () => {
    const ws = await connect(host);
    const frame = nextFrame(ws);
    rec.emit('data.changed', { conversation_ids: ['c1'], inbox: true });
    expect(await frame).toEqual({ event: 'data.changed', payload: { conversation_ids: ['c1'], inbox: true } });
    ws.close();
  });
});
