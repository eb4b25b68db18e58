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
    const fakeFetch = (async () => (++n < 5 ? new Response('', { status: 502 }) : new Response('{"id":"7"}', { status: 200 }))) as typeof fetch;
    const delays: number[] = [];
    const out = await sendWithRetry({ method: 'POST', url: 'http://h/x', headers: {}, body: {} }, read, { attempts: 6, baseDelayMs: 4, maxDelayMs: 10, timeoutMs: 1000, budgetMs: 60_000 }, { fetch: fakeFetch, sleep: async (ms) => { delays.push(ms); }, random: () => 1 });
    expect(out).toEqual({ ok: true, platform_id: '7', permalink: null });
    expect(delays).toEqual([4, 8, 10, 10]);
  });

  it('stops within its time budget and leaves the next round to the hub', async () => {
    let clock = 0;
    const fakeFetch = (async () => { clock += 1000; return new Response('', { status: 503 }); }) as typeof fetch;
    const out = await sendWithRetry({ method: 'POST', url: 'http://h/x', headers: {}, body: {} }, read,
      { attempts: 10, baseDelayMs: 1000, maxDelayMs: 1000, timeoutMs: 1000, budgetMs: 5000 },
      { fetch: fakeFetch, now: () => clock, sleep: async (ms) => { clock += ms; }, random: () => 1 });
    // 1 s per attempt + 1 s wait: attempts start at 0, 2, 4 s; a fourth could end after 5 s
    expect(out).toEqual({ ok: false, error: 'gave up after 3 attempts: HTTP 503: Service Unavailable', retryable: true });
  });

  it('hands a long Retry-After back to the hub instead of sleeping through it', async () => {
    let calls = 0;
    const fakeFetch = (async () => { calls++; return new Response('{"title":"Too Many Requests","detail":"Too Many Requests"}', { status: 429, headers: { 'retry-after': '900' } }); }) as typeof fetch;
    const out = await sendWithRetry({ method: 'POST', url: 'http://h/x', headers: {}, body: {} }, read, policy, { fetch: fakeFetch });
    expect(out).toEqual({ ok: false, error: 'HTTP 429: Too Many Requests (platform asks to wait 900 s)', retryable: true, retry_after_ms: 900_000 });
    expect(calls).toBe(1);
  });
});
