import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { sendWithRetry } from './delivery';

const read = (j: unknown) => ({ platform_id: String((j as { id: string }).id) });
const policy = { attempts: 3, baseDelayMs: 1, maxDelayMs: 10, timeoutMs: 2000, budgetMs: 60_000 };

describe('sendWithRetry', () => {
  it('retries network errors (connection refused) and reports a retryable failure at the end', async () => {
    // a port that was free a moment ago and has nobody listening now
    const port = await new Promise<number>((resolve) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => resolve(p)); }); });
    const retries: string[] = [];
    const out = await sendWithRetry({ method: 'POST', url: `http://127.0.0.1:${port}/x`, headers: {}, body: {} }, read, policy, { onRetry: (i) => retries.push(i.error) });
    expect(out).toMatchObject({ ok: false, retryable: true });
    expect(retries).toHaveLength(2);
    expect(retries[0]).toMatch(/network: ECONNREFUSED/);
  });

  it('treats a 2xx body it cannot read as a permanent failure', async () => {
    const fakeFetch = (async () => new Response('{"nothing":true}', { status: 200 })) as typeof fetch;
    expect(await sendWithRetry({ method: 'POST', url: 'http://h/x', headers: {}, body: {} }, () => { throw new Error('no id'); }, policy, { fetch: fakeFetch }))
      .toEqual({ ok: false, error: 'unexpected response: no id', retryable: false });
  });

  it('caps backoff at maxDelayMs', async () => {
    let n = 0;
    const fakeFetch = (async () => (++n < 5 ? new Response('', { status: 429 }) : new Response('{"id":"7"}', { status: 200 }))) as typeof fetch;
    const delays: number[] = [];
    const out = await sendWithRetry({ method: 'POST', url: 'http://h/x', headers: {}, body: {} }, read, { attempts: 6, baseDelayMs: 4, maxDelayMs: 10, timeoutMs: 1000, budgetMs: 60_000 }, { fetch: fakeFetch, sleep: async (ms) => { delays.push(ms); }, random: () => 1 });
    expect(out).toEqual({ ok: true, platform_id: '7', permalink: null });
    expect(delays).toEqual([4, 8, 10, 10]);
  });

  it('stops within its time budget and leaves the next round to the hub', async () => {
    let clock = 0;
    const fakeFetch = (async () => { clock += 1000; return new Response('', { status: 408 }); }) as typeof fetch;
    const out = await sendWithRetry({ method: 'POST', url: 'http://h/x', headers: {}, body: {} }, read,
      { attempts: 10, baseDelayMs: 1000, maxDelayMs: 1000, timeoutMs: 1000, budgetMs: 5000 },
      { fetch: fakeFetch, now: () => clock, sleep: async (ms) => { clock += ms; }, random: () => 1 });
    // 1 s per attempt + 1 s wait: attempts start at 0, 2, 4 s; a fourth could end after 5 s
    expect(out).toEqual({ ok: false, error: 'gave up after 3 attempts: HTTP 408: Request Timeout', retryable: true });
  });

  it('hands a long Retry-After back to the hub instead of sleeping through it', async () => {
    let calls = 0;
    const fakeFetch = (async () => { calls++; return new Response('{"title":"Too Many Requests","detail":"Too Many Requests"}', { status: 429, headers: { 'retry-after': '900' } }); }) as typeof fetch;
    const out = await sendWithRetry({ method: 'POST', url: 'http://h/x', headers: {}, body: {} }, read, policy, { fetch: fakeFetch });
    expect(out).toEqual({ ok: false, error: 'HTTP 429: Too Many Requests (platform asks to wait 900 s)', retryable: true, retry_after_ms: 900_000 });
    expect(calls).toBe(1);
  });

  it('a 5xx, a timeout and a reset after the request left are "unknown" at once: never retried blindly', async () => {
    let calls = 0;
    const e500 = (async () => { calls++; return new Response('{"errors":[{"message":"Internal error"}]}', { status: 500 }); }) as typeof fetch;
    expect(await sendWithRetry({ method: 'POST', url: 'http://h/x', headers: {}, body: {} }, read, policy, { fetch: e500 }))
      .toEqual({ ok: false, error: 'HTTP 500: Internal error', retryable: true, unknown: true });
    expect(calls).toBe(1);
    // a server that reads the request and closes the socket without answering
    const server = createServer((sock) => sock.once('data', () => sock.destroy()));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/x`;
    const reset = await sendWithRetry({ method: 'POST', url, headers: {}, body: { text: 'hi' } }, read, policy);
    expect(reset).toMatchObject({ ok: false, unknown: true });
    // and one that reads it and never answers: the client's timeout
    server.removeAllListeners('connection');
    server.on('connection', (sock) => sock.on('data', () => {}));
    const timeout = await sendWithRetry({ method: 'POST', url, headers: {}, body: { text: 'hi' } }, read, { ...policy, timeoutMs: 200 });
    expect(timeout).toMatchObject({ ok: false, unknown: true });
    expect((timeout as { error: string }).error).toMatch(/TimeoutError|UND_ERR/);
    server.close();
  });
});
