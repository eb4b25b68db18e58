/** A small seeded PRNG (mulberry32): the same seed gives the same run's choices. */
export class Rng {
  private s: number;
  constructor(seed: number) { this.s = (seed * 0x9e3779b1) >>> 0 || 0x2545f491; }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** 0 … n-1 */
  int(n: number): number { return Math.floor(this.next() * n); }
  chance(p: number): boolean { return this.next() < p; }
  pick<T>(xs: readonly T[]): T { return xs[this.int(xs.length)]; }
  weighted<T>(xs: ReadonlyArray<readonly [T, number]>): T {
    let r = this.next() * xs.reduce((a, [, w]) => a + w, 0);
    for (const [x, w] of xs) if ((r -= w) < 0) return x;
    return xs[xs.length - 1][0];
  }
}
