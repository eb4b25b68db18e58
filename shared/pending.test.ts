import { describe, expect, it } from 'vitest';
import { PendingRequests } from './pending';

describe('PendingRequests', () => {
  it('matches answers to requests by id, once', async () => {
    const p = new PendingRequests<string>();
    const a = p.start(), b = p.start();
    expect(a.id).not.toBe(b.id);
    expect(p.resolve(b.id, 'B')).toBe(true);
    expect(p.resolve(b.id, 'again')).toBe(false);
    expect(p.reject(a.id, new Error('no'))).toBe(true);
    await expect(b.answer).resolves.toBe('B');
    await expect(a.answer).rejects.toThrow('no');
    expect(p.resolve(999, 'unknown')).toBe(false);
    expect(p.size).toBe(0);
  });

  it('settles every open request when the channel goes away', async () => {
    const p = new PendingRequests<number>();
    const [a, b] = [p.start(), p.start()];
    p.rejectAll(new Error('closed'));
    await expect(a.answer).rejects.toThrow('closed');
    await expect(b.answer).rejects.toThrow('closed');
    const c = p.start();
    p.resolveAll(-1);
    await expect(c.answer).resolves.toBe(-1);
    expect(p.size).toBe(0);
  });
});
