import { describe, expect, it } from 'vitest';
import { FeatureTable } from './feature-table';
import { hashString } from './features';

describe('FeatureTable', () => {
  it('finds every feature set, through growth, and nothing else', () => {
    const t = new FeatureTable<number>(4);
    const ids = Array.from({ length: 5000 }, (_, i) => hashString(`w${i}`, 1));
    const expected = new Map<number, number>();
    ids.forEach((id, i) => { t.set(id, i); expected.set(id, i); });
    expect(t.size).toBe(expected.size);
    for (const [id, v] of expected) expect(t.get(id)).toBe(v);
    expect(t.get(hashString('never set', 1))).toBeUndefined();
    // small sequential ids (the embedding head's dimensions) and id 0 too
    const d = new FeatureTable<string>();
    for (let i = 0; i < 512; i++) d.set(i, `d${i}`);
    expect(Array.from({ length: 512 }, (_, i) => d.get(i))).toEqual(Array.from({ length: 512 }, (_, i) => `d${i}`));
  });

  it('a second set replaces the value; null is a value (a feature known to carry no evidence)', () => {
    const t = new FeatureTable<number[] | null>();
    t.set(7, [1]);
    t.set(7, null);
    expect(t.get(7)).toBeNull();
    expect(t.size).toBe(1);
  });

  it('refuses an id that is not a non-negative 32-bit integer', () => {
    const t = new FeatureTable<number>();
    for (const bad of [-1, 1.5, 2 ** 31, Number.NaN]) expect(() => t.set(bad, 1)).toThrow(/non-negative 32-bit integer/);
    expect(t.size).toBe(0);
  });
});
