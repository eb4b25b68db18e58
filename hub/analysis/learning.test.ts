/**
 * Learning from corrections in proportion to the evidence: one correction does not relabel
 * unrelated posts, several consistent ones do, and a learned label says how many it rests on.
 */
import { describe, expect, it } from 'vitest';
import { createAnalyzer, MIN_EVIDENCE, type Correction } from './analyzer';
import { SoftmaxRegression } from './linear';
import { MemoryModelStore } from './model-store';
import { openAnalyzer } from './analyzer';

describe('corrections move the model in proportion to the evidence', () => {
  it('one intent correction does not turn an unrelated invoice post into a complaint', async () => {
    const a = createAnalyzer();
    const invoice = 'can you send me the invoice for March please';
    const before = a.analyze({ text: invoice }).intent;
    await a.learn({ text: 'the delivery guy threw my parcel over the fence', task: 'intent', label: 'complaint' });
    const after = a.analyze({ text: invoice });
    expect(after.intent).toBe(before);
    expect(after.reason).not.toMatch(/learned/);
  });

  it('a label the rules never propose wins only after several consistent corrections, and says how many', async () => {
    const a = createAnalyzer();
    const probe = 'the hinge on my laptop lid snapped after a month';
    const teach = (i: number): Correction => ({ text: [`the hinge on my phone case snapped`, `laptop lid hinge broke after two weeks`, `my laptop hinge cracked`, `hinge snapped on the lid again`][i], task: 'intent', label: 'warranty_claim' });
    const contrast: Correction[] = [
      { text: 'thanks for the quick delivery', task: 'intent', label: 'praise' },
      { text: 'love the new laptop, great screen', task: 'intent', label: 'praise' },
    ];
    await a.learnMany(contrast);
    for (let i = 0; i < MIN_EVIDENCE - 1; i++) {
      await a.learn(teach(i));
      expect(a.analyze({ text: probe }).intent, `after ${i + 1} corrections`).not.toBe('warranty_claim');
    }
    await a.learn(teach(MIN_EVIDENCE - 1));
    const r = a.analyze({ text: probe });
    expect(r.intent).toBe('warranty_claim');
    expect(r.reason).toContain(`warranty claim (learned from ${MIN_EVIDENCE} corrections`);
  });

  it('learns sentiment corrections into the linear model too, the same in one batch or one at a time, and keeps them', async () => {
    const batch: Correction[] = [];
    for (let i = 0; i < 10; i++) {
      batch.push({ text: `the seat ${i} recline is stuck, lovely`, task: 'sentiment', label: 'negative' });
      batch.push({ text: `crew on flight ${i} was kind`, task: 'sentiment', label: 'positive' });
      batch.push({ text: `which terminal for flight ${i}`, task: 'sentiment', label: 'neutral' });
    }
    const store = new MemoryModelStore();
    const one = await openAnalyzer({ store, workspaceId: 'w1' });
    for (const c of batch) await one.learn(c);
    const many = createAnalyzer();
    await many.learnMany([...batch].reverse());
    const probe = 'the tray table is stuck, lovely';
    expect(one.analyze({ text: probe })).toEqual(many.analyze({ text: probe }));
    expect(one.analyze({ text: probe }).sentiment.label).toBe('negative');
    const doc = await store.load('w1');
    expect(doc?.examples?.sentiment).toHaveLength(30);
    expect(doc?.linear?.sentiment?.labels).toEqual(['negative', 'neutral', 'positive']);
    const again = await openAnalyzer({ store, workspaceId: 'w1' });
    expect(again.analyze({ text: probe })).toEqual(one.analyze({ text: probe }));
  });
});

describe('SoftmaxRegression', () => {
  const ex = (ids: number[], label: string, key: number, weight = 1) => ({ ids: Int32Array.from(ids), label, key, weight });
  it('fits the same model whatever order the examples come in', () => {
    const data = [ex([1, 2], 'a', 1), ex([2, 3], 'a', 2), ex([4, 5], 'b', 3), ex([5, 6], 'b', 4), ex([1, 6], 'a', 5, 0.5)];
    const m1 = new SoftmaxRegression().fit(data);
    const m2 = new SoftmaxRegression().fit([...data].reverse());
    expect(JSON.stringify(m1.toJSON())).toBe(JSON.stringify(m2.toJSON()));
    expect(m1.predict(Int32Array.from([1, 3]))!.probabilities.a).toBeGreaterThan(0.5);
    expect(m1.predict(Int32Array.from([99]))!.known).toBe(0);
    const revived = SoftmaxRegression.fromJSON(JSON.parse(JSON.stringify(m1.toJSON())));
    expect(revived.predict(Int32Array.from([4]))!.probabilities.b).toBeCloseTo(m1.predict(Int32Array.from([4]))!.probabilities.b, 3);
    expect(() => SoftmaxRegression.fromJSON({ kind: 'x' } as never)).toThrow(/not a serialized linear model/);
  });
  it('lets a low-confidence example count for less', () => {
    const sure = new SoftmaxRegression().fit([ex([1], 'a', 1), ex([1], 'b', 2, 0.2), ex([2], 'b', 3)]);
    expect(sure.predict(Int32Array.from([1]))!.probabilities.a).toBeGreaterThan(0.5);
  });
});
