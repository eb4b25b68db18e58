import { expect, it } from 'vitest';
import { backoffDelay } from './backoff';

const policy = { baseMs: 500, maxMs: 30_000 };

it('grows exponentially up to the cap, with half of each delay random', () => {
  expect(backoffDelay(0, policy, () => 0)).toBe(250);
  expect(backoffDelay(0, policy, () => 1)).toBe(500);
  expect(backoffDelay(3, policy, () => 0.5)).toBe(3000);
  expect(backoffDelay(20, policy, () => 1)).toBe(30_000);
  expect(backoffDelay(1000, policy, () => 0)).toBe(15_000);
});

it('without jitter is exactly base·2^n, capped', () => {
  const exact = { baseMs: 1000, maxMs: 8000, jitter: 'none' as const };
  expect([0, 1, 2, 3, 4, 50].map((n) => backoffDelay(n, exact, () => 0.3))).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
});
