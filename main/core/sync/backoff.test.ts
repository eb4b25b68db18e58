import { expect, it } from 'vitest';
import { backoffDelay } from './backoff';

it('grows exponentially up to the cap, with half of each delay random', () => {
  expect(backoffDelay(0, 500, 30_000, () => 0)).toBe(250);
  expect(backoffDelay(0, 500, 30_000, () => 1)).toBe(500);
  expect(backoffDelay(3, 500, 30_000, () => 0.5)).toBe(3000);
  expect(backoffDelay(20, 500, 30_000, () => 1)).toBe(30_000);
  expect(backoffDelay(1000, 500, 30_000, () => 0)).toBe(15_000);
});
